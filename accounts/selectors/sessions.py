"""A person's signed-in browsers (django-allauth's ``UserSession`` rows, checked against the session store)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings

from ercot_services.core.sessions import LAST_SEEN_KEY

from ..user_agents import browser_label


@dataclass(frozen=True)
class SignedInBrowser:
    id: int
    browser: str
    ip_address: str
    signed_in_at: datetime.datetime
    last_seen_at: datetime.datetime
    is_current: bool


def signed_in_browsers(user, *, current_session_key: str | None) -> list[SignedInBrowser]:
    """The browsers ``user`` is signed in on now: this one first, then the most recently seen.

    A session that ended (signed out, expired, its password changed) is dropped on the way (allauth's
    ``purge_and_list``). The last-seen time is the one the idle timeout keeps in each session (updated at most once a
    minute, ``SESSION_LAST_SEEN_SECONDS``), so listing costs no write on every request.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    browsers = []
    for session in UserSession.objects.purge_and_list(user):
        last_seen = store_class(session.session_key).get(LAST_SEEN_KEY)
        browsers.append(
            SignedInBrowser(
                id=session.pk,
                browser=browser_label(session.user_agent),
                ip_address=session.ip,
                signed_in_at=session.created_at,
                last_seen_at=(
                    datetime.datetime.fromtimestamp(last_seen, tz=datetime.UTC) if last_seen else session.last_seen_at
                ),
                is_current=session.session_key == current_session_key,
            )
        )
    return sorted(browsers, key=lambda b: (not b.is_current, -b.last_seen_at.timestamp()))
