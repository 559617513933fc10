"""Forms of the market incident pages: confirm, dismiss, resolve, link or unlink a case, answer every case."""

from __future__ import annotations

from django import forms

from ercot_services.core.forms import LayoutMixin
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .staff import _ReferenceField


class _IncidentForm(LayoutMixin, forms.Form):
    prefix_id = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)


class IncidentConfirmForm(_IncidentForm):
    prefix_id = "confirm"
    title = forms.CharField(max_length=200, label="Title")
    summary = forms.CharField(
        required=False,
        max_length=MESSAGE_TEXT,
        label="Summary (staff only)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went wrong in the market, as far as is known. Name no Market Participant.",
    )


class IncidentDismissForm(_IncidentForm):
    prefix_id = "dismiss"
    reason = forms.CharField(
        max_length=NOTE_TEXT, label="Why is this not a market incident?", widget=forms.Textarea(attrs={"rows": 2})
    )


class IncidentResolveForm(_IncidentForm):
    prefix_id = "resolve"
    summary = forms.CharField(
        required=False,
        max_length=MESSAGE_TEXT,
        label="Resolution summary (staff only, optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IncidentLinkForm(_IncidentForm):
    prefix_id = "link"
    case = _ReferenceField(label="Case reference", help_text="A case of any Market Participant.")


class IncidentUnlinkForm(_IncidentForm):
    prefix_id = "unlink"
    case = _ReferenceField(widget=forms.HiddenInput)


class IncidentReplyForm(_IncidentForm):
    prefix_id = "incident_reply"
    body = forms.CharField(
        max_length=MESSAGE_TEXT,
        label="Reply to every linked case",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Each requester receives it on their own case; name no Market Participant.",
    )
    resolve = forms.BooleanField(
        required=False,
        label="Resolve the open cases with this reply as their summary (disputes stay open: each needs its outcome)",
    )
