"""dispatch's configuration: nameko config values win, then environment variables, then development defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from svckit.settings import ConfigurationError, env, is_production

DEV_SECRET = "dev-only-dispatch-secret-change-me"


@dataclass(frozen=True)
class DispatchSettings:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 60.0
    smtp_connections: int = 8               # pooled connections (= concurrent sends) per sender process
    domain_concurrency: int = 4             # at most this many sends at once to one recipient domain
    domain_rate_per_minute: int = 0         # 0 = unlimited; else mails per minute to one recipient domain
    # 1: the per-domain limits across every sender process (Redis at REDIS_URL; costs about 0.9 ms of sender CPU per
    # mail, bench/dispatch_throughput.py); 0 (default): each process counts its own
    domain_limits_shared: bool = False
    redis_url: str = "redis://127.0.0.1:6379/0"
    batch_size: int = 64
    lease_seconds: int = 300                # a claimed row not finished by then is taken over (in doubt)
    idle_sleep: float = 0.2
    retry_backoff: tuple[int, ...] = (60, 300, 900, 1800, 3600, 7200, 14400)
    retry_window_hours: float = 72.0
    verp_domain: str = "bounces.pressroom.local"
    public_base_url: str = "http://localhost:8080"
    tracking_secret: str = DEV_SECRET
    dkim_key_secret: str = DEV_SECRET
    spf_include: str = "spf.pressroom.local"
    mail_from: str = "no-reply@pressroom.local"
    mail_from_name: str = "Pressroom"
    dns_nameservers: tuple[str, ...] = ()   # empty: the system resolver
    dns_port: int = 53
    dns_timeout: float = 3.0
    reconcile_url: str | None = None        # a relay that can say whether it has a Message-ID (our SMTP sink)
    soft_bounce_limit: int = 3              # soft bounces within 30 days that suppress an address
    housekeeping_interval: float = 2.0
    max_attachment_bytes: int = 10 * 1024 * 1024
    bounce_smtp_host: str = "127.0.0.1"
    bounce_smtp_port: int = 2525

    @classmethod
    def load(cls, config: Mapping[str, Any] | None = None) -> DispatchSettings:
        config = config or {}

        def get(name: str, default: Any = None) -> Any:
            value = config.get(name)
            if value in (None, ""):
                value = env(name)
            return default if value in (None, "") else value

        d = cls()
        nameservers = get("DNS_NAMESERVERS", "")
        backoff = get("RETRY_BACKOFF")
        return cls(
            smtp_host=str(get("SMTP_HOST", d.smtp_host)),
            smtp_port=int(get("SMTP_PORT", d.smtp_port)),
            smtp_starttls=str(get("SMTP_STARTTLS", "0")).lower() in ("1", "true", "yes"),
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_timeout=float(get("SMTP_TIMEOUT", d.smtp_timeout)),
            smtp_connections=int(get("SMTP_CONNECTIONS", d.smtp_connections)),
            domain_concurrency=int(get("DOMAIN_CONCURRENCY", d.domain_concurrency)),
            domain_rate_per_minute=int(get("DOMAIN_RATE_PER_MINUTE", d.domain_rate_per_minute)),
            domain_limits_shared=str(get("DOMAIN_LIMITS_SHARED", "0")).lower() in ("1", "true", "yes"),
            redis_url=str(get("REDIS_URL", d.redis_url)),
            batch_size=int(get("SEND_BATCH_SIZE", d.batch_size)),
            lease_seconds=int(get("LEASE_SECONDS", d.lease_seconds)),
            idle_sleep=float(get("IDLE_SLEEP", d.idle_sleep)),
            retry_backoff=tuple(int(x) for x in str(backoff).split(",")) if backoff else d.retry_backoff,
            retry_window_hours=float(get("RETRY_WINDOW_HOURS", d.retry_window_hours)),
            verp_domain=str(get("VERP_DOMAIN", d.verp_domain)),
            public_base_url=str(get("PUBLIC_BASE_URL", d.public_base_url)).rstrip("/"),
            tracking_secret=str(get("TRACKING_SECRET", d.tracking_secret)),
            dkim_key_secret=str(get("DKIM_KEY_SECRET", d.dkim_key_secret)),
            spf_include=str(get("SPF_INCLUDE", d.spf_include)),
            mail_from=str(get("MAIL_FROM", d.mail_from)),
            mail_from_name=str(get("MAIL_FROM_NAME", d.mail_from_name)),
            dns_nameservers=tuple(x.strip() for x in str(nameservers).split(",") if x.strip()),
            dns_port=int(get("DNS_PORT", d.dns_port)),
            dns_timeout=float(get("DNS_TIMEOUT", d.dns_timeout)),
            reconcile_url=get("SMTP_RECONCILE_URL"),
            soft_bounce_limit=int(get("SOFT_BOUNCE_LIMIT", d.soft_bounce_limit)),
            housekeeping_interval=float(get("HOUSEKEEPING_INTERVAL", d.housekeeping_interval)),
            max_attachment_bytes=int(get("MAX_ATTACHMENT_BYTES", d.max_attachment_bytes)),
            bounce_smtp_host=str(get("BOUNCE_SMTP_HOST", d.bounce_smtp_host)),
            bounce_smtp_port=int(get("BOUNCE_SMTP_PORT", d.bounce_smtp_port)),
        )

    def check_production(self, production: bool | None = None) -> None:
        """In production (``PRESSROOM_ENV=production``) the public URL must be https: unsubscribe and tracking links
        in mails are built from it. A ConfigurationError names the setting otherwise."""
        if not (is_production() if production is None else production):
            return
        if not self.public_base_url.lower().startswith("https://"):
            raise ConfigurationError(f"PUBLIC_BASE_URL is {self.public_base_url!r}, not https, and "
                                     "PRESSROOM_ENV=production: refusing to start a sender whose unsubscribe and "
                                     "tracking links would not be https. Set PUBLIC_BASE_URL=https://<your host>.")
