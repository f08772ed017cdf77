"""Configuration read from the environment, once, with defaults that work on a developer machine.

Every variable is listed in docs/architecture.md ("Configuration").
"""

from __future__ import annotations

import os

SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_DB_BASE = "postgresql+psycopg://pressroom:pressroom@127.0.0.1:5432"
DEV_PRINCIPAL_SECRET = "dev-only-principal-secret-change-me"


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def amqp_uri() -> str:
    return env("AMQP_URI", DEFAULT_AMQP_URI)


def database_name(service: str) -> str:
    prefix = env("PRESSROOM_DB_PREFIX", "pressroom_")
    return f"{prefix}{service}"


def database_url(service: str) -> str:
    """``<SERVICE>_DATABASE_URL`` wins; else ``PRESSROOM_DB_BASE`` + ``/pressroom_<service>``."""
    explicit = env(f"{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    base = env("PRESSROOM_DB_BASE", DEFAULT_DB_BASE).rstrip("/")
    return f"{base}/{database_name(service)}"


def principal_secret() -> str:
    return env("PRINCIPAL_SECRET", DEV_PRINCIPAL_SECRET)


def nameko_config(service: str | None = None, **overrides) -> dict:
    """The nameko config a process gets when it is not started from a config.yml (tests, tools)."""
    config = {
        "AMQP_URI": amqp_uri(),
        "DB_URIS": {s: database_url(s) for s in SERVICES},
        "PRINCIPAL_SECRET": principal_secret(),
        "max_workers": int(env("MAX_WORKERS", "10")),
        "serializer": "json",
    }
    config.update(overrides)
    return config
