"""Forms of the public notice pages and the portal: archive filters, subscribe, preferences."""

from __future__ import annotations

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import DistributionList, NoticeType, Scope, Subscription
from ..selectors import ArchiveFilters


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words or a notice ID, e.g. collateral"}),
    )
    type = forms.ModelChoiceField(
        queryset=NoticeType.objects.all(), required=False, to_field_name="slug", empty_label="All types", label="Type"
    )
    scope = forms.ChoiceField(choices=[("", "All scopes"), *Scope.choices], required=False, label="Scope")
    list = forms.ModelChoiceField(
        queryset=DistributionList.objects.all(),
        required=False,
        to_field_name="name",
        empty_label="All lists",
        label="List",
    )
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.BooleanField(required=False, label="Requiring action only")

    def __init__(self, *args, types=None, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated once by the view and shared, so the filter bar costs one query per choice list.
        if types is not None:
            self.fields["type"].queryset = types
        if lists is not None:
            self.fields["list"].queryset = lists
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field, forms.BooleanField)
                else ("form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self, *, action_required: bool = False) -> ArchiveFilters:
        """The filters to apply: invalid values are ignored rather than failing the page."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return ArchiveFilters(
            notice_type=data.get("type"),
            scope=data.get("scope") or "",
            date_from=data.get("date_from") if "date_to" not in self.errors else None,
            date_to=data.get("date_to"),
            distribution_list=data.get("list"),
            q=(data.get("q") or "").strip(),
            action_required=action_required or bool(data.get("action")),
        )


class SubscribeForm(LayoutMixin, forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    distribution_list = forms.ModelChoiceField(
        queryset=DistributionList.objects.filter(is_public=True),
        to_field_name="name",
        label="List",
        empty_label="Choose a list",
    )


class PreferencesForm(forms.Form):
    """One checkbox per list the address has confirmed (or belongs to by role): checked means receive it."""

    def __init__(self, *args, subscriptions=(), role_lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subscriptions = [s for s in subscriptions if s.confirmed_at is not None]
        self.role_lists = list(role_lists)
        for sub in self.subscriptions:
            self.fields[f"sub_{sub.pk}"] = forms.BooleanField(
                required=False,
                initial=sub.status == Subscription.Status.CONFIRMED,
                label=sub.distribution_list.name,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        for item in self.role_lists:
            self.fields[f"role_{item.distribution_list.pk}"] = forms.BooleanField(
                required=False,
                initial=not item.opted_out,
                label=item.distribution_list.name,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def rows(self):
        for sub in self.subscriptions:
            yield {
                "kind": "subscription",
                "field": self[f"sub_{sub.pk}"],
                "list": sub.distribution_list,
                "subscription": sub,
            }
        for item in self.role_lists:
            yield {
                "kind": "role",
                "field": self[f"role_{item.distribution_list.pk}"],
                "list": item.distribution_list,
                "reasons": item.reasons,
            }

    def subscription_choices(self) -> dict:
        """Each confirmed subscription and whether its box is ticked (receive it)."""
        return {sub: self.cleaned_data[f"sub_{sub.pk}"] for sub in self.subscriptions}

    def role_list_choices(self) -> dict:
        """Each list the address belongs to by role and whether its box is ticked (receive it)."""
        return {
            item.distribution_list: self.cleaned_data[f"role_{item.distribution_list.pk}"] for item in self.role_lists
        }
