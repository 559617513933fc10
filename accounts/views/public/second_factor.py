"""Pages of one's own sign-in, reached from either side: our additions to django-allauth's second-factor pages (what
the Security page says, a guarded key removal)."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.views import IndexView
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.contrib import messages
from django.http import HttpResponseRedirect

from ...second_factor import LAST_FACTOR_KEPT, second_factor_required


class RemovePasskeyView(RemoveWebAuthnView):
    """allauth's removal (after a fresh second factor), refused for the last factor of a user who must keep one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_remove"] = get_adapter().can_delete_authenticator(self.object)
        return context

    def form_valid(self, form):
        if not get_adapter().can_delete_authenticator(self.get_object()):
            messages.error(self.request, LAST_FACTOR_KEPT)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class SecurityView(IndexView):
    """allauth's second-factor overview (the user menu's "Security"), saying whether the user must have one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        required = second_factor_required(self.request.user)
        has_one = any(kind in context["authenticators"] for kind in ("totp", "webauthn"))
        context.update(second_factor_required=required, must_enrol=required and not has_one)
        return context
