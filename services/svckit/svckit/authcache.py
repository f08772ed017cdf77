"""The gateway's principal cache in Redis, and how identity invalidates it at once.

Without a cache the gateway asks identity for the caller's principal on every request (one RPC, roughly doubling
a request's cost). With it, the gateway keeps identity's answer for a few seconds under the SHA-256 of the session
token, and identity makes it stale the moment something changes (logout, revocation, password change,
deactivation, rights or roles):

- ``p:<hash>``: the cached answer plus the generation it was read under (TTL: at most identity's ``cache_seconds``);
- ``g:<hash>``: the session's generation, which identity increments *after committing* a change.

The gateway reads both keys in one round trip (MGET) and uses the entry only if its generation equals the current
one. On a miss it notes the current generation *before* asking identity and stores the answer under that
generation. If identity commits a change while the gateway is asking, the increment after the commit makes the
just-stored entry stale, so "a change takes effect on the next request" holds without locks.

If Redis is unreachable the gateway asks identity every time (correct, slower); identity logs a failed increment,
and the entry then lives at most its short TTL.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from .settings import env

log = logging.getLogger(__name__)

DEFAULT_URL = "redis://127.0.0.1:6379/0"
PREFIX = "pressroom:auth:"
GENERATION_TTL = 60 * 60 * 24 * 2  # longer than any session lives


def redis_url() -> str:
    return env("REDIS_URL", DEFAULT_URL)


def prefix() -> str:
    return env("AUTH_CACHE_PREFIX", PREFIX)


def _client(url: str | None):
    import redis

    return redis.Redis.from_url(url or redis_url(), socket_timeout=0.5, socket_connect_timeout=0.5,
                                health_check_interval=30)


class Invalidator:
    """identity's side: ``bump(token_hashes)`` after a commit that changes what those sessions may do."""

    def __init__(self, url: str | None = None, key_prefix: str | None = None):
        self.url = url
        self.prefix = key_prefix or prefix()
        self._redis = None

    def bump(self, token_hashes: Iterable[bytes | str]) -> bool:
        hexes = sorted({h.hex() if isinstance(h, (bytes, bytearray, memoryview)) else str(h)
                        for h in token_hashes})
        if not hexes:
            return True
        try:
            if self._redis is None:
                self._redis = _client(self.url)
            pipe = self._redis.pipeline(transaction=False)
            for h in hexes:
                pipe.incr(f"{self.prefix}g:{h}")
                pipe.expire(f"{self.prefix}g:{h}", GENERATION_TTL)
            pipe.execute()
            return True
        except Exception as exc:  # noqa: BLE001 - the cache must never break identity
            log.warning("could not invalidate %d cached principals: %s", len(hexes), exc)
            self._redis = None
            return False


class PrincipalCache:
    """The gateway's side: ``lookup(hash)`` -> (answer | None, generation); ``store(hash, generation, answer, ttl)``.

    Thread-safe (redis-py's pool). After a Redis error it stays out of the way for ``backoff`` seconds.
    """

    def __init__(self, url: str | None = None, key_prefix: str | None = None, backoff: float = 5.0):
        self.url = url
        self.prefix = key_prefix or prefix()
        self.backoff = backoff
        self._redis = None
        self._down_until = 0.0

    def _r(self):
        if self._redis is None:
            self._redis = _client(self.url)
        return self._redis

    def _failed(self, exc: Exception) -> None:
        log.warning("principal cache unavailable, asking identity directly: %s", exc)
        self._down_until = time.monotonic() + self.backoff

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def lookup(self, token_hex: str) -> tuple[dict[str, Any] | None, int | None]:
        """The cached answer if current, and the generation to store a fresh answer under (None: cache off)."""
        if not self.available:
            return None, None
        try:
            entry, gen = self._r().mget(f"{self.prefix}p:{token_hex}", f"{self.prefix}g:{token_hex}")
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return None, None
        generation = int(gen or 0)
        if entry:
            try:
                data = json.loads(entry)
                if data.get("gen") == generation:
                    return data["answer"], generation
            except (ValueError, KeyError, TypeError):
                pass
        return None, generation

    def store(self, token_hex: str, generation: int | None, answer: dict[str, Any], ttl: float) -> None:
        if generation is None or ttl < 1 or not self.available:
            return
        try:
            self._r().set(f"{self.prefix}p:{token_hex}", json.dumps({"gen": generation, "answer": answer}),
                          ex=int(ttl))
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
