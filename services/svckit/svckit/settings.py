"""Configuration read from the environment, once, with defaults that work on a developer machine.

Every variable is listed in docs/architecture.md ("Configuration").

Production: ``PRESSROOM_ENV=production`` (the prod Kubernetes overlay sets it; anything else, or nothing, is a
development machine). A production process refuses to start when a secret is missing, a development default
(``dev-only-...``) or shorter than ``MIN_SECRET_LENGTH``: ``check_principal_secret`` (the gateway's settings and
every nameko service's ``Auth`` dependency call it) and, for any other secret, ``check_secret``.
"""

from __future__ import annotations

import os
from typing import overload

SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_DB_BASE = "postgresql+psycopg://pressroom:pressroom@127.0.0.1:5432"
DEV_PRINCIPAL_SECRET = "dev-only-principal-secret-change-me"
PRODUCTION = "production"
MIN_SECRET_LENGTH = 16
DEFAULT_PRINCIPAL_TOKEN_TTL = 300            # seconds a user's or operator's principal token is valid
DEFAULT_PRINCIPAL_SERVICE_TOKEN_TTL = 3600   # ... a service principal's (background work, see svckit.principal)


class ConfigurationError(RuntimeError):
    """A setting that makes a (production) start unsafe; the message says which and what to do."""


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
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


def environment() -> str:
    return (env("PRESSROOM_ENV", "development") or "development").strip().lower()


def is_production() -> bool:
    return environment() == PRODUCTION


def _is_dev_value(value: str) -> bool:
    return "dev-only" in value.lower() or "change-me" in value.lower()


def check_secret(name: str, value: str | None, *, dev_defaults: tuple[str, ...] = (),
                 min_length: int = MIN_SECRET_LENGTH, production: bool | None = None) -> None:
    """In production, refuse a missing, development (``dev-only-...``, one of ``dev_defaults``) or short secret
    with a ConfigurationError naming the setting. Elsewhere nothing is checked."""
    if not (is_production() if production is None else production):
        return
    how = "a random value (e.g. `openssl rand -hex 32`)"
    if not value:
        raise ConfigurationError(f"{name} is not set, and PRESSROOM_ENV=production: refusing to start. "
                                 f"Set {name} to {how}.")
    if value in dev_defaults or _is_dev_value(value):
        raise ConfigurationError(f"{name} is the development default, and PRESSROOM_ENV=production: refusing to "
                                 f"start. Set {name} to {how}.")
    if len(value) < min_length:
        raise ConfigurationError(f"{name} is shorter than {min_length} characters, and PRESSROOM_ENV=production: "
                                 f"refusing to start. Set {name} to {how}.")


def check_principal_secret(value: str | None, production: bool | None = None) -> None:
    """The principal secret (one secret or a key ring ``kid:secret,...``, svckit.principal): every key of it must
    be a real secret in production; a malformed ring is refused everywhere."""
    if not value:
        check_secret("PRINCIPAL_SECRET", value, production=production)
        return
    from .principal import KeyRing, ring_entries

    try:
        KeyRing(ring_entries(value))
    except ValueError as exc:
        raise ConfigurationError(f"{exc}: refusing to start (docs/operations.md, 'Rotating secrets').") from None
    for kid, secret in ring_entries(value):
        where = "PRINCIPAL_SECRET" if kid == "0" and secret == value else f"PRINCIPAL_SECRET (key {kid})"
        check_secret(where, secret, dev_defaults=(DEV_PRINCIPAL_SECRET,), production=production)


def check_required_secrets(config) -> None:
    """Every secret a service's config.yml lists under ``REQUIRED_SECRETS`` (read from the config or the environment)
    must be a real secret in production (:func:`check_secret`); called when a service's container sets up."""
    for name in (config or {}).get("REQUIRED_SECRETS") or ():
        check_secret(str(name), str((config or {}).get(name) or env(str(name), "") or ""))


def check_redis_url(url: str | None, production: bool | None = None) -> None:
    """In production Redis must require a password: a REDIS_URL without one is refused."""
    from urllib.parse import urlsplit

    if not (is_production() if production is None else production):
        return
    try:
        password = urlsplit(url or "").password
    except ValueError:
        password = None
    if not password:
        raise ConfigurationError("REDIS_URL has no password, and PRESSROOM_ENV=production: refusing to start. Run "
                                 "Redis with a password (requirepass) and put it into REDIS_URL "
                                 "(redis://:PASSWORD@host:6379/0).")
    check_secret("the password in REDIS_URL", password)


def principal_secret() -> str:
    """PRINCIPAL_SECRET: one secret or a key ring (svckit.principal); in production a missing or development value
    raises ConfigurationError."""
    value = env("PRINCIPAL_SECRET", DEV_PRINCIPAL_SECRET)
    if is_production():
        check_principal_secret(env("PRINCIPAL_SECRET"))
    return value


def principal_token_ttl() -> float:
    return float(env("PRINCIPAL_TOKEN_TTL", str(DEFAULT_PRINCIPAL_TOKEN_TTL)))


def principal_service_token_ttl() -> float:
    return float(env("PRINCIPAL_SERVICE_TOKEN_TTL", str(DEFAULT_PRINCIPAL_SERVICE_TOKEN_TTL)))


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
