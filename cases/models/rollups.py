"""Daily rollups of the case metrics: per operator-local day and assignee, what the metrics page reads for closed days.

A day's rows are written by ``cases.services.rollups`` (the beat task and ``manage.py rollup_case_metrics``); a day
is *fresh* when its :class:`CaseRollupDay` exists with ``stale=False``. Saving a case or a dispute whose
metric fields change marks the days of the old and new values stale in the same transaction
(:func:`mark_days_stale`), so a fresh day is always the figure a fresh computation would give; the page computes
every day that is not fresh (today, stale or never computed) live from the cases.

Deletes bypass ``save()``: deleting a case or a dispute (the admin, a cascade) and deleting a user, which sets the
assignee of their cases to NULL in one UPDATE, mark the days stale from ``pre_delete`` receivers below, inside the
delete's transaction. A write through ``QuerySet.update()``/``bulk_update()``/``bulk_create()`` on a rollup field
bypasses the hook too: no service does one; a bulk load runs ``manage.py rollup_case_metrics --rebuild``.

The rows keep the raw ``assignee_id`` (no foreign key: a rollup must not block deleting a user, and the page maps
an assignee who is no Account Manager to "Other staff / queues" when it reads, as it does for live figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone


class CaseRollupDay(models.Model):
    """One operator-local day whose rollup rows were computed; ``version`` grows each time the day is marked stale,
    so a recomputation that read the cases before a concurrent change does not clear the newer mark."""

    day = models.DateField(primary_key=True)
    stale = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["stale", "day"], name="case_rollup_day_stale_idx")]

    def __str__(self):
        return f"{self.day} ({'stale' if self.stale else 'fresh'})"


class CaseDayRollup(models.Model):
    """The case figures of one day and one assignee (``None``: the Service Desk queue, unassigned)."""

    day = models.DateField()
    assignee_id = models.IntegerField(null=True, blank=True)
    opened = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    fr_due = models.PositiveIntegerField(default=0)
    fr_met = models.PositiveIntegerField(default=0)
    res_due = models.PositiveIntegerField(default=0)
    res_met = models.PositiveIntegerField(default=0)
    fr_count = models.PositiveIntegerField(default=0)
    fr_seconds = models.BigIntegerField(default=0)
    res_count = models.PositiveIntegerField(default=0)
    res_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "assignee_id"], name="case_day_rollup_idx")]

    def __str__(self):
        return f"{self.day} assignee {self.assignee_id}"


class CaseDurationBucket(models.Model):
    """A histogram bucket of business-hour durations (first response ``fr`` or resolution ``res``) of one day and
    assignee: how many durations fell in the bucket, and the least and greatest of them (see
    ``cases.selectors.duration_histogram``)."""

    day = models.DateField()
    assignee_id = models.IntegerField(null=True, blank=True)
    measure = models.CharField(max_length=3)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "measure"], name="case_duration_bucket_idx")]

    def __str__(self):
        return f"{self.day} {self.measure}[{self.bucket}] × {self.count}"


class CaseDayDisputeRollup(models.Model):
    """The disputes decided (or withdrawn) on one day by one assignee, by outcome, with their amounts."""

    day = models.DateField()
    assignee_id = models.IntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=30)
    count = models.PositiveIntegerField()
    disputed = models.DecimalField(max_digits=16, decimal_places=2)
    granted = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["day"], name="case_day_dispute_rollup_idx")]

    def __str__(self):
        return f"{self.day} {self.outcome} × {self.count}"


def local_day(moment: datetime.datetime) -> datetime.date:
    """The operator's date of a moment (``TIME_ZONE``), whatever timezone the request activated."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def mark_days_stale(moments: Iterable[datetime.datetime | None]) -> None:
    """Mark the days of these moments stale (one UPDATE; days never computed need no mark: they are not fresh)."""
    days = {local_day(moment) for moment in moments if moment is not None}
    if days:
        CaseRollupDay.objects.filter(day__in=days).update(stale=True, version=F("version") + 1)


class MarksRollupDaysStale:
    """Mixed into a model whose fields the rollups read: saving it with one of ``rollup_fields`` changed (or
    creating it) marks the days of :meth:`rollup_moments`, before and after the change, stale.

    Why a model hook rather than a call in each service: every writer of a case (the workflow, assignment,
    disputes, merging, the admin, the seeds) goes through ``save()``, so no service can forget to mark a day."""

    rollup_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rollup_loaded = instance._rollup_state()
        return instance

    def _rollup_state(self) -> dict:
        return {name: self.__dict__[name] for name in self.rollup_fields if name in self.__dict__}

    def rollup_moments(self, state: dict) -> list[datetime.datetime | None]:
        """The moments whose days hold this row's figures, given its ``rollup_fields`` values ``state``."""
        raise NotImplementedError

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_rollup_loaded", None)
        super().save(*args, **kwargs)
        state = self._rollup_state()
        if loaded is None or any(state.get(name) != value for name, value in loaded.items()):
            before = self.rollup_moments(loaded) if loaded is not None else []
            mark_days_stale([*before, *self.rollup_moments(state)])
        self._rollup_loaded = state

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._rollup_loaded = self._rollup_state()


@receiver(pre_delete, sender="cases.Case", dispatch_uid="cases.rollups.case_deleted")
@receiver(pre_delete, sender="cases.DisputeDetail", dispatch_uid="cases.rollups.dispute_deleted")
def _mark_days_of_deleted_row(sender, instance: MarksRollupDaysStale, **kwargs) -> None:
    """A deleted case or dispute leaves the days it was counted on."""
    mark_days_stale(instance.rollup_moments(instance._rollup_state()))


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases.rollups.assignee_deleted")
def _mark_days_of_deleted_assignee(sender, instance, **kwargs) -> None:
    """Deleting a user moves their assigned cases to no assignee (``on_delete=SET_NULL``, one UPDATE, no save()):
    the days of those cases change rows. One query for the cases' moments, one UPDATE of the days."""
    cases = instance.assigned_cases
    moments = cases.values_list(*cases.model.rollup_moment_fields)
    mark_days_stale(moment for row in moments for moment in row)
