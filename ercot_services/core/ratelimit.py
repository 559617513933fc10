"""A fixed-window rate limit on the shared cache (atomic ``add`` + ``incr``)."""

from django.core.cache import cache


def rate_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; True once more than ``limit`` hits fall in the current window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return False
    try:
        return cache.incr(cache_key) > limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return False


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")
