"""The education app's forms, split by side (public, portal, staff)."""
