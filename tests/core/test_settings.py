"""Settings switch on the environment: embedded defaults, DATABASE_URL / CELERY_BROKER_URL, production guards.

Each environment is imported in a fresh interpreter, because settings are read
once per process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Variables the settings read: none of them leaks from the calling shell into the subprocess.
_SETTINGS_PREFIXES = (
    "DJANGO_",
    "CELERY_",
    "DATABASE_",
    "EMAIL_",
    "ERCOT_",
    "AXES_",
    "SITE_URL",
    "PRIVATE_MEDIA_ROOT",
    "CACHE_URL",
)

_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from ercot_services.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "port": str(db.get("PORT", "")),
    "user": db.get("USER", ""),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "result_backend": app.conf.result_backend,
    "email_backend": settings.EMAIL_BACKEND,
    "email_file_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "debug": settings.DEBUG,
}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_SETTINGS_PREFIXES)}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120, check=False
    )


def _probe(settings_module: str, **extra: str) -> dict:
    result = _run(["-c", _PROBE], _clean_env(DJANGO_SETTINGS_MODULE=settings_module, **extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Production needs a shared cache; settings never connect at start-up, so the host need not exist here.
_SHARED_CACHE = "redis://cache.clientservices.example:6379/1"


def _production_key() -> str:
    key = secrets.token_urlsafe(45)[:60]
    assert len(key) == 60
    return key


@pytest.mark.subprocess
def test_local_defaults_to_sqlite_under_var_eager_celery_and_file_email(tmp_path):
    var_dir = tmp_path / "var"
    config = _probe("ercot_services.settings.local", ERCOT_VAR_DIR=str(var_dir))

    assert config["engine"] == "django.db.backends.sqlite3"
    assert Path(config["name"]) == var_dir / "db.sqlite3"
    assert config["eager"] is True
    # No network broker: nothing to reach (an in-memory transport at most, never used while eager).
    assert config["broker"].startswith("memory://")
    assert not config["result_backend"]
    assert config["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(config["email_file_path"]) == var_dir / "mail"
    # The local settings create the mail sink so the file backend can write to it.
    assert (var_dir / "mail").is_dir()
    assert config["debug"] is True


@pytest.mark.subprocess
def test_default_var_dir_is_the_repository_var_folder():
    # The base module has no side effects (local creates folders), so it is safe to probe without ERCOT_VAR_DIR.
    config = _probe("ercot_services.settings.base")
    assert Path(config["name"]) == BASE_DIR / "var" / "db.sqlite3"
    assert Path(config["email_file_path"]) == BASE_DIR / "var" / "mail"


@pytest.mark.subprocess
def test_database_url_and_broker_url_switch_to_postgresql_and_redis(tmp_path):
    config = _probe(
        "ercot_services.settings.local",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL="postgres://u@h:5432/db",
        CELERY_BROKER_URL="redis://h:6379/0",
    )

    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "db"
    assert config["host"] == "h"
    assert config["port"] == "5432"
    assert config["user"] == "u"
    assert config["eager"] is False
    assert config["broker"] == "redis://h:6379/0"
    assert config["result_backend"] == "redis://h:6379/0"


@pytest.mark.subprocess
def test_email_url_picks_the_email_backend(tmp_path):
    config = _probe("ercot_services.settings.local", ERCOT_VAR_DIR=str(tmp_path / "var"), EMAIL_URL="consolemail://")
    assert config["email_backend"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.subprocess
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
    )
    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.subprocess
def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
    )
    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.subprocess
@pytest.mark.parametrize("cache_url", [None, "locmemcache://ercot", "filecache:///tmp/ercot-cache", "dummycache://"])
def test_production_refuses_to_start_without_a_shared_cache(tmp_path, cache_url):
    """Rate limits count in the cache: a per-process cache lets each gunicorn worker allow the limit again."""
    extra = {"CACHE_URL": cache_url} if cache_url else {}
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        **extra,
    )
    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CACHE_URL" in result.stderr


@pytest.mark.subprocess
def test_production_starts_with_a_redis_cache(tmp_path):
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        CACHE_URL=_SHARED_CACHE,
    )
    probe = "import django; django.setup(); "
    probe += "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = _run(["-c", probe], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.subprocess
def test_production_passes_the_deploy_checks(tmp_path):
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        CACHE_URL=_SHARED_CACHE,
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.subprocess
def test_production_deploy_check_fails_on_an_insecure_setting(tmp_path):
    """The deploy check is not vacuous: turning HSTS off makes it fail at WARNING level."""
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        DJANGO_SECURE_HSTS_SECONDS="0",
        CACHE_URL=_SHARED_CACHE,
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


# --- Celery configuration (shared by every environment through base) --------


@pytest.fixture
def celery_app():
    from ercot_services.celery import app

    app.loader.import_default_modules()
    return app


def test_celery_serializes_json_only(celery_app):
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.result_serializer == "json"
    assert list(celery_app.conf.accept_content) == ["json"]


def test_celery_acknowledges_late_and_requeues_on_worker_loss(celery_app):
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_task_time_limit_is_inside_the_visibility_timeout(celery_app):
    visibility_timeout = celery_app.conf.broker_transport_options["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility_timeout
    assert celery_app.conf.task_time_limit < visibility_timeout
    assert celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit


def test_every_beat_entry_names_a_registered_task(celery_app):
    schedule = celery_app.conf.beat_schedule
    assert schedule, "the beat schedule is empty"
    for name, entry in schedule.items():
        assert entry["task"] in celery_app.tasks, f"beat entry {name!r} names unknown task {entry['task']!r}"
        assert entry["schedule"]


def test_platform_tasks_are_registered(celery_app):
    for name in (
        "ercot_services.core.tasks.ping",
        "ercot_services.core.tasks.send_email",
        "ercot_services.core.tasks.clear_expired_sessions",
    ):
        assert name in celery_app.tasks
