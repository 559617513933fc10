"""The staff navigation: which workspace pages a user's bar links to, decided by the pages themselves.

Each link names a URL; the link is shown when that URL's view says the user may open it (``may_open``, the class
method :class:`~ercot_services.core.permissions.StaffRequiredMixin` and its subclasses check in ``dispatch``). So
the bar and the views cannot disagree: a page that answers 403 to a group is never in that group's bar. A menu
whose links are all hidden is hidden too.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from django.urls import resolve, reverse
from django.utils.functional import SimpleLazyObject


@dataclasses.dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str


@dataclasses.dataclass(frozen=True)
class NavMenu:
    label: str
    links: tuple[NavLink, ...]
    # Pages under these paths (besides the links' own) mark the menu as the current section.
    also_active_under: tuple[str, ...] = ()


STAFF_NAVIGATION: tuple[NavLink | NavMenu, ...] = (
    NavLink("Workspace", "workspace:home"),
    NavLink("Cases", "workspace:cases"),
    NavMenu(
        "Patterns",
        (
            NavLink("Issue patterns (one MP)", "workspace:patterns"),
            NavLink("Market incidents (many MPs)", "workspace:incidents"),
        ),
        also_active_under=("/workspace/patterns/", "/workspace/incidents/"),
    ),
    NavMenu(
        "Participants",
        (
            NavLink("Market Participants", "workspace:participants"),
            NavLink("Account Managers", "workspace:account-managers"),
        ),
    ),
    NavLink("Registration", "workspace:applications"),
    NavLink("Notices", "workspace:notice-list"),
    NavMenu(
        "Qualification",
        (
            NavLink("Flights", "workspace:flights"),
            NavLink("Retail Operations queue", "workspace:retail-ops-queue"),
            NavLink("Letter deliveries", "workspace:letters"),
        ),
        also_active_under=("/workspace/qualification/",),
    ),
    NavMenu(
        "Plans",
        (
            NavLink("Action items", "workspace:action-items"),
            NavLink("Meetings", "workspace:meetings"),
            NavLink("Performance feedback", "workspace:feedback"),
            NavLink("Improvement opportunities", "workspace:improvements"),
        ),
        also_active_under=("/plan/",),
    ),
    NavMenu(
        "Education",
        (
            NavLink("Training sessions", "workspace:course-sessions"),
            NavLink("Knowledge base", "workspace:kb-articles"),
        ),
        also_active_under=("/workspace/education/",),
    ),
    NavLink("Metrics", "workspace:metrics"),
)


@dataclasses.dataclass(frozen=True)
class ShownLink:
    label: str
    url: str
    active: bool
    current: bool


@dataclasses.dataclass(frozen=True)
class ShownMenu:
    label: str
    links: list[ShownLink]
    active: bool


@cache
def _view_class(url_name: str):
    return resolve(reverse(url_name)).func.view_class


def may_open(user, url_name: str) -> bool:
    """Whether the page at ``url_name`` (a workspace view) lets ``user`` in, asked of the view itself."""
    return _view_class(url_name).may_open(user)


def _shown_link(link: NavLink, path: str) -> ShownLink:
    url = reverse(link.url_name)
    # The home is one page; every other link is the start of its section (a case page is under Cases).
    active = path == url if link.url_name == "workspace:home" else path.startswith(url)
    return ShownLink(label=link.label, url=url, active=active, current=path == url)


def staff_navigation_for(user, path: str) -> list[ShownLink | ShownMenu]:
    """The bar for ``user`` on the page at ``path``: only the links whose pages the user may open."""
    shown: list[ShownLink | ShownMenu] = []
    for entry in STAFF_NAVIGATION:
        if isinstance(entry, NavLink):
            if may_open(user, entry.url_name):
                shown.append(_shown_link(entry, path))
            continue
        links = [_shown_link(link, path) for link in entry.links if may_open(user, link.url_name)]
        if links:
            active = any(link.active for link in links) or any(part in path for part in entry.also_active_under)
            shown.append(ShownMenu(label=entry.label, links=links, active=active))
    return shown


def staff_navigation(request):
    """Context processor: ``staff_nav``, worked out only when a page's template shows it."""
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_staff):
        return {"staff_nav": []}
    return {"staff_nav": SimpleLazyObject(lambda: staff_navigation_for(user, request.path))}
