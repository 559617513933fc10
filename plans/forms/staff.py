"""Forms of the staff side of plan management: the account plan, action items, meetings, feedback, improvements.

Forms check what a person typed and limit every picker to the Market Participant at hand (its contacts, its
cases, registration applications and qualification enrollments). The business rules stay in
``plans.services``; their ``DomainError`` messages come back as form errors in the views.
"""

from __future__ import annotations

from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from accounts.models import MarketParticipant, User
from cases.forms.staff import staff_user_choice
from cases.models import IssuePattern
from cases.selectors.cases import staff_users
from ercot_services.core.forms import LayoutMixin, Partial, Section, ShownIf, grid
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from ..improvement_courses import TrainingCourseMixin
from ..models import ActionItemStatus, FeedbackChannel, ImprovementAction, Meeting, PerformanceFeedback, PlanObjective
from ..selectors import participant_contacts_and_staff_choices

DATE_INPUT = {"type": "date"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# A picker shows the most recent rows of the MP; the one already chosen is always kept in the list.
LINK_CHOICES_LIMIT = 100


def _date_field(**kwargs) -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"), **kwargs)


def _datetime_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


def person_label(user: User) -> str:
    return f"{user.full_name or user.email} <{user.email}>"


def people_choices(participant: MarketParticipant, users) -> list:
    """Grouped choices: the MP's active contacts first, then Client Services staff."""
    contacts = [(u.pk, person_label(u)) for u in users if not u.is_staff]
    staff = [(u.pk, person_label(u)) for u in users if u.is_staff]
    groups = []
    if contacts:
        groups.append((f"{participant.short_name} contacts", contacts))
    if staff:
        groups.append(("Client Services staff", staff))
    return groups


def _recent_choices(queryset, selected, label, limit=LINK_CHOICES_LIMIT) -> list:
    """The ``limit`` most recent rows of ``queryset`` as choices, plus the ``selected`` one if it is older."""
    rows = list(queryset[:limit])
    if selected and str(selected).isdigit() and all(str(row.pk) != str(selected) for row in rows):
        rows += list(queryset.filter(pk=selected))
    return [("", "None")] + [(row.pk, label(row)) for row in rows]


def _case_label(case) -> str:
    return f"{case.reference} · {case.subject[:70]} ({case.get_status_display()})"


def _application_label(application) -> str:
    return f"{application.reference} · {application.get_kind_display()} ({application.get_status_display()})"


def _enrollment_label(enrollment) -> str:
    return (
        f"Flight {enrollment.flight.name} · {enrollment.get_change_kind_display()} ({enrollment.get_status_display()})"
    )


class _AutoIdMixin:
    auto_id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.auto_id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.auto_id_prefix}_%s")
        super().__init__(*args, **kwargs)


# --- the account plan --------------------------------------------------------------------------


class PlanForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "plan"

    summary = forms.CharField(
        max_length=MESSAGE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Plan summary",
        help_text="The MP's business today, where it is heading and what Client Services does to help.",
    )
    next_review_date = _date_field(required=False, label="Next review with the MP")


class ObjectiveForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "objective"

    kind = forms.ChoiceField(choices=PlanObjective.Kind.choices, initial=PlanObjective.Kind.OBJECTIVE, label="Kind")
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=NOTE_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_date = _date_field(required=False, label="Target date")
    layout = Layout(grid((5, "kind"), (7, "title"), (8, "description"), (4, "target_date")))


OBJECTIVE_STATUS_LABELS = {
    PlanObjective.Status.ACHIEVED: "Mark achieved",
    PlanObjective.Status.DROPPED: "Drop",
    PlanObjective.Status.OPEN: "Reopen",
}


class ObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanObjective.Status.choices)


# --- action items --------------------------------------------------------------------------------


