"""The one text search of the site's lists (notice archive, course catalogue, knowledge base).

On PostgreSQL: full-text search in English with the websearch syntax people type ("switch hold" -draft), ranked, the
fields weighted (or a stored, indexed document). On the embedded default, SQLite: every word must appear in one of
the same fields (``icontains``), so a newcomer's ``make run`` searches too.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import F, Q, QuerySet

# At most this many words are matched one by one on SQLite (a pasted paragraph is not a query).
MAX_WORDS = 8


def text_search(
    queryset: QuerySet,
    q: str,
    *,
    fields: dict[str, str],
    order: Sequence[str],
    document: str = "",
    also: Q | None = None,
    any_word: bool = False,
) -> QuerySet:
    """``queryset`` narrowed to what matches ``q``, best first then by ``order``; unchanged for an empty ``q``.

    ``fields``: the searched fields and their weight (``"A"`` to ``"D"``); ``document``: a stored search vector to
    use instead on PostgreSQL (its GIN index serves the query); ``also``: rows that match besides (an exact id);
    ``any_word``: a row matching any of the words is enough (suggestions for a sentence being typed).
    """
    q = (q or "").strip()[:200]
    if not q:
        return queryset
    words = q.split()[:MAX_WORDS]
    if any_word:
        q = " or ".join(words)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(q, search_type="websearch", config="english")
        if document:
            vector = F(document)
            matches = Q(**{document: query})
        else:
            terms = [SearchVector(field, weight=weight, config="english") for field, weight in fields.items()]
            vector = sum(terms[1:], terms[0])
            queryset = queryset.annotate(search=vector)
            matches = Q(search=query)
        return (
            queryset.annotate(rank=SearchRank(vector, query))
            .filter(matches | also if also is not None else matches)
            .order_by("-rank", *order)
        )
    condition = Q()
    for word in words:
        word_matches = Q()
        for field in fields:
            word_matches |= Q(**{f"{field}__icontains": word})
        condition = condition | word_matches if any_word else condition & word_matches
    return queryset.filter(condition | also if also is not None else condition)
