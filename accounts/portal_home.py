"""The cards of the portal home page, registered by the apps that own them.

``accounts`` serves the portal home but sits below the apps whose cards it shows (registration, qualification,
cases, plans), so each registers its card from its ``AppConfig.ready()``: a template and a function that computes
everything the template shows for one user and MP. The view computes every card and renders it, so the page's
templates send no query (tests/query_guards.py).

A card with ``registered_only`` (cases, meetings and action items) is left out while the MP is not registered yet:
a prospect's portal is its registration.

The "Waiting on you" card gathers, the same way, what each app has waiting on the signed-in user (information
requested on their cases, action items they own, their MP's access review): each app registers a
:class:`WaitingSource`, a function returning a :class:`WaitingGroup` (or ``None`` when nothing waits). Each source
reads a count and the first few rows, so the card costs a bounded number of queries whatever the counts.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclasses.dataclass(frozen=True)
class PortalHomeCard:
    name: str
    template: str
    context: Callable[..., dict]  # (user, participant) -> the template's context
    order: int
    # True: the page puts the card in a full-width column (the template draws no column of its own).
    needs_column: bool = False
    # True: shown only once the MP is registered (``MarketParticipant.is_registered``).
    registered_only: bool = False


_CARDS: dict[str, PortalHomeCard] = {}


def register_portal_home_card(card: PortalHomeCard) -> None:
    _CARDS[card.name] = card


def portal_home_cards(request, participant) -> list[SafeString]:
    """Each registered card, in order, computed for the signed-in user and ``participant``, rendered to HTML."""
    rendered = []
    for card in sorted(_CARDS.values(), key=lambda c: c.order):
        if card.registered_only and not participant.is_registered:
            continue
        html = render_to_string(card.template, card.context(request.user, participant), request=request)
        if card.needs_column and html.strip():
            html = f'<div class="col-12">{html}</div>'
        rendered.append(mark_safe(html))  # noqa: S308 (our own templates, autoescaped)
    return rendered


# How many rows of each waiting group the card lists (the count says how many there are in all).
WAITING_ITEMS_SHOWN = 3


@dataclasses.dataclass(frozen=True)
class WaitingItem:
    text: str
    url: str
    due: datetime.date | datetime.datetime | None = None
    overdue: bool = False


@dataclasses.dataclass(frozen=True)
class WaitingGroup:
    title: str  # "Information requested on your cases"
    count: int
    items: list[WaitingItem]  # the first WAITING_ITEMS_SHOWN
    url: str  # the page listing all of them
    link_text: str


@dataclasses.dataclass(frozen=True)
class WaitingSource:
    name: str
    source: Callable[..., WaitingGroup | None]  # (user, participant) -> the group, or None when nothing waits
    order: int
    registered_only: bool = False


_WAITING_SOURCES: dict[str, WaitingSource] = {}


def register_waiting_source(source: WaitingSource) -> None:
    _WAITING_SOURCES[source.name] = source


def waiting_card_context(user, participant) -> dict:
    """The "Waiting on you" card: every registered source's group with something in it, in order."""
    groups = []
    for source in sorted(_WAITING_SOURCES.values(), key=lambda s: s.order):
        if source.registered_only and not participant.is_registered:
            continue
        group = source.source(user, participant)
        if group is not None and group.count:
            groups.append(group)
    return {"groups": groups, "participant": participant}
