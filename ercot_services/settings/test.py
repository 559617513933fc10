"""Test settings: the base settings with fast hashing and in-memory email.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` are honoured, so the same suite runs
on the embedded SQLite default and on PostgreSQL and Redis in CI.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import content_security_policy, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ercot-private-"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests decide per test whether tasks run eagerly; the default is eager so
# that on-commit tasks run inside the test process.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Serve static files straight from the finders (the browser tests need them; no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests read the signed-in user from the database on every request (accounts/user_cache.py): a page's query count is
# then the same on its first request and on the next, and no snapshot in the per-process cache outlives the test
# that wrote it. tests/accounts/test_user_cache.py turns the cache on.
AUTH_USER_CACHE_SECONDS = 0
# The Content Security Policy is enforced whatever the environment says, so a test sees what it would block.
CSP_ENFORCE = True
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(enforce=CSP_ENFORCE)

# Passkeys on http://localhost and the test server (browsers allow WebAuthn there; allauth checks the origin).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# Webhook receivers in the tests listen on http://127.0.0.1.
WEBHOOK_ALLOW_HTTP = True
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
