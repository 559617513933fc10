"""The operator's notice IDs: threads per scope and day, lettered A, B, ... AA, and numbered updates."""

from __future__ import annotations

import datetime
import string

from django.db import IntegrityError, transaction

from ercot_services.core.models import DomainError

from ..error_codes import NoticeErrorCode
from ..models import Notice, NoticeThread


def thread_letter(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA: the n-th thread of a scope opened on a day."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return letters


def notice_id_for(thread: NoticeThread, number: int) -> str:
    return f"{thread.scope}-{thread.letter}{thread.opened_on:%m%d%y}-{number:02d}"


def _open_thread(scope: str, day: datetime.date) -> NoticeThread:
    """A new thread with the next free letter; two publishers racing get different letters."""
    for _ in range(30):
        taken = NoticeThread.objects.filter(scope=scope, opened_on=day).exclude(letter="").count()
        try:
            with transaction.atomic():
                return NoticeThread.objects.create(scope=scope, opened_on=day, letter=thread_letter(taken + 1))
        except IntegrityError:
            continue
    raise DomainError("Could not open a notice thread; try publishing again.", code=NoticeErrorCode.THREAD_UNAVAILABLE)


def _assign_id(notice: Notice, day: datetime.date) -> None:
    if notice.previous_id:
        thread = NoticeThread.objects.select_for_update().get(pk=notice.previous.thread_id)
    else:
        thread = _open_thread(notice.scope, day)
        thread = NoticeThread.objects.select_for_update().get(pk=thread.pk)
    thread.last_number += 1
    thread.save(update_fields=["last_number"])
    notice.thread, notice.number = thread, thread.last_number
    notice.notice_id = notice_id_for(thread, thread.last_number)
