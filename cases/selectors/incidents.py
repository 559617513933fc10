"""Reads of market incidents for the workspace: the tabs of the list, one incident and its cases."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from ..models import Case, Incident, IncidentStatus


def incidents_for_staff(*, status: str) -> QuerySet[Incident]:
    """The incidents of one status, newest first, with their case counts (one query per page)."""
    return Incident.objects.filter(status=status).annotate(case_count=Count("cases")).order_by("-created_at", "-id")


def incident_status_counts() -> dict[str, int]:
    """How many incidents in each status (one query)."""
    counts = dict(Incident.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in IncidentStatus.values}


def incident_get(pk) -> Incident:
    return get_object_or_404(Incident.objects.select_related("created_by", "confirmed_by"), pk=pk)


def incident_cases(incident: Incident) -> QuerySet[Case]:
    """The linked cases with their MPs (staff only), assignees and dispute details."""
    return incident.cases.select_related("participant", "category", "assignee", "dispute").order_by("created_at", "pk")
