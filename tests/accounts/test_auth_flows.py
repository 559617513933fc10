"""Password reset (through the outbox, after commit), password change, sign-out."""

import re

import pytest
from celery.signals import task_prerun
from django.urls import reverse

from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand-new-Passphrase-42"
RESET_LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def user():
    return UserFactory(email="reset.me@lonestar.example", full_name="Riley Reset")


@pytest.fixture
def tasks_run():
    """Names of the Celery tasks that ran during the test."""
    names = []

    def record(sender=None, **kwargs):
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


def _request_reset(client, email, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("password_reset"), {"email": email})
        # Nothing leaves before the request's transaction commits.
        assert mailoutbox == []
    return response, callbacks


def test_password_reset_email_goes_through_the_task_after_commit(
    client, user, django_capture_on_commit_callbacks, mailoutbox, tasks_run
):
    response, callbacks = _request_reset(client, user.email, django_capture_on_commit_callbacks, mailoutbox)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(callbacks) == 1
    # Through the outbox engine, as every email: an outbox row written in the request, sent by its task.
    assert tasks_run == ["ercot_services.core.tasks.send_outbound_email"]
    row = OutboundEmail.objects.get(key__startswith="password_reset:")
    assert (row.to, row.status, row.attempts) == ([user.email], OutboundEmail.Status.SENT, 1)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "Riley Reset" in message.body
    assert RESET_LINK.search(message.body)


def test_the_reset_link_sets_a_new_password(client, user, django_capture_on_commit_callbacks, mailoutbox):
    _request_reset(client, user.email, django_capture_on_commit_callbacks, mailoutbox)
    link = RESET_LINK.search(mailoutbox[0].body).group(1)

    # The link redirects to a URL without the token, which shows the form.
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    assert opened.context["validlink"] is True
    set_password_url = opened.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    # The old password no longer works, the new one does.
    old = client.post(reverse("login"), {"login": user.email, "password": PASSWORD})
    assert old.status_code == 200
    new = client.post(reverse("login"), {"login": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 302
    assert new["Location"] == reverse("home")

    # And the link works only once.
    client.post(reverse("logout"))
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_reset_for_an_unknown_email_sends_nothing_but_looks_the_same(
    client, user, django_capture_on_commit_callbacks, mailoutbox, tasks_run
):
    known, _ = _request_reset(client, user.email, django_capture_on_commit_callbacks, mailoutbox)
    mailoutbox.clear()
    tasks_run.clear()

    unknown, callbacks = _request_reset(
        client, "nobody@nowhere.example", django_capture_on_commit_callbacks, mailoutbox
    )

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("password_reset_done")
    assert callbacks == []
    assert tasks_run == []
    assert mailoutbox == []
    page = client.get(unknown["Location"]).content.decode()
    assert "Check your email" in page


def test_reset_for_an_inactive_user_sends_nothing(client, django_capture_on_commit_callbacks, mailoutbox):
    inactive = UserFactory(is_active=False)
    _request_reset(client, inactive.email, django_capture_on_commit_callbacks, mailoutbox)
    assert mailoutbox == []


def test_password_change(client, user):
    client.force_login(user)
    url = reverse("password_change")
    assert client.get(url).status_code == 200

    wrong = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors

    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in after the change (the session hash is updated).
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_change_enforces_the_validators(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_post_only(client, user):
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("landing")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:home")).status_code == 302


def test_every_page_offers_sign_out_as_a_form(client, user, participant):
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(participant=participant, user=user)
    client.force_login(user)
    page = client.get(reverse("portal:home")).content.decode()
    assert re.search(rf'<form method="post" action="{re.escape(reverse("logout"))}">', page)
