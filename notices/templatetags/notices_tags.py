"""Template tags for notices: the latest published notices (landing page)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("notices/_latest.html")
def latest_notices(limit=5):
    return {"notices": selectors.latest_notices(limit)}


@register.inclusion_tag("workspace/notices/_book_acknowledgements.html", takes_context=True)
def book_acknowledgements(context, limit=5):
    """The AM home card: which MPs of my book have not acknowledged recent ACTION REQUIRED notices."""
    return {"gaps": selectors.book_acknowledgement_gaps(context["request"].user, limit=limit)}
