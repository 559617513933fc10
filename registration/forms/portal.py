"""Forms of the participant portal's registration pages.

Forms only validate and clean; the views hand the cleaned data to
``registration.services``. Uploaded documents are checked here (size, and type
by content: PDF or image) and come out of ``cleaned_data["file"]`` as a
:class:`~ercot_services.core.uploads.CheckedUpload`.
"""

from __future__ import annotations

import re

from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import ContactRank, ContactRole, MarketRole, ServiceTerritory
from ercot_services.core.forms import LayoutMixin, Partial, grid
from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload

from ..models import TESTING_CHANGES, Application, ApplicationKind, ChangeType, ContactChange

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ACCEPTED_DOCUMENT_TYPES_TEXT = ", ".join(sorted(set(PDF_AND_IMAGES.values())))

# One line of help per change type, shown next to its checkbox.
CHANGE_TYPE_HELP = {
    ChangeType.NAME: "Your company's legal name or its DBA (doing business as) name changes.",
    ChangeType.AUTHORIZED_REPS: "A new Authorized Representative or Backup AR; name them under contact changes.",
    ChangeType.CONTACTS: "Settlement, credit, technical or security administrator contacts change.",
    ChangeType.BANKING: "Your bank or the way you pay or are paid changes. Do not type account numbers here.",
    ChangeType.SERVICE_PROVIDER: "You move to another service provider for market transactions.",
    ChangeType.ADD_ROLE: "You want to take on another market role (for example QSE).",
    ChangeType.REMOVE_ROLE: "You no longer act in one of your market roles.",
    ChangeType.ADD_TERRITORY: "You will serve customers in another TDSP service territory.",
    ChangeType.NEW_FUNCTIONALITY: "You will use market functions you have not tested before.",
}

# Digits that look like a bank account or routing number (6 or more, spaces and dashes allowed).
_ACCOUNT_NUMBER = re.compile(r"(?:\d[\s-]?){6,}")


def _card(*fields) -> Div:
    return Div(Div(*fields, css_class="card-body"), css_class="card mb-3")


