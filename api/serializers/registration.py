"""Registration of the key's MP: its applications, their status and requirement checklists."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registration import selectors as registration_selectors
from registration.models import ApplicationKind, ApplicationStatus, RequirementStatus

from .common import StrictQueryParameters


class DocumentSerializer(serializers.Serializer):
    """One uploaded version of a requirement's document (metadata)."""

    version = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    review_status = serializers.ChoiceField(choices=RequirementStatus.choices)


class ChecklistLineSerializer(serializers.Serializer):
    """One requirement of the application: its status, whether it is still missing, why it was rejected, and the
    versions of its document, latest first."""

    requirement = serializers.CharField(source="requirement.code")
    name = serializers.CharField(source="requirement.name")
    needs_document = serializers.BooleanField(source="requirement.needs_document")
    status = serializers.ChoiceField(choices=RequirementStatus.choices)
    required = serializers.BooleanField(
        help_text="The checklist requires it (a requirement of the roles applied for, or Form E of a revision); a "
        "line no longer required stays listed with its documents."
    )
    missing = serializers.BooleanField(
        source="is_missing",
        help_text="Required, and a document is still to be provided (none yet, or the last one rejected).",
    )
    rejection_reason = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, source="versions")

    def get_rejection_reason(self, line) -> str:
        """As the portal shows it: the reviewer's reason on a rejected line only."""
        return line.review_reason if line.status == RequirementStatus.REJECTED else ""


class RegistrationApplicationSerializer(serializers.Serializer):
    """An application (initial registration or Notice of Change of Information) with its status, what the reviewer
    asked or decided, and its requirement checklist (``checklist``; ``missing`` lists the codes still missing).

    Bounded queries when the application comes from ``registration.selectors.with_checklists`` and its lines were
    marked by ``registration.selectors.mark_checklists`` (as ``api.selectors.registration`` reads them); a bare
    application costs a few more queries (its checklist, its roles' requirements).
    """

    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    change_types = serializers.ListField(child=serializers.CharField())
    roles = serializers.SerializerMethodField(help_text="The market roles applied for (or to add).")
    requires_testing = serializers.BooleanField()
    notes = serializers.CharField()
    info_request = serializers.SerializerMethodField(help_text="What the reviewer asked for, while it waits for it.")
    decision_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    review_due_on = serializers.DateField(source="due_on", allow_null=True)
    review_paused = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    checklist = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField(help_text="The requirement codes still missing.")

    def get_roles(self, application) -> list[str]:
        return sorted(role.code for role in application.roles.all())

    def get_info_request(self, application) -> str:
        return application.info_request if application.status == ApplicationStatus.INFO_REQUESTED else ""

    def get_review_paused(self, application) -> bool:
        return application.paused_on is not None

    def _lines(self, application):
        if not hasattr(application, "checklist_lines"):
            application.checklist_lines = registration_selectors.checklist(application)
        if any(not hasattr(line, "is_missing") for line in application.checklist_lines):
            registration_selectors.mark_checklists([application])
        return application.checklist_lines

    @extend_schema_field(ChecklistLineSerializer(many=True))
    def get_checklist(self, application):
        return ChecklistLineSerializer(self._lines(application), many=True).data

    def get_missing(self, application) -> list[str]:
        return [line.requirement.code for line in self._lines(application) if line.is_missing]


class ApplicationFilterSerializer(StrictQueryParameters):
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=ApplicationKind.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)
