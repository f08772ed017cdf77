"""Pooled SMTP delivery to the relay, with per-destination-domain concurrency and rate limits.

One send = MAIL, RCPT, DATA on a connection borrowed from the pool (reused: RSET-free, since each transaction ends
with the server's answer to DATA). The outcome tells the engine what the relay said; an error *during* DATA leaves
the mail in doubt (the relay may have taken it), which the engine reconciles instead of blindly sending again.
"""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import time
import urllib.parse
import urllib.request
from collections import defaultdict, deque
from typing import Protocol

from eventlet.queue import LightQueue
from eventlet.semaphore import Semaphore

from ..domain.retry import DEFER, IN_DOUBT, Outcome, classify

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

    Limits are per sender process; with N processes a domain sees at most N times as much (documented)."""

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
