"""Forms of the staff side of cases: log a case, act on a case page, bulk actions, patterns.

Forms validate what a person typed; the business rules (transitions, dispute
windows, same-MP merges, ...) stay in ``cases.services`` and come back
as ``DomainError`` messages that the views attach to the form.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.autocomplete import ParticipantAutocomplete, participant_scope
from accounts.models import User
from ercot_services.core.forms import LayoutMixin, Partial, Section, grid
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT
from ercot_services.core.uploads import CheckedUpload, check_upload

from ...models import CaseCategory, CaseKind, CaseSettings, CaseStatus, Channel, DisputeOutcome, Priority, StatementType
from ...selectors.cases import case_lookup, staff_groups, staff_users

# --- attachments ---------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by size and by content (not by its name)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        self.max_bytes = kwargs.pop("max_bytes", None)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        max_bytes = self.max_bytes or CaseSettings.load().max_attachment_mb * 1024 * 1024
        checked: list[CheckedUpload] = []
        errors: list[ValidationError] = []
        for upload in files:
            try:
                checked.append(check_upload(upload, max_bytes=max_bytes))
            except ValidationError as error:
                errors.append(error)
        if errors:
            errors.append(ValidationError("Nothing was saved. Choose the files again after fixing this."))
            raise ValidationError(errors)
        return checked


def _attachments_field(label="Attachments", *, limit_mb: int | None = None):
    limit = limit_mb or CaseSettings.load().max_attachment_mb
    return MultipleFileField(
        label=label,
        max_bytes=limit * 1024 * 1024,
        help_text=f"PDF, images, Word, Excel or text files; up to {limit} MB each. You can choose several.",
    )


def staff_user_choice(**kwargs):
    """A choice of active staff, shown by name (cases and plans assign work to them)."""
    field = forms.ModelChoiceField(queryset=staff_users(), **kwargs)
    field.label_from_instance = lambda user: user.full_name or user.email
    return field


# --- log a case on the MP's behalf ---------------------------------------------------------------

STAFF_KINDS = [(k, v) for k, v in CaseKind.choices if k != CaseKind.POTENTIAL_MP]
STAFF_CHANNELS = [
    (Channel.PHONE, "Phone"),
    (Channel.EMAIL, "Email"),
    (Channel.MEETING, "Meeting"),
    (Channel.PORTAL, "Portal"),
]
DISPUTE_FIELDS = (
    "operating_day",
    "statement_type",
    "statement_date",
    "charge_type",
    "disputed_amount",
    "statement_reference",
)


class CaseCreateForm(LayoutMixin, forms.Form):
    kind = forms.ChoiceField(choices=STAFF_KINDS, initial=CaseKind.INQUIRY)
    participant = forms.ModelChoiceField(
        queryset=participant_scope("all"),
        label="Market Participant",
        empty_label="Choose an MP…",
        widget=ParticipantAutocomplete(scope="all"),
    )
    requester = forms.ModelChoiceField(
        queryset=User.objects.active_contacts(),
        label="Requester",
        empty_label="Choose the MP's contact…",
        help_text="The MP contact who asked. They receive the receipt and the replies.",
    )
    channel = forms.ChoiceField(choices=STAFF_CHANNELS, initial=Channel.PHONE, label="Received by")
    category = forms.ModelChoiceField(
        queryset=CaseCategory.objects.filter(is_active=True).order_by("sort_order", "name"),
        empty_label="Choose a category…",
    )
    priority = forms.ChoiceField(
        choices=[("", "Category default")] + list(Priority.choices),
        required=False,
        help_text="Leave on “Category default” unless the participant's situation needs otherwise.",
    )
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=MESSAGE_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the participant asked, in their words where possible.",
    )

    operating_day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Operating Day"
    )
    statement_type = forms.ChoiceField(choices=[("", "Choose…")] + list(StatementType.choices), required=False)
    statement_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Statement or invoice date",
        help_text="Needed for Day-Ahead, invoice and True-Up disputes: the window counts from it.",
    )
    charge_type = forms.CharField(max_length=120, required=False)
    disputed_amount = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01"), label="Disputed amount ($)"
    )
    statement_reference = forms.CharField(max_length=80, required=False, label="Statement or invoice reference")
    late_acceptance_reason = forms.CharField(
        max_length=NOTE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Accept late with reason",
        help_text="Only for a dispute filed after its deadline: why Client Services accepts it anyway. Recorded in the timeline.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments_field()
        self.fields["requester"].label_from_instance = lambda user: f"{user.full_name} <{user.email}>"
        # The requester's options are loaded for the chosen MP when it changes (the page's script, htmx).
        self.fields["participant"].widget.attrs.update(
            {"hx-get": reverse("workspace:case-new-requesters"), "hx-target": "#id_requester", "hx-trigger": "change"}
        )
        self.fields["requester"].error_messages["required"] = (
            "Choose the requester among the MP's contacts (they are listed once the MP is chosen)."
        )

    def get_layout(self) -> Layout:
        hidden = "" if self["kind"].value() == CaseKind.DISPUTE else " d-none"
        dispute_help = (
            '<p id="dispute-help" class="small text-muted">The filing deadline is computed from the dispute windows in '
            "Business Days. A dispute past its deadline is refused unless you accept it late with a reason.</p>"
        )
        # The requester: the MP's contacts grouped by MP, for the page's script to offer only the chosen MP's.
        requester = Partial("workspace/cases/_requester_select.html")
        who = grid((4, "kind"), (4, "channel"), Div(css_class="col-md-4"), (6, "participant"), (6, requester))
        return Layout(
            Section("Who and how", who, css_class="mb-2"),
            Section(
                "The request",
                grid((6, "category"), (6, "priority"), (12, "subject"), (12, "description")),
                css_class="mb-2",
            ),
            Section(
                "Dispute details",
                HTML(dispute_help),
                grid(*((4, name) for name in DISPUTE_FIELDS), (12, "late_acceptance_reason")),
                css_id="dispute-fields",
                css_class=f"mb-3 border rounded p-3 bg-light{hidden}",
                legend_class="h5 float-none w-auto px-1 mb-0",
                aria_describedby="dispute-help",
            ),
            Section("Files", "attachments", css_class="mb-3"),
        )

    def clean_operating_day(self):
        day = self.cleaned_data.get("operating_day")
        if day and day > timezone.localdate():
            raise ValidationError("The Operating Day cannot be in the future.")
        return day

    def clean(self):
        data = super().clean()
        participant, requester = data.get("participant"), data.get("requester")
        if participant and requester and not User.objects.active_contacts(participant).filter(pk=requester.pk).exists():
            self.add_error(
                "requester",
                f"{requester.full_name} is not an active contact of {participant.short_name}. Choose one of its contacts.",
            )
        if data.get("kind") == CaseKind.DISPUTE:
            labels = {
                "operating_day": "the Operating Day",
                "statement_type": "the statement type",
                "charge_type": "the charge type",
                "disputed_amount": "the disputed amount",
                "statement_reference": "the statement or invoice reference",
            }
            for name, label in labels.items():
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, f"A dispute needs {label}.")
        return data

    def dispute_fields(self) -> dict | None:
        if self.cleaned_data.get("kind") != CaseKind.DISPUTE:
            return None
        return {name: self.cleaned_data.get(name) for name in DISPUTE_FIELDS}


# --- the case page ------------------------------------------------------------------------------


class ReplyForm(LayoutMixin, forms.Form):
    body = forms.CharField(max_length=MESSAGE_TEXT, label="Message", widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(
        required=False, label="Internal note (staff only: never shown to the participant or emailed)"
    )
    wait_on_participant = forms.BooleanField(
        required=False, label="Waiting on participant after this reply (pauses the SLA clock)"
    )

    def __init__(self, *args, may_wait: bool = True, attachment_limit_mb: int | None = None, **kwargs):
        """``may_wait``: whether the person may work the case (``policies.can_work_case``); waiting on the
        participant is a status change, so a group that only replies is not offered it. ``attachment_limit_mb``:
        the case settings' limit when the caller already read it (the case page reads it with the case)."""
        kwargs.setdefault("auto_id", "id_reply_%s")
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments_field(limit_mb=attachment_limit_mb)
        if not may_wait:
            del self.fields["wait_on_participant"]

    def clean(self):
        data = super().clean()
        if data.get("internal") and data.get("wait_on_participant"):
            self.add_error(
                "wait_on_participant",
                "An internal note does not reach the participant, so it cannot wait on them. Untick one of the two.",
            )
        return data


