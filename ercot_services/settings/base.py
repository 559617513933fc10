"""Settings shared by every environment.

Everything comes from the environment through django-environ, with an embedded
default: no variable set means SQLite under ``var/``, Celery tasks run eagerly
and email is written to files under ``var/mail/`` where the person running the
app can read it. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to
PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from .api_schema import SPECTACULAR_SETTINGS  # noqa: F401  (the API schema's settings, in their own module)
from .education import EDUCATION_BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("ERCOT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)
from .deadline_radar import *  # noqa: E402, F403 - the DISPUTE_RADAR_* settings (README "Deadline radar")
from .inbound_mail import *  # noqa: E402, F403 - the INBOUND_* settings (README "Email that opens cases")
from .knowledge import *  # noqa: E402, F403 - the knowledge base and market rules settings
from .surveys import *  # noqa: E402, F403 - the CASE_SURVEY_* settings (README "Satisfaction surveys")
from .webhooks import *  # noqa: E402, F403 - the WEBHOOK_* settings (README "Webhooks"), once .env is read

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="insecure-local-only-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in emails (links back to cases, letters, notices).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_prometheus",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ercot_services.core",
    "accounts",
    "cases",
    "registration",
    "qualification",
    "notices",
    "education",
    "plans",
    "dashboards",
    "api",
]

MIDDLEWARE = [
    # Outermost: the request id covers every log line of the request (README "Logs and metrics").
    "ercot_services.core.log_context.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (or its -Report-Only twin) and Permissions-Policy on every response.
    "csp.middleware.CSPMiddleware",
    "ercot_services.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads input: strips control characters from query strings, forms and cookies.
    "ercot_services.core.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ercot_services.core.sessions.IdleTimeoutMiddleware",
    # A session whose user the backend now refuses (suspended everywhere by their MPs' USAs) ends for good.
    "accounts.middleware.EndRefusedSessionMiddleware",
    # Sets the cookie that marks a browser the user signed in from (the new-sign-in email goes out for any other).
    "accounts.middleware.KnownBrowserCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-allauth's request context (its flows read the request from it) and its half-finished sign-ins.
    "allauth.account.middleware.AccountMiddleware",
    # A signed-in user who must have a second factor and has none enrols before anything else (admin included).
    "accounts.second_factor.SecondFactorEnrolmentMiddleware",
    # django-prometheus wants its After middleware last, but Axes must be: just before Axes it still sees every view
    # and the final response (the lockout page included).
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ercot_services.urls"
WSGI_APPLICATION = "ercot_services.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ercot_services.core.context_processors.site",
                "accounts.context_processors.portal_navigation",
                "ercot_services.core.navigation.staff_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The dashboards' per-MP count subqueries are estimated well above PostgreSQL's JIT threshold, and compiling
    # them costs seconds per request while running them takes milliseconds (bench/README.md): no JIT for the app.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The Market Participant model, named the way AUTH_USER_MODEL names the user: core (audit events) refers to it
# without importing the app that defines it.
PARTICIPANT_MODEL = "accounts.MarketParticipant"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the signed-in user from a snapshot in the cache, replaced on every write of the user.
    "accounts.user_cache.CachedUserBackend",
]
# How long a user's snapshot may stay in the cache (seconds; 0 reads the user from the database on every request).
# Writes replace it at once; the expiry only bounds a snapshot that a cache outage kept from being replaced.
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=300)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# Sessions end after this many seconds without a request (idle timeout). The session keeps the time of the last
# request, written at most once a minute (ercot_services/core/sessions.py), so most requests write nothing; its own
# expiry is a minute longer than the timeout, so an active user is never signed out mid-work.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_LAST_SEEN_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + SESSION_LAST_SEEN_SECONDS
# Read from the cache, written through to the database: a cache that is flushed or restarted signs nobody out, and
# a cache that is down leaves sessions to the database alone. The default per-process cache is enough for one
# process (make run); production requires a shared one (Redis), as sessions must be the same in every process.
SESSION_ENGINE = "ercot_services.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Security headers (README "Content Security Policy and headers"). HSTS and the secure cookies are production's.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the app never uses are off for every page; passkeys (WebAuthn) stay allowed for the
# site itself. ercot_services/core/headers.py writes the header.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

# Content Security Policy (django-csp): scripts and styles come from our own static files only; the rare inline
# script carries the request's nonce (``{{ request.csp_nonce }}``). Browsers POST what the policy blocked to
# report-uri, where it is logged (ercot_services/core/csp_reports.py). CSP_ENFORCE picks the header: enforced
# (Content-Security-Policy) or only reported (Content-Security-Policy-Report-Only, the development default).
CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
    "base-uri": [SELF],
    "object-src": [NONE],
    "report-uri": [CSP_REPORT_PATH],
}


def content_security_policy(*, enforce: bool) -> tuple[dict | None, dict | None]:
    """(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY): the one policy, in the header ``enforce`` picks."""
    policy = {"DIRECTIVES": CONTENT_SECURITY_POLICY_DIRECTIVES}
    return (policy, None) if enforce else (None, policy)


CSP_ENFORCE = env.bool("CSP_ENFORCE", default=True)
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(enforce=CSP_ENFORCE)
# A violation report larger than this is dropped unread (a real one is well under 4 KB).
CSP_REPORT_MAX_BYTES = 16 * 1024

# django-axes: lock out a username (not an address) after repeated failures.
# The cookie holding a browser's random key (only its hash is stored: accounts.KnownBrowser).
KNOWN_BROWSER_COOKIE_NAME = "ercot_browser"

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "auth/lockout.html"

# django-allauth signs people in (README "Signing in: passwords, second factors and passkeys"): by email and
# password, nobody signs up (accounts come from the operator and from invitations), addresses are not verified
# by allauth (the operator and the invitation vouch for them; no EmailAddress rows are kept).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.public.EmailLoginForm",
    "reauthenticate": "accounts.forms.public.PasswordReauthenticateForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# Sessions end when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE): no "remember me".
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Second factors: an authenticator app (TOTP), passkeys and security keys (WebAuthn), and single-use recovery codes.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "ERCOT Client Services"
MFA_FORMS = {
    "authenticate": "accounts.forms.public.SecondStepForm",
    "reauthenticate": "accounts.forms.public.SecondFactorReauthenticateForm",
    "activate_totp": "accounts.forms.public.ActivateAuthenticatorAppForm",
    "add_webauthn": "accounts.forms.public.AddPasskeyForm",
    "edit_webauthn": "accounts.forms.public.RenamePasskeyForm",
}
# Staff always sign in with a second factor, an MP's portal users when the MP requires it; this setting requires
# it of everyone (accounts/second_factor.py).
MFA_REQUIRED_FOR_ALL = env.bool("MFA_REQUIRED_FOR_ALL", default=False)
# How often a session of a user who was not required to have a second factor checks again (an MP may start
# requiring it).
SECOND_FACTOR_RECHECK_SECONDS = env.int("SECOND_FACTOR_RECHECK_SECONDS", default=300)
# The second step's lockout: this many wrong codes end the half-finished sign-in (back to the password, whose
# failures django-axes counts). allauth's own rate limit on codes (login_failed, keyed on the user) stays on too.
MFA_CODE_FAILURE_LIMIT = env.int("MFA_CODE_FAILURE_LIMIT", default=5)
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files (documents, letters, attachments) are private: they live
# outside the web root and are served only through views that check access.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = "/private-media-is-never-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL picks the backend (smtp://host:port, consolemail://, ...).
# Without it, messages are written as files under var/mail/.
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ERCOT Client Services <clientservices@ercot.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds Django's SMTP backend waits to connect and for each reply: a server that hangs is treated as one that is
# down (the chunk hands its rows back and retries) instead of holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Contact points shown to participants and the public.
CLIENT_SERVICES_PHONE = env.str("CLIENT_SERVICES_PHONE", default="(512) 248-3900")
CLIENT_SERVICES_EMAIL = env.str("CLIENT_SERVICES_EMAIL", default="ClientServices@ercot.example")
SERVICE_DESK_EMAIL = env.str("SERVICE_DESK_EMAIL", default="ServiceDesk@ercot.example")
# Copied on every production connectivity testing ticket (seed 004): Flight Testing and Market Application
# Support Services (MASS).
FLIGHT_TESTING_EMAIL = env.str("FLIGHT_TESTING_EMAIL", default="flighttesting@ercot.example")
MASS_EMAIL = env.str("MASS_EMAIL", default="mass@ercot.example")
# The mailto half of every notice's List-Unsubscribe header.
NOTICE_UNSUBSCRIBE_MAILTO = env.str("NOTICE_UNSUBSCRIBE_MAILTO", default="unsubscribe@ercot.example")
# Shared secret a mail provider (or the MTA's bounce pipe) sends as "Authorization: Bearer <token>" to
# POST /notices/bounces/; empty disables the endpoint.
NOTICE_BOUNCE_TOKEN = env.str("NOTICE_BOUNCE_TOKEN", default="")
# Notice fan-out: recipients per chunk task, and when a claimed chunk counts as abandoned. A chunk renews its claim
# every quarter of the timeout while it sends (ercot_services/core/delivery_claims.py), so the timeout bounds how
# long a dead worker's rows wait, not how long a chunk may take: it needs to exceed the longest a live chunk goes
# without renewing, one message to a hung server (two EMAIL_TIMEOUTs), hence three of them by default.
NOTICE_CHUNK_SIZE = env.int("NOTICE_CHUNK_SIZE", default=500)
NOTICE_CLAIM_TIMEOUT_SECONDS = env.int("NOTICE_CLAIM_TIMEOUT_SECONDS", default=3 * EMAIL_TIMEOUT)
# The outbox sweep (ercot_services/core/delivery_recovery.py): how often beat runs it, and after how long without a
# send or a claim (a live chunk renews its claim every few seconds) pending rows count as stranded and are queued
# again.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)
OUTBOX_STALLED_SECONDS = env.int("OUTBOX_STALLED_SECONDS", default=30)

# Celery. Without a broker URL tasks run eagerly in the web process, so the
# app works with no Redis at all; CELERY_BROKER_URL switches to a real broker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"  # never used while eager; keeps kombu from guessing a host
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task must finish well inside the broker's visibility timeout, otherwise
# Redis hands the unacknowledged message to a second worker while the first
# one is still running it.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
# A message a dead worker held comes back after the visibility timeout; the outbox sweep does not wait for it (it
# finds the rows by their lack of progress). socket_connect_timeout: publishing to a broker host that does not
# answer fails within seconds (the rows are written; the sweep queues them) rather than hanging the request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT, "socket_connect_timeout": 5}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away reconnects for as long as it takes (Celery's default gives up after 100 tries),
# and lets the task it is running finish: a chunk that finishes while Redis restarts queues the next one when it is
# back (core.delivery.outbox_enqueue), so a fan-out does not depend on the queued tasks surviving the restart.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False

# The one place where periodic work is declared.
CELERY_BEAT_SCHEDULE = {
    "scan-case-slas": {"task": "accounts.scan_case_slas", "schedule": 5 * 60},
    "registration-review-reminders": {"task": "registration.send_review_reminders", "schedule": 3600},
    "action-item-reminders": {
        "task": "accounts.send_action_item_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The one outbox sweep: queue again the emails of every kind (case emails, letters, notice deliveries, the
    # rest) whose task was lost or whose worker died (sending is idempotent; ercot_services/core/delivery.py).
    # A sweep that waited longer than its period in the queue is dropped: the next one is already on its way.
    "sweep-outboxes": {
        "task": "ercot_services.core.tasks.sweep_outboxes",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    "publish-scheduled-notices": {"task": "notices.publish_scheduled", "schedule": 60},
    # Closed days of the case metrics that are missing or marked stale by a change (cases/models/rollups.py).
    "rollup-case-metrics": {"task": "cases.rollup_case_metrics", "schedule": 10 * 60},
    "scan-incidents": {"task": "cases.scan_incidents", "schedule": 15 * 60},  # cases/services/incidents.py
    # Dispute decisions not answered in their window stand (cases.services.decisions); hourly, idempotent.
    "accept-lapsed-decisions": {"task": "cases.accept_lapsed_decisions", "schedule": crontab(minute=10)},
    # The participant summary (accounts.ParticipantSummary): what changes with the date alone rolls just after local
    # midnight; the nightly rebuild then fixes and logs any drift.
    "roll-participant-summaries": {
        "task": "accounts.roll_participant_summaries",
        "schedule": crontab(hour=0, minute=5),
    },
    "rebuild-participant-summaries": {
        "task": "accounts.rebuild_participant_summaries",
        "schedule": crontab(hour=2, minute=30),
    },
    # The quarterly access review of each MP's people: opened once per MP per quarter, closed (unconfirmed people
    # suspended) when due (accounts.services.access_reviews).
    "run-access-reviews": {
        "task": "accounts.run_access_reviews",
        "schedule": crontab(hour=6, minute=15),
    },
    "clear-expired-sessions": {"task": "ercot_services.core.tasks.clear_expired_sessions", "schedule": 6 * 3600},
    "purge-idempotency-records": {"task": "api.purge_idempotency_records", "schedule": 3600},  # kept 24 h
    # The API call log keeps API_CALL_LOG_RETENTION_DAYS (api.services.api_call_log_prune).
    "prune-api-call-log": {"task": "api.prune_call_log", "schedule": crontab(hour=3, minute=15)},
    **INBOUND_MAIL_BEAT_SCHEDULE,  # noqa: F405 - poll the inbound mail source (cases/inbound/)
    **DEADLINE_RADAR_BEAT,  # noqa: F405 - the daily dispute-deadline reminders (settings/deadline_radar.py)
}
CELERY_BEAT_SCHEDULE.update(EDUCATION_BEAT_SCHEDULE)

# Logs go to stderr. Every line carries the request id (X-Request-ID) and the running Celery task's id and name
# (core.log_context); LOG_FORMAT picks plain lines (development, tests) or one JSON object per line (production).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "ercot_services.core.log_context.LogContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "ercot_services.core.log_context.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s %(task_name)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Operational visibility (README "Logs and metrics"). /metrics is off until METRICS_TOKEN is set; then Prometheus
# scrapes it with "Authorization: Bearer <token>". The Celery worker serves its task counters on its own port.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDRESS = env.str("WORKER_METRICS_ADDRESS", default="0.0.0.0")  # noqa: S104 - inside the container
PROMETHEUS_EXPORT_MIGRATIONS = False
# /healthz says "degraded" (still 200) once the oldest pending email has waited longer than this: the sweep finds a
# stalled row within about a minute and recovery takes under two, so a row pending for five has not recovered (a
# fan-out of 100,000 recipients at ~500 a second is done in under four).
HEALTH_MAX_PENDING_AGE_SECONDS = env.int("HEALTH_MAX_PENDING_AGE_SECONDS", default=300)
# manage.py backup makes one folder per run here (README "Backup and restore").
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))

SILENCED_SYSTEM_CHECKS = [
    # Lockout is keyed on the username on purpose: keying on the address would
    # lock out every user of a participant company behind one corporate NAT.
    "axes.W006",
]

# Business hours (operator time) on Business Days: SLA clocks run only inside them.
BUSINESS_HOURS = (env.int("BUSINESS_HOURS_START", default=8), env.int("BUSINESS_HOURS_END", default=17))

# The public REST API (README "The API (v1)"): API keys only (no session, so no CSRF), problem details for every
# error, rate limits per key and per client address counted in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ApiKeyRateThrottle", "api.throttles.ApiAddressRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("API_RATE_PER_KEY", default="600/min"),
        "api_address": env.str("API_RATE_PER_ADDRESS", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
}
# How long the API call log (each key's recent calls, the operator's log) is kept; a nightly task deletes older rows.
API_CALL_LOG_RETENTION_DAYS = env.int("API_CALL_LOG_RETENTION_DAYS", default=90)
# A shared cache (Redis) in production keeps rate limits across processes; the
# default is per-process memory, which is enough for one dev server.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://ercot")}
