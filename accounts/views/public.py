"""Pages outside the portal and the workspace: the signed-in person's own (signed-in browsers, security activity,
password change) and the public ones (a new password from a link, accepting a portal invitation)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.actions import ActionView, add_domain_error
from ercot_services.core.models import DomainError

from .. import selectors, services
from ..events import AccountEvent
from ..forms.public import (
    EndSessionsForm,
    InvitationNewAccountForm,
    InvitationPasswordForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from ..models import InvitationState, User
from ..services.credentials import password_change_record
from ..services.security import sessions_end
from ..user_agents import browser_label

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


class InvitationAcceptView(View):
    """The link in the invitation email (public). Someone signed in with the invited address accepts with a button;
    someone who has an account under it gives its password here (which also works when their every other access
    was suspended or removed, so they could not sign in); someone new gives a name and a password. A used,
    withdrawn, expired or unknown link says so (410)."""

    template_name = "auth/invitation_accept.html"

    def _form(self, request, invitation, data=None):
        """The form the visitor fills in (``None`` when signed in: a button is enough)."""
        if request.user.is_authenticated:
            return None
        existing = User.objects.filter(email=invitation.email, is_staff=False).first()
        if existing is not None:
            return InvitationPasswordForm(data, user=existing)
        return InvitationNewAccountForm(data)

    def _render(self, request, invitation, form=None, status=None):
        user = request.user
        pending = invitation is not None and invitation.state() == InvitationState.PENDING
        context = {
            "invitation": invitation,
            "state": invitation.state() if invitation else InvitationState.EXPIRED,
            "signed_in_as_invitee": pending and user.is_authenticated and user.email == invitation.email,
            "signed_in_as_other": pending and user.is_authenticated and user.email != invitation.email,
            "form": form if form is not None or not pending else self._form(request, invitation),
        }
        return render(request, self.template_name, context, status=status or (200 if pending else 410))

    def get(self, request, token):
        return self._render(request, services.invitation_for_token(token))

    def post(self, request, token):
        invitation = services.invitation_for_token(token)
        if invitation is None or invitation.state() != InvitationState.PENDING:
            return self._render(request, invitation)
        form = self._form(request, invitation, request.POST)
        if form is not None and not form.is_valid():
            return self._render(request, invitation, form, status=400)
        try:
            access = services.invitation_accept(token=token, **self._accept_kwargs(request, form))
        except DomainError as error:
            if form is None:
                messages.error(request, str(error))
                return self._render(request, invitation, status=400)
            add_domain_error(form, error)
            return self._render(request, invitation, form, status=400)
        if isinstance(form, InvitationPasswordForm):
            # An existing account signs in through the sign-in page, whose second step asks for its second factor:
            # the password on this page proves only the first.
            messages.success(request, f"You now have access to {access.participant.legal_name}. Sign in to continue.")
            return redirect("login")
        if not request.user.is_authenticated:
            login(request, access.user, backend="accounts.user_cache.CachedUserBackend")
        messages.success(request, f"Welcome: you now have access to {access.participant.legal_name}.")
        return redirect("portal:home")

    @staticmethod
    def _accept_kwargs(request, form) -> dict:
        if form is None:
            return {"user": request.user}
        if isinstance(form, InvitationPasswordForm):
            return {"user": form.user}
        return {"full_name": form.cleaned_data["full_name"], "password": form.cleaned_data["password1"]}
