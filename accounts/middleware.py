"""Middleware of the accounts app: the known-browser cookie, and ending the sessions of people who may no longer
sign in."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY

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


class EndRefusedSessionMiddleware:
    """A signed-in session whose user the authentication backend now refuses (their access suspended or removed at
    every MP, ``User.portal_locked``; or the account deactivated) is flushed on its next request, so reinstating
    the person later does not bring the old session back: they sign in again.

    Sits after the authentication middleware. It reads the session (no query: the session middleware has it) and,
    only when the session names a user, that user (``request.user``, which the view would read anyway).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            request.session.flush()
        return self.get_response(request)
