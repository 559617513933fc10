"""``no_queries_while_rendering``: a page's templates read only what its view put in the context.

Any SQL run while a template renders (a lazy relation, an unprefetched ``.all``, a permission loaded by ``perms``)
fails the test that asks for this fixture, with the SQL. Import the fixture into a test module to use it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.base import Template


@pytest.fixture
def no_queries_while_rendering(monkeypatch):
    original = Template.render
    caught: list[str] = []
    depth = [0]

    def refuse(execute, sql, params, many, context):
        caught.append(sql)
        raise AssertionError(f"A query ran while a template was rendering: {sql}")

    def render(self, context):
        if depth[0]:
            return original(self, context)
        depth[0] += 1
        try:
            with connection.execute_wrapper(refuse):
                return original(self, context)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(Template, "render", render)
    yield caught
    assert not caught, "Queries ran while templates were rendering:\n" + "\n".join(caught)
