"""The registry of participant summary parts: which app owns which columns of ``ParticipantSummary``, and how to
compute them.

``accounts`` sits below the apps whose rows are counted, so it cannot compute them itself: each of those apps
registers its part from its ``AppConfig.ready()``. A part computes its columns for a set of participant ids in a
few aggregate queries and returns ``{participant_id: {column: value}}``; an id it leaves out gets the columns'
defaults (nothing counted). Parts whose values change with the date alone (an action item becoming overdue, a
notice leaving the 90-day window) say so with ``time_driven``: the midnight roll refreshes them.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from .models import ParticipantSummary

PartValues = dict[int, dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class SummaryPart:
    name: str
    fields: tuple[str, ...]
    compute: Callable[[list[int], datetime.date], PartValues]
    time_driven: bool = False


_PARTS: dict[str, SummaryPart] = {}


def register_summary_part(part: SummaryPart) -> None:
    """Register (or, on a repeated ``ready()``, replace) a part; its columns must exist and belong to no other."""
    field_names = {f.name for f in ParticipantSummary._meta.get_fields()}
    for field in part.fields:
        if field not in field_names:
            raise ValueError(f"Summary part {part.name!r}: ParticipantSummary has no column {field!r}.")
        owner = next((p.name for p in _PARTS.values() if field in p.fields and p.name != part.name), None)
        if owner:
            raise ValueError(f"Summary part {part.name!r}: column {field!r} already belongs to part {owner!r}.")
    _PARTS[part.name] = part


def summary_parts(names: Iterable[str] | None = None) -> list[SummaryPart]:
    """The registered parts named (every part when ``names`` is None); an unknown name is a programming error."""
    if names is None:
        return list(_PARTS.values())
    return [_PARTS[name] for name in names]


def default_values(part: SummaryPart) -> dict[str, Any]:
    return {field: ParticipantSummary._meta.get_field(field).get_default() for field in part.fields}


def compute_summaries(
    participant_ids: list[int], *, parts: list[SummaryPart], today: datetime.date
) -> dict[int, dict[str, Any]]:
    """Fresh values of ``parts``' columns for each of ``participant_ids``, computed from the source rows."""
    values: dict[int, dict[str, Any]] = {pk: {} for pk in participant_ids}
    for part in parts:
        computed = part.compute(participant_ids, today)
        defaults = default_values(part)
        for pk in participant_ids:
            values[pk].update(defaults)
            values[pk].update(computed.get(pk, {}))
    return values
