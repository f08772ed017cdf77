"""Pooled SMTP delivery to the relay, with per-destination-domain concurrency and rate limits.

One send = MAIL, RCPT, DATA on a connection borrowed from the pool (reused: RSET-free, since each transaction ends
with the server's answer to DATA). The outcome tells the engine what the relay said; an error *during* DATA leaves
the mail in doubt (the relay may have taken it), which the engine reconciles instead of blindly sending again.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
import ssl
import time
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import eventlet
from eventlet.queue import LightQueue
from eventlet.semaphore import Semaphore

from ..domain.retry import DEFER, IN_DOUBT, Outcome, classify

log = logging.getLogger(__name__)

_CONN_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.error, socket.timeout, ssl.SSLError,
                EOFError)


class SmtpPool:
    def __init__(self, host: str, port: int, size: int = 8, timeout: float = 60.0, starttls: bool = False,
                 user: str | None = None, password: str | None = None, helo: str | None = None):
        self.host, self.port, self.timeout = host, port, timeout
        self.starttls, self.user, self.password = starttls, user, password
        self.helo = helo or "pressroom.local"
        self.size = size
        self._idle: LightQueue = LightQueue()
        self._slots = Semaphore(size)
        self.opened = 0  # connections opened (the benchmark compares pooled with one per mail)

    def _connect(self) -> smtplib.SMTP:
        conn = smtplib.SMTP(self.host, self.port, local_hostname=self.helo, timeout=self.timeout)
        self.opened += 1
        conn.ehlo()
        if self.starttls:
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if self.user:
            conn.login(self.user, self.password or "")
        return conn

    def _borrow(self) -> smtplib.SMTP | None:
        try:
            return self._idle.get_nowait()
        except Exception:
            return None

    def send(self, mail_from: str, rcpt: str, data: bytes, pooled: bool = True) -> Outcome:
        with self._slots:
            conn = self._borrow() if pooled else None
            fresh = conn is None
            try:
                if conn is None:
                    conn = self._connect()
                try:
                    outcome = self._transaction(conn, mail_from, rcpt, data)
                except smtplib.SMTPServerDisconnected:
                    if fresh:
                        raise
                    # an idle pooled connection the server had closed: nothing was sent, use a new one
                    self._close(conn)
                    conn = self._connect()
                    outcome = self._transaction(conn, mail_from, rcpt, data)
            except smtplib.SMTPResponseException as exc:  # refused at connect/EHLO/AUTH (e.g. 421, 554)
                self._close(conn)
                return classify(exc.smtp_code, _text(exc.smtp_error))
            except _CONN_ERRORS as exc:
                self._close(conn)
                return Outcome(DEFER, None, f"connection to relay failed: {type(exc).__name__}: {exc}")
            if outcome.kind in (IN_DOUBT,) or (outcome.code is not None and outcome.code == 421) or not pooled:
                self._close(conn)
            else:
                self._idle.put(conn)
            return outcome

    def _transaction(self, conn: smtplib.SMTP, mail_from: str, rcpt: str, data: bytes) -> Outcome:
        if conn.has_extn("pipelining"):
            return self._pipelined(conn, mail_from, rcpt, data)
        code, reply = conn.mail(mail_from)
        if code != 250:
            self._rset(conn)
            return classify(code, _text(reply))
        code, reply = conn.rcpt(rcpt)
        if code not in (250, 251):
            self._rset(conn)
            return classify(code, _text(reply))
        try:
            code, reply = conn.data(data)
        except smtplib.SMTPDataError as exc:          # DATA itself refused (354 not given): nothing sent
            self._rset(conn)
            return classify(exc.smtp_code, _text(exc.smtp_error))
        except _CONN_ERRORS as exc:
            self._close(conn)
            return Outcome(IN_DOUBT, None, f"connection lost during DATA: {type(exc).__name__}: {exc}")
        return classify(code, _text(reply))

    def _pipelined(self, conn: smtplib.SMTP, mail_from: str, rcpt: str, data: bytes) -> Outcome:
        """RFC 2920: MAIL, RCPT and DATA in one write, then the three answers; saves two round trips a mail."""
        conn.send(f"MAIL FROM:<{mail_from}>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n".encode("ascii"))
        mail_code, mail_reply = conn.getreply()
        rcpt_code, rcpt_reply = conn.getreply()
        data_code, data_reply = conn.getreply()
        if mail_code != 250 or rcpt_code not in (250, 251):
            if data_code == 354:      # a server may still say "go ahead": end the empty message, then reset
                conn.send(b".\r\n")
                conn.getreply()
            self._rset(conn)
            code, reply = (mail_code, mail_reply) if mail_code != 250 else (rcpt_code, rcpt_reply)
            return classify(code, _text(reply))
        if data_code != 354:
            self._rset(conn)
            return classify(data_code, _text(data_reply))
        try:
            payload = smtplib._quote_periods(data)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            conn.send(payload + b".\r\n")
            code, reply = conn.getreply()
        except _CONN_ERRORS as exc:
            self._close(conn)
            return Outcome(IN_DOUBT, None, f"connection lost during DATA: {type(exc).__name__}: {exc}")
        return classify(code, _text(reply))

    @staticmethod
    def _rset(conn) -> None:
        try:
            conn.rset()
        except Exception:
            pass

    @staticmethod
    def _close(conn) -> None:
        if conn is None:
            return
        try:
            conn.close()
        except Exception:
            pass

    def close(self) -> None:
        while (conn := self._borrow()) is not None:
            try:
                conn.quit()
            except Exception:
                self._close(conn)


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class DomainLimiter:
    """Per recipient domain: at most ``concurrency`` sends at once and (if set) ``per_minute`` sends a minute.

    These limits are this process's own; :class:`SharedDomainLimiter` holds them across every sender process."""

    def __init__(self, concurrency: int = 4, per_minute: int = 0, clock=time.monotonic):
        self.concurrency = max(1, concurrency)
        self.per_minute = per_minute
        self.clock = clock
        self._sems: dict[str, Semaphore] = defaultdict(lambda: Semaphore(self.concurrency))
        self._recent: dict[str, deque] = defaultdict(deque)

    def wait_seconds(self, domain: str) -> float:
        """0 if a send to ``domain`` may start now (and counts it), else how long until one may."""
        if not self.per_minute:
            return 0.0
        now = self.clock()
        recent = self._recent[domain]
        while recent and now - recent[0] >= 60:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return 60 - (now - recent[0]) + 0.01
        recent.append(now)
        return 0.0

    def slot(self, domain: str) -> Semaphore:
        return self._sems[domain]


