"""Bounces from a mailbox (optional): where the VERP domain's mail is delivered to an IMAP mailbox instead of (or
besides) our SMTP endpoint, the dispatch service polls it (BOUNCE_IMAP_HOST ...) and reads every unseen message
like the endpoint does: the signed VERP address names the delivery, the parser says what happened. Handled
messages are flagged \\Seen; a message that cannot be recorded stays unseen and is read again next time.
"""

from __future__ import annotations

import imaplib
import logging
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .domain import tokens
from .usecases import bounces

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    ssl: bool = True
    folder: str = "INBOX"

    @classmethod
    def load(cls, get) -> MailboxSettings | None:
        host = get("BOUNCE_IMAP_HOST")
        if not host:
            return None
        ssl = str(get("BOUNCE_IMAP_SSL", "1")).lower() in ("1", "true", "yes")
        return cls(host=str(host), port=int(get("BOUNCE_IMAP_PORT", 993 if ssl else 143)),
                   user=str(get("BOUNCE_IMAP_USER", "")), password=str(get("BOUNCE_IMAP_PASSWORD", "")), ssl=ssl,
                   folder=str(get("BOUNCE_IMAP_FOLDER", "INBOX")))


def verp_recipients(raw: bytes, secret: str, verp_domain: str) -> list[str]:
    """The valid VERP / unsubscribe addresses a message was sent to (Delivered-To, X-Original-To, To, or the
    text of the report), each once."""
    pattern = re.compile(rb"\b([bu]-\d{1,19}-[0-9a-fA-F]{16}@" + re.escape(verp_domain.encode()) + rb")\b",
                         re.IGNORECASE)
    found: list[str] = []
    for match in pattern.finditer(raw[:256 * 1024]):
        address = match.group(1).decode().lower()
        if address not in found and tokens.parse_verp(secret, address, verp_domain):
            found.append(address)
    return found[:1]   # a bounce concerns the one delivery it was addressed to


def poll(db, mailbox: MailboxSettings, settings, limit: int = 500) -> int:
    """Read the unseen messages once; returns how many were handled."""
    cls = imaplib.IMAP4_SSL if mailbox.ssl else imaplib.IMAP4
    imap = cls(mailbox.host, mailbox.port)
    handled = 0
    try:
        imap.login(mailbox.user, mailbox.password)
        imap.select(mailbox.folder)
        _typ, data = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0].split() if data and data[0] else [])[:limit]:
            _typ, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            rcpts = verp_recipients(raw, settings.tracking_secret, settings.verp_domain)
            if rcpts:
                with Session(db) as session:
                    bounces.process(session, rcpts, raw, settings)
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            handled += 1
    finally:
        try:
            imap.logout()
        except Exception:
            pass
    return handled