class ActionItemForm(LayoutMixin, _AutoIdMixin, forms.Form):
    """Create (``with_meeting=True``) or edit an action item of one MP."""

    auto_id_prefix = "item"

    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=NOTE_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        help_text="A Client Services colleague or one of the MP's contacts. MP-owned items show in the MP's portal.",
    )
    due_date = _date_field(label="Due date")
    objective = forms.ModelChoiceField(
        queryset=PlanObjective.objects.none(), required=False, label="Serves objective or issue", empty_label="None"
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, label="Follow-up of meeting", empty_label="None"
    )
    case = forms.ModelChoiceField(queryset=None, required=False, label="About case")
    application = forms.ModelChoiceField(queryset=None, required=False, label="About registration application")
    enrollment = forms.ModelChoiceField(queryset=None, required=False, label="About qualification enrollment")

    def __init__(self, *args, participant: MarketParticipant, with_meeting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        users = list(participant_contacts_and_staff_choices(participant))
        owner = self.fields["owner"]
        owner.queryset = participant_contacts_and_staff_choices(participant)
        owner.choices = [("", "Choose the owner…")] + people_choices(participant, users)

        self.fields["objective"].queryset = PlanObjective.objects.filter(plan__participant=participant).order_by(
            "status", "title"
        )
        if with_meeting:
            self.fields["meeting"].queryset = participant.meetings.order_by("-starts_at")
        else:
            del self.fields["meeting"]

        links = {
            "case": (participant.cases.order_by("-created_at"), _case_label),
            "application": (participant.applications.order_by("-created_at"), _application_label),
            "enrollment": (participant.enrollments.select_related("flight").order_by("-created_at"), _enrollment_label),
        }
        for name, (queryset, label) in links.items():
            field = self.fields[name]
            field.queryset = queryset
            field.choices = _recent_choices(queryset, self[name].value(), label)

    def get_layout(self) -> Layout:
        related = [(6, n) for n in ("objective", "meeting", "case", "application", "enrollment") if n in self.fields]
        action = grid((12, "title"), (12, "description"), (8, "owner"), (4, "due_date"))
        legend = 'What it relates to <span class="text-muted small fw-normal">(optional)</span>'
        return Layout(
            Section("The action", action, css_class="mb-2"), Section(legend, grid(*related), css_class="mb-3")
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < timezone.localdate() and not self.initial.get("due_date") == due:
            raise ValidationError("The due date cannot be in the past.")
        return due


TRANSITION_LABELS = {
    ActionItemStatus.IN_PROGRESS: "Start",
    ActionItemStatus.DONE: "Done",
    ActionItemStatus.CANCELLED: "Cancel",
    ActionItemStatus.OPEN: "Reopen",
}


class ActionItemTransitionForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "transition"

    to = forms.ChoiceField(choices=ActionItemStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note",
        help_text="What was done (kept with the item and shown to the MP for its own items).",
    )

    def clean(self):
        data = super().clean()
        if data.get("to") == ActionItemStatus.CANCELLED and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the item is cancelled.")
        return data


# --- meetings --------------------------------------------------------------------------------------


def parse_emails(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines; each must be valid."""
    emails, bad = [], []
    for token in (text or "").replace(";", ",").replace("\n", ",").replace(" ", ",").split(","):
        token = token.strip().strip("<>")
        if not token:
            continue
        try:
            validate_email(token)
        except ValidationError:
            bad.append(token)
        else:
            if token.lower() not in (e.lower() for e in emails):
                emails.append(token)
    if bad:
        raise ValidationError(f"Not an email address: {', '.join(bad)}.")
    return emails


class MeetingForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "meeting"

    title = forms.CharField(max_length=200)
    objective = forms.ModelChoiceField(
        queryset=PlanObjective.objects.none(),
        required=False,
        label="Objective or issue it addresses",
        empty_label="None",
    )
    starts_at = _datetime_field(label="Starts")
    ends_at = _datetime_field(label="Ends")
    location = forms.CharField(max_length=200, required=False)
    dial_in = forms.CharField(max_length=300, required=False, label="Dial-in or meeting link")
    agenda = forms.CharField(max_length=MESSAGE_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are always invited as the organizer.",
    )
    extra_emails = forms.CharField(
        max_length=NOTE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Other people to invite",
        help_text="Email addresses separated by commas or new lines (for example an SME or the MP's consultant).",
    )

    def __init__(self, *args, participant: MarketParticipant, organizer: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.organizer = organizer
        self.people = [
            u for u in participant_contacts_and_staff_choices(participant) if organizer is None or u.pk != organizer.pk
        ]
        self.fields["attendees"].queryset = participant_contacts_and_staff_choices(participant)
        self.fields["attendees"].choices = [(u.pk, person_label(u)) for u in self.people]
        self.fields["objective"].queryset = PlanObjective.objects.filter(plan__participant=participant).order_by(
            "status", "title"
        )

    def get_layout(self) -> Layout:
        when_where = [(6, name) for name in ("starts_at", "ends_at", "location", "dial_in")]
        attendees = (Partial("workspace/plans/_attendees.html"), Div("extra_emails", css_class="mt-3"))
        return Layout(
            Section("The meeting", grid((7, "title"), (5, "objective"), *when_where, (12, "agenda")), css_class="mb-2"),
            Section("Attendees", *attendees, css_class="mb-3", aria_describedby="attendees-help"),
        )

    def attendee_groups(self) -> list[dict]:
        """Checkbox groups for the template: the MP's contacts, then staff."""
        chosen = {str(v) for v in (self["attendees"].value() or [])}
        groups = []
        for label, is_staff in ((f"{self.participant.short_name} contacts", False), ("Client Services staff", True)):
            people = [
                {"pk": u.pk, "name": u.full_name or u.email, "email": u.email, "checked": str(u.pk) in chosen}
                for u in self.people
                if u.is_staff == is_staff
            ]
            groups.append({"label": label, "people": people, "is_staff": is_staff})
        return groups

    def clean_extra_emails(self):
        return parse_emails(self.cleaned_data.get("extra_emails", ""))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The meeting must end after it starts.")
        return data


class MeetingCancelForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "cancel"

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why is the meeting cancelled?",
        help_text="Sent to every attendee with the cancellation.",
    )


class MinutesForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "minutes"

    minutes = forms.CharField(max_length=MESSAGE_TEXT, widget=forms.Textarea(attrs={"rows": 8}), label="Minutes")
    share = forms.BooleanField(
        required=False,
        label="Share with the MP",
        help_text="The MP's attendees are emailed a link and the minutes show in the MP's portal.",
    )
    layout = Layout("minutes", ShownIf("not meeting.minutes_shared_at", "share"))


# --- performance feedback -------------------------------------------------------------------------

STAFF_FEEDBACK_CHANNELS = [
    (value, label) for value, label in FeedbackChannel.choices if value != FeedbackChannel.PORTAL
]
RATING_CHOICES = [
    (5, "5 · Very satisfied"),
    (4, "4 · Satisfied"),
    (3, "3 · Neutral"),
    (2, "2 · Dissatisfied"),
    (1, "1 · Very dissatisfied"),
]


class FeedbackForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "feedback"

    channel = forms.ChoiceField(choices=STAFF_FEEDBACK_CHANNELS, initial=FeedbackChannel.PHONE, label="Heard by")
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="How well does Client Services meet the MP's needs?",
    )
    comments = forms.CharField(
        max_length=MESSAGE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the MP said, in its words where possible. Comments or a rating of 3 or less open a follow-up.",
    )
    submitted_by = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Who said it", empty_label="Not recorded"
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, label="In meeting", empty_label="None"
    )
    layout = Layout(grid((4, "channel"), (8, "submitted_by"), (12, "meeting"), (12, "rating"), (12, "comments")))

    def __init__(self, *args, participant: MarketParticipant, **kwargs):
        super().__init__(*args, **kwargs)
        contacts = User.objects.active_contacts(participant).order_by("full_name", "email")
        self.fields["submitted_by"].queryset = contacts
        self.fields["submitted_by"].label_from_instance = person_label
        meetings = participant.meetings.order_by("-starts_at")
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].choices = _recent_choices(
            meetings,
            self["meeting"].value(),
            lambda m: f"{m.title} · {timezone.localtime(m.starts_at):%b %d, %Y}",
            limit=50,
        )

    def clean(self):
        data = super().clean()
        if data.get("channel") == FeedbackChannel.MEETING and not data.get("meeting") and "meeting" not in self.errors:
            self.add_error("meeting", "Choose the meeting where the MP gave this feedback.")
        return data


