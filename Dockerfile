# One image for web, worker, beat and backup (docker-compose.yml picks the command).
# Bookworm: its postgresql-client is 15, the server's version (pg_dump for manage.py backup; a newer pg_dump writes
# statements a 15 server refuses on restore).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=ercot_services.settings.production \
    ERCOT_VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ercot_services ./ercot_services
COPY accounts ./accounts
COPY registration ./registration
COPY qualification ./qualification
COPY notices ./notices
RUN pip install --upgrade pip && pip install .
COPY . .
# collectstatic needs settings to import; the key below only exists at build time.
RUN DJANGO_SECRET_KEY=build-only-not-secret DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 app && mkdir -p /app/var/private /app/var/backups && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "ercot_services.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
