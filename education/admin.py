"""Admin of the education app; the knowledge base and market rules register theirs in ``admin_knowledge``."""

from . import admin_knowledge  # noqa: F401
