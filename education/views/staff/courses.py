"""Workspace pages of courses: the sessions list, a session's page (roster with the waitlist in order, attendance,
enrol an MP's contact, cancel an enrolment), scheduling, changing and cancelling a session, and recommending a
course to an MP (from its issue pattern). Viewing is open to staff; actions need ``education.manage_courses``
(attendance: also the session's instructor), checked here and again in the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.models import MarketParticipant
from ercot_services.core.actions import ActionView
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ...forms.staff.courses import (
    AttendanceForm,
    RecommendForm,
    SessionCancelForm,
    SessionForm,
    StaffEnrolForm,
    default_session_initial,
)
from ...models import CourseSession, Enrolment, EnrolmentStatus
from ...policies import MANAGE_COURSES, can_manage_courses, can_record_attendance
from ...selectors import session_roster, sessions_with_seats, staff_sessions
from ...services import (
    SessionInput,
    attendance_record,
    enrolment_cancel,
    enrolment_enrol,
    recommendation_record,
    session_cancel,
    session_schedule,
    session_update,
)

SESSIONS_PAGE = 25


def _session_input(data: dict, course=None) -> SessionInput:
    return SessionInput(
        course=course or data["course"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        capacity=data["capacity"],
        enrolment_deadline=data["enrolment_deadline"],
        instructor=data["instructor"],
        location=data.get("location", "").strip(),
        dial_in=data.get("dial_in", "").strip(),
    )


def _get_session(pk) -> CourseSession:
    return get_object_or_404(CourseSession.objects.select_related("course", "instructor"), pk=pk)


class SessionListView(StaffRequiredMixin, View):
    def get(self, request):
        show = request.GET.get("show", "upcoming")
        sessions = staff_sessions()
        if show != "all":
            sessions = sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at")
        page = Paginator(sessions, SESSIONS_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "education/staff_sessions.html",
            {"page_obj": page, "show": show, "may_manage": can_manage_courses(request.user)},
        )


class SessionDetailView(StaffRequiredMixin, View):
    def get(self, request, pk, attendance_form=None, enrol_form=None, status=200):
        session = get_object_or_404(
            sessions_with_seats(CourseSession.objects.select_related("course", "instructor")), pk=pk
        )
        roster = list(session_roster(session))
        enrolled = [e for e in roster if e.status == EnrolmentStatus.ENROLLED]
        started = session.starts_at <= timezone.now()
        may_manage = can_manage_courses(request.user)
        initial_present = [e.pk for e in enrolled if e.attendance == "present"]
        return render(
            request,
            "education/staff_session.html",
            {
                "session": session,
                "enrolled": enrolled,
                "waitlist": [e for e in roster if e.status == EnrolmentStatus.WAITLISTED],
                "started": started,
                "may_manage": may_manage,
                "may_record": started and can_record_attendance(request.user, session),
                "attendance_form": attendance_form
                or AttendanceForm(enrolments=enrolled, initial={"present": initial_present}),
                "enrol_form": enrol_form or (StaffEnrolForm() if may_manage and not started else None),
            },
            status=status,
        )


class SessionNewView(StaffRequiredMixin, ActionView):
    permission_required = MANAGE_COURSES
    form_class = SessionForm
    template_name = "education/staff_session_form.html"

    def get_initial(self):
        return default_session_initial() | {"instructor": self.request.user.pk}

    def perform(self, form):
        session = session_schedule(actor=self.request.user, data=_session_input(form.cleaned_data))
        self.success_url = reverse("workspace:course-session", args=[session.pk])
        self.success_message = f"Scheduled {session}."
        return session


class SessionEditView(StaffRequiredMixin, ActionView):
    permission_required = MANAGE_COURSES
    form_class = SessionForm
    template_name = "education/staff_session_form.html"

    def get_object(self):
        return _get_session(self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"editing": True}

    def get_initial(self):
        session = self.object
        return {
            "course": session.course_id,
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "enrolment_deadline": timezone.localtime(session.enrolment_deadline),
            "capacity": session.capacity,
            "instructor": session.instructor_id,
            "location": session.location,
            "dial_in": session.dial_in,
        }

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        form.initial = self.get_initial()  # the disabled course keeps its value
        return form

    def get_context(self, form):
        return {"session": self.object}

    def perform(self, form):
        session = session_update(
            actor=self.request.user, session=self.object, data=_session_input(form.cleaned_data, self.object.course)
        )
        self.success_url = reverse("workspace:course-session", args=[session.pk])
        self.success_message = "Saved. A change of time or place re-sends the invitation to everyone enrolled."
        return session


class SessionCancelView(StaffRequiredMixin, ActionView):
    permission_required = MANAGE_COURSES
    form_class = SessionCancelForm
    template_name = "education/staff_session_cancel.html"

    def get_object(self):
        return _get_session(self.kwargs["pk"])

    def get_context(self, form):
        return {"session": self.object}

    def perform(self, form):
        session = session_cancel(actor=self.request.user, session=self.object, reason=form.cleaned_data["reason"])
        self.success_url = reverse("workspace:course-session", args=[session.pk])
        self.success_message = "The session is cancelled; everyone enrolled gets the calendar cancellation."
        return session


class AttendanceView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        session = _get_session(pk)
        if not can_record_attendance(request.user, session):
            raise PermissionDenied("Only the session's instructor or staff who run training record attendance.")
        enrolled = list(session_roster(session).filter(status=EnrolmentStatus.ENROLLED))
        form = AttendanceForm(request.POST, enrolments=enrolled)
        if form.is_valid():
            try:
                changed = attendance_record(
                    actor=request.user, session=session, present=set(form.cleaned_data["present"])
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Attendance recorded ({changed} change{'s' if changed != 1 else ''}).")
                return redirect("workspace:course-session", pk=session.pk)
        return SessionDetailView().get(request, pk, attendance_form=form, status=400)


class StaffEnrolView(StaffRequiredMixin, View):
    http_method_names = ["post"]
    action_permission_required = MANAGE_COURSES

    def post(self, request, pk):
        session = _get_session(pk)
        form = StaffEnrolForm(request.POST)
        if form.is_valid():
            membership = form.cleaned_data["membership"]
            try:
                enrolment = enrolment_enrol(
                    actor=request.user, session=session, user=membership.user, participant=membership.participant
                )
            except DomainError as error:
                form.add_error("membership", str(error))
            else:
                messages.success(
                    request,
                    f"{membership.user.full_name or membership.user.email} is {enrolment.get_status_display().lower()}.",
                )
                return redirect("workspace:course-session", pk=session.pk)
        return SessionDetailView().get(request, pk, enrol_form=form, status=400)


class StaffCancelEnrolmentView(StaffRequiredMixin, View):
    http_method_names = ["post"]
    action_permission_required = MANAGE_COURSES

    def post(self, request, pk):
        enrolment = get_object_or_404(Enrolment.objects.select_related("session", "user"), pk=pk)
        try:
            enrolment_cancel(actor=request.user, enrolment=enrolment)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Cancelled the place of {enrolment.user.full_name or enrolment.user.email}.")
        return redirect("workspace:course-session", pk=enrolment.session_id)


class RecommendView(StaffRequiredMixin, ActionView):
    """Recommend a course to an MP, e.g. from an issue pattern ("they keep asking about switch holds")."""

    permission_required = MANAGE_COURSES
    form_class = RecommendForm
    template_name = "education/staff_recommend.html"

    def get_object(self):
        return get_object_or_404(MarketParticipant, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"participant": self.object}

    def get_initial(self):
        pattern_id = self.request.GET.get("pattern", "")
        if pattern_id.isdigit():
            pattern = self.object.issue_patterns.select_related("category").filter(pk=pattern_id).first()
            if pattern is not None:
                return {
                    "pattern": pattern.pk,
                    "reason": f"{pattern.case_count} {pattern.category.name} cases within {pattern.window_days} days.",
                }
        return {}

    def get_context(self, form):
        return {"participant": self.object}

    def perform(self, form):
        data = form.cleaned_data
        recommendation = recommendation_record(
            actor=self.request.user,
            participant=self.object,
            course=data["course"],
            reason=data["reason"],
            pattern=data["pattern"],
        )
        self.success_url = reverse("workspace:participant-detail", args=[self.object.pk])
        self.success_message = (
            f"Recommended “{recommendation.course.title}” to {self.object.short_name}: its people see it first on "
            "their education page."
        )
        return recommendation
