from django import template

from ..badges import TONES, Badge, badge_for

register = template.Library()


@register.simple_tag
def status_badge_style(kind, value, tone=""):
    """The badge of a status (``kind`` and ``value``, from ercot_services/core/badges.py), or of a plain ``tone``."""
    if kind:
        return badge_for(kind, value)
    return Badge(tone if tone in TONES else "secondary")
