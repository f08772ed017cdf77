"""Gateway settings, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from svckit.settings import amqp_uri, check_principal_secret, check_secret, env, principal_secret


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
    # the key that authenticates cache entries (svckit.authcache); unset: derived from the principal key ring
    auth_cache_key: str | None = env("AUTH_CACHE_KEY")

    def __post_init__(self) -> None:
        # production (PRESSROOM_ENV=production): no missing or development secret (svckit.settings)
        check_principal_secret(self.principal_secret)
        if self.auth_cache_key is not None:
            check_secret("AUTH_CACHE_KEY", self.auth_cache_key)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        return cls(**overrides)
