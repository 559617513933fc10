"""The portal's "File disputes from a CSV" form: the file, checked and read by ``cases.dispute_input``."""

from __future__ import annotations

from django import forms

from ercot_services.core.forms import LayoutMixin

from ...dispute_input import MAX_FILE_BYTES, MAX_ROWS, read_dispute_csv


class DisputeFileForm(LayoutMixin, forms.Form):
    file = forms.FileField(
        label="Dispute file (CSV)",
        help_text=f"One row per Operating Day, as in the template; at most {MAX_ROWS:,} rows and "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB, saved as CSV UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.rows, self.row_errors = read_dispute_csv(upload)
        return upload
