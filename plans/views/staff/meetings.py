"""Meetings with the MP: schedule, edit, cancel, minutes and sharing them, the iCalendar invitation, the list."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import services
from ...forms.staff import (
    MeetingCancelForm,
    MeetingForm,
    MinutesForm,
)
from ...models import (
    ACTION_ITEM_OPEN_STATUSES,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
)
from ...selectors import next_seven_days
from .common import (
    StaffActionView,
    _annotate_items,
    _choice_param,
    _in_book,
    _int_param,
    _open_first,
    _paginate,
    _participant,
    render_list,
)


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("participant", "organizer", "objective"), pk=pk)


WHEN_CHOICES = [
    ("upcoming", "Upcoming"),
    ("week", "Scheduled in the next 7 days"),
    ("past", "Past"),
    ("all", "Any time"),
]


class MeetingListView(StaffRequiredMixin, View):
    template_name = "workspace/plans/meetings.html"

    def get(self, request):
        now = timezone.now()
        when = _choice_param(request, "when", WHEN_CHOICES, "upcoming")
        mine = request.GET.get("mine") == "1"
        participant_id = _int_param(request, "participant")
        meetings = Meeting.objects.select_related("participant", "organizer").annotate(
            attendee_count=Count("attendees", distinct=True),
            follow_up_open=Count(
                "follow_up_items", filter=Q(follow_up_items__status__in=ACTION_ITEM_OPEN_STATUSES), distinct=True
            ),
        )
        if participant_id:
            meetings = meetings.filter(participant_id=participant_id)
        meetings, book_manager = _in_book(request, meetings)
        if mine:
            meetings = meetings.filter(
                Q(organizer=request.user)
                | Q(pk__in=MeetingAttendee.objects.filter(user=request.user).values("meeting_id"))
            )
        if when == "upcoming":
            meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
        elif when == "week":
            meetings = meetings.filter(next_seven_days(timezone.localdate()), status=MeetingStatus.SCHEDULED).order_by(
                "starts_at", "pk"
            )
        elif when == "past":
            meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        else:
            meetings = meetings.order_by("-starts_at", "-pk")
        return render_list(
            request,
            self.template_name,
            _paginate(request, meetings),
            now=now,
            when=when,
            mine=mine,
            participant_id=participant_id,
            book_manager=book_manager,
            when_options=WHEN_CHOICES,
        )


def _meeting_initial(meeting: Meeting) -> dict:
    attendees = list(meeting.attendees.all())
    return {
        "title": meeting.title,
        "objective": meeting.objective_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "dial_in": meeting.dial_in,
        "agenda": meeting.agenda,
        "attendees": [a.user_id for a in attendees if a.user_id and a.user_id != meeting.organizer_id],
        "extra_emails": "\n".join(a.email for a in attendees if not a.user_id),
    }


def _meeting_input(data: dict) -> services.MeetingInput:
    """What ``meeting_schedule`` and ``meeting_update`` both take, from the form's cleaned data."""
    return services.MeetingInput(
        title=data["title"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        agenda=data["agenda"],
        location=data["location"],
        dial_in=data["dial_in"],
        attendees=list(data["attendees"]),
        extra_emails=data["extra_emails"],
        objective=data["objective"],
    )


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("workspace:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


class MeetingCreateView(StaffActionView):
    permission_required = "plans.add_meeting"
    template_name = "workspace/plans/meeting_form.html"
    form_class = MeetingForm

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_form_kwargs(self):
        participant = self.object
        return {"participant": participant, "organizer": self.request.user}

    def get_initial(self):
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
        start = start.replace(hour=10)
        initial = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=1)}
        objective_id = _int_param(self.request, "objective")
        if objective_id:
            initial["objective"] = objective_id
        return initial

    def get_context(self, form):
        participant = self.object
        return {"participant": participant, "meeting": None}

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        meeting = services.meeting_schedule(actor=self.request.user, participant=participant, data=_meeting_input(data))
        count = meeting.attendees.count()
        message = (
            f"Scheduled “{meeting.title}” on {timezone.localtime(meeting.starts_at):%b %d, %Y at %H:%M}. "
            f"Calendar invitations went to {count} attendee{'s' if count != 1 else ''}."
        )
        self.success_message, self.success_url = message, _meeting_url(meeting)


def meeting_page(request, meeting: Meeting, *, status: int = 200, **forms):
    context = {
        "meeting": meeting,
        "participant": meeting.participant,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "attendees": list(meeting.attendees.select_related("user")),
        "follow_ups": _annotate_items(
            meeting.follow_up_items.select_related("owner", "case", "application", "enrollment__flight").order_by(
                _open_first(ACTION_ITEM_OPEN_STATUSES),
                "due_date",
                "pk",
            ),
            timezone.localdate(),
        ),
        "feedback": list(meeting.feedback.select_related("submitted_by", "recorded_by")),
        "timeline": AuditEvent.objects.for_object(meeting).select_related("actor", "target_content_type")[:50],
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "is_scheduled": meeting.status == MeetingStatus.SCHEDULED,
        "can_record_minutes": meeting.status != MeetingStatus.CANCELLED,
    }
    return render(request, "workspace/plans/meeting_detail.html", context, status=status)