TRANSITION_LABELS = {
    CaseStatus.ACKNOWLEDGED: "Acknowledge",
    CaseStatus.IN_PROGRESS: "Start work",
    CaseStatus.WAITING: "Wait on participant",
    CaseStatus.RESOLVED: "Resolve",
    CaseStatus.CLOSED: "Close",
    CaseStatus.WITHDRAWN: "Withdraw",
}


class TransitionForm(LayoutMixin, forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=1000, label="Note for the timeline (optional)")
    resolution_summary = forms.CharField(
        max_length=MESSAGE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Resolution summary",
        help_text="Sent to the participant with the status change.",
    )
    outcome = forms.ChoiceField(choices=[("", "Choose the outcome…")] + list(DisputeOutcome.choices), required=False)
    outcome_explanation = forms.CharField(
        max_length=MESSAGE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Explanation",
        help_text="Required: the participant receives it.",
    )
    granted_amount = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, min_value=0, label="Granted amount ($, optional)"
    )

    def __init__(self, *args, case, section: str = "quick", **kwargs):
        kwargs.setdefault("auto_id", f"id_{section}_%s")
        super().__init__(*args, **kwargs)
        self.case = case
        self.section = section
        if section == "reopen":
            self.fields["reason"].label = "Why reopen?"
            self.fields["reason"].required = True

    def get_layout(self) -> Layout:
        """The fields of the section's own form; ``to_status`` comes from its buttons or a hidden input."""
        if self.section != "resolve":
            return Layout("reason")
        if self.case.kind == CaseKind.DISPUTE:
            return Layout("outcome", "outcome_explanation", "granted_amount")
        return Layout("resolution_summary")

    @staticmethod
    def section_for(case, to_status: str) -> str:
        if to_status == CaseStatus.RESOLVED:
            return "resolve"
        if case.status == CaseStatus.RESOLVED and to_status == CaseStatus.IN_PROGRESS:
            return "reopen"
        return "quick"

    def clean(self):
        data = super().clean()
        to_status = data.get("to_status")
        if to_status == CaseStatus.RESOLVED:
            if self.case.kind == CaseKind.DISPUTE:
                if not data.get("outcome"):
                    self.add_error("outcome", "Choose the dispute outcome.")
                if not (data.get("outcome_explanation") or "").strip():
                    self.add_error(
                        "outcome_explanation", "Explain the outcome: the participant receives this explanation."
                    )
            elif not (data.get("resolution_summary") or "").strip():
                self.add_error("resolution_summary", "Summarize the resolution: the participant receives it.")
        if self.case.status == CaseStatus.RESOLVED and to_status == CaseStatus.IN_PROGRESS:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why the case is being reopened.")
        return data


