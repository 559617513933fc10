"""The one way a page shows audit events: ``{% audit_timeline events %}`` (see ``core.timeline``)."""

from django import template

from ..timeline import format_moment, timeline_entries

register = template.Library()


@register.inclusion_tag("includes/audit_timeline.html")
def audit_timeline(events, empty_text="No recorded changes yet."):
    """``events``: audit events newest first with ``actor`` and ``target_content_type`` selected (a queryset, a slice or a page)."""
    return {"entries": timeline_entries(events), "empty_text": empty_text}


@register.filter
def operator_time(value):
    """A moment in the operator's time zone, in the project's date-and-time format."""
    return format_moment(value) if value else ""
