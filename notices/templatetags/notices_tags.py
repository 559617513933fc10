"""Template tags for notices: the latest published notices (landing page)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("notices/_latest.html")
def latest_notices(limit=5):
    return {"notices": selectors.latest_notices(limit)}
