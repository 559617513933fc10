"""``Authorization: Bearer <key>``: the key's MP is who calls. ``request.user`` is an :class:`ApiClient` (no person
signs in), ``request.auth`` the :class:`ApiKey`."""

from __future__ import annotations

import datetime
import hmac

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiKey
from .services import hash_secret, split_key

# ``last_used_at`` is written at most this often per key, so a busy script costs no write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiClient:
    """The caller behind a key: authenticated, never staff, acting for one MP."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.participant = api_key.participant
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
        self._touch(key)
        return ApiClient(key), key

    def _key(self, presented) -> ApiKey:
        refused = exceptions.AuthenticationFailed("The API key is unknown, expired or revoked.")
        if presented is None:
            raise refused
        prefix, secret = presented
        key = ApiKey.objects.select_related("participant", "created_by").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)) or not key.is_usable():
            raise refused
        return key

    def _touch(self, key: ApiKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
