"""Accepting a portal invitation: the public page its email links to."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views import View

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError

from ... import services
from ...forms.public import InvitationNewAccountForm, InvitationPasswordForm
from ...models import InvitationState, User


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
