"""Which case emails a signed-in user receives (``/accounts/preferences/``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views import View

from ...forms.portal import NotificationPreferenceForm
from ...models import NotificationPreference
from ...services import notification_preferences_update


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
            notification_preferences_update(actor=request.user, values=dict(form.cleaned_data))
            messages.success(request, "Your email preferences were saved.")
            return redirect("preferences")
        return render(request, self.template_name, {"form": form}, status=400)
