"""``no_queries_while_rendering``: fail a test when a template issues a query.

Everything a page shows should come from its view's context as lists and values; a lazy queryset or a related
object read in a template costs queries per row that no view-level query count sees coming. The guard wraps
``django.template.base.Template.render`` (the context processors and the template body) in
``connection.execute_wrapper``: any SQL sent while a template renders raises, and is also recorded so the test
fails at teardown even if something swallowed the error.
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.template.base import Template


class QueryWhileRendering(AssertionError):
    pass


@contextlib.contextmanager
def refuse_queries_while_rendering():
    """Within the block, any template rendering that sends SQL raises :class:`QueryWhileRendering`.

    Yields the list of the statements that were refused (empty when the pages behaved).
    """
    refused: list[str] = []
    original = Template.render

    def refuse(execute, sql, params, many, context):
        refused.append(sql)
        raise QueryWhileRendering(f"A template sent a query while rendering: {sql}")

    def guarded(self, context):
        with connection.execute_wrapper(refuse):
            return original(self, context)

    Template.render = guarded
    try:
        yield refused
    finally:
        Template.render = original


@pytest.fixture
def no_queries_while_rendering():
    """Use on a page test: the test fails if any template it renders sends a query."""
    with refuse_queries_while_rendering() as refused:
        yield refused
    assert not refused, f"Templates sent {len(refused)} query(ies) while rendering, the first: {refused[0]}"
