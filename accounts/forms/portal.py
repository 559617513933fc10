"""Portal (participant) forms."""

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import USA_GRANTABLE_ROLES, MarketParticipant


class ParticipantSwitchForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=MarketParticipant.objects.none())

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants


# --- the MP's people (its User Security Administrator) -------------------------------------------------------------


def _role_field(label: str = "Roles") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=[(role.value, role.label) for role in USA_GRANTABLE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="The Authorized Representative and the Backup AR change through registration.",
    )


def _reason_field(required: bool = False) -> forms.CharField:
    return forms.CharField(label="Reason", max_length=255, required=required)


class PersonInviteForm(LayoutMixin, forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    roles = _role_field()


class PersonRolesForm(LayoutMixin, forms.Form):
    roles = _role_field()
    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_roles_%s")  # the person page also draws PersonAccessForm's reason
        super().__init__(*args, **kwargs)
        self.fields["roles"].required = False


class PersonAccessForm(LayoutMixin, forms.Form):
    """Suspend, reinstate or remove: only a reason."""

    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_access_%s")
        super().__init__(*args, **kwargs)


class NothingForm(forms.Form):
    """An action without input (a button)."""


class SecondFactorForm(LayoutMixin, forms.Form):
    required = forms.BooleanField(
        label="Require a second factor (passkey or authenticator app) for all our portal users", required=False
    )


class ReviewConfirmForm(forms.Form):
    """The people the USA confirms in the access review (one row's button, or every row)."""

    users = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [(entry.user_id, str(entry.user_id)) for entry in entries]
