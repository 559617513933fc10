"""Forms of the staff qualification pages: flights, enrollment, results, letters and what follows them.

The forms only collect and type what was entered; the rules (deadlines, who may record what, the
criteria gate, which changes produce a letter) live in ``qualification.services`` and come back as a
``DomainError``, shown as a form error.
"""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import HTML, Column, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.autocomplete import ParticipantAutocomplete, ParticipantAutocompleteMultiple, participant_scope
from accounts.models import MarketParticipant, Membership, User
from cases.models import Channel
from ercot_services.core.forms import LayoutMixin, grid
from registration.models import Application, ApplicationKind, ApplicationStatus

from ..models import BusinessFunction, CertificateStatus, ChangeKind, Enrollment, Flight, FlightStatus, ParticipantKind
from .portal import ConnectivityTicketForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def participant_label(participant: MarketParticipant) -> str:
    """``SHORT — Legal name (REP, LSE)``: the roles in the option label (uses prefetched roles)."""
    roles = ", ".join(participant.role_codes()) or "no roles"
    return f"{participant.short_name} — {participant.legal_name} ({roles})"


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class ParticipantMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


# --- flights -------------------------------------------------------------------------------------------------


class FlightForm(LayoutMixin, forms.Form):
    start_date = forms.DateField(
        widget=DATE_WIDGET, help_text="The flight is named MMYY after it (Flight 0226 starts in February 2026)."
    )
    end_date = forms.DateField(widget=DATE_WIDGET)
    application_deadline = forms.DateField(widget=DATE_WIDGET, help_text="Last day to enroll; on or before the start.")
    registration_deadline = forms.DateField(
        widget=DATE_WIDGET, help_text="Last day for a new MP's registration; on or before the start."
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    layout = Layout(
        grid(
            *((6, name) for name in ("start_date", "end_date", "application_deadline", "registration_deadline")),
            gutter="",
        ),
        "notes",
    )


# --- enrollment ------------------------------------------------------------------------------------------------


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.kind == ApplicationKind.INITIAL:
            what = "initial registration (new MP)"
        else:
            what = "; ".join(obj.change_type_labels()) or obj.get_kind_display()
        return f"{obj.reference} — {obj.participant.short_name}: {what}"


def enrollable_applications():
    """Approved initial registrations, and approved revisions that require testing, not enrolled yet."""
    return (
        Application.objects.filter(status=ApplicationStatus.APPROVED)
        .filter(Q(kind=ApplicationKind.INITIAL) | Q(requires_testing=True))
        .filter(enrollments__isnull=True)
        .select_related("participant")
        .order_by("-decided_at", "-pk")
    )


class EnrollmentForm(LayoutMixin, forms.Form):
    flight = forms.ModelChoiceField(queryset=Flight.objects.none(), empty_label="Choose a flight")
    application = ApplicationChoiceField(
        label="From an approved registration (optional)",
        queryset=Application.objects.none(),
        required=False,
        empty_label="None: staff enrollment",
        help_text="Approved initial registrations and changes that require testing, not enrolled yet. "
        "The MP follows from it; leave the kind and change empty to enroll every change it needs tested.",
    )
    participant = ParticipantChoiceField(
        label="Market Participant",
        queryset=MarketParticipant.objects.none(),
        required=False,
        empty_label="Choose an MP",
        widget=ParticipantAutocomplete(scope="all"),
    )
    participant_kind = forms.ChoiceField(
        label="New or current MP", choices=[("", "—")] + ParticipantKind.choices, required=False
    )
    change_kind = forms.ChoiceField(
        label="Change tested",
        choices=[("", "—")] + ChangeKind.choices,
        required=False,
        help_text="For a current MP. A new MP is enrolled as a new entity.",
    )
    override_reason = forms.CharField(
        label="Late enrollment reason (Flight Administrator)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="After a deadline only a Flight Administrator can enroll, and the reason is recorded.",
    )

    def __init__(self, *args, show_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flight"].queryset = Flight.objects.exclude(
            status__in=[FlightStatus.COMPLETED, FlightStatus.CANCELLED]
        ).order_by("start_date")
        self.fields["application"].queryset = enrollable_applications()
        self.fields["participant"].queryset = participant_scope("all")
        if not show_override:
            del self.fields["override_reason"]

    def get_layout(self) -> Layout:
        late = HTML(
            '<p class="small text-muted"><i class="bi bi-info-circle" aria-hidden="true"></i> After a deadline, ask a '
            "Flight Administrator: only they can enroll late, with a reason.</p>"
        )
        return Layout(
            "flight",
            "application",
            HTML('<p class="small text-muted text-center my-1">— or enroll by hand —</p>'),
            "participant",
            grid((6, "participant_kind"), (6, "change_kind"), gutter=""),
            "override_reason" if "override_reason" in self.fields else late,
        )

    def clean(self):
        data = super().clean()
        application, participant = data.get("application"), data.get("participant")
        if application is not None:
            if participant is not None and participant.pk != application.participant_id:
                self.add_error(
                    "participant", f"{application.reference} is {application.participant.short_name}'s application."
                )
            data["participant"] = application.participant
        elif participant is None:
            self.add_error("participant", "Choose the Market Participant, or an approved registration.")
        kind, change = data.get("participant_kind"), data.get("change_kind")
        data["from_application"] = application is not None and not kind and not change
        if data["from_application"]:
            return data
        if not kind:
            self.add_error("participant_kind", "Say whether the MP is new or current.")
        elif kind == ParticipantKind.NEW:
            if change and change != ChangeKind.NEW_ENTITY:
                self.add_error("change_kind", "A new MP is enrolled as a new entity; changes are for current MPs.")
            data["change_kind"] = ChangeKind.NEW_ENTITY
        elif not change:
            self.add_error("change_kind", "Choose the change the current MP tests.")
        return data


class WithdrawForm(LayoutMixin, forms.Form):
    reason = forms.CharField(label="Reason for withdrawing", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- results -----------------------------------------------------------------------------------------------------


class ResultForm(LayoutMixin, forms.Form):
    """The testing result. The trading partners come in two fields, merged into ``trading_partners`` when clean:
    for a REP its candidate TDSPs (a handful) as checkboxes, those serving its territories preselected; any other MP
    through the MP picker, which renders only the chosen ones (2,000 MPs at market scale). Both validate against
    every MP but the enrolled one."""

    COMPLETED = "completed"
    FAILED = "failed"

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(COMPLETED, "Completed the testing successfully"), (FAILED, "Failed (did not complete)")],
        widget=forms.RadioSelect,
    )
    tdsps = forms.TypedMultipleChoiceField(
        label="TDSPs (a REP's trading partners)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each one's Authorized Representatives receive a copy of the letter.",
    )
    trading_partners = ParticipantMultipleChoiceField(
        label="Trading partners tested with",
        queryset=MarketParticipant.objects.none(),
        required=False,
        widget=ParticipantAutocompleteMultiple(scope="all", placeholder="Type a short or legal name…"),
        help_text="Type to find a Market Participant; choose as many as were tested with.",
    )
    business_functions = forms.ModelMultipleChoiceField(
        label="Business functions tested",
        queryset=BusinessFunction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tested_on = forms.DateField(label="Tested on", widget=DATE_WIDGET)
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enrollment: Enrollment, partners=None, **kwargs):
        """``partners``: the candidate TDSPs (``selectors.trading_partner_tdsps``), read once by the view."""
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment
        participant = enrollment.participant
        scope = MarketParticipant.objects.exclude(pk=participant.pk)
        self.fields["trading_partners"].queryset = scope
        self.is_rep = participant.has_role("REP")
        self.tdsp_by_pk: dict[int, MarketParticipant] = {}
        tdsps = []
        if self.is_rep:
            tdsps = list(
                partners
                if partners is not None
                else scope.filter(roles__code="TDSP").prefetch_related("roles", "service_territories")
            )
            # Read once by the view (a plain choice field, so ``load_choices`` leaves them be); a posted id must be
            # one of them, as the picker's must be any MP but this one.
            self.fields["tdsps"].choices = [(p.pk, participant_label(p)) for p in tdsps]
            self.tdsp_by_pk = {p.pk: p for p in tdsps}
            self.fields["trading_partners"].label = "Other trading partners"
            self.fields["trading_partners"].help_text = "Any other Market Participant tested with: type to find it."
        else:
            del self.fields["tdsps"]
        tdsp_ids = {p.pk for p in tdsps}
        self.fields["business_functions"].queryset = BusinessFunction.objects.order_by("sort_order", "name")
        if self.is_bound:
            return
        result = getattr(enrollment, "result", None)
        if result is not None:
            chosen = [p.pk for p in result.trading_partners.all()]
            self.initial.update(
                outcome=self.COMPLETED if result.completed else self.FAILED,
                trading_partners=[pk for pk in chosen if pk not in tdsp_ids],
                business_functions=[f.pk for f in result.business_functions.all()],
                tested_on=result.tested_on,
                notes=result.notes,
            )
            if self.is_rep:
                self.initial["tdsps"] = [pk for pk in chosen if pk in tdsp_ids]
        else:
            self.initial.setdefault("tested_on", timezone.localdate())
            if self.is_rep:
                # A REP tests with the TDSPs whose territories it serves: preselect those.
                territories = {t.pk for t in participant.service_territories.all()}
                self.initial["tdsps"] = [
                    p.pk for p in tdsps if territories & {t.pk for t in p.service_territories.all()}
                ]

    def get_layout(self) -> Layout:
        partners = (7, "tdsps", "trading_partners") if self.is_rep else (7, "trading_partners")
        return Layout(
            "outcome",
            grid(partners, (5, "business_functions"), gutter=""),
            grid((4, "tested_on"), (8, "notes"), gutter=""),
        )

    def clean(self):
        data = super().clean()
        merged = {pk: self.tdsp_by_pk[pk] for pk in data.get("tdsps") or []}
        for p in data.get("trading_partners") or []:
            merged.setdefault(p.pk, p)
        data["trading_partners"] = list(merged.values())
        return data


