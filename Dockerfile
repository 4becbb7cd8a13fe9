# Jianyan: one image for web (gunicorn), Celery worker and beat, and unoserver.
#
# Debian 13 (trixie) rather than python:3.12-slim: Debian's python3-uno, which unoserver
# needs to drive LibreOffice, is built for Debian's own Python (3.13 in trixie), so the
# virtualenv is made from that Python with --system-site-packages to see `uno`.
FROM debian:trixie-slim

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3 python3-venv python3-uno \
        libreoffice-writer-nogui fonts-noto-cjk fontconfig \
        libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
        poppler-utils gettext ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/jianyan --shell /usr/sbin/nologin jianyan

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. requirements.py prints
# exactly the pins of pyproject.toml.
COPY pyproject.toml /app/
COPY scripts/requirements.py /app/scripts/
RUN python3 -m venv --system-site-packages /app/.venv \
    && python scripts/requirements.py > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt \
    && python -c "import uno, unoserver"

COPY . /app/

# Translations and static files are built into the image. collectstatic runs with the
# production storage (hashed names + manifest), which needs DEBUG=false and so a
# SECRET_KEY; this one exists only during this RUN and is never used to sign anything.
# setup-uno.sh finds unoserver already in /app/.venv (which sees Debian's uno) and seeds
# LibreOffice's profile for scripts/start-unoserver.sh (macros off, no link updates).
RUN bash scripts/compilemessages.sh \
    && UNO_VENV=/app/.venv UNO_PYTHON=/usr/bin/python3 bash scripts/setup-uno.sh \
    && DEBUG=false SECRET_KEY="build-only-collectstatic-not-a-real-secret-0123456789abcdef" \
       python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/celery /data/media \
    && chown -R jianyan:jianyan /app/var /data

USER jianyan
ENV DEBUG=false \
    MEDIA_ROOT=/data/media \
    UNO_VENV=/app/.venv \
    FONTCONFIG_FILE=/app/deploy/fonts.conf

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--access-logfile", "-"]