def _details(change: str, heading: str, *fields, **kwargs) -> Div:
    """The detail fields of one change type, shown by the page's script while that change is chosen."""
    return Div(HTML(f'<h3 class="h6 mt-3">{heading}</h3>'), *fields, data_details=change, **kwargs)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """Market roles by code, shown with their names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        super().__init__(queryset=MarketRole.objects.order_by("code"), to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class InitialApplicationForm(LayoutMixin, forms.Form):
    """An initial registration: which market roles the company applies for."""

    roles = RoleChoiceField(
        label="Market roles you apply for",
        help_text="Choose every role you will act in. The documents you must provide depend on the roles.",
    )
    notes = forms.CharField(
        label="Notes for Client Services",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Anything the reviewer should know.",
    )
    layout = Layout(_card("roles"), _card("notes"))

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if not roles:
            raise ValidationError("Choose at least one market role.")
        return roles

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"role_codes": [role.code for role in data["roles"]], "notes": data["notes"].strip()}

    @classmethod
    def initial_from(cls, application: Application) -> dict:
        return {"roles": list(application.roles.all()), "notes": application.notes}


class RevisionApplicationForm(LayoutMixin, forms.Form):
    """A Notice of Change of Information: what changes, and the details of each change."""

    change_types = forms.MultipleChoiceField(
        label="What changes",
        choices=ChangeType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every change this notice covers.",
    )
    new_legal_name = forms.CharField(label="New legal name", required=False, max_length=200)
    new_dba = forms.CharField(label="New DBA name", required=False, max_length=200)
    roles = RoleChoiceField(label="Market roles to add")
    roles_to_remove = RoleChoiceField(label="Market roles to remove")
    territories_to_add = forms.ModelMultipleChoiceField(
        label="Service territories to add",
        queryset=ServiceTerritory.objects.order_by("name"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    banking_note = forms.CharField(
        label="What changes in your banking details",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Describe the change (for example a new bank). Never type account or routing numbers here: "
        "Client Services collects them securely.",
    )
    service_provider_name = forms.CharField(label="New service provider", required=False, max_length=200)
    notes = forms.CharField(
        label="Notes for Client Services",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Effective dates or anything else the reviewer should know. "
        "Contact, AR and Backup AR changes are named on the application page after you save.",
    )

    # Which detail fields belong to which change type (details of an unchosen change are dropped).
    DETAILS = {
        ChangeType.NAME: ("new_legal_name", "new_dba"),
        ChangeType.ADD_ROLE: ("roles",),
        ChangeType.REMOVE_ROLE: ("roles_to_remove",),
        ChangeType.ADD_TERRITORY: ("territories_to_add",),
        ChangeType.BANKING: ("banking_note",),
        ChangeType.SERVICE_PROVIDER: ("service_provider_name",),
    }
    layout = Layout(
        # Each change type with its help line and whether it needs market testing.
        _card(Partial("portal/registration/_change_types.html")),
        _card(
            HTML(
                '<h2 class="h5">Details of the changes</h2>'
                '<p class="small text-muted">Fill in the part for each change you chose; the rest is ignored.</p>'
            ),
            _details(ChangeType.NAME, "Legal name or DBA", grid((6, "new_legal_name"), (6, "new_dba"), gutter="")),
            Div("roles", css_class="mt-3", data_details=ChangeType.ADD_ROLE),
            Div("roles_to_remove", css_class="mt-3", data_details=ChangeType.REMOVE_ROLE),
            Div("territories_to_add", css_class="mt-3", data_details=ChangeType.ADD_TERRITORY),
            _details(ChangeType.BANKING, "Banking", "banking_note"),
            _details(ChangeType.SERVICE_PROVIDER, "Service provider", "service_provider_name"),
            _details(
                f"{ChangeType.AUTHORIZED_REPS} {ChangeType.CONTACTS}",
                "Authorized Representatives and contacts",
                HTML(
                    '<p class="small mb-0">After you save, name each person to add or remove on the application page '
                    "(section “Contact changes”).</p>"
                ),
            ),
        ),
        _card("notes"),
    )

    def __init__(self, *args, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def change_type_rows(self) -> list[dict]:
        """Each change-type checkbox with its help line and whether it needs market testing (for the template)."""
        return [
            {
                "widget": option,
                "value": option.data["value"],
                "help": CHANGE_TYPE_HELP.get(option.data["value"], ""),
                "testing": option.data["value"] in TESTING_CHANGES,
            }
            for option in self["change_types"].subwidgets
        ]

    def clean_banking_note(self):
        note = self.cleaned_data["banking_note"].strip()
        if _ACCOUNT_NUMBER.search(note):
            raise ValidationError(
                "This looks like an account or routing number. Do not type banking numbers here: "
                "describe the change, and Client Services will collect the numbers securely."
            )
        return note

    def clean(self):
        data = super().clean()
        chosen = set(data.get("change_types") or [])
        if ChangeType.NAME in chosen and not (
            data.get("new_legal_name", "").strip() or data.get("new_dba", "").strip()
        ):
            self.add_error("new_legal_name", "Enter the new legal name, the new DBA name, or both.")
        if ChangeType.ADD_ROLE in chosen and not data.get("roles"):
            self.add_error("roles", "Choose the market role(s) to add.")
        if ChangeType.REMOVE_ROLE in chosen and not data.get("roles_to_remove"):
            self.add_error("roles_to_remove", "Choose the market role(s) to remove.")
        if ChangeType.ADD_TERRITORY in chosen and not data.get("territories_to_add"):
            self.add_error("territories_to_add", "Choose the service territory or territories to add.")
        if ChangeType.BANKING in chosen and "banking_note" in data and not data["banking_note"]:
            self.add_error("banking_note", "Describe what changes in your banking details.")
        if ChangeType.SERVICE_PROVIDER in chosen and not data.get("service_provider_name", "").strip():
            self.add_error("service_provider_name", "Name the new service provider.")
        adding, removing = set(data.get("roles") or []), set(data.get("roles_to_remove") or [])
        both = adding & removing
        if both:
            self.add_error(
                "roles_to_remove", f"{', '.join(sorted(r.code for r in both))}: cannot be both added and removed."
            )
        if self.participant is not None and ChangeType.ADD_ROLE in chosen and adding:
            held = set(self.participant.roles.values_list("code", flat=True))
            already = sorted(r.code for r in adding if r.code in held)
            if already:
                self.add_error("roles", f"You already hold {', '.join(already)}.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        chosen = set(data["change_types"])

        def kept(field, empty):
            owners = [ct for ct, fields in self.DETAILS.items() if field in fields]
            return data[field] if any(ct in chosen for ct in owners) else empty

        return {
            "change_types": sorted(chosen),
            "new_legal_name": kept("new_legal_name", "").strip(),
            "new_dba": kept("new_dba", "").strip(),
            "role_codes": [role.code for role in kept("roles", [])],
            "remove_role_codes": [role.code for role in kept("roles_to_remove", [])],
            "territory_codes": [territory.code for territory in kept("territories_to_add", [])],
            "banking_note": kept("banking_note", ""),
            "service_provider_name": kept("service_provider_name", "").strip(),
            "notes": data["notes"].strip(),
        }

    @classmethod
    def initial_from(cls, application: Application) -> dict:
        return {
            "change_types": list(application.change_types),
            "new_legal_name": application.new_legal_name,
            "new_dba": application.new_dba,
            "roles": list(application.roles.all()),
            "roles_to_remove": list(application.roles_to_remove.all()),
            "territories_to_add": list(application.territories_to_add.all()),
            "banking_note": application.banking_note,
            "service_provider_name": application.service_provider_name,
            "notes": application.notes,
        }


def application_form_class(kind: str) -> type[forms.Form]:
    return InitialApplicationForm if kind == ApplicationKind.INITIAL else RevisionApplicationForm


class ContactChangeForm(LayoutMixin, forms.ModelForm):
    """A requested AR, Backup AR or contact change, applied to the company's contacts on approval."""

    class Meta:
        model = ContactChange
        fields = ["action", "contact_role", "rank", "full_name", "email", "phone"]
        labels = {"action": "Add or remove", "contact_role": "Role", "full_name": "Full name", "rank": "Rank"}
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    layout = Layout(
        grid(
            (4, "action"), (5, "contact_role"), (3, "rank"), (4, "full_name"), (4, "email"), (4, "phone"), gutter="g-2"
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_role"].choices = ContactRole.choices
        self.fields["rank"].choices = ContactRank.choices
        self.fields["phone"].required = False

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("action", "contact_role", "rank", "full_name", "email", "phone")}


class DocumentUploadForm(forms.Form):
    """One document version for one checklist line: PDF or image, checked by content, at most 10 MB."""

    file = forms.FileField(
        label="Choose a file",
        help_text=f"PDF or image ({ACCEPTED_DOCUMENT_TYPES_TEXT}), at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file you chose is empty."},
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf,image/*"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        return check_upload(upload, max_bytes=MAX_DOCUMENT_BYTES, allowed=PDF_AND_IMAGES)


class SubmitForm(forms.Form):
    """The AR's attestation; the service refuses without it, with a message that says so."""

    attest = forms.BooleanField(required=False)


class WithdrawForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
