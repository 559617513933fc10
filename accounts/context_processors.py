"""What the portal's navigation needs from accounts, read from what the view already loaded (no query)."""

from .portal_session import participant_already_chosen


def portal_navigation(request):
    """``manages_people``: the user is the User Security Administrator of the MP this request works for (the
    annotation ``current_participant`` reads with the MP, so a page that never looked its MP up shows no link)."""
    return {"manages_people": bool(getattr(participant_already_chosen(request), "manages_people", False))}
