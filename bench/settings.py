"""Settings for bench/dashboards.py: the project's base settings, production-like for serving pages.

DEBUG off, no debug tooling, static files from the collected manifest through WhiteNoise (collected into
``var/bench/static`` by the benchmark), Celery eager, email to a dummy backend, and ``bench.urls`` as the
root URLconf (the project's URLs plus one trivial view that is the baseline). The production settings
module itself is not used: it redirects plain HTTP to HTTPS and sets secure-only cookies.
"""

from ercot_services.settings.base import *  # noqa: F403
from ercot_services.settings.base import VAR_DIR

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
STATIC_ROOT = VAR_DIR / "bench" / "static"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = None
