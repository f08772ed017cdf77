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

Each gateway process also keeps the answers it has seen (parsed, with the generation and the moment the Redis
entry expires). While it holds a current one, a request reads only ``g:<hash>`` (a GET of a small integer instead
of an MGET and a JSON document): the generation is still checked on every request, so the protocol is unchanged.
A stored answer is only used while ``g:<hash>`` exists (``store`` creates it): if Redis loses its data, a local
answer cannot be taken for current because the generation reads as 0 again.

If Redis is unreachable the gateway asks identity every time (correct, slower); identity logs a failed increment,
and the entry then lives at most its short TTL.

Redis is not trusted with identities: whoever can write to it could otherwise make any string a valid session
token. Every entry carries an HMAC-SHA256 (key: ``AUTH_CACHE_KEY``, or by default one derived from the principal
key ring's signing key, so Redis never holds it) over the token hash, the generation, the expiry and the answer;
``lookup`` uses an entry only if the MAC is right, the generation is current and the expiry has not passed, and
only such verified answers (or identity's own, in ``store``) enter the in-process layer. A forged or altered entry
is a miss: the gateway asks identity. What someone with write access to Redis can still do: delete or bump
generations (more questions to identity), and put back an older entry *of the same token* together with its old
generation, which is good until that entry's signed expiry (at most identity's ``cache_seconds``, 30 s).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from .settings import env, principal_secret

log = logging.getLogger(__name__)

DEFAULT_URL = "redis://127.0.0.1:6379/0"
PREFIX = "pressroom:auth:"
GENERATION_TTL = 60 * 60 * 24 * 2  # longer than any session lives


def redis_url() -> str:
    return env("REDIS_URL", DEFAULT_URL)


def prefix() -> str:
    return env("AUTH_CACHE_PREFIX", PREFIX)


def cache_key(principal_secret_value: Any = None, explicit: str | None = None) -> bytes:
    """The MAC key: ``explicit`` (``AUTH_CACHE_KEY``) if given, else derived from the signing key of the principal
    key ring (so rotating the principal secret rotates it too; entries of the old key are misses)."""
    explicit = explicit if explicit is not None else env("AUTH_CACHE_KEY")
    if explicit:
        return hashlib.sha256(b"pressroom-auth-cache-key\x00" + explicit.encode()).digest()
    from .principal import KeyRing

    ring = KeyRing.coerce(principal_secret_value if principal_secret_value is not None else principal_secret())
    return hmac.new(ring.keys[ring.signing], b"pressroom-auth-cache-v2", hashlib.sha256).digest()


def _mac(key: bytes, token_hex: str, generation: int, expires: float, answer_text: str) -> str:
    signed = f"{token_hex}\x00{generation}\x00{expires!r}\x00{answer_text}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, signed, hashlib.sha256).digest()).rstrip(b"=").decode()


def seal(key: bytes, token_hex: str, generation: int, expires: float, answer: dict[str, Any]) -> str:
    """The Redis value of a cache entry: the answer as JSON text, with its generation, expiry and MAC."""
    text = json.dumps(answer, separators=(",", ":"), sort_keys=True)
    return json.dumps({"v": 2, "gen": generation, "exp": expires, "answer": text,
                       "mac": _mac(key, token_hex, generation, expires, text)}, separators=(",", ":"))


def unseal(key: bytes, token_hex: str, raw: Any, now: float | None = None) -> tuple[int, float, dict[str, Any]] | None:
    """(generation, expiry, answer) of an entry whose MAC is right and whose expiry lies ahead; else None."""
    try:
        data = json.loads(raw)
        generation, expires, text, mac = data["gen"], data["exp"], data["answer"], data["mac"]
        if not (isinstance(generation, int) and isinstance(expires, float) and isinstance(text, str)
                and isinstance(mac, str)) or isinstance(generation, bool):
            return None
        if not hmac.compare_digest(mac, _mac(key, token_hex, generation, expires, text)):
            return None
        if expires <= (time.time() if now is None else now):
            return None
        answer = json.loads(text)
        return (generation, expires, answer) if isinstance(answer, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


def _client(url: str | None, single: bool = False):
    import redis

    return redis.Redis.from_url(url or redis_url(), socket_timeout=0.5, socket_connect_timeout=0.5,
                                health_check_interval=30, single_connection_client=single)


class Invalidator:
    """identity's side: ``bump(token_hashes)`` after a commit that changes what those sessions may do."""

    def __init__(self, url: str | None = None, key_prefix: str | None = None):
        self.url = url
        self.prefix = key_prefix or prefix()
        self._redis: Any = None  # redis.Redis, made on first use (redis is imported lazily)

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

    Thread-safe: every thread has its own Redis connection (no pool lock per request), and the in-process layer
    (at most ``local_entries`` answers) is guarded by a lock. Answers are shared between threads: callers must not
    mutate them. After a Redis error it stays out of the way for ``backoff`` seconds.
    """

    def __init__(self, url: str | None = None, key_prefix: str | None = None, backoff: float = 5.0,
                 local_entries: int = 10_000, key: bytes | None = None):
        self.key = key if key is not None else cache_key()
        self.url = url
        self.prefix = key_prefix or prefix()
        self.backoff = backoff
        self.local_entries = local_entries
        self._threads = threading.local()
        self._local: dict[str, tuple[int, float, dict[str, Any]]] = {}  # hash -> (generation, expires, answer)
        self._lock = threading.Lock()
        self._down_until = 0.0

    def _r(self):
        client = getattr(self._threads, "redis", None)
        if client is None:
            client = self._threads.redis = _client(self.url, single=True)
        return client

    def _generation(self, token_hex: str) -> int | None:
        """The hot path: one GET on this thread's own connection, without redis-py's per-command machinery
        (retries, events, metrics; a third of the CPU of ``client.get``, measured in bench/identity_login.py).
        None: the key is missing (never stored, expired, or Redis lost its data)."""
        connection = self._r().connection
        connection.send_command("GET", f"{self.prefix}g:{token_hex}")
        value = connection.read_response()
        return None if value is None else int(value)

    def _failed(self, exc: Exception) -> None:
        # a dependency failure (Redis down): a warning with request and trace id, once per backoff period
        log.warning("principal cache (Redis) unavailable for %s s, asking identity directly: %s", self.backoff, exc,
                    extra={"dependency": "redis"})
        self._down_until = time.monotonic() + self.backoff
        client, self._threads.redis = getattr(self._threads, "redis", None), None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001
                pass
        with self._lock:
            self._local.clear()

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _remember(self, token_hex: str, generation: int, expires: float, answer: dict[str, Any]) -> None:
        with self._lock:
            local = self._local
            local.pop(token_hex, None)
            local[token_hex] = (generation, expires, answer)
            while len(local) > self.local_entries:  # the oldest entries go first
                del local[next(iter(local))]

    def lookup(self, token_hex: str) -> tuple[dict[str, Any] | None, int | None]:
        """The cached answer if current, and the generation to store a fresh answer under (None: cache off)."""
        if not self.available:
            return None, None
        known = self._local.get(token_hex)
        try:
            if known is not None and known[1] > time.time():
                generation = self._generation(token_hex)
                if generation is not None and known[0] == generation:
                    return known[2], generation
            # not seen here, expired, or changed since: another gateway may have stored the current answer
            entry, gen = self._r().mget(f"{self.prefix}p:{token_hex}", f"{self.prefix}g:{token_hex}")
            generation = int(gen or 0)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return None, None
        if gen is None:
            # no generation key: stored answers (here or in Redis) cannot be checked against changes made while it
            # was missing (Redis restarted without its data, or evicted the key); ask identity, and ``store``
            # creates the key again
            return None, 0
        if entry:
            verified = unseal(self.key, token_hex, entry)
            if verified is not None and verified[0] == generation:
                self._remember(token_hex, generation, verified[1], verified[2])
                return verified[2], generation
            # forged, altered, expired or of another generation: a miss (identity is asked)
        return None, generation

    def store(self, token_hex: str, generation: int | None, answer: dict[str, Any], ttl: float) -> None:
        if generation is None or ttl < 1 or not self.available:
            return
        expires = float(round(time.time() + int(ttl), 3))
        try:
            pipe = self._r().pipeline(transaction=False)
            # the generation key must exist for an answer to be used (see lookup); identity's INCR may have created
            # it meanwhile, with a newer generation than this answer's: NX keeps that one
            pipe.set(f"{self.prefix}g:{token_hex}", generation, ex=GENERATION_TTL, nx=True)
            pipe.set(f"{self.prefix}p:{token_hex}", seal(self.key, token_hex, generation, expires, answer),
                     ex=int(ttl))
            pipe.execute()
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return
        self._remember(token_hex, generation, expires, answer)
