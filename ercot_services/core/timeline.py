"""Audit events as people read them: one timeline language for every page that lists ``AuditEvent``s.

Verbs are shown by the labels of the apps' verb enums (each app's ``events.py``), fields by the model field's
``verbose_name``, values formatted for people (choices by their labels, dates and times in the operator's time zone,
booleans as Yes/No, empty as a dash), and the events one person caused in the same second (one request: a service
that changes a case and its dispute writes two rows) are grouped into one entry with several lines.

``core`` knows no app: the verb enums are found through the app registry, not imported.
"""

from __future__ import annotations

import datetime
import decimal
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.numberformat import format as number_format
from django.utils.text import capfirst

from .models import AuditEvent

EMPTY = "—"
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Fields recorded that are no model field (``audit_context`` values, derived facts): their label for people.
EXTRA_FIELD_LABELS = {
    "api_key": "Through API key",
    "sla_state": "SLA state",
}


@dataclass
class ChangeLine:
    label: str
    old: str
    new: str
    # A value recorded as ``(None, value)`` is a fact of the event, not a change: shown as "label: value".
    is_fact: bool


@dataclass
class TimelineItem:
    event: AuditEvent
    label: str
    changes: list[ChangeLine]

    @property
    def target_repr(self) -> str:
        return self.event.target_repr

    @property
    def reason(self) -> str:
        return self.event.reason


@dataclass
class TimelineEntry:
    """What one person did at one moment: one or several events of the same request."""

    at: datetime.datetime
    actor: Any
    actor_id: int | None
    items: list[TimelineItem] = field(default_factory=list)


def operator_zone() -> zoneinfo.ZoneInfo:
    """The operator's time zone (ERCOT: ``America/Chicago``), in which every time is shown to people."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def format_moment(value: datetime.datetime) -> str:
    return dateformat.format(value.astimezone(operator_zone()), DATETIME_FORMAT)


@cache
def verb_labels() -> dict[str, str]:
    """Every verb any installed app writes, mapped to its label, from the ``TextChoices`` in its ``events.py``."""
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.events")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices:
                labels.update({str(member.value): str(member.label) for member in value})
    return labels


def verb_label(verb: str) -> str:
    """``case.sla_changed`` → its enum label; a verb no enum names reads as its last part in words."""
    return verb_labels().get(verb) or capfirst(verb.rsplit(".", 1)[-1].replace("_", " "))


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The field ``name`` of ``model``, or of a model that extends it one-to-one (a case's event records its
    dispute's ``outcome``)."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        pass
    for relation in model._meta.related_objects:
        if relation.one_to_one:
            try:
                return relation.related_model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The model field's verbose name ("SLA state", not "sla state"), else the recorded name in words."""
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    model_field = _model_field(model, name)
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return capfirst(str(model_field.verbose_name))
    if model_field is not None:  # a reverse relation
        return capfirst(str(model_field.related_model._meta.verbose_name))
    return capfirst(name.replace("_", " "))


def format_value(value: Any, model_field: models.Field | None = None) -> str:
    """One recorded value for people: choices by their label, dates and times in the operator's time zone,
    Yes/No, numbers with thousands separators, lists joined, empty as a dash. A related object was recorded by its
    ``str`` already (``core.audit``)."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(format_value(item, model_field) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if getattr(model_field, "choices", None):
        choices = {str(key): str(label) for key, label in model_field.flatchoices}
        if str(value) in choices:
            return choices[str(value)]
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=operator_zone())
            return format_moment(moment)
    if isinstance(value, str) and _ISO_DATE.match(value):
        day = parse_date(value)
        if day is not None:
            return dateformat.format(day, DATE_FORMAT)
    if isinstance(model_field, models.DecimalField | models.IntegerField) or isinstance(
        value, int | float | decimal.Decimal
    ):
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return str(value)
        return number_format(number, ".", grouping=3, thousand_sep=",", force_grouping=True)
    return str(value)


def _target_model(event: AuditEvent) -> type[models.Model] | None:
    """The model of the event's target: from the selected content type (pages select it with the actor, so that a
    template sends no query), else from Django's content type cache."""
    if AuditEvent.target_content_type.is_cached(event):
        return event.target_content_type.model_class()
    return ContentType.objects.get_for_id(event.target_content_type_id).model_class()


def _changes(event: AuditEvent) -> list[ChangeLine]:
    model = _target_model(event)
    lines = []
    for name, pair in (event.changes or {}).items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        model_field = _model_field(model, name)
        lines.append(
            ChangeLine(
                label=field_label(model, name),
                old=format_value(old, model_field),
                new=format_value(new, model_field),
                is_fact=old is None,
            )
        )
    return lines


def _same_request(entry: TimelineEntry, event: AuditEvent) -> bool:
    """One request's events: the same person (or the system) within the same second."""
    return entry.actor_id == event.actor_id and abs((entry.at - event.created_at).total_seconds()) < 1


def timeline_entries(events: Iterable[AuditEvent]) -> list[TimelineEntry]:
    """``events`` (newest first, ``actor`` and ``target_content_type`` selected) as entries, the events of one request grouped into one."""
    entries: list[TimelineEntry] = []
    for event in events:
        item = TimelineItem(event=event, label=verb_label(event.verb), changes=_changes(event))
        if entries and _same_request(entries[-1], event):
            entries[-1].items.append(item)
        else:
            entries.append(TimelineEntry(at=event.created_at, actor=event.actor, actor_id=event.actor_id, items=[item]))
    return entries
