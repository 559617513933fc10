"""Sessions that cost no write per request: kept in the cache in front of the database, idle-timed by a last-seen
time written at most once a minute.

Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) was how the idle timeout was kept: every
request pushed the row's expiry on, with an UPDATE and a commit, which was half of what a signed-in page cost
before it did anything of its own. Instead :class:`IdleTimeoutMiddleware` keeps the time of the user's last
request in the session, writes it only once it is ``SESSION_LAST_SEEN_SECONDS`` (60) old (so most requests
write nothing, to the database or the cache), and signs the user out once it is older than
``SESSION_IDLE_TIMEOUT``. The session's own expiry (``SESSION_COOKIE_AGE``, renewed by every save) is the idle
timeout plus that granularity, so it never ends a session still inside its idle window: the last save is at most a
minute older than the last request.

:class:`SessionStore` is Django's ``cached_db`` store (reads from the cache, writes through to the database, so a
cache that is flushed or restarted signs nobody out) made to tolerate a cache that is down: the session is then
read from and written to the database alone, as it was before sessions were cached.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import cached_db
from django.utils import timezone

logger = logging.getLogger(__name__)

# The key of the last-seen time (seconds since the epoch, an int) in the session.
LAST_SEEN_KEY = "_last_seen"


class IdleTimeoutMiddleware:
    """Signs out a session idle for longer than ``SESSION_IDLE_TIMEOUT`` and keeps its last-seen time.

    Sits after the authentication middleware: the user it signs out is the one that middleware found, and the views
    then see an anonymous user (a page that needs a user sends them to sign in, as an expired session did).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(timezone.now().timestamp())
        last_seen = session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)  # flushes the session: a new, empty one with a new key
        elif last_seen is None or now - last_seen >= settings.SESSION_LAST_SEEN_SECONDS:
            if not session.is_empty():
                session[LAST_SEEN_KEY] = now
        response = self.get_response(request)
        if session.modified and not session.is_empty():
            # The session is written at the end of this request anyway (a choice of MP, a form's receipt): the
            # last-seen time goes with it for free.
            session[LAST_SEEN_KEY] = now
        return response


def _seen_at_sign_in(sender, request, user, **kwargs):
    """Signing in writes the session: it starts with its last-seen time (so the next request writes nothing)."""
    if getattr(request, "session", None) is not None:
        request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())


user_logged_in.connect(_seen_at_sign_in, dispatch_uid="ercot_services.core.sessions.seen_at_sign_in")


class SessionStore(cached_db.SessionStore):
    """``cached_db`` that falls back to the database alone while the cache cannot be reached.

    Django's store already reads past a cache error and logs one on save; it does not on the cache write that
    follows a database read, on the existence check of a new key, or on delete, so a Redis outage would fail every
    signed-in request. A cache that comes back may hold a session changed meanwhile in the database: its entry
    expires with the session, and a sign-out deletes it.
    """

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("Session cache unavailable (%s); reading sessions from the database", self._cache)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("Session cache unavailable (%s); checking the database", self._cache)
        return super(cached_db.SessionStore, self).exists(session_key)

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        key = session_key if session_key is not None else self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            logger.exception("Session cache unavailable (%s); session %s… not deleted from it", self._cache, key[:6])
