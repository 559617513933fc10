"""Which case emails a signed-in user receives (``/accounts/preferences/``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, render
from django.views import View

from ercot_services.core.audit import audit_record

from ..events import CaseEvent
from ..forms.portal import NotificationPreferenceForm
from ..models import NotificationPreference


def _save_preferences(*, user, values: dict) -> NotificationPreference:
    """Store the choices and record what changed in the audit trail."""
    with transaction.atomic():
        existing = NotificationPreference.objects.select_for_update().filter(user=user).first()
        before = existing or NotificationPreference(user=user)
        changes = {name: (getattr(before, name), new) for name, new in values.items() if getattr(before, name) != new}
        preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults=values)
        if changes or existing is None:
            audit_record(
                actor=user, verb=CaseEvent.NOTIFICATION_PREFERENCES_UPDATED, target=preference, changes=changes
            )
    return preference


class NotificationPreferencesView(LoginRequiredMixin, View):
    template_name = "accounts/preferences.html"

    def _form(self, request, data=None):
        instance = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
            user=request.user
        )
        return NotificationPreferenceForm(data, instance=instance, user=request.user)

    def get(self, request):
        return render(request, self.template_name, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            _save_preferences(user=request.user, values=dict(form.cleaned_data))
            messages.success(request, "Your email preferences were saved.")
            return redirect("preferences")
        return render(request, self.template_name, {"form": form}, status=400)
