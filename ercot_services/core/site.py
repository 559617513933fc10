"""Facts about the public site derived from ``settings.SITE_URL``."""

from urllib.parse import urlsplit

from django.conf import settings


def site_host() -> str:
    """The host name of ``SITE_URL`` (no scheme, port or path): used in Message-IDs and List-Ids."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
