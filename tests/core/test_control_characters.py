"""No input ends in a 500: NUL and other control characters are taken out of every query string, form and cookie.

PostgreSQL refuses NUL in text (``/portal/cases/?q=%00`` was a 500) and XML feeds cannot carry control characters.
The pages are found by walking the URL resolver: every page without URL arguments that answers a GET, opened by
someone who may see it, gets every parameter its GET forms have and every parameter the code reads from
``request.GET``, with control characters in it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Case
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CONTROL_VALUES = ["\x00", "a\x00b", "\x01\x08\x0b\x0c\x1b\x1f", "\t\n\r"]
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/")
APPS = ("accounts", "registration", "qualification", "notices", "ercot_services")
GET_NAME = re.compile(r"""(?:GET|params)(?:\.get|\.getlist)?[\(\[]\s*["'](\w+)["']""")


def _pages(resolver=None, prefix="/") -> list[str]:
    """Every URL of the project that takes no argument."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if entry.pattern.regex.groups:  # takes arguments: a detail page, not a list
            continue
        path = prefix + str(entry.pattern).lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            found += _pages(entry, path)
        elif isinstance(entry, URLPattern) and re.fullmatch(r"[\w/.\-]*", path):
            found.append(path)
    return sorted({path for path in found if not path.startswith(SKIPPED_PREFIXES)})


def _names_read_by_the_code() -> set[str]:
    root = Path(settings.BASE_DIR)
    names = set()
    for app in APPS:
        for source in (root / app).rglob("*.py"):
            names |= set(GET_NAME.findall(source.read_text()))
    return names


class _GetFormFields(HTMLParser):
    """Names of the fields inside the page's GET forms."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self._in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _form_fields(response) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = _GetFormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names


@pytest.fixture
def clients(client, mp_user, django_user_model):
    """A client for each area, signed in as someone who may see its pages."""
    from django.test import Client

    staff = UserFactory(email="admin@ercot.example", is_staff=True, is_superuser=True)
    portal, workspace = Client(), Client()
    portal.force_login(mp_user)
    workspace.force_login(staff)
    return {"/portal/": portal, "/workspace/": workspace, "/": client}


def _body(response) -> bytes:
    """The whole body, of a streamed download (a CSV template) too."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _client_for(clients, path):
    return next(c for prefix, c in clients.items() if path.startswith(prefix))


def test_every_search_and_filter_page_survives_control_characters_in_every_parameter(clients):
    code_names = _names_read_by_the_code()
    checked = []
    for path in _pages():
        client = _client_for(clients, path)
        baseline = client.get(path)
        if baseline.status_code != 200:
            continue
        names = sorted(_form_fields(baseline) | code_names | {"q", "page"})
        for name in names:
            response = client.get(path, {name: "a\x00b"})
            assert response.status_code < 500, (path, name)
        for value in CONTROL_VALUES:
            response = client.get(path, dict.fromkeys(names, value))
            assert response.status_code < 500, (path, repr(value))
            assert b"\x00" not in _body(response), (path, repr(value))
        checked.append(path)

    for expected in ("/portal/cases/", "/workspace/cases/", "/workspace/participants/", "/notices/", "/notices/feed/"):
        assert expected in checked, f"{expected} was not checked (checked: {checked})"


def test_a_nul_in_the_path_is_a_bad_request_not_a_server_error(clients):
    portal = clients["/portal/"]
    response = portal.get("/portal/cases/CS-%00/")
    assert response.status_code == 400
    assert clients["/"].get("/notices/M-%00-01/").status_code == 400


def test_a_nul_in_a_cookie_is_ignored(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "\x00" * 32
    response = client.get("/notices/")
    assert response.status_code == 200


def test_control_characters_are_taken_out_of_a_form_post_and_line_breaks_kept(
    client, django_capture_on_commit_callbacks
):
    data = {
        "name": "Dana\x00 Prospect",
        "company": "Lone Star Newco LLC",
        "email": "dana@newco.example",
        "phone": "512-555-0101",
        "subject": "Becoming\x0b a REP",
        "message": "We plan to serve\x00 residential customers.\r\nIn Oncor\x1b territory\tnext year.",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", data)

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.contact_name == "Dana Prospect"
    assert "\x00" not in case.description and "\x1b" not in case.description and "\x0b" not in case.subject
    assert "We plan to serve residential customers.\r\nIn Oncor territory\tnext year." in case.description
