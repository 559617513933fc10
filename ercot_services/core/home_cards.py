"""The staff home's cards: each app registers the cards of the groups whose work it owns (its ``home_cards``
module, imported by the dashboards app at start-up), and the home page shows a user the cards of their groups.

A card is a selector that returns a :class:`HomeCard` in a fixed number of queries (a count and the top few rows),
whatever the row count; the one template partial ``workspace/_home_card.html`` renders every card. The registry
lives in core so that each app can register into it without importing the dashboards app above it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.db.models import QuerySet

TOP_ROWS = 5


@dataclasses.dataclass(frozen=True)
class CardRow:
    """One object on a card: what it is, a short fact about it (a clock, a status) and where it opens."""

    label: str
    url: str
    detail: str = ""
    urgent: bool = False


@dataclasses.dataclass(frozen=True)
class HomeCard:
    title: str
    count: int
    rows: list[CardRow]
    list_url: str
    list_label: str
    empty_text: str


@dataclasses.dataclass(frozen=True)
class CardSpec:
    """A registered card: its selector, the staff groups that see it, and whether it lists the user's own queue
    (those come first on the page)."""

    key: str
    groups: frozenset[str]
    selector: Callable[..., HomeCard]
    mine: bool
    order: int


_REGISTRY: dict[str, CardSpec] = {}


def register_card(key: str, *, groups: Iterable[str], mine: bool = False, order: int = 100):
    """Decorate a selector ``(user, *, today) -> HomeCard`` as the home card ``key`` for ``groups``."""

    def decorate(selector: Callable[..., HomeCard]) -> Callable[..., HomeCard]:
        _REGISTRY[key] = CardSpec(key=key, groups=frozenset(groups), selector=selector, mine=mine, order=order)
        return selector

    return decorate


def card_specs_for(group_names: Iterable[str], *, superuser: bool = False) -> list[CardSpec]:
    """The cards of these groups (every card for a superuser), the user's own queues first."""
    groups = set(group_names)
    specs = [spec for spec in _REGISTRY.values() if superuser or spec.groups & groups]
    return sorted(specs, key=lambda spec: (not spec.mine, spec.order, spec.key))


def card_from_queryset(
    queryset: QuerySet,
    *,
    title: str,
    row: Callable[[object], CardRow],
    list_url: str,
    list_label: str,
    empty_text: str,
    limit: int = TOP_ROWS,
) -> HomeCard:
    """A card of an ordered queryset: its count and its first ``limit`` rows, always two queries (the rows join
    what they show with ``select_related``: none per row)."""
    return HomeCard(
        title=title,
        count=queryset.count(),
        rows=[row(obj) for obj in queryset[:limit]],
        list_url=list_url,
        list_label=list_label,
        empty_text=empty_text,
    )
