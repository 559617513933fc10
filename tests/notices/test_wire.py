"""Notice messages serialized once per chunk with each recipient's parts spliced in (notices/wire.py): the bytes are
the old builder's, but for the Date, the MIME boundary and the second the preferences link was signed in."""

from __future__ import annotations

import email
import email.policy
import itertools
import re

import pytest
from django.core import signing
from django.core.mail.message import sanitize_address

from notices.emails import build_message
from notices.models import Notice, NoticeDelivery
from notices.selectors import preferences_email
from notices.services import notice_follow_up
from notices.tasks import send_notice_chunk
from notices.wire import _STAND_IN_EMAIL, wire_address, wire_message

from .conftest import subscribe

pytestmark = pytest.mark.django_db

READERS = ["reader@example.com", "First.Last+notices@Example.COM", "o'brien@sub.example.org", "x@example.com"]


def _normalized(data: bytes) -> bytes:
    """``data`` with the parts that depend on when it was built, not on the recipient, made comparable.

    The Date header and the MIME boundary (made once per chunk) are blanked out. The preferences link's token is
    ``signing.dumps(email)``: a timestamped signature, so two builds a second apart give two tokens (their signing
    second differs, and the signature with it) for the same address. Each token is replaced by the address it
    verifies to: a message still has to carry a valid link for its own recipient, whenever it was signed.
    """
    boundary = re.search(rb'boundary="([^"]+)"', data).group(1)
    data = re.sub(rb"(?m)^Date: [^\r\n]*", b"Date: -", data.replace(boundary, b"BOUNDARY"))
    return re.sub(
        rb"/notices/lists/preferences/([^/\s\"<>]+)/",
        lambda m: b"/notices/lists/preferences/<signed:%s>/" % preferences_email(m.group(1).decode()).encode(),
        data,
    )


def _old_bytes(notice, delivery) -> bytes:
    return build_message(notice, delivery).message().as_bytes(linesep="\r\n")


def _deliveries(notice) -> list[NoticeDelivery]:
    rows = list(NoticeDelivery.objects.filter(notice=notice).select_related("distribution_list").order_by("pk"))
    for row in rows:
        row.notice = notice  # one instance, as a chunk has
    return rows


@pytest.fixture
def notice(publish, public_list):
    subscribe(public_list, *READERS)
    return publish(
        lists=[public_list],
        days_affected="April 23, 2024",
        action_required="Review the ACL Summary — by Friday.",  # non-ASCII: an 8bit body
        long_description="Changed; see **W-A042224-01**.\n\n* one\n* two",
        audience_codes=["QSE"],
    )


def test_each_message_is_the_old_builders_bytes_but_for_date_and_boundary(notice):
    deliveries = _deliveries(notice)
    assert len(deliveries) == len(READERS)
    for delivery in deliveries:
        wired = wire_message(delivery)
        assert wired is not None
        assert _normalized(wired.data) == _normalized(_old_bytes(notice, delivery))
        assert wired.to == [sanitize_address(delivery.email, "utf-8")]
        assert wired.message_id == delivery.message_id


def test_recipient_parts_differ_per_message_and_nothing_else(notice):
    deliveries = _deliveries(notice)
    parsed = [email.message_from_bytes(wire_message(d).data, policy=email.policy.default) for d in deliveries]
    assert len({m["Message-ID"] for m in parsed}) == len(deliveries)
    for delivery, message in zip(deliveries, parsed, strict=True):
        assert message["To"] == delivery.email
        assert message["Message-ID"] == delivery.message_id
        assert delivery.token in message["List-Unsubscribe"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert delivery.token in text and delivery.token in html
        others = [d.token for d in deliveries if d.pk != delivery.pk]
        assert not any(token in text or token in html for token in others)
    assert len({m["Subject"] for m in parsed}) == 1
    assert len({m["List-Id"] for m in parsed}) == 1


def test_the_stand_ins_links_are_cut_out_even_when_the_clock_ticks_while_building(notice, monkeypatch):
    # Each signature a second after the last: the template's link must be the one its message was built with, or
    # the stand-in's preferences link would be left in every recipient's message.
    seconds = itertools.count(1_800_000_000)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: signing.b62_encode(next(seconds)))
    for delivery in _deliveries(notice):
        wired = wire_message(delivery)
        assert _normalized(wired.data) == _normalized(_old_bytes(notice, delivery))
        tokens = re.findall(rb"/notices/lists/preferences/([^/\s\"<>]+)/", wired.data)
        assert len(tokens) == 2  # text and HTML
        assert {preferences_email(token.decode()) for token in tokens} == {delivery.email.lower()}


