"""What the portal's navigation needs from accounts, read from what the view already loaded (no query)."""

from .portal_session import participant_already_chosen, participant_registered


def portal_navigation(request):
    """``manages_people``: the user is the User Security Administrator of the MP this request works for (the
    annotation ``current_participant`` reads with the MP, so a page that never looked its MP up shows no link).
    ``participant_registered``: the MP is registered, so Cases and Meetings & actions are shown."""
    return {
        "manages_people": bool(getattr(participant_already_chosen(request), "manages_people", False)),
        "participant_registered": participant_registered(request) if _is_portal_user(request) else True,
    }


def _is_portal_user(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and not user.is_staff)
