"""Letters: download, resend a delivery, the Retail Operations queue and the letter delivery report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.actions import safe_next_url
from ercot_services.core.csv import csv_response
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies, selectors
from ...models import LetterDelivery, QualificationLetter
from ...services.letters import delivery_resend
from .common import _RetailOperationsPostView, is_retail_operations


class LetterDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        letter = get_object_or_404(QualificationLetter.objects.select_related("enrollment__participant"), pk=pk)
        return private_file_response(letter.pdf, filename=letter.filename, content_type="application/pdf")


class DeliveryResendView(_RetailOperationsPostView):
    action_permission_required = policies.RESEND_LETTER
    refusal = "Only Retail Operations (or the Client Services Lead) resends letters."

    def _delivery(self, pk):
        return get_object_or_404(LetterDelivery.objects.select_related("letter__enrollment"), pk=pk)

    def get(self, request, pk):
        return redirect(self._delivery(pk).letter.enrollment.get_absolute_url() + "#letter")

    def post(self, request, pk):
        delivery = self._delivery(pk)
        back = safe_next_url(request, delivery.letter.enrollment.get_absolute_url() + "#letter")
        try:
            delivery_resend(actor=request.user, delivery=delivery)
        except DomainError as error:
            messages.error(request, f"Could not resend to {delivery.email}: {error}")
        else:
            messages.success(
                request, f"Letter {delivery.letter.number} is being sent again to {delivery.name} <{delivery.email}>."
            )
        return redirect(back)


class RetailOperationsQueueView(StaffRequiredMixin, TemplateView):
    """Handed-over results: ready for a letter, blocked by the criteria (with the reasons), record only."""

    template_name = "workspace/qualification/retail_ops_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = selectors.retail_operations_queue()
        context.update(
            ready=queue["ready"],
            blocked=queue["blocked"],
            no_letter=queue["no_letter"],
            is_retail_operations=is_retail_operations(self.request.user),
            section="retail-ops",
        )
        return context


CSV_COLUMNS = [
    "letter",
    "issued_on",
    "participant",
    "flight",
    "recipient_email",
    "recipient_name",
    "kind",
    "capacity",
    "status",
    "attempts",
    "sent_at",
    "message_id",
    "last_error",
]


class LetterReportView(StaffRequiredMixin, TemplateView):
    """Letters with their deliveries sent / pending / failed; failures with the error and a resend button; CSV."""

    template_name = "workspace/qualification/letters.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv(request)
        return super().get(request, *args, **kwargs)

    def _failed_only(self) -> bool:
        return self.request.GET.get("failed") in ("1", "on", "true", "yes")

    def csv(self, request):
        rows = (
            [
                d.letter.number,
                d.letter.issued_on.isoformat(),
                d.letter.enrollment.participant.short_name,
                str(d.letter.enrollment.flight),
                d.email,
                d.name,
                d.get_kind_display(),
                d.capacity,
                d.get_status_display(),
                d.attempts,
                timezone.localtime(d.sent_at).isoformat(timespec="seconds") if d.sent_at else "",
                d.message_id,
                d.last_error,
            ]
            for d in selectors.delivery_rows(failed_only=self._failed_only()).iterator(chunk_size=500)
        )
        return csv_response(f"letter-deliveries-{timezone.localdate().isoformat()}.csv", CSV_COLUMNS, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed_only = self._failed_only()
        letters = selectors.letter_report(failed_only=failed_only)
        context.update(
            letters=letters,
            failed_only=failed_only,
            totals={
                "sent": sum(letter.n_sent for letter in letters),
                "pending": sum(letter.n_pending for letter in letters),
                "failed": sum(letter.n_failed for letter in letters),
            },
            is_retail_operations=is_retail_operations(self.request.user),
            section="letters",
        )
        return context
