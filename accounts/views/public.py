"""Public accounts pages (nobody need be signed in): accepting a portal invitation. Sign-in, sign-out and the
password pages are Django's own views (``accounts.urls``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views import View

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError

from .. import services
from ..forms.public import InvitationNewAccountForm
from ..models import InvitationState, User


class InvitationAcceptView(View):
    """The link in the invitation email (public): the invited person, signed in with the invited address, accepts;
    a new person gives a name and a password. A used, withdrawn, expired or unknown link says so (410)."""

    template_name = "auth/invitation_accept.html"

    def _context(self, request, invitation, form=None) -> dict:
        user = request.user
        existing = invitation is not None and User.objects.filter(email=invitation.email).exists()
        return {
            "invitation": invitation,
            "state": invitation.state() if invitation else InvitationState.EXPIRED,
            "signed_in_as_invitee": user.is_authenticated and invitation and user.email == invitation.email,
            "signed_in_as_other": user.is_authenticated and invitation and user.email != invitation.email,
            "needs_sign_in": not user.is_authenticated and existing,
            "form": form or (InvitationNewAccountForm() if not user.is_authenticated and not existing else None),
        }

    def _render(self, request, invitation, form=None, status=None):
        context = self._context(request, invitation, form)
        if status is None:
            status = 200 if context["state"] == InvitationState.PENDING else 410
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        return self._render(request, services.invitation_for_token(token))

    def post(self, request, token):
        invitation = services.invitation_for_token(token)
        if invitation is None or invitation.state() != InvitationState.PENDING:
            return self._render(request, invitation)
        form = None
        kwargs = {"token": token}
        if request.user.is_authenticated:
            kwargs["user"] = request.user
        else:
            form = InvitationNewAccountForm(request.POST)
            if not form.is_valid():
                return self._render(request, invitation, form, status=400)
            kwargs.update(full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"])
        try:
            access = services.invitation_accept(**kwargs)
        except DomainError as error:
            if form is None:
                messages.error(request, str(error))
                return self._render(request, invitation, status=400)
            add_domain_error(form, error)
            return self._render(request, invitation, form, status=400)
        if not request.user.is_authenticated:
            login(request, access.user, backend="accounts.user_cache.CachedUserBackend")
        messages.success(request, f"Welcome: you now have access to {access.participant.legal_name}.")
        return redirect("portal:home")
