# syntax=docker/dockerfile:1
#
# One image for the whole Pressroom suite. The command decides what a container is:
#   a service      nameko run --config /app/services/<svc>/config.yml <svc>.service:<Svc>Service      (health: :8000/health)
#   migrations     python -m svckit.dbadmin migrate
#   the gateway    gunicorn -c /app/gateway/gunicorn.conf.py 'gateway.app:get_app()'   (port 8080, the default CMD)
#   SMTP sink      python -m smtpsink --smtp-host 0.0.0.0 --smtp-port 1025 --web-host 0.0.0.0 --web-port 8025 \
#                    --store /data/mail                                                    (development only)
# Every setting comes from the environment at run time (AMQP_URI, PRESSROOM_DB_BASE or <SVC>_DATABASE_URL,
# PRINCIPAL_SECRET, ...); nothing secret is baked in. Build: docker build -t pressroom:dev .
# Needs BuildKit (the default builder of Docker 23+) for the cache and bind mounts.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: every dependency and the suite's own packages as wheels ------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src

# third-party wheels first: this layer is only rebuilt when requirements.txt changes
COPY requirements.txt ./
RUN pip wheel --wheel-dir /wheels -r requirements.txt

COPY services/ services/
COPY gateway/ gateway/
COPY tools/smtpsink/ tools/smtpsink/
RUN pip wheel --no-deps --wheel-dir /wheels \
        services/svckit services/identity services/crm services/dispatch services/pressbase services/billing \
        gateway tools/smtpsink \
 && cp requirements.txt /wheels/requirements.txt

# --- runtime: a virtualenv installed from those wheels only, no compilers, no sources ------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="pressroom" \
      org.opencontainers.image.description="Pressroom PR suite: nameko services, gateway, migrations, SMTP sink"
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# a fixed numeric uid/gid, so Kubernetes can check runAsNonRoot without a name lookup
RUN groupadd --system --gid 10001 pressroom \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin pressroom

RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv "$VIRTUAL_ENV" \
 && pip install --no-index --find-links /wheels -r /wheels/requirements.txt \
 && pip install --no-index --find-links /wheels --no-deps \
        svckit identity crm dispatch pressbase billing gateway smtpsink \
 && pip check

WORKDIR /app
COPY services/identity/config.yml  /app/services/identity/config.yml
COPY services/crm/config.yml       /app/services/crm/config.yml
COPY services/dispatch/config.yml  /app/services/dispatch/config.yml
COPY services/pressbase/config.yml /app/services/pressbase/config.yml
COPY services/billing/config.yml   /app/services/billing/config.yml
COPY gateway/gunicorn.conf.py      /app/gateway/gunicorn.conf.py

# /data/mail belongs to the SMTP sink; a named volume mounted there inherits this ownership
RUN mkdir -p /data/mail && chown -R 10001:10001 /data

USER 10001:10001
EXPOSE 8000 8080
CMD ["gunicorn", "-c", "/app/gateway/gunicorn.conf.py", "gateway.app:get_app()"]
