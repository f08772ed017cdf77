"""Gateway settings, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from svckit.settings import amqp_uri, env, principal_secret


@dataclass(frozen=True)
class Settings:
    amqp_uri: str = field(default_factory=amqp_uri)
    principal_secret: str = field(default_factory=principal_secret)
    rpc_timeout: float = float(env("RPC_TIMEOUT", "15"))
    ready_timeout: float = float(env("READY_TIMEOUT", "3"))
    max_json_bytes: int = int(env("MAX_JSON_BYTES", str(1024 * 1024)))
    public_base_url: str = env("PUBLIC_BASE_URL", "http://localhost:8080")
    services: tuple[str, ...] = ("identity", "crm", "dispatch", "pressbase", "billing")
    # principal cache (gateway.auth, svckit.authcache): Redis, on unless AUTH_CACHE=0
    redis_url: str = env("REDIS_URL", "redis://127.0.0.1:6379/0")
    auth_cache: bool = env("AUTH_CACHE", "1") != "0"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        return cls(**overrides)
