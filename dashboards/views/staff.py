"""Staff dashboards: the AM home, the MP 360° page, and the Client Services metrics page with its per-table CSV
exports (Account Managers and the Lead). Each reads selectors that the apps own; none writes."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from accounts import selectors as account_selectors
from accounts.models import AccountManager, MarketParticipant
from accounts.roles import StaffGroup
from accounts.selectors.metrics import managers as metric_managers
from education.selectors import book_training
from ercot_services.core.csv import csv_response
from ercot_services.core.metrics import MetricsFilter, default_range, uses_sql_percentiles
from ercot_services.core.permissions import StaffRequiredMixin, group_names, load_permissions
from notices.selectors import book_acknowledgement_gaps

from ..selectors import home as dashboard
from ..selectors import metrics as selectors
from ..selectors.overview import SECTIONS, participant_360, participant_360_queryset

MAX_RANGE_DAYS = 3 * 366
PAGE_SIZE = 25


class MetricsFilterForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    manager = forms.ChoiceField(label="Account Manager", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data, *, managers, **kwargs):
        start, end = default_range()
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

    def metrics_filter(self) -> MetricsFilter:
        """The filter the form asks for; the default (last 90 days, everyone) when it is invalid."""
        if self.is_valid():
            manager = self.cleaned_data["manager"]
            return MetricsFilter(
                start=self.cleaned_data["start"],
                end=self.cleaned_data["end"],
                manager_id=int(manager) if manager != "all" else None,
            )
        start, end = default_range()
        return MetricsFilter(start=start, end=end)


def can_view_metrics(user) -> bool:
    return user.is_superuser or bool(group_names(user) & {StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD})


class MetricsAccessMixin(StaffRequiredMixin):
    """Staff only (StaffRequiredMixin), and of those only Account Managers and the Client Services Lead."""

    open_refusal = "The metrics page is for Account Managers and the Client Services Lead."

    @classmethod
    def may_open(cls, user) -> bool:
        return super().may_open(user) and can_view_metrics(user)


def _filter_from(request) -> tuple[MetricsFilterForm, MetricsFilter, list[AccountManager]]:
    """The form, its filter, and the Account Managers (the form's choices and the page's rows: one query)."""
    managers = metric_managers()
    form = MetricsFilterForm(request.GET, managers=managers)
    return form, form.metrics_filter(), managers


class MetricsView(MetricsAccessMixin, TemplateView):
    template_name = "workspace/metrics/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, metrics_filter, managers = _filter_from(self.request)
        dashboard = selectors.metrics_dashboard(metrics_filter, managers)
        manager = next((m for m in dashboard["managers"] if m.user_id == metrics_filter.manager_id), None)
        context.update(
            form=form,
            filter=metrics_filter,
            scope_name=manager.user.full_name if manager else "All Account Managers",
            kpis=dashboard["kpis"],
            charts=dashboard["charts"],
            # Template lookups cannot contain "-": feedback-channels is tables.feedback_channels.
            tables={key.replace("-", "_"): table for key, table in dashboard["tables"].items()},
            sql_percentiles=uses_sql_percentiles(),
            percentiles_exact=dashboard["percentiles_exact"],
            percentile_precision=selectors.PERCENTILE_PRECISION_PERCENT,
        )
        return context


class MetricsCsvView(MetricsAccessMixin, View):
    """Exactly one table of the page, with the page's filters."""

    def get(self, request, table: str):
        if table not in selectors.TABLES:
            raise Http404("No such metrics table.")
        _, metrics_filter, managers = _filter_from(request)
        header, *rows = selectors.metrics_table(metrics_filter, table, managers).csv_rows()
        scope = f"-am{metrics_filter.manager_id}" if metrics_filter.manager_id else ""
        name = f"metrics-{table}{scope}-{metrics_filter.start:%Y-%m-%d}_to_{metrics_filter.end:%Y-%m-%d}.csv"
        return csv_response(name, header, rows)


def _audit_page(request, participant):
    events = account_selectors.participant_history(participant).select_related("actor", "target_content_type")
    page = Paginator(events, 20).get_page(request.GET.get("history_page"))
    page.object_list = list(page.object_list)  # read here, not while the template renders
    return page


class KnownCountPaginator(Paginator):
    """A paginator told its count (the dashboard's headline aggregate already counted the scope's MPs)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _home_scope(request) -> tuple[dashboard.DashboardScope, list[str]]:
    """Whose book the home page and its lists show, and the user's group names (read once, shown on the page)."""
    names = sorted(group_names(request.user))
    return dashboard.dashboard_scope(request.user, request.GET.get("manager"), group_names=names), names


