"""The cards of the portal home page, registered by the apps that own them.

``accounts`` serves the portal home but sits below the apps whose cards it shows (registration, qualification,
cases, plans), so each registers its card from its ``AppConfig.ready()``: a template and a function that computes
everything the template shows for one user and MP. The view computes every card and renders it, so the page's
templates send no query (tests/query_guards.py).
"""

from __future__ import annotations

import dataclasses
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


_CARDS: dict[str, PortalHomeCard] = {}


def register_portal_home_card(card: PortalHomeCard) -> None:
    _CARDS[card.name] = card


def portal_home_cards(request, participant) -> list[SafeString]:
    """Each registered card, in order, computed for the signed-in user and ``participant``, rendered to HTML."""
    rendered = []
    for card in sorted(_CARDS.values(), key=lambda c: c.order):
        html = render_to_string(card.template, card.context(request.user, participant), request=request)
        if card.needs_column and html.strip():
            html = f'<div class="col-12">{html}</div>'
        rendered.append(mark_safe(html))  # noqa: S308 (our own templates, autoescaped)
    return rendered
