# syntax=docker/dockerfile:1.7
# Exams service image. Default command serves HTTP with gunicorn; `docker run IMAGE migrate` applies migrations;
# any other command runs as given (e.g. `celery -A exams_service worker`, `python manage.py bulk_add_course_staff`).

# The source tree: this build context. The Tutor plugin (deploy/tutor/) builds the same stages below from a git
# checkout or a `tutor mounts` folder in place of this stage; its test keeps its copy identical to this file.
FROM scratch AS exams-src
COPY . /

# --- the image (shared with deploy/tutor/tutorexams/templates/exams/build/exams/Dockerfile) ---
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=settings.production \
    PORT=8000 \
    GUNICORN_WORKERS=3

WORKDIR /app

# Every pinned dependency ships wheels except mysqlclient, the C MySQL/MariaDB driver: it is built against the
# MariaDB client headers, which leave the image with the compiler; the client library stays.
COPY --from=exams-src /requirements/base.txt /requirements/mysqlclient.txt requirements/
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config libmariadb-dev libmariadb3 \
    && pip install -r requirements/base.txt -r requirements/mysqlclient.txt \
    && apt-get purge -y gcc libc6-dev pkg-config libmariadb-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

COPY --from=exams-src / .

# Admin static files, collected with the base settings (no secrets at build time; same STATIC_ROOT).
RUN DJANGO_SETTINGS_MODULE=settings.base python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app exams \
    && chown -R exams /app/staticfiles

COPY --chmod=755 <<'SH' /usr/local/bin/exams-entrypoint
#!/bin/sh
set -e
case "$1" in
  serve|"")
    exec gunicorn exams_service.wsgi:application --bind "0.0.0.0:${PORT}" --workers "${GUNICORN_WORKERS}" \
      --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" ;;
  migrate)
    exec python manage.py migrate --noinput ;;
  *)
    exec "$@" ;;
esac
SH

USER exams
EXPOSE 8000
ENTRYPOINT ["exams-entrypoint"]
CMD ["serve"]