class MeetingDetailView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return meeting_page(request, _meeting(pk))


class ScheduledMeetingFormView(StaffActionView):
    """A form only a scheduled meeting offers (edit, cancel). For a held or cancelled meeting GET goes back to the
    meeting saying why; a POST is refused by the service, and that shows as a form error."""

    not_scheduled_text = ""

    def get_object(self):
        return _meeting(self.kwargs["pk"])

    def get(self, request, pk):
        meeting = self.object = self.get_object()
        if meeting.status != MeetingStatus.SCHEDULED:
            status = meeting.get_status_display().lower()
            messages.error(request, f"This meeting is {status}: {self.not_scheduled_text}")
            return redirect(_meeting_url(meeting))
        return self.render_form(self.get_form())


class MeetingEditView(ScheduledMeetingFormView):
    permission_required = "plans.change_meeting"
    template_name = "workspace/plans/meeting_form.html"
    form_class = MeetingForm
    not_scheduled_text = "it can no longer be changed."

    def get_form_kwargs(self):
        meeting = self.object
        return {"participant": meeting.participant, "organizer": meeting.organizer}

    def get_initial(self):
        meeting = self.object
        return _meeting_initial(meeting)

    def get_context(self, form):
        meeting = self.object
        return {"participant": meeting.participant, "meeting": meeting}

    def perform(self, form):
        meeting, data = self.object, form.cleaned_data
        sequence = meeting.sequence
        meeting = services.meeting_update(actor=self.request.user, meeting=meeting, data=_meeting_input(data))
        if meeting.sequence != sequence:
            message = f"Saved “{meeting.title}”. Attendees received invitation version {meeting.sequence + 1}."
        else:
            message = f"Saved “{meeting.title}”. Nothing attendees see changed, so no invitation was re-sent."
        self.success_message, self.success_url = message, _meeting_url(meeting)


class MeetingCancelView(ScheduledMeetingFormView):
    permission_required = "plans.change_meeting"
    template_name = "workspace/plans/meeting_cancel.html"
    form_class = MeetingCancelForm
    not_scheduled_text = "it cannot be cancelled."

    def get_context(self, form):
        meeting = self.object
        return {"meeting": meeting, "participant": meeting.participant, "attendee_count": meeting.attendees.count()}

    def perform(self, form):
        meeting, data = self.object, form.cleaned_data
        services.meeting_cancel(actor=self.request.user, meeting=meeting, reason=data["reason"])
        self.success_message, self.success_url = (
            f"“{meeting.title}” was cancelled; every attendee received the cancellation.",
            _meeting_url(meeting),
        )


class MeetingMinutesView(StaffActionView):
    """Record (and optionally share) the minutes; the form lives on the meeting page, so an error shows it there."""

    permission_required = "plans.change_meeting"
    form_class = MinutesForm

    def get_object(self):
        return _meeting(self.kwargs["pk"])

    def get(self, request, pk):
        return redirect(_meeting_url(_meeting(pk), "minutes"))

    def render_form(self, form, status=200):
        meeting = self.object
        return meeting_page(self.request, meeting, status=status, minutes_form=form)

    def perform(self, form):
        meeting, data = self.object, form.cleaned_data
        meeting = services.meeting_record_minutes(
            actor=self.request.user, meeting=meeting, minutes=data["minutes"], share=data["share"]
        )
        shared = " and shared with the MP's attendees" if meeting.minutes_shared_at else ""
        self.success_message, self.success_url = (
            f"Minutes saved{shared}. The meeting is marked as held.",
            _meeting_url(meeting, "minutes"),
        )


class MeetingShareMinutesView(StaffRequiredMixin, View):
    permission_required = "plans.change_meeting"

    def get(self, request, pk):
        return redirect(_meeting_url(_meeting(pk), "minutes"))

    def post(self, request, pk):
        meeting = _meeting(pk)
        try:
            services.meeting_share_minutes(actor=request.user, meeting=meeting)
        except DomainError as error:
            messages.error(request, f"The minutes were not shared: {error}")
        else:
            messages.success(
                request, "The minutes are shared: the MP's attendees were emailed a link and see them in the portal."
            )
        return redirect(_meeting_url(meeting, "minutes"))


class MeetingIcsView(StaffRequiredMixin, View):
    """The meeting as an iCalendar file (a cancellation once cancelled), to add it to one's own calendar."""

    def get(self, request, pk):
        meeting = _meeting(pk)
        method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
        response = HttpResponse(
            services.meeting_ics(meeting, method=method), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response
