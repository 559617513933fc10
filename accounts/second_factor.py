"""The rule for who must sign in with a second factor, and the check that sends them to enrol first.

``second_factor_required`` is the one rule: staff always; a portal user when an MP they are an active contact of
requires it (``MarketParticipant.requires_second_factor``, its User Security Administrator's choice); everyone when
the operator turns on ``MFA_REQUIRED_FOR_ALL``.

The middleware does not ask the database on every request: the session remembers the outcome (``SESSION_KEY``),
worked out when the user signs in and again after they add or remove an authenticator. A user who was not required
is checked again every ``SECOND_FACTOR_RECHECK_SECONDS`` (an MP may start requiring it meanwhile); a user who must
enrol, on every request until they have.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from .models import Membership
from .selectors.second_factor import has_second_factor

LAST_FACTOR_KEPT = (
    "This is your last second factor, and your account must have one. Add another passkey, security key or "
    "authenticator app first."
)
SESSION_KEY = "accounts.second_factor"
ENROLLED, ENROL, NOT_REQUIRED = "enrolled", "enrol", "not-required"
# Paths a user who must enrol may still reach: the enrolment pages, reauthentication, sign-out, static files and the
# probes (the health and metrics endpoints take no session).
ENROLMENT_PATH_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/healthz", "/metrics")


def second_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor (see the module docstring)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or settings.MFA_REQUIRED_FOR_ALL:
        return True
    return Membership.objects.active().filter(user_id=user.pk, participant__requires_second_factor=True).exists()


def second_factor_state(user) -> str:
    if has_second_factor(user):
        return ENROLLED
    return ENROL if second_factor_required(user) else NOT_REQUIRED


def remember_second_factor_state(request, user) -> str:
    state = second_factor_state(user)
    request.session[SESSION_KEY] = {"state": state, "at": int(timezone.now().timestamp())}
    return state


def forget_second_factor_state(request) -> None:
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def _current_state(request) -> str:
    """The remembered state while it holds: "enrolled" for the session, "not required" for a while; a user who
    must enrol is checked on each request (they may have just added a factor, here or in another browser)."""
    remembered = request.session.get(SESSION_KEY) or {}
    state = remembered.get("state")
    if state == ENROLLED or (
        state == NOT_REQUIRED and timezone.now().timestamp() - remembered["at"] < settings.SECOND_FACTOR_RECHECK_SECONDS
    ):
        return state
    return remember_second_factor_state(request, request.user)


def _may_pass(path: str) -> bool:
    return path.startswith(settings.STATIC_URL) or path.startswith(ENROLMENT_PATH_PREFIXES)


class SecondFactorEnrolmentMiddleware:
    """Sends a signed-in user who must have a second factor and has none to enrol, before any other page.

    The admin included. An htmx request gets ``HX-Redirect`` (htmx would otherwise swap the enrolment page into
    the fragment it asked for).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _may_pass(request.path):
            if _current_state(request) == ENROL:
                return self._to_enrolment(request)
        return self.get_response(request)

    @staticmethod
    def _to_enrolment(request):
        url = reverse("mfa_index")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
