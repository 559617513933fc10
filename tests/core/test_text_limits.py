"""Free text has a maximum: the forms refuse longer text with a clear message and keep what was typed, and the
models refuse it in ``full_clean()`` (a 3 MB case description used to be accepted and rendered)."""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cases.models import Case, CaseCategory, CaseKind
from ercot_services.core.text_limits import MESSAGE_TEXT

pytestmark = pytest.mark.django_db

THREE_MB = "x" * (3 * 1024 * 1024)
TOO_LONG_MESSAGE = "Ensure this value has at most"

# Text the application writes itself (error logs, rendered emails, calendar files), never typed by a person.
MACHINE_TEXT = {
    ("accounts", "casenotification", "body"),
    ("accounts", "casenotification", "last_error"),
    ("core", "outboundemail", "body"),
    ("core", "outboundemail", "html"),
    ("core", "outboundemail", "calendar"),
    ("core", "outboundemail", "last_error"),
    ("core", "auditevent", "reason"),
    ("qualification", "letterdelivery", "last_error"),
    ("notices", "noticedelivery", "last_error"),
    ("notices", "suppression", "detail"),
    ("registration", "application", "attestation_text"),
}
PROJECT_APPS = {"core", "accounts", "registration", "qualification", "notices"}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_free_text_model_field_has_a_maximum_that_full_clean_enforces():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if key in MACHINE_TEXT:
                continue
            limit = field.max_length
            if limit is None or not any(getattr(v, "limit_value", None) == limit for v in field.validators):
                unbounded.append(".".join(key))
    assert unbounded == []


def test_every_free_text_form_field_has_a_maximum():
    # Import every form module, so that every form class is defined.
    import importlib
    import pkgutil

    for app in ("accounts", "registration", "qualification", "notices"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" in module.name or module.name.endswith(("admin", "filters")):
                importlib.import_module(module.name)
    unbounded = []
    for form_class in set(_all_subclasses(forms.BaseForm)):
        if not form_class.__module__.startswith(("accounts", "registration", "qualification", "notices")):
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea) and not field.max_length:
                unbounded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert sorted(set(unbounded)) == []


def test_a_case_description_over_the_limit_is_refused_by_full_clean(participant, mp_user):
    case = Case(
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.first(),
        participant=participant,
        submitted_by=mp_user,
        subject="Too long",
        description=THREE_MB,
    )
    with pytest.raises(ValidationError) as error:
        case.full_clean()
    assert TOO_LONG_MESSAGE in str(error.value.message_dict["description"])


def test_a_description_at_the_limit_is_accepted_by_full_clean(participant, mp_user):
    case = Case(
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.first(),
        participant=participant,
        submitted_by=mp_user,
        subject="Long but allowed",
        description="x" * MESSAGE_TEXT,
    )
    case.full_clean(exclude=["reference"])


def test_a_3_mb_inquiry_is_refused_with_the_message_and_keeps_what_was_typed(client, mp_user):
    client.force_login(mp_user)
    response = client.post(
        reverse("portal:case-new-inquiry"),
        {"category": CaseCategory.objects.first().pk, "subject": "A very long question", "description": THREE_MB},
    )

    assert response.status_code == 400  # the form again, with its errors
    form = response.context["form"]
    assert TOO_LONG_MESSAGE in " ".join(form.errors["description"])
    assert form["subject"].value() == "A very long question"
    assert form["description"].value() == THREE_MB
    assert not Case.objects.exists()


def test_a_3_mb_contact_message_is_refused_with_the_message_and_keeps_what_was_typed(client):
    cache.clear()
    data = {
        "name": "Dana Prospect",
        "company": "Lone Star Newco LLC",
        "email": "dana@newco.example",
        "phone": "512-555-0101",
        "subject": "Becoming a REP",
        "message": THREE_MB,
        "website": "",
    }
    response = client.post(reverse("contact"), data)

    assert response.status_code == 400  # the form again, with its errors
    form = response.context["form"]
    assert TOO_LONG_MESSAGE in " ".join(form.errors["message"])
    assert form["company"].value() == "Lone Star Newco LLC"
    assert form["message"].value() == THREE_MB
    assert not Case.objects.exists()
