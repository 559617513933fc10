"""``manage.py ingest_bounces [files...]``: suppress hard bounces and complaints from DSNs or JSON events.

Each file (or stdin when none is named, or ``-``) holds one DSN message
(``multipart/report; report-type=delivery-status``), a JSON event
``{"email": ..., "type": "hard_bounce" | "complaint"}``, a JSON list of them, or JSON lines.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from notices.bounces import BounceResult, ingest


class Command(BaseCommand):
    help = "Ingest bounce DSNs or normalized bounce/complaint events (files, or stdin) and suppress the addresses."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="DSN (.eml) or JSON files; stdin when none or '-'.")

    def handle(self, *args, **options):
        total, errors = BounceResult(), 0
        for name in options["files"] or ["-"]:
            try:
                if name == "-":
                    raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
                else:
                    with open(name, "rb") as handle:
                        raw = handle.read()
                result = ingest(raw)
            except (OSError, ValueError) as error:
                errors += 1
                self.stderr.write(f"{name}: {error}")
                continue
            total = total + result
            for address in result.suppressed:
                self.stdout.write(f"{name}: suppressed {address}")
            for address in result.ignored:
                self.stdout.write(f"{name}: ignored (not permanent) {address}")
        self.stdout.write(f"{len(total.suppressed)} suppressed, {len(total.ignored)} ignored, {errors} unreadable.")
        if errors and not (total.suppressed or total.ignored):
            raise CommandError("No bounce could be read.")
