"""Response headers Django has no setting for: Permissions-Policy.

Django writes Referrer-Policy, Cross-Origin-Opener-Policy, X-Content-Type-Options and HSTS (SecurityMiddleware),
X-Frame-Options (XFrameOptionsMiddleware); django-csp writes the Content Security Policy. This is the rest, from
``settings.PERMISSIONS_POLICY``: a feature with no origins is off everywhere, ``"self"`` allows the site itself.
"""

from django.conf import settings


def _allowlist(origins: list[str]) -> str:
    """``self`` and ``*`` are keywords; any other origin is a quoted string."""
    return " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "publickey-credentials-get": ["self"]}`` → ``camera=(), publickey-credentials-get=(self)``."""
    return ", ".join(f"{feature}=({_allowlist(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
