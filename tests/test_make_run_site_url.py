"""`make run` on another port: seed_demo's output and the emails' links point at the port it serves."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _planned_commands(*overrides: str) -> list[str]:
    done = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", *overrides], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_make_run_gives_seed_demo_and_the_server_the_site_url_of_its_host_and_port():
    lines = _planned_commands("PORT=8899")

    seed = next(line for line in lines if "manage.py seed_demo" in line)
    serve = next(line for line in lines if "manage.py runserver" in line)
    assert seed.startswith("SITE_URL=http://127.0.0.1:8899 ")
    assert serve.startswith("SITE_URL=http://127.0.0.1:8899 ") and serve.endswith("runserver 127.0.0.1:8899")


def test_a_site_url_given_to_make_wins():
    lines = _planned_commands("PORT=8899", "SITE_URL=https://demo.example")

    assert any(line.startswith("SITE_URL=https://demo.example ") and "seed_demo" in line for line in lines)
