"""Notice IDs: scope, thread letter, MMDDYY and number; updates and cancellations continue the thread."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from notices.models import Notice, NoticeStatus, NoticeThread
from notices.rendering import render_markdown
from notices.services import (
    notice_approve,
    notice_follow_up,
    notice_id_for,
    notice_publish,
    notice_submit_for_review,
    thread_letter,
)

from .conftest import ct

DAY = ct(2024, 4, 24, 10, 0)


def test_first_notice_of_a_scope_on_a_day_opens_thread_a(publish):
    notice = publish(now=DAY)
    assert notice.notice_id == "M-A042424-01"
    assert notice.thread.letter == "A" and notice.number == 1
    assert notice.notice_date == datetime.date(2024, 4, 24)
    assert notice.status == NoticeStatus.PUBLISHED


def test_second_thread_that_day_is_b_and_other_scopes_are_independent(publish):
    first = publish(now=DAY)
    second = publish(now=DAY + datetime.timedelta(hours=2))
    wholesale = publish(now=DAY, scope="W")
    next_day = publish(now=DAY + datetime.timedelta(days=1))
    assert first.notice_id == "M-A042424-01"
    assert second.notice_id == "M-B042424-01"
    assert wholesale.notice_id == "W-A042424-01"
    assert next_day.notice_id == "M-A042524-01"


def test_update_continues_the_thread_and_cancellation_follows(publish, publisher):
    original = publish(now=DAY)
    update = notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE)
    update = publish(update, now=DAY + datetime.timedelta(days=2))
    # The update keeps the thread (and its day), not the day it was published.
    assert update.notice_id == "M-A042424-02"
    assert update.thread_id == original.thread_id

    cancellation = notice_follow_up(actor=publisher, previous=update, kind=Notice.Kind.CANCELLATION)
    cancellation = publish(cancellation, now=DAY + datetime.timedelta(days=3))
    assert cancellation.notice_id == "M-A042424-03"
    assert cancellation.kind == Notice.Kind.CANCELLATION
    assert cancellation.long_description.startswith("**CANCELLATION: Please disregard Market Notice M-A042424-02.**")
    assert cancellation.short_description.startswith("CANCELLATION: ")
    # The original text follows the cancellation line.
    assert original.long_description in cancellation.long_description
    assert cancellation.action_required == ""

    from ercot_services.core.models import DomainError

    with pytest.raises(DomainError, match="cancelled"):
        notice_follow_up(actor=publisher, previous=cancellation, kind=Notice.Kind.UPDATE)


def test_thread_letters_go_past_z():
    assert [thread_letter(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_27th_thread_of_a_day_is_aa(publish):
    for letter_number in range(1, 27):
        NoticeThread.objects.create(
            scope="M", opened_on=datetime.date(2024, 4, 24), letter=thread_letter(letter_number)
        )
    assert publish(now=DAY).notice_id == "M-AA042424-01"


@pytest.fixture
def imported(credit, publisher):
    """An old notice, imported with its ID as it was (no thread letter)."""
    thread = NoticeThread.objects.create(scope="M", opened_on=datetime.date(2024, 4, 24), letter="", last_number=1)
    return Notice.objects.create(
        notice_id="M-042424-01",
        thread=thread,
        number=1,
        imported=True,
        status=NoticeStatus.PUBLISHED,
        notice_date=datetime.date(2024, 4, 24),
        published_at=DAY,
        notice_type=credit,
        scope="M",
        short_description="Total potential exposure (TPE) calculations affected by ERS resettlements",
        long_description="See W-A042224-01.",
        author=publisher,
    )


def test_imported_ids_without_thread_letter_are_accepted_and_linked(imported, publish, publisher):
    assert notice_id_for(imported.thread, 1) == "M-042424-01"
    assert imported.get_absolute_url() == "/notices/M-042424-01/"
    html = render_markdown("As described in M-042424-01 and W-A042224-01.")
    assert '<a href="/notices/M-042424-01/">M-042424-01</a>' in html
    assert '<a href="/notices/W-A042224-01/">W-A042224-01</a>' in html
    # A new notice that day still opens thread A: the imported thread has no letter.
    assert publish(now=DAY).notice_id == "M-A042424-01"
    # An update of the imported notice continues its old-style thread.
    update = notice_follow_up(actor=publisher, previous=imported, kind=Notice.Kind.UPDATE)
    assert publish(update, now=DAY + datetime.timedelta(days=1)).notice_id == "M-042424-02"


def test_imported_notice_detail_page_renders(client, imported):
    response = client.get("/notices/M-042424-01/")
    assert response.status_code == 200
    assert b"M-042424-01" in response.content
    assert b'href="/notices/W-A042224-01/"' in response.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_never_share_an_id(reference_data, publisher, approver, draft_factory):
    publishers = 8
    notices = []
    for _ in range(publishers):
        notice = draft_factory()
        notice_submit_for_review(actor=publisher, notice=notice)
        notice_approve(actor=approver, notice=notice)
        notices.append(notice)
    barrier = threading.Barrier(publishers)
    results, errors = [], []

    def run(notice):
        try:
            barrier.wait(timeout=20)
            results.append(notice_publish(actor=approver, notice=notice, now=DAY).notice_id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(results) == len(set(results)) == publishers
    letters = sorted(NoticeThread.objects.filter(scope="M", opened_on=DAY.date()).values_list("letter", flat=True))
    assert letters == [thread_letter(n) for n in range(1, publishers + 1)]
    assert sorted(results) == [f"M-{thread_letter(n)}042424-01" for n in range(1, publishers + 1)]
