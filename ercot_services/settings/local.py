"""Local development: the embedded default (see base), with DEBUG on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

for _folder in ("mail", "private"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Passkeys on http://localhost and the test server (browsers allow WebAuthn there; allauth checks the origin).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
