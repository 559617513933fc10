"""The Client Services metrics page and its per-table CSV exports (Account Managers and the Lead)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.csv import csv_response
from ercot_services.core.permissions import StaffRequiredMixin

from ..models import AccountManager
from ..roles import StaffGroup
from ..selectors import metrics as selectors

MAX_RANGE_DAYS = 3 * 366


class MetricsFilterForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    manager = forms.ChoiceField(label="Account Manager", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data, *, managers, **kwargs):
        start, end = selectors.default_range()
        initial = {"start": start, "end": end, "manager": "all"}
        values = {key: data.get(key) or str(value) for key, value in initial.items()}
        super().__init__(values, **kwargs)
        self.fields["manager"].choices = [("all", "All Account Managers")] + [
            (str(m.user_id), m.user.full_name) for m in managers
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError("Choose a range of at most three years.")
        return data

    def metrics_filter(self) -> selectors.MetricsFilter:
        """The filter the form asks for; the default (last 90 days, everyone) when it is invalid."""
        if self.is_valid():
            manager = self.cleaned_data["manager"]
            return selectors.MetricsFilter(
                start=self.cleaned_data["start"],
                end=self.cleaned_data["end"],
                manager_id=int(manager) if manager != "all" else None,
            )
        start, end = selectors.default_range()
        return selectors.MetricsFilter(start=start, end=end)


def can_view_metrics(user) -> bool:
    return (
        user.is_superuser
        or user.groups.filter(name__in=[StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD]).exists()
    )


class MetricsAccessMixin(StaffRequiredMixin):
    """Staff only (StaffRequiredMixin), and of those only Account Managers and the Client Services Lead."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and not can_view_metrics(user):
            raise PermissionDenied("The metrics page is for Account Managers and the Client Services Lead.")
        return super().dispatch(request, *args, **kwargs)


def _filter_from(request) -> tuple[MetricsFilterForm, selectors.MetricsFilter]:
    managers = AccountManager.objects.select_related("user").order_by("user__full_name")
    form = MetricsFilterForm(request.GET, managers=managers)
    return form, form.metrics_filter()


class MetricsView(MetricsAccessMixin, TemplateView):
    template_name = "workspace/metrics/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, metrics_filter = _filter_from(self.request)
        dashboard = selectors.metrics_dashboard(metrics_filter)
        manager = next((m for m in dashboard["managers"] if m.user_id == metrics_filter.manager_id), None)
        context.update(
            form=form,
            filter=metrics_filter,
            scope_name=manager.user.full_name if manager else "All Account Managers",
            kpis=dashboard["kpis"],
            charts=dashboard["charts"],
            # Template lookups cannot contain "-": feedback-channels is tables.feedback_channels.
            tables={key.replace("-", "_"): table for key, table in dashboard["tables"].items()},
            sql_percentiles=selectors.uses_sql_percentiles(),
        )
        return context


class MetricsCsvView(MetricsAccessMixin, View):
    """Exactly one table of the page, with the page's filters."""

    def get(self, request, table: str):
        if table not in selectors.TABLES:
            raise Http404("No such metrics table.")
        _, metrics_filter = _filter_from(request)
        header, *rows = selectors.metrics_table(metrics_filter, table).csv_rows()
        scope = f"-am{metrics_filter.manager_id}" if metrics_filter.manager_id else ""
        name = f"metrics-{table}{scope}-{metrics_filter.start:%Y-%m-%d}_to_{metrics_filter.end:%Y-%m-%d}.csv"
        return csv_response(name, header, rows)
