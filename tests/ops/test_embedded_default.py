"""The setup contract's first command on its embedded default: SQLite, eager tasks, mail as files.

``make run`` migrates, rebuilds the participant summaries and seeds the demo with nothing set in the environment.
CI's suite runs on PostgreSQL, so without this a query only PostgreSQL understands (``DISTINCT ON``, ``ARRAY(...)``)
could break the newcomer's first command, or the pages it serves, unseen: after the seed, every demo role signs in and
opens its main pages on the SQLite database (``embedded_pages.py``).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _manage(*args, env, timeout=600):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
@pytest.mark.subprocess
def test_make_runs_commands_work_on_the_embedded_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "CACHE_"))}
    env["ERCOT_VAR_DIR"] = str(tmp_path)

    for command in (["migrate", "--noinput"], ["rebuild_participant_summaries"], ["seed_demo"]):
        result = _manage(*command, env=env)
        assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"

    assert (tmp_path / "db.sqlite3").exists()
    assert "Every demo user has the same password" in result.stdout
    assert "totp_code" in result.stdout  # how staff get their second factor's code

    pages = _manage("shell", "-c", (Path(__file__).parent / "embedded_pages.py").read_text(), env=env)
    assert pages.returncode == 0, pages.stderr[-3000:]
    assert "checked" in pages.stdout
    assert [line for line in pages.stdout.splitlines() if line.startswith("PROBLEM")] == []
