# Weegploeg — one image for web (gunicorn), worker and beat (celery) and the init job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=pga.settings

# WeasyPrint's libraries (Pango, HarfBuzz, images) and a fallback font for the PDFs; libmagic
# for sniffing uploads; the PostgreSQL client for `manage.py dbshell`. Bookworm's client is
# version 15: take backups with pg_dump inside the postgres:16 container (see README.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
        libffi8 fonts-dejavu-core libmagic1 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --user-group weegploeg

# Dependencies first, so this layer stays cached until pyproject.toml changes. The project has
# no packages of its own (`packages = []`): installing it only installs its dependencies.
# pyproject names README.md as its readme; an empty stand-in keeps README edits from
# invalidating this layer.
COPY pyproject.toml /tmp/deps/pyproject.toml
RUN touch /tmp/deps/README.md && pip install /tmp/deps && rm -rf /tmp/deps

WORKDIR /app
# The code belongs to root and is read-only for the app user; only the volumes are writable.
COPY . .
RUN mkdir -p /data/static /data/private \
    && chown weegploeg:weegploeg /data/static /data/private
USER weegploeg

EXPOSE 8000
CMD ["gunicorn", "--config=python:pga.gunicorn", "pga.wsgi:application", "--bind=0.0.0.0:8000", "--workers=4"]