class AssignForm(LayoutMixin, forms.Form):
    assignee = staff_user_choice(required=False, empty_label="Nobody (back to the queue)", label="Assign to")
    reason = forms.CharField(required=False, max_length=255, label="Reason (optional)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)


class EscalateForm(LayoutMixin, forms.Form):
    to_user = staff_user_choice(required=False, empty_label="No one in particular", label="Escalate to a person")
    to_group = forms.ModelChoiceField(
        queryset=staff_groups(), required=False, empty_label="No group", label="…or to a group"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason", max_length=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_escalate_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("to_user") and not data.get("to_group") and not self.has_error("to_user"):
            self.add_error("to_user", "Choose a person or a group to escalate to.")
        return data


class CaseUpdateForm(LayoutMixin, forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices)
    category = forms.ModelChoiceField(
        queryset=CaseCategory.objects.filter(is_active=True).order_by("sort_order", "name")
    )
    reason = forms.CharField(max_length=255, label="Reason", help_text="Recorded in the timeline.")

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("auto_id", "id_update_%s")
        kwargs.setdefault("initial", {"priority": case.priority, "category": case.category_id})
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        data = super().clean()
        if (
            data.get("priority") == self.case.priority
            and data.get("category") is not None
            and data["category"].pk == self.case.category_id
        ):
            raise ValidationError("Nothing changed: choose another priority or category.")
        return data


class _ReferenceField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "e.g. INQ-2026-000123", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        case = case_lookup(value)
        if case is None:
            raise ValidationError(f"No case has the reference “{value.strip().upper()}”.")
        return case


class MergeForm(LayoutMixin, forms.Form):
    target = _ReferenceField(
        label="Merge into case", help_text="This case is closed as a duplicate of that one (same MP)."
    )
    reason = forms.CharField(required=False, max_length=255, label="Reason (optional)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_merge_%s")
        super().__init__(*args, **kwargs)


class LinkForm(LayoutMixin, forms.Form):
    other = _ReferenceField(label="Link to case")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)


# --- the queue's bulk actions -----------------------------------------------------------------------


class BulkActionForm(forms.Form):
    ASSIGN = "assign"
    CLOSE = "close"

    action = forms.ChoiceField(choices=[(ASSIGN, "Assign to…"), (CLOSE, "Close resolved cases")])
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Cases")
    assignee = staff_user_choice(required=False, empty_label="Choose a person…", label="Assign to")
    reason = forms.CharField(required=False, max_length=255)
    querystring = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        # Any id is acceptable here; unknown ids simply select nothing.
        self.fields["cases"].valid_value = lambda value: str(value).isdigit()
        self.fields["cases"].error_messages["required"] = "Tick at least one case first."

    def clean(self):
        data = super().clean()
        if data.get("action") == self.ASSIGN and not data.get("assignee") and not self.has_error("assignee"):
            self.add_error("assignee", "Choose who the cases go to.")
        return data


# --- issue patterns ------------------------------------------------------------------------------


class PatternDismissForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, label="Why does this pattern need no action?"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_dismiss_%s")
        super().__init__(*args, **kwargs)


__all__ = [
    "AssignForm",
    "BulkActionForm",
    "CaseCreateForm",
    "CaseUpdateForm",
    "EscalateForm",
    "LinkForm",
    "MergeForm",
    "MultipleFileField",
    "PatternDismissForm",
    "ReplyForm",
    "TransitionForm",
    "TRANSITION_LABELS",
]
