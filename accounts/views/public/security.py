"""The signed-in person's own pages, staff or participant: signed-in browsers, security activity and password change
(and the new password a reset link sets)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.template.defaultfilters import pluralize
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from ercot_services.core.actions import ActionView

from ... import selectors
from ...events import AccountEvent
from ...forms.public import EndSessionsForm, PasswordChangeForm, SetPasswordForm
from ...services.credentials import password_change_record
from ...services.security import sessions_end
from ...user_agents import browser_label

ACTIVITY_PAGE_SIZE = 25


def _after(event, field, default=None):
    """The new value an audit event recorded for ``field``."""
    return (event.changes.get(field) or [None, default])[1]


def _activity_row(event) -> dict:
    browsers = _after(event, "browsers") or []
    return {
        "event": event,
        "label": AccountEvent(event.verb).label,
        "detail": _after(event, "factor") or ", ".join(browsers),
        "ip_address": _after(event, "ip_address"),
        "browser": browser_label(_after(event, "browser", "")) if _after(event, "browser") else "",
        "new_browser": _after(event, "new_browser", False),
    }


class SecurityActivityView(LoginRequiredMixin, TemplateView):
    """The signed-in person's sign-ins, failed sign-ins, lockouts and factor and session changes, newest first."""

    template_name = "accounts/security_activity.html"

    def get_context_data(self, **kwargs):
        events = selectors.security_history(self.request.user)
        page = Paginator(events, ACTIVITY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [_activity_row(event) for event in page.object_list]
        return super().get_context_data(page_obj=page, rows=rows, **kwargs)


class SignedInBrowsersView(LoginRequiredMixin, ActionView):
    """The browsers the person is signed in on (browser, address, last seen), and signing the others out."""

    form_class = EndSessionsForm
    template_name = "accounts/signed_in_browsers.html"
    success_url = reverse_lazy("signed-in-browsers")

    def get_context(self, form):
        browsers = selectors.signed_in_browsers(self.request.user, current_session_key=self.request.session.session_key)
        return {"browsers": browsers, "others": sum(not browser.is_current for browser in browsers)}

    def perform(self, form):
        ended = sessions_end(
            actor=self.request.user,
            current_session_key=self.request.session.session_key,
            user_session_id=form.cleaned_data["session"],
            request=self.request,
        )
        if form.cleaned_data["session"]:
            self.success_message = "That browser is signed out."
        else:
            self.success_message = f"Signed out of {ended} other browser{pluralize(ended)}."
        return ended


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also audits it and emails the person (``password_change_record``)."""

    form_class = PasswordChangeForm
    template_name = "auth/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_record(
            user=self.request.user,
            actor=self.request.user,
            verb=AccountEvent.USER_PASSWORD_CHANGED,
            request=self.request,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password-from-a-link page, which also audits it and emails the person."""

    form_class = SetPasswordForm
    template_name = "auth/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_record(user=form.user, actor=None, verb=AccountEvent.USER_PASSWORD_RESET, request=self.request)
        return response
