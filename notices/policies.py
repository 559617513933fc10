"""Who may do what with market notices: Notice Publishers draft, approve (a second publisher: four eyes),
schedule, publish, update and cancel; every staff member may look.

The permission is granted to the Notice Publisher group in ``accounts.roles``; views, templates and services
all ask here.
"""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission
from ercot_services.core.review import may_approve

PUBLISH_NOTICE = "notices.publish_notice"


def can_publish(user, notice=None) -> bool:
    return has_permission(user, PUBLISH_NOTICE)


def can_approve(user, notice) -> bool:
    """Four eyes: a publisher other than the notice's author."""
    return can_publish(user, notice) and may_approve(user, notice.author_id)


def check_publish(actor, message: str = "Only Notice Publishers draft, approve and publish market notices.") -> None:
    require_permission(actor, PUBLISH_NOTICE, message)
