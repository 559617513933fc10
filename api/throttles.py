"""Rate limits per key and per client address, counted in the shared cache (Redis in production). DRF answers 429
with ``Retry-After``."""

from rest_framework.throttling import SimpleRateThrottle

from ercot_services.core.ratelimit import client_ip

from .models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiAddressRateThrottle(SimpleRateThrottle):
    scope = "api_address"

    def get_cache_key(self, request, view):
        # The address the site uses everywhere (REMOTE_ADDR), not DRF's get_ident: without NUM_PROXIES that trusts
        # X-Forwarded-For, which a client could vary to escape the limit.
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
