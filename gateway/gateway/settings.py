"""Gateway settings, read once from the environment."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from svckit.settings import amqp_uri, check_principal_secret, check_redis_url, check_secret, env, principal_secret

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(value: str | None) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 192.168.1.7"`` -> networks; a malformed entry stops the start with its name."""
    found = []
    for part in (value or "").split(","):
        if part.strip():
            try:
                found.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {part.strip()!r} is not an IP address or CIDR network") from None
    return tuple(found)


@dataclass(frozen=True)
class Settings:
    amqp_uri: str = field(default_factory=amqp_uri)
    principal_secret: str = field(default_factory=principal_secret)
    rpc_timeout: float = float(env("RPC_TIMEOUT", "15"))
    ready_timeout: float = float(env("READY_TIMEOUT", "3"))
    # per service in the RPC client (gateway.resilience): the circuit opens after this many failures in a row (a
    # timeout or a missing consumer opens it at once) and lets a probe through after the cool-down (seconds) ...
    breaker_failures: int = int(env("GATEWAY_BREAKER_FAILURES", "5"))
    breaker_cooldown: float = float(env("GATEWAY_BREAKER_COOLDOWN", "2"))
    # ... and at most this share of a worker's threads (gunicorn's GATEWAY_THREADS) wait on one service at once
    bulkhead_share: float = float(env("GATEWAY_BULKHEAD_SHARE", "0.75"))
    threads: int = int(env("GATEWAY_THREADS", "8"))
    max_json_bytes: int = int(env("MAX_JSON_BYTES", str(1024 * 1024)))
    public_base_url: str = env("PUBLIC_BASE_URL", "http://localhost:8080")
    # the proxies (CIDRs, comma-separated) whose X-Forwarded-For / Forwarded is believed; empty: none (middleware.py)
    trusted_proxies: tuple[Network, ...] = networks(env("TRUSTED_PROXIES", ""))
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
        if self.auth_cache:
            check_redis_url(self.redis_url)
        if self.breaker_failures < 1 or self.breaker_cooldown <= 0 or not 0 < self.bulkhead_share <= 1:
            raise ValueError("GATEWAY_BREAKER_FAILURES must be at least 1, GATEWAY_BREAKER_COOLDOWN above 0 and "
                             "GATEWAY_BULKHEAD_SHARE in (0, 1]")
        if isinstance(self.trusted_proxies, str):  # Settings(trusted_proxies="10.0.0.0/8") in tests and tools
            object.__setattr__(self, "trusted_proxies", networks(self.trusted_proxies))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        return cls(**overrides)
