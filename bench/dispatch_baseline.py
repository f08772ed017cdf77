"""The baseline for bench/dispatch_throughput.py: the best single-process mailer a competent engineer would write.

Per recipient: render subject, HTML and text with plain Jinja2 (templates compiled once); compose the MIME message
directly (multipart/alternative, both parts quoted-printable through the standard library's encoder, the subject
RFC 2047-encoded, List-Unsubscribe headers; ``email.message.EmailMessage`` costs about 2 ms of CPU per mail
here, more than everything else together, so a mailer that cares does not use it per recipient); sign it twice with
DKIM (relaxed/relaxed; RSA-SHA256 and Ed25519-SHA256 like ours), hashing in Python and signing only the 32-byte
digest through OpenSSL (the ``cryptography`` package; keys parsed once); deliver over ONE reused SMTP connection.
No database, no link tracking, no retries or per-domain limits: the floor of the work, not a product.

dkimpy verifies both signatures of the first mail before the clock starts (``verify_sample``), so the baseline
cannot win by signing wrongly.
"""

from __future__ import annotations

import base64
import hashlib
import re
import smtplib
import time
from email import quoprimime
from email.header import Header
from email.utils import formatdate

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from jinja2 import Environment

SIGNED = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
          b"list-unsubscribe", b"list-unsubscribe-post")
_WSP = re.compile(rb"[ \t]+")
_TRAIL = re.compile(rb"[ \t]+\r\n")
_FOLD = re.compile(rb"\r\n(?=[ \t])")

TEXT = """{{ letter_salutation }}

die ACME AG lädt Sie herzlich zur Vorstellung der Halbjahreszahlen ein. Als {{ position }} bei
{{ organisation }} interessiert Sie vielleicht besonders der Ausblick für {{ custom.ressort }}.

Wann: Donnerstag, 14. Mai, 10:00 Uhr
Wo: Pressezentrum, Hafenstraße 1, Hamburg

Zur Anmeldung: https://acme.example/pk?id=2026-05
PM: https://acme.example/pm.pdf

Mit freundlichen Grüßen
Ihre ACME Pressestelle
"""


def _relaxed_body(body: bytes) -> bytes:
    body = _TRAIL.sub(b"\r\n", _WSP.sub(b" ", body)).rstrip(b"\r\n")
    return body + b"\r\n" if body else b""


def _relaxed_header(name: bytes, value: bytes) -> bytes:
    return name.strip().lower() + b":" + _WSP.sub(b" ", _FOLD.sub(b"", value)).strip(b" \t\r\n")


def _qp(text: str) -> str:
    # UTF-8 bytes through the stdlib quoted-printable encoder (what email.contentmanager does)
    return quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), eol="\r\n")


class DkimSigner:
    """relaxed/relaxed DKIM with RSA-SHA256 and Ed25519-SHA256 (RFC 6376, RFC 8463), digest signed by OpenSSL."""

    def __init__(self, domain: str, rsa_selector: str, rsa_key, ed_selector: str, ed_key):
        self.domain, self.rsa_selector, self.rsa_key = domain, rsa_selector, rsa_key
        self.ed_selector, self.ed_key = ed_selector, ed_key

    def sign(self, raw: bytes) -> bytes:
        end = raw.index(b"\r\n\r\n")
        head, body = raw[:end], raw[end + 4:]
        headers: dict[bytes, tuple[bytes, bytes]] = {}
        for name, value in re.findall(rb"(?m)^([^ \t:\r\n]+):([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head):
            headers[name.lower()] = (name, value)   # the last instance wins (RFC 6376 5.4.2)
        names = [n for n in SIGNED if n in headers]
        canon = b"".join(_relaxed_header(*headers[n]) + b"\r\n" for n in names)
        bh = base64.b64encode(hashlib.sha256(_relaxed_body(body)).digest()).decode()
        stamp, h = int(time.time()), b":".join(names).decode()
        out = b""
        for algo, selector, sign in (
                ("ed25519-sha256", self.ed_selector, self.ed_key.sign),
                ("rsa-sha256", self.rsa_selector,
                 lambda d: self.rsa_key.sign(d, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())))):
            value = f" v=1; a={algo}; c=relaxed/relaxed; d={self.domain}; s={selector}; t={stamp}; h={h}; bh={bh}; b="
            digest = hashlib.sha256(canon + _relaxed_header(b"DKIM-Signature", value.encode())).digest()
            sig = base64.b64encode(sign(digest)).decode()
            folded = "\r\n\t".join(sig[i:i + 76] for i in range(0, len(sig), 76))
            out += b"DKIM-Signature:" + value.encode() + folded.encode() + b"\r\n"
        return out + raw


class Mailer:
    """Render + MIME + DKIM for one mailing; ``build(i, recipient)`` returns (envelope to, signed bytes)."""

    def __init__(self, subject: str, html: str, signer: DkimSigner, context_for):
        env, html_env = Environment(), Environment(autoescape=True)
        self.subject, self.html, self.text = (env.from_string(subject), html_env.from_string(html),
                                              env.from_string(TEXT))
        self.signer, self.context_for = signer, context_for

    def build(self, i: int, recipient: dict) -> tuple[str, bytes]:
        ctx = self.context_for(recipient)
        to = recipient["email"]
        boundary = f"=_{i}_{time.time_ns():x}"
        subject = Header(self.subject.render(ctx), "utf-8", maxlinelen=76).encode(linesep="\r\n")
        text = _qp(self.text.render(ctx))
        html = _qp(self.html.render(ctx))
        mime = (f"From: ACME Pressestelle <presse@acme.example>\r\nTo: {to}\r\nSubject: {subject}\r\n"
                f"Date: {formatdate(usegmt=True)}\r\nMessage-ID: <{i}.{time.time_ns()}@bounces.example>\r\n"
                f"List-Unsubscribe: <https://press.example/u/{i}>, <mailto:u-{i}@bounces.example>\r\n"
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nMIME-Version: 1.0\r\n"
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
                f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{text}\r\n"
                f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{html}\r\n--{boundary}--\r\n")
        return to, self.signer.sign(mime.encode("ascii"))


def recipient(i: int) -> dict:
    """The same personalisation data the benchmark writes into the deliveries table."""
    return {"email": f"redaktion{i}@medium{i % 500}.example", "first_name": f"Vorname{i}",
            "last_name": f"Nachname{i}", "salutation": "Frau" if i % 2 == 0 else "Herr",
            "title": "Dr." if i % 7 == 0 else "", "organisation": f"Medium {i % 500}", "position": "Redakteur(in)",
            "custom": {"ressort": "Wirtschaft"}}


def verify_sample(mailer: Mailer, dns_records: dict[bytes, bytes]) -> list[bool]:
    """dkimpy's verdict on both signatures of one baseline mail."""
    import dkim

    _, signed = mailer.build(0, recipient(0))
    return [dkim.DKIM(signed).verify(idx=i, dnsfunc=lambda name, timeout=5: dns_records.get(name)) for i in (0, 1)]


def run(mailer: Mailer, port: int, start: int, n: int) -> dict:
    """Send n mails over one SMTP connection; wall and CPU time of this process."""
    t0, c0, size = time.perf_counter(), time.process_time(), 0
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(start, start + n):
            to, data = mailer.build(i, recipient(i))
            size += len(data)
            smtp.sendmail("b@bounces.example", [to], data)
    return {"n": n, "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "bytes": size}
