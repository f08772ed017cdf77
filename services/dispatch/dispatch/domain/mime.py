"""Composing a mail as bytes: headers, a text and an HTML part (quoted-printable), attachments (base64, encoded once
per mailing), CRLF line ends and no line over 998 octets, ready for DKIM and SMTP.

Built by hand rather than with ``email.message.EmailMessage``: per recipient only the personalised parts change,
and composing them directly costs a fraction of a generic policy-driven serialisation.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import quoprimime
from email.header import Header
from email.utils import encode_rfc2231, format_datetime, formataddr

CRLF = b"\r\n"


def _is_ascii(value: str) -> bool:
    try:
        value.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False


def header_text(value: str) -> str:
    """An unstructured header value (Subject): RFC 2047 encoded words when not ASCII, folded."""
    value = value.replace("\r", " ").replace("\n", " ")
    if _is_ascii(value) and len(value) < 900:
        return value
    return Header(value, "utf-8", header_name="Subject").encode(linesep="\r\n")


def address(name: str | None, addr: str) -> str:
    return formataddr((name or "", addr), charset="utf-8")


def qp(text: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # body_encode works on characters as octets: hand it the UTF-8 bytes as latin-1 characters
    return quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), maxlinelen=76,
                                  eol="\r\n").encode("ascii")


@dataclass
class EncodedAttachment:
    """An attachment's MIME part (headers + base64 body), built once and shared by every mail of a mailing."""

    part: bytes
    size: int

    @classmethod
    def build(cls, filename: str, content_type: str, data: bytes) -> EncodedAttachment:
        if _is_ascii(filename) and '"' not in filename:
            disp = f'attachment; filename="{filename}"'
            ctype = f'{content_type}; name="{filename}"'
        else:
            encoded = encode_rfc2231(filename, "utf-8")
            disp = f"attachment; filename*={encoded}"
            ctype = f"{content_type}; name*={encoded}"
        b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
        head = (f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: base64\r\n"
                f"Content-Disposition: {disp}\r\n\r\n").encode()
        return cls(head + b64, len(data))


@dataclass
class Mail:
    from_name: str
    from_address: str
    to_address: str
    subject: str
    text: str
    html: str | None = None
    to_name: str | None = None
    reply_to: str | None = None
    message_id: str | None = None
    date: datetime | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)   # extra (List-Unsubscribe ...), already encoded
    attachments: list[EncodedAttachment] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        boundary = uuid.uuid4().hex
        head = [
            ("From", address(self.from_name, self.from_address)),
            ("To", address(self.to_name, self.to_address)),
            ("Subject", header_text(self.subject)),
            ("Date", format_datetime(self.date or datetime.now(UTC))),
            ("Message-ID", self.message_id or f"<{uuid.uuid4().hex}@{self.from_address.rpartition('@')[2]}>"),
        ]
        if self.reply_to:
            head.append(("Reply-To", self.reply_to))
        head.extend(self.headers)
        head.append(("MIME-Version", "1.0"))
        text_part = (b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
                     b"\r\n\r\n" + qp(self.text))
        if self.html is not None:
            html_part = (b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
                         b"\r\n\r\n" + qp(self.html))
            alt_b = ("a" + boundary).encode()
            body_part = (b"Content-Type: multipart/alternative; boundary=\"" + alt_b + b"\"\r\n\r\n"
                         + b"--" + alt_b + CRLF + text_part + CRLF
                         + b"--" + alt_b + CRLF + html_part + CRLF
                         + b"--" + alt_b + b"--" + CRLF)
        else:
            body_part = text_part
        if self.attachments:
            mix_b = ("m" + boundary).encode()
            parts = [b"--" + mix_b + CRLF + body_part + CRLF]
            for att in self.attachments:
                parts.append(b"--" + mix_b + CRLF + att.part + CRLF)
            content = (b"Content-Type: multipart/mixed; boundary=\"" + mix_b + b"\"\r\n\r\n"
                       + b"".join(parts) + b"--" + mix_b + b"--" + CRLF)
        else:
            content = body_part
        header_bytes = "".join(f"{name}: {value}\r\n" for name, value in head).encode("utf-8")
        return header_bytes + content