# --- letters, certificates, connectivity ---------------------------------------------------------------------------


class IssueLetterForm(LayoutMixin, forms.Form):
    effective_date = forms.DateField(
        label="Effective date (optional)", required=False, widget=DATE_WIDGET, help_text="Today when left empty."
    )

    def get_layout(self) -> Layout:
        """The date with the button beside it (the page's only action on the letter)."""
        return Layout(
            grid(
                Column("effective_date", css_class="col-sm-5"),
                Column(
                    StrictButton(
                        '<i class="bi bi-envelope-check" aria-hidden="true"></i> Generate and send letter',
                        type="submit",
                        css_class="btn-success",
                    ),
                    css_class="col-sm-7 mb-3",
                ),
                gutter="g-2 align-items-end",
            )
        )


class CertificateAdvanceForm(forms.Form):
    to_status = forms.ChoiceField(choices=CertificateStatus.choices)


class ConnectivityRecordForm(LayoutMixin, forms.Form):
    PASSED = "passed"
    FAILED = "failed"

    outcome = forms.ChoiceField(
        choices=[(PASSED, "Passed"), (FAILED, "Failed")], widget=forms.RadioSelect, label="Production connectivity test"
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def get_layout(self) -> Layout:
        """The outcome and a note with the button beside them, in one line of the test's row."""
        return Layout(
            grid(
                (4, "outcome"),
                (5, "notes"),
                Column(
                    StrictButton("Record the test", type="submit", css_class="btn-sm btn-primary"),
                    css_class="col-md-3 mb-3",
                ),
                gutter="g-2 align-items-end",
            )
        )


class ConnectivityTicketOnBehalfForm(ConnectivityTicketForm):
    """Staff log the production connectivity testing ticket for the MP's AR or BAR who asked by email or phone."""

    requester = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="On behalf of",
        empty_label="Choose the AR or BAR who asked…",
        help_text="Seed 004: the MP's Authorized Representative or Backup AR asks for the test.",
    )
    channel = forms.ChoiceField(choices=[(Channel.EMAIL, "Email"), (Channel.PHONE, "Phone")], label="Received by")

    field_order = ["requester", "channel", "subject", "description"]

    def __init__(self, *args, test, **kwargs):
        super().__init__(*args, test=test, **kwargs)
        self.fields["requester"].queryset = (
            User.objects.filter(
                memberships__in=Membership.objects.active().authorizing().filter(participant_id=test.participant_id)
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["requester"].label_from_instance = lambda user: f"{user.full_name} <{user.email}>"
        self.order_fields(self.field_order)


class LetterReportFilterForm(forms.Form):
    failed = forms.BooleanField(label="Only letters with failed deliveries", required=False)
