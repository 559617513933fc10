"""The notice email: text and HTML in the template's order, and the list headers (RFC 2369, 2919, 8058, 3834)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from notices.emails import build_message
from notices.models import Notice, NoticeDelivery, Subscription
from notices.services import notice_follow_up

from .conftest import subscribe

ORDER = [
    "NOTICE DATE:",
    "NOTICE TYPE:",
    "SHORT DESCRIPTION:",
    "INTENDED AUDIENCE:",
    "DAY(S) AFFECTED:",
    "LONG DESCRIPTION:",
    "ACTION REQUIRED:",
    "ADDITIONAL INFORMATION:",
    "CONTACT:",
]


@pytest.fixture
def notice(publish, public_list):
    subscribe(public_list, "reader@example.com")
    return publish(
        lists=[public_list],
        days_affected="April 23, 2024",
        action_required="Review the ACL Summary.",
        additional_information="See the MIS.",
        long_description="Changed; see **W-A042224-01**.",
        audience_codes=["QSE"],
    )


@pytest.fixture
def delivery(notice):
    return NoticeDelivery.objects.select_related("distribution_list").get(notice=notice)


def _positions(text):
    return [text.index(label) for label in ORDER]


def test_text_and_html_follow_the_template_order(notice, delivery):
    message = build_message(notice, delivery)
    assert message.subject.startswith(f"{notice.notice_id} Financial/Credit: ")
    positions = _positions(message.body)
    assert positions == sorted(positions)
    assert f"NOTICE TYPE: {notice.notice_id} Financial/Credit" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    positions = _positions(html)
    assert positions == sorted(positions)
    assert "<strong>" in html and 'href="/notices/W-A042224-01/"' in html


def test_list_headers(notice, delivery, settings):
    message = build_message(notice, delivery).message()
    assert message["List-Id"] == f"NOTICE_TEST <notice-test.{settings.SITE_URL.split('//')[1].split(':')[0]}>"
    unsubscribe = message["List-Unsubscribe"]
    match = re.fullmatch(r"<(https?://[^>]+)>, <mailto:([^>?]+)\?subject=([^>]+)>", unsubscribe)
    assert match, unsubscribe
    assert match.group(1).endswith(f"/notices/lists/unsubscribe/{delivery.token}/")
    assert match.group(2) == settings.NOTICE_UNSUBSCRIBE_MAILTO
    assert delivery.token in match.group(3)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_tokens_are_per_recipient_and_opaque(publish, public_list):
    subscribe(public_list, "one@example.com", "two@example.com")
    notice = publish(lists=[public_list])
    tokens = list(NoticeDelivery.objects.filter(notice=notice).values_list("token", flat=True))
    assert len(set(tokens)) == 2
    assert all("@" not in token and "example" not in token and len(token) >= 24 for token in tokens)


def test_message_id_is_deterministic_per_delivery(notice, delivery):
    first = build_message(notice, delivery).message()["Message-ID"]
    again = build_message(notice, NoticeDelivery.objects.get(pk=delivery.pk)).message()["Message-ID"]
    assert first == again == delivery.message_id
    assert re.fullmatch(r"<notice-\d+-[0-9a-f]{16}@[^>]+>", first) and "reader" not in first


def test_updates_and_cancellations_reply_to_the_thread_for_each_recipient(
    publish, publisher, public_list, django_assert_num_queries
):
    subscribe(public_list, "reader@example.com")
    original = publish(lists=[public_list])
    subscribe(public_list, "newcomer@example.com")  # joined after the original was sent
    update = publish(notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE))
    cancellation = publish(notice_follow_up(actor=publisher, previous=update, kind=Notice.Kind.CANCELLATION))

    def delivery_to(notice, email):
        return NoticeDelivery.objects.select_related("distribution_list").get(notice=notice, email=email)

    root, first_update = delivery_to(original, "reader@example.com"), delivery_to(update, "reader@example.com")
    message = build_message(original, root).message()
    assert message["In-Reply-To"] is None and message["References"] is None
    message = build_message(update, first_update).message()
    assert message["In-Reply-To"] == root.message_id and message["References"] == root.message_id
    message = build_message(cancellation, delivery_to(cancellation, "reader@example.com")).message()
    assert message["In-Reply-To"] == first_update.message_id
    assert message["References"] == f"{root.message_id} {first_update.message_id}"

    # The same Message-ID the newcomer would have had for the original: mail clients still group the thread.
    newcomer = delivery_to(update, "newcomer@example.com")
    message = build_message(update, newcomer).message()
    expected_root = NoticeDelivery(notice=original, email="newcomer@example.com").message_id
    assert message["In-Reply-To"] == message["References"] == expected_root != root.message_id
    with django_assert_num_queries(0):  # the thread is looked up once per notice, not once per message
        build_message(update, newcomer).message()


def test_message_id_survives_smtp(notice, delivery, smtp_sink):
    build_message(notice, delivery).send()
    build_message(notice, delivery).send()  # a resend
    received = smtp_sink.messages()
    assert [m["Message-ID"] for m in received] == [delivery.message_id] * 2
    assert received[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received[0].get_body(("plain",)) is not None and received[0].get_body(("html",)) is not None


def test_rfc8058_one_click_post_unsubscribes_at_once(publish, public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, "leaver@example.com", "stayer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        publish(lists=[public_list])
    sent = {m.to[0]: m for m in mail.outbox}
    url = re.match(r"<(https?://[^>]+)>", sent["leaver@example.com"].extra_headers["List-Unsubscribe"]).group(1)
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: as a mail client posts it
    response = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200  # no redirect
    assert Subscription.objects.get(email="leaver@example.com").status == Subscription.Status.UNSUBSCRIBED
    following = publish(lists=[public_list])
    assert list(NoticeDelivery.objects.filter(notice=following).values_list("email", flat=True)) == [
        "stayer@example.com"
    ]


def _one_click(delivery):
    return Client(enforce_csrf_checks=True).post(
        f"/notices/lists/unsubscribe/{delivery.token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_one_click_leaves_every_list_through_which_the_thread_reached_the_address(
    publish, publisher, public_list, lists, credit_contact
):
    """Subscribed to NOTICE_TEST and NOTICE_CREDIT, both carrying a credit notice: no update comes by the other list."""
    reader = "reader@example.com"
    subscribe(public_list, reader)
    subscribe(lists["NOTICE_CREDIT"], reader)
    subscribe(lists["NOTICE_OPERATIONS"], reader)  # a list this thread never used
    subscribe(public_list, credit_contact.email)  # a contact on NOTICE_CREDIT by role, and on NOTICE_TEST
    original = publish(lists=[public_list])
    for email in (reader, credit_contact.email.lower()):
        assert _one_click(NoticeDelivery.objects.get(notice=original, email=email)).status_code == 200

    update = publish(notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE))
    assert not NoticeDelivery.objects.filter(notice=update, email__in=[reader, credit_contact.email.lower()]).exists()
    statuses = dict(Subscription.objects.filter(email=reader).values_list("distribution_list__name", "status"))
    assert statuses == {
        "NOTICE_TEST": "unsubscribed",
        "NOTICE_CREDIT": "unsubscribed",
        "NOTICE_OPERATIONS": "confirmed",
    }


def test_one_click_for_an_mp_contact_records_an_opt_out(publish, credit_contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish()
    token = NoticeDelivery.objects.get(notice=first).token
    response = Client(enforce_csrf_checks=True).post(
        f"/notices/lists/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not NoticeDelivery.objects.filter(notice=publish()).exists()


def test_unknown_token_is_refused(db):
    response = Client(enforce_csrf_checks=True).post(
        "/notices/lists/unsubscribe/nope/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 404


def test_each_body_carries_its_recipients_unsubscribe_link(publish, public_list):
    subscribe(public_list, "one@example.com", "two@example.com")
    notice = publish(lists=[public_list])
    seen = set()
    for delivery in NoticeDelivery.objects.filter(notice=notice).select_related("distribution_list"):
        message = build_message(notice, delivery)  # the same notice instance: bodies rendered once
        url = f"/notices/lists/unsubscribe/{delivery.token}/"
        assert url in message.body and 'href="http' in message.alternatives[0][0]
        assert url in message.alternatives[0][0]
        assert "Placeholder" not in message.body + message.alternatives[0][0]
        seen.add(message.body)
    assert len(seen) == 2