class FeedbackFollowUpForm(LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "followup"

    follow_up = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What Client Services did about it",
        max_length=NOTE_TEXT,
    )
    status = forms.ChoiceField(
        choices=[
            (PerformanceFeedback.FollowUp.DONE, "Followed up (done)"),
            (PerformanceFeedback.FollowUp.OPEN, "Still open"),
            (PerformanceFeedback.FollowUp.NOT_NEEDED, "No follow-up needed"),
        ],
        initial=PerformanceFeedback.FollowUp.DONE,
        widget=forms.RadioSelect,
        label="Follow-up state",
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == PerformanceFeedback.FollowUp.DONE and not (data.get("follow_up") or "").strip():
            self.add_error("follow_up", "Describe what was done before marking the follow-up done.")
        return data


# --- improvement opportunities ------------------------------------------------------------------------


class ImprovementForm(TrainingCourseMixin, LayoutMixin, _AutoIdMixin, forms.Form):
    auto_id_prefix = "improvement"

    kind = forms.ChoiceField(
        choices=ImprovementAction.Kind.choices,
        label="Kind of improvement",
        widget=forms.RadioSelect,
        help_text="Training recommendation, a process change, or a market communication.",
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=NOTE_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="Choose the owner…")
    due_date = _date_field(label="Due date")
    feedback = forms.ModelChoiceField(
        queryset=PerformanceFeedback.objects.none(), required=False, widget=forms.HiddenInput
    )
    pattern = forms.ModelChoiceField(queryset=IssuePattern.objects.none(), required=False, widget=forms.HiddenInput)
    layout = Layout(
        "feedback", "pattern", "kind", "title", "description", "course", grid((8, "owner"), (4, "due_date"))
    )

    def __init__(self, *args, participant: MarketParticipant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        self.fields["owner"].label_from_instance = lambda user: user.full_name or user.email
        self.fields["feedback"].queryset = participant.feedback.all()
        self.fields["pattern"].queryset = participant.issue_patterns.all()

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < timezone.localdate():
            raise ValidationError("The due date cannot be in the past.")
        return due


class ImprovementStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ImprovementAction.Status.choices)


# The buttons an improvement offers in each status: (target status, label).
IMPROVEMENT_NEXT_STATUSES = {
    ImprovementAction.Status.PLANNED: [
        (ImprovementAction.Status.IN_PROGRESS, "Start"),
        (ImprovementAction.Status.DONE, "Done"),
        (ImprovementAction.Status.CANCELLED, "Cancel"),
    ],
    ImprovementAction.Status.IN_PROGRESS: [
        (ImprovementAction.Status.DONE, "Done"),
        (ImprovementAction.Status.CANCELLED, "Cancel"),
    ],
    ImprovementAction.Status.DONE: [(ImprovementAction.Status.IN_PROGRESS, "Reopen")],
    ImprovementAction.Status.CANCELLED: [(ImprovementAction.Status.PLANNED, "Reopen")],
}


class ImprovementActionForm(TrainingCourseMixin, LayoutMixin, forms.Form):
    kind = forms.ChoiceField(choices=ImprovementAction.Kind.choices, label="Kind of action")
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=NOTE_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = staff_user_choice(empty_label="Choose the owner…")
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due date")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise ValidationError("The due date cannot be in the past.")
        return due
