"""The SMTP side: an aiosmtpd controller (its own thread and asyncio loop) that stores what it accepts.

It speaks SMTPUTF8 and 8BITMIME, takes messages up to 50 MB and any number of recipients, and accepts any
AUTH PLAIN/LOGIN without TLS (a development relay: clients configured with credentials must not fail here).
Fault-injection rules (``rules.py``) are consulted at connect, MAIL, RCPT and DATA.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword, syntax

from .rules import Rule, Rules
from .store import Store

log = logging.getLogger(__name__)

DATA_SIZE_LIMIT = 50 * 1024 * 1024
HOSTNAME = "smtpsink.localhost"  # fixed: aiosmtpd would otherwise resolve the FQDN on every connection


def line_warnings(raw: bytes) -> list[str]:
    """What a real relay might refuse or rewrite, though this sink accepts it (and shows the warning)."""
    warnings = []
    if raw.count(b"\n") != raw.count(b"\r\n"):
        warnings.append("bare LF line endings: SMTP wants CRLF, real relays may reject or rewrite this (smtplib's "
                        "send_message() converts, sendmail() with bytes sends them as they are)")
    if len(raw) > 999 and max(map(len, raw.split(b"\n"))) > 999:  # 998 octets + CR
        warnings.append("lines longer than 998 octets (RFC 5322 2.1.1): real relays may reject the mail or break "
                        "the lines; use quoted-printable or base64")
    return warnings


def accept_any_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=True, auth_data=auth_data)


class Handler:
    """aiosmtpd hooks: rules decide the answer; accepted messages go to the store."""

    def __init__(self, store: Store, rules: Rules, log_messages: bool = True):
        self.store = store
        self.rules = rules
        self.log_messages = log_messages
        self.live = False  # set once the controller has started: its own probe connection is no client

    async def _apply(self, rule: Rule | None) -> str | None:
        """The reply a matching rule dictates, after its delay; None to carry on normally."""
        if rule is None:
            return None
        if rule.delay_ms:
            await asyncio.sleep(rule.delay_ms / 1000)
        if rule.accepts:
            return None
        self.store.note_rejected()
        return rule.response

    async def handle_MAIL(self, server, session, envelope, address: str, mail_options: list[str]) -> str:
        reply = await self._apply(self.rules.match("mail", address))
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options: list[str]) -> str:
        reply = await self._apply(self.rules.match("rcpt", address))
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        reply = await self._apply(self.rules.match_any("data", envelope.rcpt_tos))
        if reply:
            return reply
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        raw = envelope.original_content
        meta = self.store.add(
            raw, envelope.mail_from, envelope.rcpt_tos, smtputf8=envelope.smtp_utf8,
            auth_user=login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
            warnings=None if self.store.discard else line_warnings(raw),
        )
        if meta is None:
            return "250 OK: discarded"
        if self.log_messages:
            log.info("%s from <%s> to %s: %s (%d bytes)", meta.id, meta.mail_from,
                     ", ".join(f"<{r}>" for r in meta.rcpt_to), meta.subject, meta.size)
        return f"250 OK: queued as {meta.id}"


class SinkSMTP(SMTP):
    """aiosmtpd's SMTP session plus the ``connect`` stage of the rules and closing after any 421.

    aiosmtpd refuses DATA lines over 1000 octets, and so every message with bare LF line ends (one "line" to a
    reader splitting at CRLF). Production relays mostly let both through, so the sink accepts them and flags
    them instead (``warnings`` in the API, a notice on the page).
    """

    def __init__(self, handler: Handler, **kwargs):
        # also the most DATA reads in one piece (and the StreamReader's limit, set up by SMTP.__init__)
        self.line_length_limit = (kwargs.get("data_size_limit") or DATA_SIZE_LIMIT) + 1024
        super().__init__(handler, **kwargs)
        self.rules = handler.rules

    async def _handle_client(self) -> None:
        peer = self.session.peer[0] if self.session and self.session.peer else ""
        rule = self.rules.match("connect", str(peer)) if self.event_handler.live else None
        if rule is not None:
            reply = await self.event_handler._apply(rule)
            if reply is not None:
                await self.push(reply)
                if self.transport is not None:
                    self.transport.close()
                return
        await super()._handle_client()

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        """aiosmtpd's DATA, reading the body in large pieces instead of line by line (its per-line loop caps a
        sink at a few hundred mails a second). Same replies; over-long lines are accepted (see above)."""
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        data = bytearray()
        too_much = False
        limit = self.data_size_limit
        while True:  # every piece ends in ".\r\n"; the body ends at the first one preceded by CRLF (or at once)
            try:
                piece = await self._reader.readuntil(b".\r\n")
            except asyncio.LimitOverrunError as exc:
                piece = await self._reader.read(exc.consumed)
                too_much = True
            except asyncio.IncompleteReadError:  # the client went away mid-DATA
                self._writer.close()
                return
            data += piece
            if data == b".\r\n" or data.endswith(b"\r\n.\r\n"):
                break
            if limit and len(data) > limit + 3:
                too_much = True
            if too_much:
                del data[:-4]  # keep just enough to recognise the end
        if too_much:
            await self.push("552 Error: Too much mail data")
            self._set_post_data_state()
            return
        del data[-3:]  # the final ".\r\n"; the CRLF before it ends the last line
        if data.startswith(b"."):  # undo dot-stuffing (RFC 5321 4.5.2)
            del data[:1]
        content = bytes(data).replace(b"\r\n.", b"\r\n")
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)

    async def push(self, status) -> None:
        await super().push(status)
        if status[:3] in ("421", b"421") and self.transport is not None:
            self.transport.close()


class SinkController(Controller):
    """aiosmtpd's threaded controller; port 0 binds a free port, the bound one is in ``.port`` after start()."""

    def __init__(self, handler: Handler, hostname: str, port: int, data_size_limit: int = DATA_SIZE_LIMIT):
        super().__init__(
            handler, hostname=hostname, port=port, server_hostname=HOSTNAME, ident="smtpsink",
            data_size_limit=data_size_limit, enable_SMTPUTF8=True, decode_data=False,
            auth_require_tls=False, authenticator=accept_any_login,
        )

    def factory(self) -> SMTP:
        return SinkSMTP(self.handler, **self.SMTP_kwargs)

    def _run(self, ready_event) -> None:
        try:
            super()._run(ready_event)
        finally:  # also when binding failed: start() then reports the error at once, not after ready_timeout
            ready_event.set()

    def _trigger_server(self) -> None:
        if self._thread_exception is not None:
            raise self._thread_exception
        # runs after the server is bound: learn the real port before aiosmtpd connects to itself
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
