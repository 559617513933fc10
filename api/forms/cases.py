"""The portal's case forms, used by the API as validators: a call is checked by the same rules, with the same
messages, as the portal's form (dates not in the future, the statement date a window counts from, the default
category and subject of a dispute, attachments by size and by content). Only the category is named by its code."""

from __future__ import annotations

from cases.forms.portal import DisputeForm, InquiryForm


class CategoryByCodeMixin:
    """The category is named by its code (``settlements``), not by its database id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].to_field_name = "code"


class ApiInquiryForm(CategoryByCodeMixin, InquiryForm):
    pass


class ApiDisputeForm(CategoryByCodeMixin, DisputeForm):
    pass
