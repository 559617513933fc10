"""Workspace forms of courses: a session, its cancellation, attendance, enrolling an MP's contact, recommending a
course to an MP."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import Membership
from cases.models import IssuePattern
from cases.selectors.cases import staff_users
from ercot_services.core.forms import LayoutMixin, grid
from ercot_services.core.text_limits import NOTE_TEXT

from ...models import Course

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Operator time (Central).",
        **kwargs,
    )


class SessionForm(LayoutMixin, forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.all(), empty_label="Choose the course…")
    starts_at = _datetime_field(label="Starts")
    ends_at = _datetime_field(label="Ends")
    enrolment_deadline = _datetime_field(label="Enrolment deadline")
    capacity = forms.IntegerField(min_value=1, max_value=1000, initial=20, label="Seats")
    instructor = forms.ModelChoiceField(queryset=None, empty_label="Choose the instructor…")
    location = forms.CharField(max_length=200, required=False)
    dial_in = forms.CharField(max_length=300, required=False, label="Dial-in or meeting link")
    layout = None

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = staff_users()
        self.fields["instructor"].label_from_instance = lambda user: user.full_name or user.email
        if editing:
            self.fields["course"].disabled = True

    def get_layout(self):
        return grid(
            (12, "course"),
            (4, "starts_at"),
            (4, "ends_at"),
            (4, "enrolment_deadline"),
            (4, "capacity"),
            (8, "instructor"),
            (6, "location"),
            (6, "dial_in"),
        )

    def clean(self):
        data = super().clean()
        starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("enrolment_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        if starts and deadline and deadline > starts:
            self.add_error("enrolment_deadline", "The enrolment deadline must be before the session starts.")
        if not (data.get("location") or "").strip() and not (data.get("dial_in") or "").strip():
            self.add_error("location", "Enter a location or a dial-in so attendees know where to go.")
        return data


class SessionCancelForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        max_length=NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the session cancelled?",
        help_text="Everyone enrolled or waitlisted reads it in the cancellation email.",
    )


class AttendanceForm(LayoutMixin, forms.Form):
    present = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Present",
        help_text="Tick everyone who attended; the others are recorded absent.",
    )

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (enrolment.pk, f"{enrolment.user.full_name or enrolment.user.email} · {enrolment.participant.short_name}")
            for enrolment in enrolments
        ]


class StaffEnrolForm(LayoutMixin, forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label="MP contact", empty_label="Choose the person…"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.active().select_related("user", "participant").order_by("participant__short_name")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.participant.short_name} · {m.user.full_name or m.user.email}"
        )


class RecommendForm(LayoutMixin, forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.published(), empty_label="Choose the course…")
    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="What the MP's people will see, e.g. “Your team asked about switch holds five times this month.”",
    )
    pattern = forms.ModelChoiceField(queryset=IssuePattern.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = participant.issue_patterns.all()


def default_session_initial() -> dict:
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timezone.timedelta(days=14)
    return {
        "starts_at": start,
        "ends_at": start + timezone.timedelta(hours=2),
        "enrolment_deadline": start - timezone.timedelta(days=2),
        "capacity": 20,
    }
