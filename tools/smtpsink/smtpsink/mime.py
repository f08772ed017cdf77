"""Reading mail: the cheap header summary taken on receipt, and the full parse for pages, the API and tests.

Only the summary runs per received message (it parses the header block, never the body), so the SMTP side stays
fast; bodies are parsed when someone looks at a message.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser, HeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any


class SinkMessage(EmailMessage):
    """A received mail as ``email.message.EmailMessage`` plus what only the sink knows (the envelope, arrival).

    The attributes are set on the top-level message only; sub-parts keep the class defaults.
    """

    id: str | None = None
    received_at: datetime | None = None
    mail_from: str | None = None
    rcpt_to: list[str] | None = None
    size: int | None = None
    raw: bytes | None = None

    @property
    def text(self) -> str | None:
        """The plain-text body (line ends normalised to ``\\n``), or None."""
        body = self.get_body(("plain",))
        return None if body is None else body_text(body)

    @property
    def html(self) -> str | None:
        body = self.get_body(("html",))
        return None if body is None else body_text(body)

    def __repr__(self) -> str:
        return f"<SinkMessage {self.id} to={self.rcpt_to} subject={self.get('Subject', '')!r}>"


POLICY = policy.default.clone(message_factory=SinkMessage)
_quick_parser = HeaderParser(policy=compat32)
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def header_block(raw: bytes) -> bytes:
    """The header section of a message (everything before the first empty line)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(sep)
        if end >= 0:
            return raw[: end + len(sep)]
    return raw


def decode_header(name: str, value: str) -> str:
    """A header value unfolded, encoded words decoded. Plain ASCII (the common case) skips the email package's
    header parser, which costs half a millisecond a message."""
    value = _FOLD.sub("", value).strip()
    if value.isascii() and "=?" not in value:
        return value
    try:
        return str(policy.default.header_factory(name, value))
    except Exception:  # noqa: BLE001 - a header too broken to parse is shown as it is
        return value


def summarize(raw: bytes) -> dict[str, str]:
    """From, To, Cc, Subject, Message-ID and Return-Path, decoded, from the header block only (UTF-8 headers of
    SMTPUTF8 mail included)."""
    msg = _quick_parser.parsestr(header_block(raw).decode("utf-8", "replace"))
    fields = {"from": "From", "to": "To", "cc": "Cc", "subject": "Subject", "message_id": "Message-ID",
              "return_path": "Return-Path"}
    return {key: decode_header(name, str(msg.get(name, ""))) for key, name in fields.items()}


def addresses(*fields: str) -> list[str]:
    """The bare addresses in header values like ``"Jörg <j@x.de>, b@y.de"``."""
    return [addr for _name, addr in getaddresses([f for f in fields if f]) if addr]


def parse(raw: bytes) -> SinkMessage:
    return BytesParser(policy=POLICY).parsebytes(raw)


def body_text(part) -> str:
    """A text part's content in its declared charset, else UTF-8 (what SMTPUTF8 senders and sloppy ones write);
    undecodable bytes become replacement characters, never an error."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                text = payload.decode(candidate)
                break
            except (LookupError, UnicodeDecodeError):
                continue
    else:
        text = payload.decode("utf-8", "replace")
    return text.replace("\r\n", "\n")


def leaf_parts(msg: EmailMessage) -> list[tuple[int, EmailMessage]]:
    """Every non-multipart part with its index in ``msg.walk()`` order (the ``n`` of ``/parts/{n}`` URLs)."""
    return [(n, part) for n, part in enumerate(msg.walk()) if not part.is_multipart()]


def part_at(msg: EmailMessage, n: int) -> EmailMessage | None:
    for i, part in enumerate(msg.walk()):
        if i == n:
            return part
    return None


def part_bytes(part: EmailMessage) -> bytes:
    if part.is_multipart():  # message/rfc822 and friends: the enclosed message as it was
        return part.as_bytes()
    return part.get_payload(decode=True) or b""


def part_filename(part: EmailMessage, n: int) -> str:
    name = part.get_filename()
    if name:
        return name.replace("/", "_").replace("\\", "_")
    subtype = part.get_content_subtype()
    return f"part-{n}.{subtype if subtype.isalnum() else 'bin'}"


def describe(msg: SinkMessage) -> dict[str, Any]:
    """Headers, text, html and the attachments of a parsed message, ready for JSON and the message page."""
    header_list = []
    for name, raw_value in msg.raw_items():
        try:
            value = str(msg.policy.header_fetch_parse(name, raw_value))
        except Exception:  # noqa: BLE001 - a header too broken to parse is shown as received
            value = raw_value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        header_list.append([name, value])
    headers: dict[str, str] = {}
    for name, value in header_list:
        headers.setdefault(name, value)

    text_part = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    bodies = {id(p) for p in (text_part, html_part) if p is not None}
    attachments = []
    for n, part in leaf_parts(msg):
        if id(part) in bodies:
            continue
        payload = part_bytes(part)
        attachments.append({
            "part": n,
            "filename": part_filename(part, n),
            "content_type": part.get_content_type(),
            "size": len(payload),
            "disposition": part.get_content_disposition() or "",
            "content_id": (part.get("Content-ID") or "").strip("<>"),
        })
    return {
        "headers": headers,
        "header_list": header_list,
        "text": None if text_part is None else body_text(text_part),
        "html": None if html_part is None else body_text(html_part),
        "attachments": attachments,
    }
