"""Local development: the embedded default (see base), with DEBUG on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, content_security_policy, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The Content Security Policy only reports here (the browser console and the log show what it would block);
# CSP_ENFORCE=true enforces it as production and the tests do.
CSP_ENFORCE = env.bool("CSP_ENFORCE", default=False)
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(enforce=CSP_ENFORCE)

for _folder in ("mail", "private"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Passkeys on http://localhost and the test server (browsers allow WebAuthn there; allauth checks the origin).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# Webhook receivers on the developer's machine (http://127.0.0.1:…).
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
