"""Composing a mail as bytes: headers, a text and an HTML part (quoted-printable), attachments (base64, encoded once
per mailing), CRLF line ends and no line over 998 octets, ready for DKIM and SMTP.

The body is assembled by hand rather than with ``email.message.EmailMessage``: per recipient only the personalised
parts change, and composing them directly costs a fraction of a generic policy-driven serialisation. Header values
that come from data (names, subject, file names, category) are never pasted in raw: they are made one line
(:func:`svckit.textsafe.one_line` removes CR, LF, NUL, U+2028/2029/0085 and other controls, in case old data or
another path still carries them) and then built by the standard library: ``formataddr`` (RFC 5322 quoting) and
``email.header.Header`` (RFC 2047 encoded words, folded) for addresses and text, ``email.message.MIMEPart`` with the
SMTP policy (RFC 2231 parameters) for attachment parts. Finally every header line is checked once more: a value
with a line break that is not a fold is flattened, so no input can start a header of its own.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email import quoprimime
from email.header import Header
from email.message import MIMEPart
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from svckit.clock import utcnow
from svckit.textsafe import one_line

CRLF = b"\r\n"
MAX_NAME_CHARS = 256        # display names (the input limit is 200; longer old data is cut, not folded into chaos)
MAX_FILENAME_CHARS = 255
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$")
_FIELD_NAME = re.compile(r"^[A-Za-z0-9-]{1,76}$")
#: a header value: any text without CR, LF or NUL, folded lines continuing with a space or tab
_FOLDED_VALUE = re.compile(r"[^\r\n\x00]*(?:\r\n[ \t][^\r\n\x00]*)*\Z")
_BREAK = re.compile("[\r\n\x00\x85\u2028\u2029]")


def _is_ascii(value: str) -> bool:
    try:
        value.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False


def header_text(value: str | None, header_name: str = "Subject") -> str:
    """An unstructured header value (Subject): one line; RFC 2047 encoded words when not ASCII, folded."""
    value = one_line(value)
    if _is_ascii(value) and len(value) < 900:
        return value
    return Header(value, "utf-8", header_name=header_name).encode(linesep="\r\n")


def addr_spec(addr: str | None) -> str:
    """The bare address for a header: inputs are validated addresses; this only makes sure old data cannot bring
    a line break, a second address or an angle bracket along."""
    return re.sub(r"[\s<>,;\"()\\]", "", one_line(addr))


def address(name: str | None, addr: str, header_name: str = "To") -> str:
    """``"Name" <addr>``: ASCII names quoted by ``formataddr`` where RFC 5322 needs it, others as RFC 2047
    encoded words (folded); the name is one line first."""
    name = one_line(name)[:MAX_NAME_CHARS]
    addr = addr_spec(addr)
    if not name:
        return addr
    if _is_ascii(name):
        return formataddr((name, addr))
    if len(name.encode("utf-8")) <= 45:   # one encoded word within RFC 2047's 75 characters: formataddr's own
        return formataddr((name, addr), charset="utf-8")
    encoded = Header(name, "utf-8", header_name=header_name).encode(linesep="\r\n")
    return f"{encoded} <{addr}>"


def header_line(name: str, value: str) -> str:
    """``Name: value`` + CRLF, the last guard: the name must be a plain field name, and a value with a line break
    that is not a fold (CRLF + space) is flattened to one line."""
    if not _FIELD_NAME.match(name):
        raise ValueError(f"not a header field name: {name!r}")
    if _BREAK.search(value) and (not _FOLDED_VALUE.match(value) or _BREAK.search(value.replace("\r\n ", "")
                                                                                  .replace("\r\n\t", ""))):
        value = one_line(value)
    return f"{name}: {value}\r\n"


def token(value: str | None, default: str) -> str:
    """A short machine word for a header (a category): letters, digits, ``.``, ``_``, ``-`` only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "", one_line(value))[:40]
    return cleaned or default


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
    def build(cls, filename: str | None, content_type: str | None, data: bytes) -> EncodedAttachment:
        """The part through the standard library (SMTP policy: CRLF, RFC 2231 file names, continued when long);
        the file name one line and without path separators, an odd content type becomes octet-stream."""
        name = one_line(filename).replace("/", "_").replace("\\", "_")[:MAX_FILENAME_CHARS] or "attachment"
        ctype = (content_type or "").strip()
        maintype, _, subtype = (ctype if _CONTENT_TYPE.match(ctype) else "application/octet-stream").partition("/")
        part = MIMEPart(policy=SMTP)
        part.set_content(data, maintype=maintype, subtype=subtype, disposition="attachment", filename=name,
                         params={"name": name})
        return cls(part.as_bytes(), len(data))


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
            ("From", address(self.from_name, self.from_address, "From")),
            ("To", address(self.to_name, self.to_address, "To")),
            ("Subject", header_text(self.subject)),
            ("Date", format_datetime(self.date or utcnow())),
            ("Message-ID", self.message_id
             or f"<{uuid.uuid4().hex}@{addr_spec(self.from_address).rpartition('@')[2]}>"),
        ]
        if self.reply_to and addr_spec(self.reply_to):
            head.append(("Reply-To", addr_spec(self.reply_to)))
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
        header_bytes = "".join(header_line(name, value) for name, value in head).encode("utf-8")
        return header_bytes + content
