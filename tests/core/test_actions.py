"""The one action view (``ercot_services.core.actions.ActionView``) and the one ``next`` check (``safe_next_url``)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from ercot_services.core.actions import ActionView, safe_next_url
from ercot_services.core.models import DomainError


class RenameForm(forms.Form):
    name = forms.CharField(max_length=20)
    note = forms.CharField(required=False)


class RenameView(ActionView):
    """Renames a thing; the service refuses the name "taken", and "note" when it names a field."""

    form_class = RenameForm
    success_url = "/things/"

    def get_initial(self):
        return {"name": "old"}

    def render_form(self, form, status=200):
        errors = "|".join(f"{field}:{msg}" for field, msgs in form.errors.items() for msg in msgs)
        return HttpResponse(f"name={form['name'].value()} errors={errors}", status=status)

    def perform(self, form):
        name = form.cleaned_data["name"]
        if name == "taken":
            raise DomainError("That name is taken: choose another.")
        if name == "invalid":
            raise DomainError.from_validation_error(
                ValidationError({"name": ["Too vague."], "legal_name": ["Already registered."]}), code="invalid"
            )
        if name == "bad-note":
            error = DomainError("The note must say why.")
            error.field = "note"
            raise error
        self.success_message = f"Renamed to {name}."
        return name


def _request(method: str, data=None, **extra):
    factory = RequestFactory()
    request = factory.post("/rename/", data or {}, **extra) if method == "post" else factory.generic(method, "/rename/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_get_shows_the_form_prefilled():
    response = RenameView.as_view()(_request("get"))

    assert response.status_code == 200
    assert response.content.decode() == "name=old errors="


def test_a_valid_post_calls_the_service_then_redirects_with_a_message():
    request = _request("post", {"name": "new"})

    response = RenameView.as_view()(request)

    assert response.status_code == 302
    assert response["Location"] == "/things/"
    assert [str(m) for m in get_messages(request)] == ["Renamed to new."]


def test_a_domain_error_shows_on_the_form_with_status_400_and_what_was_typed_kept():
    request = _request("post", {"name": "taken", "note": "x"})

    response = RenameView.as_view()(request)

    assert response.status_code == 400
    assert response.content.decode() == "name=taken errors=__all__:That name is taken: choose another."
    assert list(get_messages(request)) == []


def test_a_domain_error_naming_a_field_goes_on_that_field():
    response = RenameView.as_view()(_request("post", {"name": "bad-note"}))

    assert response.status_code == 400
    assert response.content.decode() == "name=bad-note errors=note:The note must say why."


def test_an_invalid_form_is_shown_again_with_status_400_and_the_service_is_not_called():
    response = RenameView.as_view()(_request("post", {"name": "x" * 21}))

    assert response.status_code == 400
    assert "name=" + "x" * 21 in response.content.decode()
    assert "errors=name:" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_another_method_is_refused_with_405(method):
    response = RenameView.as_view()(_request(method))

    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]


# --- safe_next_url ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/portal/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "",
    ],
)
def test_a_next_off_this_site_falls_back(target):
    request = RequestFactory().post("/x/", {"next": target})

    assert safe_next_url(request, "/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", ["/workspace/action-items/?owner=me&page=2", "http://testserver/portal/plan/"])
def test_a_next_on_this_site_is_kept(target):
    assert safe_next_url(RequestFactory().post("/x/", {"next": target}), "/fallback/") == target


def test_next_is_read_from_the_query_string_when_the_post_has_none():
    request = RequestFactory().get("/x/", {"next": "/portal/plan/"})

    assert safe_next_url(request, "/fallback/") == "/portal/plan/"


def test_on_https_a_plain_http_next_falls_back():
    request = RequestFactory().post("/x/", {"next": "http://testserver/portal/"}, secure=True)

    assert safe_next_url(request, "/fallback/") == "/fallback/"


@pytest.mark.parametrize(
    "target", ["/workspace/", "/portal//evil.example/", "https://evil.example/portal/", "/portal\\evil.example"]
)
def test_a_next_outside_the_area_it_must_stay_under_falls_back(target):
    request = RequestFactory().post("/x/", {"next": target})

    assert safe_next_url(request, "/portal/plan/", under="/portal/") == "/portal/plan/"


def test_a_next_inside_the_area_is_kept():
    request = RequestFactory().post("/x/", {"next": "/portal/plan/meetings/4/"})

    assert safe_next_url(request, "/portal/plan/", under="/portal/") == "/portal/plan/meetings/4/"


def test_a_wrapped_validation_shows_each_message_at_its_field_and_the_others_above_the_form():
    response = RenameView.as_view()(_request("post", {"name": "invalid", "note": "kept"}))

    assert response.status_code == 400
    assert response.content.decode() == "name=invalid errors=name:Too vague.|__all__:Already registered."
