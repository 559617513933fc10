"""What follows a letter: the production certificate and connectivity tests (recorded, or their ticket logged
on the MP's behalf)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError

from ... import policies, selectors
from ...forms.staff import CertificateAdvanceForm, ConnectivityRecordForm, ConnectivityTicketOnBehalfForm
from ...models import CertificateRequest, ConnectivityTest
from ...services.connectivity import connectivity_test_record, connectivity_ticket_submit
from ...services.onboarding import certificate_advance
from .common import _RetailOperationsPostView
from .enrollment_page import enrollment_page


class CertificateAdvanceView(_RetailOperationsPostView):
    action_permission_required = policies.ADVANCE_CERTIFICATE
    refusal = "Only Retail Operations (or the Client Services Lead) moves a certificate request on."

    def _certificate(self, pk):
        return get_object_or_404(CertificateRequest.objects.select_related("participant", "enrollment"), pk=pk)

    def _back(self, certificate):
        if certificate.enrollment_id:
            return certificate.enrollment.get_absolute_url() + "#certificates"
        return certificate.participant.get_absolute_url()

    def get(self, request, pk):
        return redirect(self._back(self._certificate(pk)))

    def post(self, request, pk):
        certificate = self._certificate(pk)
        form = CertificateAdvanceForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose the status the certificate moves to (issued or installed).")
            return redirect(self._back(certificate))
        try:
            certificate = certificate_advance(
                actor=request.user, request=certificate, to_status=form.cleaned_data["to_status"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"The production certificate of {certificate.participant.short_name} is now {certificate.get_status_display().lower()}.",
            )
        return redirect(self._back(certificate))


class ConnectivityRecordView(_RetailOperationsPostView):
    action_permission_required = policies.RECORD_CONNECTIVITY
    refusal = policies.CONNECTIVITY_RECORDERS_ONLY

    def _test(self, pk):
        return get_object_or_404(ConnectivityTest.objects.select_related("participant", "enrollment"), pk=pk)

    def _back(self, test):
        if test.enrollment_id:
            return test.enrollment.get_absolute_url() + "#connectivity"
        return test.participant.get_absolute_url()

    def get(self, request, pk):
        return redirect(self._back(self._test(pk)))

    def post(self, request, pk):
        test = self._test(pk)
        form = ConnectivityRecordForm(request.POST, prefix=f"ct{test.pk}")
        if form.is_valid():
            passed = form.cleaned_data["outcome"] == ConnectivityRecordForm.PASSED
            try:
                test = connectivity_test_record(
                    actor=request.user, test=test, passed=passed, notes=form.cleaned_data["notes"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                text = f"Production connectivity test of {test.participant.short_name}: {test.get_status_display().lower()}."
                if passed:
                    test.participant.refresh_from_db(fields=["status"])
                    text += f" {test.participant.short_name} is {test.participant.get_status_display().lower()}."
                messages.success(request, text)
                return redirect(self._back(test))
        if test.enrollment_id:
            enrollment = selectors.enrollment_get_for_staff(test.enrollment_id)
            return enrollment_page(
                request, enrollment, status=400, error_section="connectivity", connectivity_forms={test.pk: form}
            )
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self._back(test))


class ConnectivityTicketView(ConnectivityRecordView):
    """Log the production connectivity testing ticket on the MP's behalf (its AR or BAR asked by email or phone)."""

    refusal = "Only Retail Operations, the Lead, the Service Desk or MASS log this ticket for an MP."

    def post(self, request, pk):
        test = self._test(pk)
        form = ConnectivityTicketOnBehalfForm(request.POST, test=test)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = connectivity_ticket_submit(
                    actor=request.user,
                    test=test,
                    subject=data["subject"],
                    description=data["description"],
                    requester=data["requester"],
                    channel=data["channel"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"Logged {case.reference} on behalf of {case.requester_name}: in the Market Application Support "
                    "Services queue, copied to Flight Testing and MASS.",
                )
                return redirect(self._back(test))
        if test.enrollment_id:
            enrollment = selectors.enrollment_get_for_staff(test.enrollment_id)
            return enrollment_page(
                request, enrollment, status=400, error_section="connectivity", ticket_forms={test.pk: form}
            )
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self._back(test))
