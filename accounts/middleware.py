"""Ending for good the session of a user who may no longer sign in."""

from django.contrib.auth import SESSION_KEY


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
