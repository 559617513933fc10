"""Second factors: who must have one, the enrolment that comes before anything else, the second step of signing in
(its lockout, replayed codes, recovery codes) and removing factors."""

import time
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse

from accounts.second_factor import (
    LAST_FACTOR_KEPT,
    SESSION_KEY,
    SecondFactorEnrolmentMiddleware,
    second_factor_required,
)
from accounts.selectors.second_factor import second_factor_user_ids
from tests.accounts.factories import PASSWORD, MembershipFactory, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 1, 18, 0, 5, tzinfo=UTC)  # 5 s into a 30-second period


def _portal_user(participant, **user):
    return MembershipFactory(participant=participant, user=UserFactory(**user)).user


def _mark_recently_reauthenticated(client, user):
    """As allauth records a fresh confirmation with a second factor, without going through its pages."""
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


# --- the rule ----------------------------------------------------------------------------------------------------


def test_staff_always_need_a_second_factor():
    assert second_factor_required(StaffFactory.build()) is True


def test_a_portal_user_needs_one_when_an_mp_they_belong_to_requires_it(participant, other_participant):
    user = _portal_user(participant)
    MembershipFactory(participant=other_participant, user=user)
    assert second_factor_required(user) is False

    other_participant.requires_second_factor = True
    other_participant.save(update_fields=["requires_second_factor"])

    assert second_factor_required(user) is True


def test_an_ended_membership_does_not_bring_the_mps_requirement(participant):
    participant.requires_second_factor = True
    participant.save(update_fields=["requires_second_factor"])
    membership = MembershipFactory(participant=participant)
    membership.is_active = False
    membership.save(update_fields=["is_active"])

    assert second_factor_required(membership.user) is False


def test_the_operator_can_require_it_of_everyone(settings, participant):
    user = _portal_user(participant)
    settings.MFA_REQUIRED_FOR_ALL = True
    assert second_factor_required(user) is True


def test_second_factor_user_ids_in_one_query(django_assert_num_queries):
    with_app = UserFactory(second_factor=True)
    with_codes_only = UserFactory()
    RecoveryCodes.activate(with_codes_only)
    without = UserFactory()

    with django_assert_num_queries(1):
        found = second_factor_user_ids([with_app.pk, with_codes_only.pk, without.pk])

    assert found == {with_app.pk}
    assert second_factor_user_ids([]) == set()


# --- enrolment before anything else ------------------------------------------------------------------------------


@pytest.fixture
def staff_without_factor():
    return StaffFactory(second_factor=False, groups=["Account Manager"])


@pytest.mark.parametrize("url", ["/workspace/", "/home/", "/admin/", "/accounts/preferences/", "/portal/"])
def test_a_staff_user_without_a_second_factor_is_sent_to_enrol(client, staff_without_factor, url):
    staff_without_factor.is_superuser = True
    staff_without_factor.save(update_fields=["is_superuser"])
    client.force_login(staff_without_factor)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_the_enrolment_page_says_why_and_sign_out_still_works(client, staff_without_factor):
    client.force_login(staff_without_factor)

    page = client.get(reverse("mfa_index"))

    assert page.status_code == 200
    assert "Add a second factor to continue" in page.content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_is_sent_to_enrol_with_hx_redirect(client, staff_without_factor):
    client.force_login(staff_without_factor)

    response = client.get("/workspace/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == reverse("mfa_index")


def test_a_staff_user_with_a_second_factor_goes_anywhere(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/workspace/").status_code == 200


def test_a_portal_user_of_an_mp_that_requires_it_is_sent_to_enrol(client, participant):
    participant.requires_second_factor = True
    participant.save(update_fields=["requires_second_factor"])
    client.force_login(_portal_user(participant))

    assert client.get(reverse("portal:home"))["Location"] == reverse("mfa_index")


def test_everyone_is_sent_to_enrol_when_the_operator_requires_it(client, settings, participant):
    settings.MFA_REQUIRED_FOR_ALL = True
    client.force_login(_portal_user(participant))

    assert client.get(reverse("portal:home"))["Location"] == reverse("mfa_index")


def test_a_portal_user_who_is_not_required_passes(client, participant):
    client.force_login(_portal_user(participant))
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_requirement_that_starts_mid_session_applies_at_the_next_check(client, settings, participant):
    user = _portal_user(participant)
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200

    participant.requires_second_factor = True
    participant.save(update_fields=["requires_second_factor"])
    with time_machine.travel(time.time() + settings.SECOND_FACTOR_RECHECK_SECONDS + 1):
        assert client.get(reverse("portal:home"))["Location"] == reverse("mfa_index")


def test_the_check_reads_the_session_not_the_database(client, staff_user, django_assert_num_queries):
    client.force_login(staff_user)
    request = RequestFactory().get("/workspace/")
    request.user = staff_user
    request.session = client.session
    assert request.session[SESSION_KEY]["state"] == "enrolled"
    middleware = SecondFactorEnrolmentMiddleware(lambda request: "the page")

    with django_assert_num_queries(0):
        assert middleware(request) == "the page"


def test_enrolling_an_authenticator_app_opens_the_site(client, staff_without_factor):
    client.force_login(staff_without_factor)

    # Adding a factor is a sensitive change: the password first (the user has no second factor yet).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200 and "There is a problem" in wrong.content.decode()

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    assert second_factor_user_ids([staff_without_factor.pk]) == {staff_without_factor.pk}
    assert client.get("/workspace/").status_code == 200


# --- the second step of signing in -------------------------------------------------------------------------------


def test_password_then_code_signs_a_staff_user_in(client, staff_user):
    first = client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
    assert first["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in until the second step
    step = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Code from your authenticator app" in step
    assert "Use a passkey or security key" not in step  # this user has no key

    second = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert second.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_a_wrong_code_keeps_the_form_with_an_error(client, staff_user):
    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": "12345x"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Incorrect code." in page
    assert 'value="12345x"' in page
    assert "_auth_user_id" not in client.session


def test_a_replayed_code_is_refused(client, staff_user):
    with time_machine.travel(NOON, tick=False):
        code = totp_code()
        client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        client.post(reverse("logout"))

        client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
        replayed = client.post(reverse("mfa_authenticate"), {"code": code})

    assert replayed.status_code == 200
    assert "Incorrect code." in replayed.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, staff_user):
    [code, *_] = RecoveryCodes.activate(staff_user).get_unused_codes()

    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)
    client.post(reverse("logout"))

    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
    reused = client.post(reverse("mfa_authenticate"), {"code": code})

    assert reused.status_code == 200
    assert "Incorrect code." in reused.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_end_the_half_finished_sign_in(client, settings, staff_user):
    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
    for _ in range(settings.MFA_CODE_FAILURE_LIMIT - 1):
        assert "Incorrect code." in client.post(reverse("mfa_authenticate"), {"code": "000000x"}).content.decode()

    last = client.post(reverse("mfa_authenticate"), {"code": "000000x"})

    assert "Too many wrong codes" in last.content.decode()
    # The sign-in is over: even the right code now goes back to the password.
    again = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert again.status_code == 302 and again["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_allauths_rate_limit_on_codes_holds_across_sign_ins(client, settings, staff_user):
    """Starting the sign-in again does not reset allauth's count of wrong codes for the user (5 in 5 minutes)."""
    settings.MFA_CODE_FAILURE_LIMIT = 100
    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000x"})
    client.post(reverse("login"), {"login": staff_user.email, "password": PASSWORD})

    limited = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert "Too many failed login attempts" in limited.content.decode()
    assert "_auth_user_id" not in client.session


# --- removing factors --------------------------------------------------------------------------------------------


def test_removing_a_factor_asks_for_a_fresh_second_factor_not_the_password(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    page = client.get(response["Location"]).content.decode()
    assert reverse("account_reauthenticate") not in page  # no "use your password instead"


def test_a_staff_user_cannot_remove_their_last_factor(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("mfa_deactivate_totp"))
    client.post(response["Location"], {"code": totp_code()})  # the fresh second factor

    refused = client.post(reverse("mfa_deactivate_totp"))

    assert refused.status_code == 200
    assert LAST_FACTOR_KEPT in refused.content.decode()
    assert Authenticator.objects.filter(user=staff_user, type=Authenticator.Type.TOTP).exists()


def test_a_user_who_is_not_required_may_remove_their_last_factor(client, participant):
    user = _portal_user(participant, second_factor=True)
    client.force_login(user)
    _mark_recently_reauthenticated(client, user)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()


def _passkey(user, name="Blue key"):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}, "passwordless": True}
    )


