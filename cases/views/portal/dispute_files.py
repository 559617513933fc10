"""Portal: file disputes from a CSV (``dispute_bulk_file``), the template to start from, and what was filed."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from accounts.portal_session import RegisteredParticipantMixin
from ercot_services.core.actions import ActionView
from ercot_services.core.csv import csv_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...dispute_input import MAX_FILE_BYTES, MAX_ROWS, TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE_ROWS
from ...forms.portal.dispute_files import DisputeFileForm
from ...models import DisputeDay
from ...selectors import portal as case_selectors
from ...services.dispute_bulk import DisputeFileRefused, dispute_bulk_file

FILED_SESSION_KEY = "cases:disputes-filed-from-file"
SHOWN_ROW_ERRORS = 500


class DisputeFileView(ParticipantRequiredMixin, RegisteredParticipantMixin, ActionView):
    template_name = "portal/cases/dispute_file.html"
    form_class = DisputeFileForm
    row_errors: list = ()

    def get_context(self, form):
        return {
            "participant": self.participant,
            "columns": TEMPLATE_COLUMNS,
            "row_errors": self.row_errors[:SHOWN_ROW_ERRORS],
            "more_row_errors": max(len(self.row_errors) - SHOWN_ROW_ERRORS, 0),
            "max_rows": MAX_ROWS,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        }

    def perform(self, form):
        try:
            if form.row_errors:
                raise DisputeFileRefused(form.row_errors)
            return dispute_bulk_file(actor=self.request.user, participant=self.participant, rows=form.rows)
        except DisputeFileRefused as refused:
            self.row_errors = refused.row_errors
            raise DomainError(
                f"{len(refused.row_errors)} problem{'s' if len(refused.row_errors) != 1 else ''} in the file, listed "
                "below with their line numbers. Nothing was filed: correct the file and upload it again.",
                code=refused.code,
            ) from refused

    def get_success_message(self, form):
        count = len(self.result)
        return f"{count} dispute{'s were' if count != 1 else ' was'} filed from {form.cleaned_data['file'].name}."

    def get_success_url(self):
        self.request.session[FILED_SESSION_KEY] = [case.reference for case in self.result]
        return reverse("portal:disputes-file-filed")


class DisputeFileTemplateView(ParticipantRequiredMixin, RegisteredParticipantMixin, View):
    def get(self, request):
        return csv_response("dispute-file-template.csv", TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE_ROWS)


class DisputeFileFiledView(ParticipantRequiredMixin, RegisteredParticipantMixin, View):
    """The disputes the last upload filed (their references kept in the session), read through the MP's scope."""

    def get(self, request):
        references = request.session.get(FILED_SESSION_KEY, [])
        cases = list(
            case_selectors.portal_cases_base(user=request.user, participant=self.participant)
            .filter(reference__in=references)
            .select_related("dispute")
            .order_by("reference")
        )
        counts = dict(
            DisputeDay.objects.filter(dispute__case__in=cases)
            .values_list("dispute__case_id")
            .annotate(n=Count("id"))
            .values_list("dispute__case_id", "n")
        )
        for case in cases:
            case.day_count = counts.get(case.pk, 0)
        return render(
            request, "portal/cases/dispute_file_filed.html", {"participant": self.participant, "cases": cases}
        )
