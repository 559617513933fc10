"""``Authorization: Bearer <key>``. ``request.user`` is an :class:`ApiClient` (no person signs in), ``request.auth``
the :class:`ApiKey`.

An MP's key acts as its creator, the MP's USA: once that person no longer administers the MP (their USA role or
portal access removed or suspended, their account deactivated) the key stops working, with a 401 that says why.
A staff key reads as its staff user: it stops working once that user is no longer active staff or has no second
factor; what each scope may read is checked per call (``api.permissions``).
"""

from __future__ import annotations

import datetime
import hmac

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from ercot_services.core.permissions import load_permissions

from .models import ApiKey
from .services import hash_secret, split_key

# ``last_used_at`` is written at most this often per key, so a busy script costs no write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiClient:
    """The caller behind a key: authenticated, never staff (a staff key's user is ``staff_user``), acting for one MP
    (a staff key's MP is named per call: ``api.endpoints.base.ApiView.participant``)."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.participant = api_key.participant
        self.staff_user = api_key.user
        self.pk = None

    def __str__(self):
        return f"API key {self.api_key.name}"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header is 'Bearer <key>'.")
        try:
            presented = split_key(parts[1].decode())
        except UnicodeDecodeError:
            presented = None
        key = self._key(presented)
        if key.is_staff_key:
            self._check_staff_user(key)
        elif not key.creator_administers:
            raise exceptions.AuthenticationFailed(
                f"The person who created this key no longer administers {key.participant}; "
                "ask your User Security Administrator for a new key."
            )
        self._touch(key)
        return ApiClient(key), key

    def _key(self, presented) -> ApiKey:
        """The key, its MP, creator and staff user, and their standing: one query."""
        refused = exceptions.AuthenticationFailed("The API key is unknown, expired or revoked.")
        if presented is None:
            raise refused
        prefix, secret = presented
        key = (
            ApiKey.objects.select_related("participant", "created_by", "user")
            .with_owner_standing()
            .filter(prefix=prefix)
            .first()
        )
        if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)) or not key.is_usable():
            raise refused
        return key

    def _check_staff_user(self, key: ApiKey) -> None:
        user = key.user
        if not (user.is_active and user.is_staff):
            raise exceptions.AuthenticationFailed(f"{user} is no longer active staff: their staff key no longer works.")
        if not key.user_has_second_factor:
            raise exceptions.AuthenticationFailed(
                f"{user} no longer signs in with a second factor: their staff key works only with one."
            )
        load_permissions(user)  # the scope checks that follow then run no query

    def _touch(self, key: ApiKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