# A sliding minute per domain, leased in batches: the counted sends of the last 60 s in a sorted set, on Redis's
# clock (the processes' clocks never meet). One call returns a process's unused tokens (ARGV[5..]) and grants it up
# to ARGV[2] tokens of the domain's minute: the first (spent at once) stamped now, the others with the END of their
# lifetime (now + ARGV[4] ms). A token is spent before then, so it is never stamped earlier than its send and the
# window never undercounts (exact, see SharedDomainLimiter). Returns {granted, "0"} or {0, seconds until the oldest
# token leaves the window}.
_LEASE_RATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 5, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
local life = tonumber(ARGV[4])
local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring((tonumber(oldest[2]) + 60000 - now) / 1000 + 0.01)}
end
local n = math.min(free, tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], now, ARGV[3] .. ':1')   -- the first is spent at once
for i = 2, n do redis.call('ZADD', KEYS[1], now + life, ARGV[3] .. ':' .. i) end
if redis.call('PTTL', KEYS[1]) < 61000 + life then redis.call('PEXPIRE', KEYS[1], 61000 + life) end
return {n, '0'}
"""

# Sends in progress to a domain: one lease per send (score: when it lapses, so a crashed sender frees its slots).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then   -- never cut a longer lease's lifetime short
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  end
  return 1
end
return 0
"""


