"""Production: refuses to start without a secret key, allowed hosts and a shared cache."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, LOGGING, env

DEBUG = False

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production settings refuse to start without a secret key.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma-separated host names) for production.")

# Rate limits (the contact form's among them) count in the cache and sessions are read from it: a per-process cache
# would give every gunicorn worker its own count and its own copy of a session (a sign-out in one worker would not
# end the session in the others), so only a cache all processes share is accepted.
SHARED_CACHE_BACKENDS = ("django.core.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache")
if CACHES["default"]["BACKEND"] not in SHARED_CACHE_BACKENDS:
    raise ImproperlyConfigured(
        "Set CACHE_URL to a Redis cache (for example redis://redis:6379/1): production settings refuse to start "
        f"with {CACHES['default']['BACKEND']}, which each process keeps for itself, so rate limits would not hold."
    )

# Gunicorn's sync workers keep their database connection between requests (checked before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus reach the web container over the internal network, without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# nosniff, X-Frame-Options, Referrer-Policy, COOP, Permissions-Policy and the enforced Content Security Policy
# come from base (CSP_ENFORCE defaults to true).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# One JSON object per log line, for the log collector (LOG_FORMAT=plain gives readable lines back).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"
