"""One canonical form of an email address: stored, looked up at sign-in and password reset, and used as the lockout key.

PostgreSQL's case-insensitive match (``UPPER``) folds ``ſ`` (long s) to ``S`` and ``ı`` (dotless i) to ``I``, so
looking users up with ``iexact`` let look-alike spellings reach an account that the lockout, keyed on a Python
lower-casing, counted separately. Every spelling that reaches an account must count against that account.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.email_address import canonical_email
from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"
ADDRESS = "wade.lambert@westtexaswind.example"
LONG_S = "wade.lambert@we\u017fttexaswind.example"  # ſ: NFKC and casefold make it "s": the same address
DOTLESS_I = "wade.lambert@westtexasw\u0131nd.example"  # ı: a different address, which reaches no account


def _sign_in(client, email, password):
    return client.post(reverse("login"), {"login": email, "password": password})


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def wade():
    return UserFactory(email=ADDRESS)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("  Wade.Lambert@WestTexasWind.example ", ADDRESS),
        (LONG_S, ADDRESS),
        ("WADE.LAMBERT@WE\u017fTTEXASWIND.EXAMPLE", ADDRESS),
        ("wade.lambert@westte\u0445aswind.example", "wade.lambert@westte\u0445aswind.example"),  # Cyrillic х stays
        (DOTLESS_I, DOTLESS_I),
        ("\uff57ade.lambert@westtexaswind.example", ADDRESS),  # fullwidth w
        ("\u212aelvin@example.com", "kelvin@example.com"),  # Kelvin sign
    ],
)
def test_canonical_email_normalises_width_and_case_and_keeps_distinct_letters(typed, canonical):
    assert canonical_email(typed) == canonical


def test_an_address_is_stored_in_its_canonical_form_however_it_is_created():
    created = User.objects.create_user(email="Wade.Lambert@We\u017ftTexasWind.example", password=PASSWORD)
    saved = User(email=" Ana.Ruiz@Example.COM ", full_name="Ana Ruiz")
    saved.save()

    created.refresh_from_db()
    saved.refresh_from_db()
    assert created.email == ADDRESS
    assert saved.email == "ana.ruiz@example.com"


def test_a_second_account_under_a_look_alike_spelling_is_refused_by_full_clean(wade):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        User(email=LONG_S.upper(), full_name="Impostor").full_clean()
    assert "email" in error.value.message_dict


@pytest.mark.postgres
def test_a_look_alike_spelling_with_the_right_password_is_locked_with_the_account(client, wade):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, ADDRESS, WRONG)
    assert _sign_in(client, ADDRESS, PASSWORD).status_code == 429

    response = _sign_in(client, LONG_S, PASSWORD)

    assert response.status_code == 429
    assert not _is_signed_in(client)


@pytest.mark.postgres
def test_failures_under_every_spelling_that_reaches_the_account_count_against_it(client, wade):
    spellings = [LONG_S, ADDRESS.upper(), LONG_S.upper(), " " + ADDRESS, "Wade.Lambert@We\u017ftTexasWind.example"]
    assert len(spellings) == settings.AXES_FAILURE_LIMIT
    for spelling in spellings:
        _sign_in(client, spelling, WRONG)

    response = _sign_in(client, ADDRESS, PASSWORD)

    assert response.status_code == 429
    assert not _is_signed_in(client)


@pytest.mark.postgres
def test_a_spelling_that_is_another_address_reaches_no_account(client, wade):
    response = _sign_in(client, DOTLESS_I, PASSWORD)

    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert response.context["form"].non_field_errors()


@pytest.mark.postgres
def test_the_long_s_spelling_still_signs_in_as_the_same_person(client, wade):
    response = _sign_in(client, LONG_S, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(wade.pk)


@pytest.mark.postgres
def test_password_reset_goes_to_the_stored_address_and_never_to_another_one(
    client, wade, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": DOTLESS_I})
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": LONG_S.upper()})
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_the_canonical_email_migration_rewrites_addresses_and_reports_collisions(capsys):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0010_canonical_user_emails")
    kept = UserFactory(email="ana.ruiz@example.com")
    # Rows written before the rule, bypassing save(): one that becomes canonical, one that collides.
    User.objects.bulk_create([User(email="Wade.Lambert@WestTexasWind.example", full_name="Wade")])
    User.objects.bulk_create([User(email="ANA.RUIZ@example.com", full_name="Ana again")])

    migration.canonicalise_user_emails(apps, None)

    assert User.objects.filter(email=ADDRESS).count() == 1
    assert User.objects.filter(email="ANA.RUIZ@example.com").exists()  # left as it was, and reported
    assert User.objects.get(pk=kept.pk).email == "ana.ruiz@example.com"
    assert "ANA.RUIZ@example.com" in capsys.readouterr().out
