"""Middleware of the accounts app."""

from django.conf import settings

from .signals import BROWSER_COOKIE_ATTR

BROWSER_COOKIE_MAX_AGE = 400 * 24 * 60 * 60  # the longest browsers keep a cookie


class KnownBrowserCookieMiddleware:
    """Gives the browser that just signed in the cookie that marks it as known (see ``KnownBrowser``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        browser_key = getattr(request, BROWSER_COOKIE_ATTR, None)
        if browser_key and request.COOKIES.get(settings.KNOWN_BROWSER_COOKIE_NAME) != browser_key:
            response.set_cookie(
                settings.KNOWN_BROWSER_COOKIE_NAME,
                browser_key,
                max_age=BROWSER_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
