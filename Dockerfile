# syntax=docker/dockerfile:1
#
# One image for the whole Pressroom suite. The command decides what a container is:
#   a service        nameko run --config /app/services/<svc>/config.yml <svc>.service:<Svc>Service   (health: :8000/health)
#   dispatch sender  nameko run --config /app/services/dispatch/config.yml dispatch.sender:DispatchSender  (:8000/health)
#   bounce endpoint  python -m dispatch.bounces     (SMTP on BOUNCE_SMTP_HOST:BOUNCE_SMTP_PORT, 0.0.0.0:2525 in containers)
#   migrations       python -m svckit.dbadmin migrate
#   billing jobs     python -m billing.jobs run-due
#   the gateway      gunicorn -c /app/gateway/gunicorn.conf.py 'gateway.app:get_app()'   (port 8080, the default CMD;
#                    it serves the web app built in the `web` stage below)
#   SMTP sink        python -m smtpsink --smtp-host 0.0.0.0 --smtp-port 1025 --web-host 0.0.0.0 --web-port 8025 \
#                      --store /data/mail                                                  (development only)
# Every setting comes from the environment at run time (AMQP_URI, <SVC>_DATABASE_URL or PRESSROOM_DB_BASE,
# PRINCIPAL_SECRET, TRACKING_SECRET, ...); nothing secret is baked in. Build: docker build -t pressroom:dev .
# Needs BuildKit (the default builder of Docker 23+) for the bind mount.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- web: the browser app (gateway/web: React + TypeScript, built by Vite) ----------------------------------------
FROM ${NODE_IMAGE} AS web
ENV npm_config_update_notifier=false
# the same layout as the repository: vite.config.ts builds into ../gateway/static/app, i.e. the gateway package
WORKDIR /src/gateway/web
# the npm packages first: this layer is only rebuilt when the lock file changes
COPY gateway/web/package.json gateway/web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY gateway/web/ ./
# type-check (tsc --noEmit) and build; fail here, not at run time, if the build produced no app
RUN npm run build \
 && test -f /src/gateway/gateway/static/app/index.html

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
# the built web app into the gateway package before its wheel is built: the wheel carries it as package data
# (gateway/pyproject.toml declares *.html, *.js, *.css), and gateway.routes.web serves it from there
COPY --from=web /src/gateway/gateway/static/app/ gateway/gateway/static/app/
RUN pip wheel --no-deps --wheel-dir /wheels \
        services/svckit services/identity services/crm services/dispatch services/pressbase services/billing \
        gateway tools/smtpsink \
 && cp requirements.txt /wheels/requirements.txt

# --- runtime: a virtualenv installed from those wheels only, no compilers, no sources ------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="pressroom" \
      org.opencontainers.image.description="Pressroom PR suite: nameko services, dispatch sender and bounce endpoint, gateway with the web app, migrations, billing jobs, SMTP sink"
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# a fixed numeric uid/gid, so Kubernetes can check runAsNonRoot without a name lookup
RUN groupadd --system --gid 10001 pressroom \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin pressroom

# the last command fails the build if the gateway wheel came without the web app
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv "$VIRTUAL_ENV" \
 && pip install --no-index --find-links /wheels -r /wheels/requirements.txt \
 && pip install --no-index --find-links /wheels --no-deps \
        svckit identity crm dispatch pressbase billing gateway smtpsink \
 && pip check \
 && python -c "import importlib.util, pathlib, sys; app = pathlib.Path(importlib.util.find_spec('gateway').origin).parent / 'static' / 'app'; sys.exit(0 if (app / 'index.html').is_file() else 'the gateway package has no web app')"

WORKDIR /app
COPY services/identity/config.yml  /app/services/identity/config.yml
COPY services/crm/config.yml       /app/services/crm/config.yml
COPY services/dispatch/config.yml  /app/services/dispatch/config.yml
COPY services/pressbase/config.yml /app/services/pressbase/config.yml
COPY services/billing/config.yml   /app/services/billing/config.yml
COPY gateway/gunicorn.conf.py      /app/gateway/gunicorn.conf.py

# where the processes write (everything else is read-only in Kubernetes): /data/mail (SMTP sink),
# /data/crm-storage (CRM_STORAGE_DIR) and /data/uploads (UPLOAD_DIR, shared by gateway and crm). A named volume
# mounted there inherits this ownership (docker compose); Kubernetes volumes get it from fsGroup 10001.
RUN mkdir -p /data/mail /data/crm-storage /data/uploads && chown -R 10001:10001 /data

USER 10001:10001
EXPOSE 8000 8080 2525
CMD ["gunicorn", "-c", "/app/gateway/gunicorn.conf.py", "gateway.app:get_app()"]
