"""The audit verbs the knowledge base and market rules write (``AuditEvent.verb``): one enum."""

from django.db import models


class KnowledgeEvent(models.TextChoices):
    ARTICLE_DRAFTED = "article.drafted", "Article drafted"
    ARTICLE_EDITED = "article.edited", "Article edited"
    ARTICLE_SUBMITTED = "article.submitted", "Article submitted for review"
    ARTICLE_RETURNED = "article.returned", "Article returned to draft"
    ARTICLE_PUBLISHED = "article.published", "Article approved and published"
    ARTICLE_ARCHIVED = "article.archived", "Article archived"
    CITATION_ADDED = "citation.added", "Rule citation added"
    CITATION_REMOVED = "citation.removed", "Rule citation removed"
    REVISION_STATUS_CHANGED = "revision_request.status_changed", "Revision request status changed"
