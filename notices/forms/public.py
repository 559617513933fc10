"""Forms of the public notice pages and the portal: archive filters, subscribe, preferences."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone

from ..models import ContactListOptOut, DistributionList, NoticeType, Scope, Subscription, Suppression
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


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"})
    )
    distribution_list = forms.ModelChoiceField(
        queryset=DistributionList.objects.filter(is_public=True),
        to_field_name="name",
        label="List",
        empty_label="Choose a list",
        widget=forms.Select(attrs={"class": "form-select"}),
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

    @transaction.atomic
    def save(self, email: str) -> list[str]:
        """Apply the checkboxes; return what changed, in words."""
        now = timezone.now()
        changes = []
        for sub in self.subscriptions:
            wanted = self.cleaned_data[f"sub_{sub.pk}"]
            if wanted and sub.status == Subscription.Status.UNSUBSCRIBED:
                Subscription.objects.filter(pk=sub.pk).update(
                    status=Subscription.Status.CONFIRMED, unsubscribed_at=None
                )
                changes.append(f"resubscribed to {sub.distribution_list.name}")
            elif not wanted and sub.status == Subscription.Status.CONFIRMED:
                Subscription.objects.filter(pk=sub.pk).update(
                    status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now
                )
                changes.append(f"unsubscribed from {sub.distribution_list.name}")
        for item in self.role_lists:
            wanted = self.cleaned_data[f"role_{item.distribution_list.pk}"]
            changes += set_role_list_opt_out(
                email=email,
                distribution_list=item.distribution_list,
                opted_out=not wanted,
                was_opted_out=item.opted_out,
            )
        if any(self.cleaned_data.values()):
            # Saving with a list ticked lifts an earlier "unsubscribe from all" (never a bounce or a complaint).
            if Suppression.objects.filter(email__iexact=email, reason=Suppression.Reason.UNSUBSCRIBED).delete()[0]:
                changes.append("emails are sent to this address again")
        return changes


def set_role_list_opt_out(
    *, email: str, distribution_list: DistributionList, opted_out: bool, was_opted_out: bool | None = None
) -> list[str]:
    """Opt an MP contact out of (or back into) a list they belong to by role."""
    email = email.strip().lower()
    if was_opted_out is None:
        was_opted_out = ContactListOptOut.objects.filter(
            distribution_list=distribution_list, email__iexact=email
        ).exists()
    if opted_out and not was_opted_out:
        ContactListOptOut.objects.get_or_create(distribution_list=distribution_list, email=email)
        return [f"left {distribution_list.name}"]
    if not opted_out and was_opted_out:
        ContactListOptOut.objects.filter(distribution_list=distribution_list, email__iexact=email).delete()
        return [f"rejoined {distribution_list.name}"]
    return []
