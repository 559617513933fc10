"""Fixtures for the portal side of plan management. Meetings, action items and extra contacts come from the
factories (``tests/plans/factories.py``, ``tests/accounts/factories.py``), written straight to the tables (the pages
only read them), so each test states exactly what the MP has."""

from __future__ import annotations

import pytest


@pytest.fixture
def am_user(account_manager):
    return account_manager.user


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client