@dataclass
class _Tokens:
    """A batch of a domain's per-minute tokens leased to this process."""
    lease: str
    granted: int
    used: int
    deadline: float   # local monotonic time by which they are spent (earlier than their stamp in Redis)

    def unused(self) -> list[str]:
        return [f"{self.lease}:{i}" for i in range(self.used + 1, self.granted + 1)]


@dataclass
class _Slot:
    """A sending lease this process holds in Redis; kept for ``linger`` seconds after a send for the next one."""
    token: str
    deadline: float   # local monotonic time when Redis lets it lapse (earlier than Redis's own)
    idle_since: float = 0.0


class SharedDomainLimiter:
    """The per-domain limits across every sender process (scaled by the HPA), held in Redis, leased in batches.

    Rate: ``wait_seconds`` spends a token of the domain's sliding minute. Tokens are leased from Redis ``rate_batch``
    at a time (atomic Lua on Redis's clock; default ``per_minute // 20``, 1 to 50, so one process never sits on more
    than a twentieth of a domain's minute) and spent locally within ``token_seconds``. Each token is stamped in Redis
    with the end of its lifetime, never earlier than the send it counts, so the limit holds EXACTLY for all senders
    together (no overshoot; the first token of a batch is stamped at once, the others at the end of
    their lifetime; the send counts when the engine asks, as with one token per mail). Unspent tokens are
    returned (removed from the window) when their lifetime ends: in the next lease's call or by a reaper greenthread.
    The price: up to ``rate_batch - 1`` tokens per process may sit unspent for ``token_seconds``.

    Concurrency: ``slot`` holds one of the domain's ``concurrency`` sending leases while the mail is sent (polling
    while all are taken; a lease lapses after ``lease_seconds`` so a killed sender cannot block a domain). After a
    successful send the process keeps the lease for ``linger`` seconds and uses it for its next send to the domain
    without a round trip; a failed send gives it back at once. The limit stays exact; another sender may wait up to
    ``linger`` longer for a slot this process holds idle.

    If Redis cannot be reached, the process falls back to its own limits (mail keeps flowing; logged) and tries
    Redis again after ``backoff`` seconds.
    """

    def __init__(self, url: str, concurrency: int = 4, per_minute: int = 0, lease_seconds: float = 180.0,
                 prefix: str = "pressroom:dispatch:", backoff: float = 10.0, poll: float = 0.02,
                 rate_batch: int = 0, token_seconds: float = 5.0, linger: float = 1.0):
        import redis

        self.concurrency = max(1, concurrency)
        self.per_minute = per_minute
        self.lease_ms = int(lease_seconds * 1000)
        self.prefix = prefix
        self.backoff = backoff
        self.poll = poll
        self.rate_batch = max(1, rate_batch or min(50, per_minute // 20))
        self.token_seconds = token_seconds
        self.linger = linger
        self.local = DomainLimiter(concurrency, per_minute)
        self._redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._lease_rate = self._redis.register_script(_LEASE_RATE)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._down_until = 0.0
        self._tokens: dict[str, _Tokens] = {}
        self._idle: dict[str, list[_Slot]] = {}
        self._reaper = None

    def _shared(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        log.warning("per-domain limits fall back to this process's own: Redis unavailable (%s)", exc)
        self._down_until = time.monotonic() + self.backoff

    def wait_seconds(self, domain: str) -> float:
        if not self.per_minute:
            return 0.0
        now = time.monotonic()
        held = self._tokens.get(domain)
        if held is not None and held.used < held.granted and now < held.deadline:
            held.used += 1
            return 0.0
        if self._shared():
            giving_back = self._tokens.pop(domain).unused() if held is not None else []
            lease = uuid.uuid4().hex
            try:
                granted, wait = self._lease_rate(keys=[f"{self.prefix}rate:{domain}"], args=[
                    self.per_minute, self.rate_batch, lease, int(self.token_seconds * 1000), *giving_back])
            except Exception as exc:  # noqa: BLE001 - the limiter must never stop delivery
                self._failed(exc)
            else:
                if int(granted):
                    self._tokens[domain] = _Tokens(lease, int(granted), 1, now + self.token_seconds)
                    self._wake_reaper()
                    return 0.0
                return float(wait)
        return self.local.wait_seconds(domain)

    def _idle_slot(self, domain: str) -> _Slot | None:
        idle = self._idle.get(domain)
        now = time.monotonic()
        while idle:
            held = idle.pop()
            if held.deadline - now > self.lease_ms / 2000:   # time enough left for a whole send
                return held
            self._release(domain, [held.token])
        return None

    def _release(self, domain: str, tokens: list[str]) -> None:
        try:
            self._redis.zrem(f"{self.prefix}sending:{domain}", *tokens)
        except Exception as exc:  # noqa: BLE001 - the lease lapses on its own
            log.warning("could not release a sending slot for %s: %s", domain, exc)

    @contextmanager
    def slot(self, domain: str) -> Iterator[None]:
        key, pause = f"{self.prefix}sending:{domain}", self.poll
        held = self._idle_slot(domain) if self._shared() else None
        while held is None and self._shared():
            token, started = uuid.uuid4().hex, time.monotonic()
            try:
                taken = self._acquire(keys=[key], args=[self.concurrency, token, self.lease_ms])
            except Exception as exc:  # noqa: BLE001
                self._failed(exc)
                break
            if taken:
                held = _Slot(token, started + self.lease_ms / 1000)
                break
            eventlet.sleep(pause)   # every slot of the domain is taken, somewhere
            pause = min(pause * 2, 0.05)
        if held is None:
            with self.local.slot(domain):
                yield
            return
        try:
            yield
        except BaseException:
            self._release(domain, [held.token])
            raise
        held.idle_since = time.monotonic()
        self._idle.setdefault(domain, []).append(held)
        self._wake_reaper()

    def _wake_reaper(self) -> None:
        if self._reaper is None:
            self._reaper = eventlet.spawn(self._reap)

    def _reap(self) -> None:
        """Gives back sending leases idle for ``linger`` and tokens whose lifetime ended unspent, in one pipeline;
        runs while this process holds any, then ends."""
        try:
            while self._idle or self._tokens:
                eventlet.sleep(min(self.linger, self.token_seconds) / 2)
                self.reap()
        finally:
            self._reaper = None

    def reap(self) -> None:
        now = time.monotonic()
        drop: dict[str, list[str]] = {}
        for domain, idle in list(self._idle.items()):
            keep = [h for h in idle if now - h.idle_since < self.linger]
            if len(keep) < len(idle):
                drop[f"{self.prefix}sending:{domain}"] = [h.token for h in idle if now - h.idle_since >= self.linger]
            if keep:
                self._idle[domain] = keep
            else:
                del self._idle[domain]
        for domain, held in list(self._tokens.items()):
            if now >= held.deadline:
                del self._tokens[domain]
                if held.unused():
                    drop[f"{self.prefix}rate:{domain}"] = held.unused()
        if not drop:
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for key, members in drop.items():
                pipe.zrem(key, *members)
            pipe.execute()
        except Exception as exc:  # noqa: BLE001 - leases lapse and tokens leave the window on their own
            log.warning("could not give back per-domain leases: %s", exc)


class Reconciler(Protocol):
    def delivered(self, message_id: str, rcpt: str) -> bool | None: ...


class SinkReconciler:
    """Asks our SMTP sink's JSON API whether it holds a message with this Message-ID for this recipient."""

    def __init__(self, base_url: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def delivered(self, message_id: str, rcpt: str) -> bool | None:
        query = urllib.parse.urlencode({"to": rcpt, "limit": 1000})
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/messages?{query}", timeout=self.timeout) as resp:
                data = json.loads(resp.read())
        except (OSError, ValueError):
            return None
        items = data.get("messages", data) if isinstance(data, dict) else data
        return any((m.get("message_id") or "").strip() == message_id for m in items or [])
