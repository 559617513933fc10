from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.views.decorators.cache import never_cache

from .backlog import oldest_pending


def landing(request):
    return render(request, "landing.html")


@login_required
def home(request):
    """Where a user lands after signing in: staff to the workspace, participants to the portal."""
    if request.user.is_staff:
        return redirect("workspace:home")
    return redirect("portal:home")


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return {"ok": False, "error": exc.__class__.__name__}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from ercot_services.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}


def _check_outbox() -> dict:
    """Not a readiness check: a mail backlog makes the site ``degraded``, never unavailable."""
    limit = settings.HEALTH_MAX_PENDING_AGE_SECONDS
    try:
        oldest = oldest_pending()
    except Exception as exc:  # noqa: BLE001 - the database check reports the cause
        return {"ok": False, "error": exc.__class__.__name__, "max_pending_age_seconds": limit}
    check = {"ok": oldest is None or oldest.age_seconds <= limit, "max_pending_age_seconds": limit}
    if oldest is not None:
        check["oldest_pending"] = {"kind": oldest.kind, "age_seconds": round(oldest.age_seconds)}
    return check


@never_cache
def healthz(request):
    """Readiness: 503 ``unavailable`` unless the database and the broker answer.

    When both do, 200: ``ok``, or ``degraded`` when the oldest pending email has waited longer than
    ``HEALTH_MAX_PENDING_AGE_SECONDS`` (the body names its kind and age). A mail backlog is no reason for a load
    balancer to take web processes out, nor for an orchestrator to restart them.
    """
    checks = {"database": _check_database(), "broker": _check_broker()}
    ready = all(check["ok"] for check in checks.values())
    checks["outbox"] = _check_outbox()
    status = "unavailable" if not ready else "ok" if checks["outbox"]["ok"] else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Rendered without the request context: it must work even when the database is down."""
    return HttpResponseServerError(get_template("errors/500.html").render({"phone": settings.CLIENT_SERVICES_PHONE}))
