"""Which MP a portal user is working for in this session, and the mixin every portal page that works for it uses."""

from django.contrib import messages
from django.shortcuts import redirect

SESSION_KEY = "current_participant_id"
# Whether that MP is registered, kept for the navigation of pages that never look their MP up (no query).
REGISTERED_SESSION_KEY = "current_participant_registered"
_CACHE_ATTR = "_current_participant"


def _is_security_administrator(user):
    from django.db.models import Exists, OuterRef

    from .models import ContactRole, Membership

    return Exists(
        Membership.objects.active().filter(
            user=user, participant=OuterRef("pk"), contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR
        )
    )


def current_participant(request):
    """The MP a portal user has chosen in this session, or their first one; ``None`` for staff.

    The chosen id is re-checked against the user's active memberships on every
    request, so a membership that ends takes effect at once.
    """
    if hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    from .selectors import participants_for_user

    participant = None
    user = request.user
    if user.is_authenticated and not user.is_staff:
        # Whether the user is this MP's User Security Administrator comes with the same query: the portal's
        # navigation shows "People" from it (accounts.context_processors) without a query while rendering.
        participants = participants_for_user(user).annotate(manages_people=_is_security_administrator(user))
        chosen = request.session.get(SESSION_KEY)
        participant = participants.filter(pk=chosen).first() if chosen else None
        if participant is None:
            participant = participants.order_by("short_name").first()
            if participant is not None:
                request.session[SESSION_KEY] = participant.pk
    if participant is not None:
        _remember_registered(request, participant)
    setattr(request, _CACHE_ATTR, participant)
    return participant


def _remember_registered(request, participant) -> None:
    if request.session.get(REGISTERED_SESSION_KEY) != participant.is_registered:  # no session write otherwise
        request.session[REGISTERED_SESSION_KEY] = participant.is_registered


def participant_already_chosen(request):
    """The MP ``current_participant`` found for this request, if a view asked already (``None`` otherwise)."""
    return getattr(request, _CACHE_ATTR, None)


def participant_registered(request) -> bool:
    """Whether the MP this request works for is registered: from the MP when a view looked it up, else as last seen
    in this session (a user whose MP is unknown yet sees the registered portal; its pages refuse what they must)."""
    participant = participant_already_chosen(request)
    if participant is not None:
        return participant.is_registered
    return request.session.get(REGISTERED_SESSION_KEY, True)


def choose_participant(request, participant) -> None:
    request.session[SESSION_KEY] = participant.pk
    _remember_registered(request, participant)
    setattr(request, _CACHE_ATTR, participant)


class CurrentParticipantMixin:
    """Portal pages that work for the MP chosen in this session: sets ``self.participant``.

    Put it after ``ParticipantRequiredMixin`` (which turns away anonymous users and staff). A user with no active
    membership has no MP to work for: they go back to the portal home, which says their account is not linked to a
    Market Participant yet. Objects of another MP are a 404 through the tenant scope selectors
    (``participants_for_user``, ``scope_to_user``) and the portal selectors, which take ``self.participant``.
    """

    participant = None

    def dispatch(self, request, *args, **kwargs):
        self.participant = current_participant(request)
        if self.participant is None:
            messages.warning(request, "Your account is not linked to a Market Participant yet.")
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)


class RegisteredParticipantMixin(CurrentParticipantMixin):
    """Portal pages for a registered MP only (cases, disputes, meetings and action items): an MP still prospective or
    registering is sent to its registration page with a message saying so. Use in place of
    ``CurrentParticipantMixin``."""

    def dispatch(self, request, *args, **kwargs):
        participant = current_participant(request)
        if participant is not None and not participant.is_registered:
            messages.info(
                request,
                f"Cases, disputes and meetings with your Account Manager open once {participant.legal_name} is "
                "registered. Until then, continue the registration here; Client Services answers your questions.",
            )
            return redirect("portal:applications")
        return super().dispatch(request, *args, **kwargs)
