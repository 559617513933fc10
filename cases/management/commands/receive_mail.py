"""``manage.py receive_mail [files...]``: turn email into cases now (README "Email that opens cases").

Without files it polls the configured source once (``INBOUND_MAIL_SOURCE``: the maildir ``var/inbound/`` by
default, or IMAP), as the beat task ``cases.poll_inbound_mail`` does. With files (``.eml``, or ``-`` for stdin), it
receives each one directly. Either way each message is recorded once by its Message-ID: running it again makes no
second case. Prints what each message became.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...inbound_sources import inbound_poll
from ...models import InboundMessage, InboundSource
from ...services.inbound import inbound_message_receive


class Command(BaseCommand):
    help = "Receive email into cases: poll the configured inbound source, or read the .eml files named."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=".eml files to receive ('-' reads stdin); none polls the source.")

    def handle(self, *args, **options):
        started = timezone.now()
        if not options["files"]:
            handled = inbound_poll()
            rows = InboundMessage.objects.filter(processed_at__gte=started).select_related("case")
            self.stdout.write(f"Read {handled} message(s).")
            for row in rows.order_by("pk"):
                self._report(row)
            return
        for name in options["files"]:
            if name == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(name, "rb") as handle:
                    raw = handle.read()
            self._report(inbound_message_receive(raw=raw, source=InboundSource.FILE, source_ref=name[:255]))

    def _report(self, row: InboundMessage) -> None:
        what = f"{row.get_outcome_display().lower()} {row.case.reference}" if row.case_id else row.reason
        self.stdout.write(f"{row.message_id} from {row.sender or '?'}: {row.get_status_display().lower()}, {what}")
