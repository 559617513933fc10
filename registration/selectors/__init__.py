"""Read-side queries for registration applications, their checklists and documents.

Portal scoping goes through :func:`accounts.selectors.scope_to_user`: an
application or document of another Market Participant is simply not found (a
404 in the views, never a 403). Staff see everything through the same
functions, so the staff workspace may import them too.

Stable names (imported by the portal and the staff views):

- :func:`applications_for_participant` — one MP's applications, newest first
- :func:`application_get_for_user` — one application by reference, scoped, else 404
- :func:`checklist` — the checklist lines with all document versions (latest first)
- :func:`document_get_for_user` — one document version, scoped, else 404
- :func:`open_application` — the MP's open or draft application of a kind, if any
- :func:`application_summary` — counts and missing items for the portal home card
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant, User
from accounts.selectors import scope_to_user

from ..models import (
    MISSING_LINE_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationRequirement,
    ApplicationStatus,
    ContactChange,
    Document,
    RoleRequirement,
)
from ..services.common import change_notice_requirement_id, checklist_requirement_ids

# Statuses in which an application still "counts" (blocks starting another of the same kind).
ACTIVE_APPLICATION_STATUSES = frozenset(OPEN_APPLICATION_STATUSES | {ApplicationStatus.DRAFT})


def _document_versions() -> Prefetch:
    """All versions of each line's document, latest first, as ``line.versions``."""
    return Prefetch(
        "documents",
        queryset=Document.objects.select_related("uploaded_by", "reviewed_by").order_by("-version"),
        to_attr="versions",
    )


def applications_for_participant(participant: MarketParticipant) -> QuerySet[Application]:
    """The MP's applications, newest first, with what a list row shows pre-joined.

    Each application carries ``missing_count`` (lines with a document still missing or rejected)
    and ``line_count`` annotations, so a list costs a fixed number of queries.
    """
    return (
        Application.objects.filter(participant=participant)
        .select_related("participant", "attested_by", "decided_by")
        .prefetch_related("roles")
        .annotate(
            line_count=Count("requirements", distinct=True),
            missing_count=Count(
                "requirements",
                filter=Q(requirements__requirement__needs_document=True)
                & Q(requirements__status__in=MISSING_LINE_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def applications_for_user(user: User) -> QuerySet[Application]:
    """Every application ``user`` may see (all for staff)."""
    return scope_to_user(Application.objects.all(), user)


def application_get_for_user(user: User, reference: str) -> Application:
    """One application by reference if ``user`` may see it; otherwise 404 (the reference grants nothing)."""
    queryset = applications_for_user(user).select_related(
        "participant", "created_by", "attested_by", "decided_by", "reviewer"
    )
    return get_object_or_404(queryset, reference=reference)


def line_get(application: Application, pk: int) -> ApplicationRequirement:
    """A checklist line of ``application`` (a line of any other application is a 404)."""
    return get_object_or_404(
        ApplicationRequirement.objects.select_related("requirement", "application"), application=application, pk=pk
    )


def _checklist_lines() -> QuerySet[ApplicationRequirement]:
    return (
        ApplicationRequirement.objects.select_related("requirement")
        .prefetch_related(_document_versions())
        .order_by("requirement__sort_order", "requirement__name")
    )


def checklist(application: Application) -> list[ApplicationRequirement]:
    """The checklist lines in order, each with ``versions`` (latest first) and ``latest`` (or ``None``)."""
    lines = list(_checklist_lines().filter(application=application))
    for line in lines:
        line.latest = line.versions[0] if line.versions else None
    return lines


def with_checklists(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """``queryset`` with each application's roles and checklist (as ``checklist_lines``, the lines of
    :func:`checklist` with their document versions) prefetched: three queries however many applications. Then
    :func:`mark_checklists` marks the lines."""
    return queryset.prefetch_related(
        "roles", Prefetch("requirements", queryset=_checklist_lines(), to_attr="checklist_lines")
    )


def mark_checklists(applications: list[Application]) -> list[Application]:
    """Mark each line of each application's ``checklist_lines`` (see :func:`with_checklists`) ``required`` and
    ``is_missing`` as the portal's application page does (``required_requirement_ids``), for many applications in
    two queries: the requirements of their roles, and Form E's id."""
    role_ids = {role.pk for application in applications for role in application.roles.all()}
    requirements_by_role = defaultdict(set)
    for role_id, requirement_id in RoleRequirement.objects.filter(role_id__in=role_ids).values_list(
        "role_id", "requirement_id"
    ):
        requirements_by_role[role_id].add(requirement_id)
    change_notice_id = change_notice_requirement_id() if applications else None
    for application in applications:
        required = checklist_requirement_ids(
            kind=application.kind,
            role_requirement_ids=set().union(*(requirements_by_role[role.pk] for role in application.roles.all())),
            change_notice_id=change_notice_id,
        )
        for line in application.checklist_lines:
            line.required = line.requirement_id in required
            line.is_missing = line.is_missing_among(required)
    return applications


def contact_changes(application: Application) -> QuerySet[ContactChange]:
    return application.contact_changes.order_by("pk")


def document_get_for_user(user: User, pk: int) -> Document:
    """One document version if ``user`` may see its application's MP; otherwise 404."""
    queryset = scope_to_user(Document.objects.all(), user, path="line__application__participant")
    return get_object_or_404(queryset.select_related("line__application", "line__requirement"), pk=pk)


def open_application(participant: MarketParticipant, kind: str) -> Application | None:
    """The MP's draft or open application of ``kind`` (the newest), if any."""
    return (
        Application.objects.filter(participant=participant, kind=kind, status__in=ACTIVE_APPLICATION_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


def application_summary(participant: MarketParticipant) -> dict:
    """For the portal home card: the active applications, each with ``missing`` lines (one or two queries)."""
    active = list(
        Application.objects.filter(participant=participant, status__in=ACTIVE_APPLICATION_STATUSES)
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=ApplicationRequirement.objects.filter(
                    requirement__needs_document=True,
                    status__in=MISSING_LINE_STATUSES,
                ).select_related("requirement"),
                to_attr="missing",
            )
        )
        .order_by("-created_at", "-pk")
    )
    return {"active": active}
