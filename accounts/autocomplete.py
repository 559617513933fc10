"""The MP picker: a select that renders only the chosen MP and searches the rest through a JSON endpoint.

At market scale a ``<select>`` of every MP is most of a page's HTML. A picker names a *scope*: the set of MPs its
form accepts. The same scope gives the form field its queryset (so a posted id outside it is a validation error)
and the endpoint ``workspace:participant-autocomplete`` its candidates, always intersected with what the user may
see (:func:`accounts.selectors.participants_for_user`). A higher app registers its own scope from its
``AppConfig.ready()`` (registration registers "submitted"), so accounts never imports it.

Without JavaScript the select still works: it offers the empty choice and the chosen MP, and the page's filter or
form keeps the value. ``static/js/autocomplete.js`` turns it into a searchable combobox (Tom Select, vendored).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse_lazy

from .models import MarketParticipant

RESULT_LIMIT = 20

_SCOPES: dict[str, Callable[[], QuerySet[MarketParticipant]]] = {}


class UnknownScope(LookupError):
    """The endpoint was asked for a scope no app registered (a 404, not a 500)."""


def register_participant_scope(name: str, queryset: Callable[[], QuerySet[MarketParticipant]]) -> None:
    """Name the MPs a picker offers: ``queryset()`` is evaluated per request, never at import."""
    _SCOPES[name] = queryset


def participant_scope(name: str) -> QuerySet[MarketParticipant]:
    """The MPs of scope ``name``, ordered by short name."""
    try:
        factory = _SCOPES[name]
    except KeyError as missing:
        raise UnknownScope(name) from missing
    return factory().order_by("short_name")


def participant_label(participant: MarketParticipant) -> str:
    return f"{participant.short_name} — {participant.legal_name}"


def participant_search(queryset: QuerySet[MarketParticipant], term: str, *, limit: int = RESULT_LIMIT) -> list[dict]:
    """The first ``limit`` MPs of ``queryset`` matching ``term`` as ``[{"id", "text"}]``.

    Short names starting with the term come first, then the rest matching the legal or DBA name, the DUNS number
    or the operator id; one query, a few columns.
    """
    term = term.strip()
    if term:
        starts = Q(short_name__istartswith=term)
        queryset = queryset.filter(
            starts
            | Q(legal_name__icontains=term)
            | Q(dba_name__icontains=term)
            | Q(duns_number__startswith=term)
            | Q(operator_id__istartswith=term)
        ).annotate(rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        queryset = queryset.order_by("rank", "short_name")
    rows = queryset.values_list("pk", "short_name", "legal_name")[:limit]
    return [{"id": pk, "text": f"{short} — {legal}"} for pk, short, legal in rows]


class ParticipantAutocomplete(forms.Select):
    """A select rendering the empty choice and the selected MP(s) only; the script loads the rest on demand.

    The field's queryset (``self.choices.queryset``) is read only for the selected values, one indexed query.
    """

    allow_multiple_selected = False

    def __init__(self, *, scope: str, attrs=None, placeholder: str = "Type a short or legal name…"):
        super().__init__(attrs)
        self.scope = scope
        self.placeholder = placeholder
        self.chosen: list[tuple[int, str]] | None = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.chosen = None
        return copy

    def load_chosen(self, value) -> None:
        """Read the chosen MP(s) now (``ercot_services.core.forms.load_choices``), not while the page renders."""
        values = value if isinstance(value, list | tuple) else [value]
        digits = [str(v) for v in values if str(v).isdigit()]
        rows = (
            self.choices.queryset.filter(pk__in=digits).values_list("pk", "short_name", "legal_name") if digits else []
        )
        self.chosen = [(pk, f"{short} — {legal}") for pk, short, legal in rows]

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.setdefault("class", "form-select")
        url = reverse_lazy("workspace:participant-autocomplete")
        attrs.update(
            {
                "data-participant-autocomplete": f"{url}?scope={self.scope}",
                "data-placeholder": self.placeholder,
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        options = []
        empty_label = getattr(self.choices, "field", None) and self.choices.field.empty_label
        if empty_label is not None and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", empty_label or "", not chosen, 0, attrs=None))
        if chosen:
            if self.chosen is None:
                self.load_chosen(list(chosen))
            for index, (pk, label) in enumerate(self.chosen, start=1):
                options.append(self.create_option(name, pk, label, True, index, attrs=None))
        return [(None, options, 0)]


class ParticipantAutocompleteMultiple(ParticipantAutocomplete, forms.SelectMultiple):
    allow_multiple_selected = True


register_participant_scope("all", lambda: MarketParticipant.objects.all())
register_participant_scope("qse", lambda: MarketParticipant.objects.filter(roles__code="QSE"))
