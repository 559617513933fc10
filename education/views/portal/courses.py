"""Portal pages of courses: the MP's education page (courses meant for its market roles and those its AM
recommended first, then the MP's enrolments), enrol and cancel, the session's invitation (``.ics``) and the
completion certificate. Every lookup goes through the portal selectors, scoped to the MP chosen in this session:
another MP's enrolment is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.portal_session import CurrentParticipantMixin
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...certificates import certificate_number, certificate_pdf
from ...models import CourseSession, EnrolmentStatus, SessionStatus
from ...selectors import enrolment_for_certificate, portal_enrolment_get, portal_enrolments, recommended_courses
from ...services import enrolment_cancel, enrolment_enrol, session_ics

ENROLMENTS_SHOWN = 50


def enrolment_rows(enrolments, now):
    """Mark each enrolment for the template: upcoming (may still be cancelled by its person)."""
    for enrolment in enrolments:
        session = enrolment.session
        enrolment.upcoming = session.starts_at > now and session.status == SessionStatus.SCHEDULED
        enrolment.may_cancel = enrolment.upcoming and enrolment.status != EnrolmentStatus.CANCELLED
    return enrolments


class PortalView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    pass


class EducationHomeView(PortalView):
    def get(self, request):
        participant = self.participant
        enrolments = list(
            portal_enrolments(user=request.user, participant=participant).order_by("-session__starts_at")[
                :ENROLMENTS_SHOWN
            ]
        )
        mine = {e.session_id: e for e in enrolments if e.user_id == request.user.pk and e.status != "cancelled"}
        courses = recommended_courses(participant)
        for course in courses:
            for session in course.upcoming:
                session.my_enrolment = mine.get(session.pk)
        return render(
            request,
            "education/portal.html",
            {
                "participant": participant,
                "courses": courses,
                "enrolments": enrolment_rows(enrolments, timezone.now()),
            },
        )


class EnrolView(PortalView):
    http_method_names = ["post"]

    def post(self, request, pk):
        session = get_object_or_404(
            CourseSession.objects.filter(status=SessionStatus.SCHEDULED, course__is_published=True), pk=pk
        )
        try:
            enrolment = enrolment_enrol(
                actor=request.user, session=session, user=request.user, participant=self.participant
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(
                    request,
                    f"You are enrolled in {session.course.title}. The invitation is on its way to {request.user.email}.",
                )
            else:
                messages.info(
                    request,
                    "The session is full: you are on its waitlist. The first person waiting gets the next free seat.",
                )
        return redirect("portal:education")


class CancelEnrolmentView(PortalView):
    http_method_names = ["post"]

    def post(self, request, pk):
        enrolment = portal_enrolment_get(user=request.user, participant=self.participant, pk=pk)
        try:
            enrolment_cancel(actor=request.user, enrolment=enrolment)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Your place in {enrolment.session.course.title} is cancelled.")
        return redirect("portal:education")


class InvitationView(PortalView):
    def get(self, request, pk):
        enrolment = portal_enrolment_get(user=request.user, participant=self.participant, pk=pk)
        session = enrolment.session
        method = "CANCEL" if session.is_cancelled or enrolment.status == EnrolmentStatus.CANCELLED else "REQUEST"
        response = HttpResponse(
            session_ics(session, method=method, attendee=enrolment.user), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="course-session-{session.pk}.ics"'
        return response


class CertificateView(PortalView):
    def get(self, request, pk):
        enrolment = enrolment_for_certificate(user=request.user, participant=self.participant, pk=pk)
        response = HttpResponse(certificate_pdf(enrolment), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate_number(enrolment)}.pdf"'
        return response