def test_a_message_that_would_keep_a_stand_in_part_is_built_whole(publish, public_list):
    subscribe(public_list, "reader@example.com")
    notice = publish(lists=[public_list], long_description=f"Write to {_STAND_IN_EMAIL}.")  # not a slot: left in
    (delivery,) = _deliveries(notice)
    assert wire_message(delivery) is None


def test_updates_carry_each_recipients_thread_headers(publish, publisher, public_list):
    subscribe(public_list, *READERS)
    original = publish(lists=[public_list])
    update = publish(notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE))
    cancellation = publish(notice_follow_up(actor=publisher, previous=update, kind=Notice.Kind.CANCELLATION))
    for delivery in _deliveries(cancellation):
        wired = wire_message(delivery)
        assert _normalized(wired.data) == _normalized(_old_bytes(cancellation, delivery))
        message = email.message_from_bytes(wired.data, policy=email.policy.default)
        root = NoticeDelivery(notice=original, email=delivery.email).message_id
        assert message["References"] == f"{root} {NoticeDelivery(notice=update, email=delivery.email).message_id}"


def test_a_body_django_would_encode_is_built_whole(publish, public_list):
    subscribe(public_list, "reader@example.com")
    notice = publish(lists=[public_list], long_description="word " * 300)  # one line over 998 bytes: quoted-printable
    (delivery,) = _deliveries(notice)
    assert wire_message(delivery) is None


def test_addresses_that_are_not_plain_are_written_as_django_writes_them(publish, public_list):
    subscribe(public_list, "reader@exämple.com", "ü@example.com", '"quoted reader"@example.com')
    notice = publish(lists=[public_list])
    for delivery in _deliveries(notice):
        wired = wire_message(delivery)
        assert _normalized(wired.data) == _normalized(_old_bytes(notice, delivery))
        assert wired.to == [sanitize_address(delivery.email, "utf-8")]


@pytest.mark.parametrize(
    "address",
    ["a@b.example", "First.Last+tag@Example.COM", "o'brien@x.org", "a..b@x.org", '"quoted"@x.org', "ü@x.org"],
)
def test_wire_address_is_what_django_sends(address):
    assert wire_address(address) == sanitize_address(address, "utf-8")


def test_a_chunk_sends_the_spliced_messages_over_smtp_and_marks_each_row(notice, smtp_sink, settings):
    send_notice_chunk.apply(kwargs={"notice_id": notice.pk})
    envelopes = smtp_sink.wait_for(len(READERS))
    assert sorted(rcpt for e in envelopes for rcpt in e.rcpt_tos) == sorted(d.email for d in _deliveries(notice))
    boundaries = {re.search(rb'boundary="([^"]+)"', e.original_content).group(1) for e in envelopes}
    assert len(boundaries) == 1  # one message serialized for the chunk, not one per recipient
    by_address = {e.rcpt_tos[0]: e.original_content for e in envelopes}
    for delivery in _deliveries(notice):
        assert delivery.status == NoticeDelivery.Status.SENT
        assert delivery.message_id == wire_message(delivery).message_id
        received = by_address[sanitize_address(delivery.email, "utf-8")]
        # The sink adds nothing in front (aiosmtpd keeps the original content): the bytes are the old builder's.
        assert _normalized(received) == _normalized(_old_bytes(notice, delivery))


def test_a_message_that_cannot_be_spliced_is_still_sent_built_whole(publish, public_list, smtp_sink):
    subscribe(public_list, "reader@example.com", "other@example.com")
    notice = publish(lists=[public_list], long_description="word " * 300)
    send_notice_chunk.apply(kwargs={"notice_id": notice.pk})
    envelopes = smtp_sink.wait_for(2)
    assert len(envelopes) == 2
    assert all(b"quoted-printable" in e.original_content for e in envelopes)
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("status", flat=True)) == {"sent"}
