"""Why a knowledge base or market rules service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class KnowledgeErrorCode(models.TextChoices):
    INVALID = "invalid", "The article or rule details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    SAME_APPROVER = "same_approver", "The approver must differ from the author"
    NOT_EDITABLE = "not_editable", "Only a draft article can be edited"
    CASE_NOT_RESOLVED = "case_not_resolved", "The case is not resolved"
    NO_PUBLIC_REPLY = "no_public_reply", "The case has no public staff reply"
    ALREADY_VOTED = "already_voted", "This reader has already answered"
    CITATION_TARGET = "citation_target", "A citation names one rule and one case, notice or article"
    UNKNOWN_STATUS = "unknown_status", "Not a revision request status"
