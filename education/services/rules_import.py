"""Loading the market rules reference table (sections and revision requests) from CSV or JSON: the command
``load_market_rules`` and ``seed_demo`` call it. Rows are matched by their natural keys, so loading twice changes
nothing; a revision request's status given in the file is set directly (loading is not a status change to announce).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

from django.db import transaction

from ..models import RevisionRequest, RuleSection

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "market_rules_sample.json"


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        return [{"type": "section", **row} for row in data.get("sections", [])] + [
            {"type": "revision", **row} for row in data.get("revision_requests", [])
        ]
    return list(csv.DictReader(io.StringIO(text)))


@transaction.atomic
def market_rules_load(*, path: Path = SAMPLE) -> tuple[int, int]:
    """Create or update the rows of ``path``; returns (sections, revision requests) written."""
    sections = revisions = 0
    rows = _rows(path)
    for row in rows:
        if row.get("type") != "section":
            continue
        RuleSection.objects.update_or_create(
            document=row["document"],
            number=row["number"],
            defaults={"title": row["title"], "url": row.get("url", "")},
        )
        sections += 1
    for row in rows:
        if row.get("type") != "revision":
            continue
        revision, _ = RevisionRequest.objects.update_or_create(
            kind=row["kind"],
            number=int(row["number"]),
            defaults={
                "title": row["title"],
                "status": row.get("status") or "pending",
                "submitted_on": _date(row.get("submitted_on")),
                "status_changed_on": _date(row.get("status_changed_on")),
                "url": row.get("url", ""),
            },
        )
        refs = row.get("sections") or []
        if isinstance(refs, str):
            refs = [ref for ref in refs.split("|") if ref]
        for ref in refs:
            document, _, number = ref.partition(":")
            section = RuleSection.objects.filter(document=document, number=number).first()
            if section is not None:
                revision.sections.add(section)
        revisions += 1
    return sections, revisions