def test_the_last_passkey_of_a_staff_user_stays(client):
    user = StaffFactory(second_factor=False)
    key = _passkey(user)
    client.force_login(user)
    _mark_recently_reauthenticated(client, user)

    page = client.get(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert page.status_code == 200 and "This is your last second factor" in page.content.decode()
    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]), follow=True)

    assert LAST_FACTOR_KEPT in response.content.decode()
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_a_passkey_may_go_while_another_factor_remains(client, staff_user):
    key = _passkey(staff_user)
    client.force_login(staff_user)
    _mark_recently_reauthenticated(client, staff_user)

    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()


def test_another_users_passkey_is_not_found(client, staff_user):
    key = _passkey(StaffFactory())
    client.force_login(staff_user)
    _mark_recently_reauthenticated(client, staff_user)

    assert client.post(reverse("mfa_remove_webauthn", args=[key.pk])).status_code == 404
    assert client.post(reverse("mfa_edit_webauthn", args=[key.pk]), {"name": "Mine now"}).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()
    key.refresh_from_db()
    assert key.data["name"] == "Blue key"


def test_a_passkey_is_renamed(client, staff_user):
    key = _passkey(staff_user)
    client.force_login(staff_user)
    _mark_recently_reauthenticated(client, staff_user)

    blank = client.post(reverse("mfa_edit_webauthn", args=[key.pk]), {"name": ""})
    assert blank.status_code == 200 and "There is a problem" in blank.content.decode()
    response = client.post(reverse("mfa_edit_webauthn", args=[key.pk]), {"name": "Work laptop"})

    assert response.status_code == 302
    key.refresh_from_db()
    assert key.data["name"] == "Work laptop"


def test_the_passkey_list_shows_only_ones_own_keys(client, staff_user):
    _passkey(staff_user, name="Mine")
    _passkey(StaffFactory(), name="Someone else's")
    client.force_login(staff_user)

    page = client.get(reverse("mfa_list_webauthn")).content.decode()

    assert "Mine" in page and "Someone else" not in page


# --- the Security page -------------------------------------------------------------------------------------------


def test_the_user_menu_leads_to_the_security_page(client, staff_user):
    client.force_login(staff_user)
    home = client.get("/workspace/").content.decode()
    assert f'href="{reverse("mfa_index")}">Security<' in home

    page = client.get(reverse("mfa_index")).content.decode()

    assert "An authenticator app is set up" in page
    assert "Your account must keep at least one" in page


def test_the_security_page_needs_sign_in(client):
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_security_page_has_a_bounded_number_of_queries(client, staff_user, django_assert_max_num_queries):
    _passkey(staff_user)
    _passkey(staff_user, name="Backup key")
    RecoveryCodes.activate(staff_user)
    client.force_login(staff_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("mfa_index")).status_code == 200
