"""seed_demo's terminal output: the sign-ins come last, at the site's address, with no task log lines among them."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from dashboards.management.commands import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def noisy_sections(monkeypatch):
    """Every section logs like a service that queues an email, and warns once; the data itself is not the point."""
    seen_levels = []

    def section(ctx, **kwargs):
        logger = logging.getLogger("cases.services")
        logger.info("email queued for a case update")
        logger.warning("a warning still shows")
        seen_levels.append(logging.root.manager.disable)

    for name in (
        "seed_accounts",
        "seed_cases",
        "seed_registration",
        "seed_qualification",
        "seed_notices",
        "seed_plans",
        "seed_courses",
    ):
        monkeypatch.setattr(seed_demo, name, section)
    monkeypatch.setattr(seed_demo, "collect_portal_signins", lambda ctx: ctx.signins.append(("Lead", "a@b.c", "/w/")))
    return seen_levels


def test_seeding_keeps_info_lines_out_and_prints_the_sign_ins_last_at_the_site_url(noisy_sections, settings, caplog):
    settings.SITE_URL = "http://127.0.0.1:8899"
    out = StringIO()
    caplog.set_level(logging.INFO)

    call_command("seed_demo", stdout=out)

    messages = [record.getMessage() for record in caplog.records]
    assert "email queued for a case update" not in messages
    assert "a warning still shows" in messages
    assert noisy_sections == [logging.INFO] * 7
    assert logging.root.manager.disable == logging.NOTSET  # logging is back as it was
    output = out.getvalue()
    assert "Sign in at http://127.0.0.1:8899/" in output
    assert output.rstrip().splitlines()[-1].startswith("Staff sign in with a second factor")


def test_verbosity_two_keeps_every_line(noisy_sections, caplog):
    caplog.set_level(logging.INFO)

    call_command("seed_demo", stdout=StringIO(), verbosity=2)

    assert "email queued for a case update" in [record.getMessage() for record in caplog.records]