class WorkspaceHomeView(StaffRequiredMixin, TemplateView):
    """The staff home: the cards of the user's groups (each app registers its own, see
    ``ercot_services.core.home_cards``), and for Account Managers and the Lead the book's health.

    The book: the headline figures and the book's health, from the participant summaries; the day's lists (items,
    meetings, SLA watch, patterns, notices) load into it from :class:`WorkspaceHomeListsView`. An AM sees their own
    book; the Lead may switch to any AM's book or all MPs (``?manager=<id>|all``). Everything the template shows is
    a list or a value in the context: the template itself sends no query.
    """

    template_name = "workspace/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        user = self.request.user
        names = sorted(group_names(user))
        context = super().get_context_data(**kwargs)
        context.update(
            today=today,
            group_names=names,
            cards=dashboard.role_cards(user, names, today=today),
            shows_book=dashboard.shows_book(user, names),
        )
        if context["shows_book"]:
            context.update(self.book_context(names, today))
        return context

    def book_context(self, names: list[str], today) -> dict:
        scope = dashboard.dashboard_scope(self.request.user, self.request.GET.get("manager"), group_names=names)
        sort = self.request.GET.get("sort")
        if sort not in dashboard.BOOK_SORTS:
            sort = dashboard.DEFAULT_BOOK_SORT
        summary = dashboard.dashboard_summary(scope, today=today)
        order = dashboard.book_health_order(scope, sort=sort)
        page = KnownCountPaginator(order, PAGE_SIZE, count=summary["participants"]).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        # The department's overview (MPs by status, books, MPs without an AM) for whoever looks beyond one book.
        overview = scope.is_all or scope.can_choose
        managers = scope.managers if scope.can_choose else []
        if overview and not scope.can_choose:
            managers = list(account_selectors.account_managers_with_book_size().order_by("user__full_name"))
        return dict(
            querystring=query.urlencode(),
            scope=scope,
            sort=sort,
            sorts=[(key, label) for key, (label, _) in dashboard.BOOK_SORTS.items()],
            page_obj=page,
            rows=dashboard.book_health_rows(list(page.object_list)),
            summary=summary,
            lead=dashboard.lead_overview() if overview else None,
            managers=managers if overview else [],
        )


class WorkspaceHomeListsView(StaffRequiredMixin, TemplateView):
    """The home page's lists of the day (htmx, loaded with the page): my action items due, upcoming meetings, SLA
    watch, issue-pattern alerts, notices my book has not acknowledged, recent notices."""

    template_name = "workspace/_home_lists.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope, _ = _home_scope(self.request)
        context = super().get_context_data(**kwargs)
        context.update(
            scope=scope,
            sla_watch=dashboard.sla_watch(scope),
            pattern_alerts=dashboard.pattern_alerts(scope),
            meetings=dashboard.upcoming_meetings(scope, user=user),
            training=book_training(None if scope.is_all else scope.participants()),
            items_due=dashboard.action_items_due(user=user, today=timezone.localdate()),
            recent_notices=dashboard.recent_notices(),
            acknowledgement_gaps=book_acknowledgement_gaps(user),
        )
        return context


HISTORY_SECTION = "history"


class ParticipantDetailView(StaffRequiredMixin, TemplateView):
    """The 360° page: the MP, its AM and assignment history, contacts and AR/BAR, and cases; registration,
    qualification, notices, plan and the audit timeline load into it from :class:`ParticipantSectionView`."""

    template_name = "workspace/participant_detail.html"

    def get_context_data(self, **kwargs):
        participant = get_object_or_404(participant_360_queryset(), pk=self.kwargs["pk"])
        overview = participant_360(participant)
        context = super().get_context_data(**kwargs)
        context.update(
            participant=participant,
            overview=overview,
            account_manager=overview["account_manager"],
            assignments=overview["assignments"],
            section_urls=self.section_urls(participant),
            can_reassign=self.request.user.has_perm("accounts.reassign_account_manager"),
        )
        return context

    def section_urls(self, participant) -> dict[str, str]:
        """Where each section loads from; the audit timeline keeps the page of it asked for (its page links lead
        back here with ``history_page``)."""
        urls = {
            section: reverse("workspace:participant-section", args=[participant.pk, section])
            for section in [*SECTIONS, HISTORY_SECTION]
        }
        history_page = self.request.GET.get("history_page")
        if history_page:
            urls[HISTORY_SECTION] += "?" + urlencode({"history_page": history_page})
        return urls


class ParticipantSectionView(StaffRequiredMixin, TemplateView):
    """One secondary section of the 360° page, loaded into it by htmx (and a plain fragment to open without
    JavaScript): the same staff who see the page see its sections."""

    def get_template_names(self):
        return [f"workspace/participant/_section_{self.kwargs['section']}.html"]

    def get_context_data(self, **kwargs):
        section = self.kwargs["section"]
        if section != HISTORY_SECTION and section not in SECTIONS:
            raise Http404("No such section.")
        participant = get_object_or_404(MarketParticipant, pk=self.kwargs["pk"])
        load_permissions(self.request.user)  # the sections' buttons ask ``perms``: read them now, not while rendering
        context = super().get_context_data(**kwargs)
        context.update(participant=participant, today=timezone.localdate())
        if section == HISTORY_SECTION:
            context["history"] = _audit_page(self.request, participant)
        else:
            context.update(SECTIONS[section](participant))
        return context
