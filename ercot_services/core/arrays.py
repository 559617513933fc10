"""A subquery's values as a list on the row, on PostgreSQL (``ARRAY(...)``) and on the embedded default, SQLite
(``json_group_array``): the one way to annotate "the codes of this row's roles" without a query per row that still
runs where a newcomer's ``make run`` runs."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import JSONField, QuerySet, Subquery


class _JsonArraySubquery(Subquery):
    """SQLite: the one column of ``queryset`` as a JSON array (decoded to a list), in the subquery's order."""

    template = '(SELECT json_group_array("%(column)s") FROM (%(subquery)s))'

    def __init__(self, queryset: QuerySet):
        [column] = queryset.query.values_select  # the inner select's one column is aliased by its values() name
        super().__init__(queryset, output_field=JSONField(), column=column)


def array_subquery(queryset: QuerySet) -> Subquery:
    """The values of a one-column subquery (``.values("code")``) as a list per row; ``[]`` when it has none."""
    if connection.vendor == "postgresql":
        return ArraySubquery(queryset)
    return _JsonArraySubquery(queryset)
