"""The signed-in user read from the cache, not from PostgreSQL, on every request.

``AuthenticationMiddleware`` loads the user of every signed-in request: with Django's ``ModelBackend`` that is a
``SELECT`` on ``accounts_user`` (and the ORM's work to build it), the larger half of what a signed-in request paid
before its view did anything (bench/README.md, ``sessions.py``). :class:`CachedUserBackend` keeps a snapshot of the
user's row (its concrete fields, nothing else) in the default cache, next to the session, and builds the user from
it.

Why a stale snapshot cannot keep anyone signed in or grant anything:

- Every write of a user through the ORM replaces the snapshot: ``post_save`` and ``post_delete`` of ``User``, and
  ``UserQuerySet.update`` (which sends no signal). Deactivation, a password change (whose hash signs the other
  sessions out), a new email or staff flag: the next request reads the row again.
- The replacement is a *tombstone*, written at once and again when the transaction commits, that lives
  ``TOMBSTONE_SECONDS``: a request that read the old row just before the commit cannot put it back, because
  snapshots are only ever *added* (``cache.add``), never overwritten, and the tombstone holds the key meanwhile.
- Group memberships and permissions are not in the snapshot: ``ModelBackend`` reads them from the database when a
  request checks one, as before.
- A cache that cannot be reached is skipped (the user comes from the database). Should it come back holding a
  snapshot that a write made while it was down could not replace, that snapshot expires after
  ``AUTH_USER_CACHE_SECONDS`` (five minutes by default; 0 turns the cache off).

Saving only ``last_login`` (what signing in does) deletes the snapshot instead: a race there can only cache an old
sign-in time, and a tombstone would keep the user who just signed in out of the cache for its lifetime.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

TOMBSTONE = "replaced"
TOMBSTONE_SECONDS = 30


def user_cache_key(user_id) -> str:
    return f"accounts.user-snapshot:{user_id}"


def _snapshot(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def _from_snapshot(snapshot: dict):
    model = get_user_model()
    names = [field.attname for field in model._meta.concrete_fields if field.attname in snapshot]
    return model.from_db("default", names, [snapshot[name] for name in names])


class CachedUserBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (once per signed-in request) reads the user's snapshot from the cache.

    A participant user whose every link to an MP is suspended or removed (``User.portal_locked``, kept by the people
    services) can neither sign in nor keep a session: the flag is a column of the user, so it is in the snapshot,
    and writing it replaces the snapshot, so the next request of an open session finds no user.
    """

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "portal_locked", False)

    def get_user(self, user_id):
        seconds = settings.AUTH_USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = user_cache_key(user_id)
        try:
            cached = cache.get(key)
        except Exception:
            logger.warning("User cache unavailable (%s); reading the user from the database", cache)
            return super().get_user(user_id)
        if isinstance(cached, dict):
            user = _from_snapshot(cached)
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None and cached is None:
            try:
                cache.add(key, _snapshot(user), seconds)
            except Exception:
                logger.warning("User cache unavailable (%s); user %s not cached", cache, user_id)
        return user


def forget_users(user_ids, *, tombstone: bool = True) -> None:
    """Replace the cached snapshots of these users, now and when the current transaction commits."""
    keys = [user_cache_key(user_id) for user_id in user_ids]
    if not keys:
        return

    def replace():
        try:
            if tombstone:
                cache.set_many(dict.fromkeys(keys, TOMBSTONE), TOMBSTONE_SECONDS)
            else:
                cache.delete_many(keys)
        except Exception:
            logger.exception("User cache unavailable (%s); cached users %s not replaced", cache, user_ids)

    replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(replace)


def forget_saved_user(sender, instance, update_fields=None, **kwargs):
    """``post_save`` / ``post_delete`` of the user model."""
    only_last_login = update_fields is not None and set(update_fields) == {"last_login"}
    forget_users([instance.pk], tombstone=not only_last_login)
