"""Pages every signed-in person has, staff or participant: their own security activity."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .. import selectors
from ..events import AccountEvent

ACTIVITY_PAGE_SIZE = 25


class SecurityActivityView(LoginRequiredMixin, TemplateView):
    """The signed-in person's sign-ins, failed sign-ins, lockouts and factor and session changes, newest first."""

    template_name = "accounts/security_activity.html"

    def get_context_data(self, **kwargs):
        events = selectors.security_history(self.request.user)
        page = Paginator(events, ACTIVITY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [
            {
                "event": event,
                "label": AccountEvent(event.verb).label,
                "ip_address": (event.changes.get("ip_address") or [None, None])[1],
                "browser": (event.changes.get("browser") or [None, None])[1],
                "new_browser": (event.changes.get("new_browser") or [None, False])[1],
            }
            for event in page.object_list
        ]
        return super().get_context_data(page_obj=page, rows=rows, **kwargs)
