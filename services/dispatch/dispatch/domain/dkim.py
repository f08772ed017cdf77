"""DKIM: keys we generate, the DNS records to publish, and fast signing (RSA-SHA256 and Ed25519-SHA256).

dkimpy signs RSA in pure Python (about 10 ms of CPU per mail) and re-parses the key each time. Here the message is
canonicalised (relaxed/relaxed, RFC 6376 3.4.2 and 3.4.4) and hashed in Python, and the digest is signed by the
``cryptography`` package (OpenSSL) with a key object parsed once: the same signature, verified by dkimpy in the
tests. Ed25519 (RFC 8463) signs the SHA-256 digest of the same header data.
"""

from __future__ import annotations

import base64
import hashlib
import re
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

#: signed in this order
SIGNED_HEADERS = ("from", "to", "subject", "date", "message-id", "reply-to", "mime-version", "content-type",
                  "list-unsubscribe", "list-unsubscribe-post", "list-id", "feedback-id")
#: oversigned: named once more in ``h=`` than the mail has them (twice when present, once when absent), so that a
#: copy added on the way (a second From, a forged List-Unsubscribe) breaks the signature (RFC 6376 5.4.2, 8.15)
OVERSIGNED = frozenset({"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post",
                        "list-id"})


# --- keys -----------------------------------------------------------------------------------------------------------

def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("dkim-keys:" + secret).encode()).digest()))


@dataclass
class KeyPair:
    rsa_private: bytes        # encrypted PKCS8 PEM
    ed25519_private: bytes    # encrypted raw 32 bytes
    rsa_public: str           # base64 DER SubjectPublicKeyInfo
    ed25519_public: str       # base64 raw


def generate_keys(secret: str) -> KeyPair:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    f = _fernet(secret)
    rsa_pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    ed_raw = ed_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                  serialization.NoEncryption())
    rsa_pub = rsa_key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    ed_pub = ed_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(f.encrypt(rsa_pem), f.encrypt(ed_raw), base64.b64encode(rsa_pub).decode(),
                   base64.b64encode(ed_pub).decode())


def load_private_keys(secret: str, rsa_private: bytes,
                      ed25519_private: bytes) -> tuple[PrivateKeyTypes, ed25519.Ed25519PrivateKey]:
    f = _fernet(secret)
    rsa_key = serialization.load_pem_private_key(f.decrypt(bytes(rsa_private)), password=None)
    ed_key = ed25519.Ed25519PrivateKey.from_private_bytes(f.decrypt(bytes(ed25519_private)))
    return rsa_key, ed_key


def selectors(now: float | None = None, taken: Iterable[str] = ()) -> tuple[str, str]:
    """New selectors per key generation, so keys can be rotated without clashing: pr<yyyymm>r / pr<yyyymm>e, and
    with a letter after the month (pr<yyyymm>b r/e, c, ...) when a key of the same month still exists (``taken``)."""
    stamp = time.strftime("%Y%m", time.gmtime(now))
    taken = {t.lower() for t in taken}
    for suffix in ("",) + tuple(string.ascii_lowercase[1:]) + tuple(f"z{n}" for n in range(1, 1000)):
        rsa_sel, ed_sel = f"pr{stamp}{suffix}r", f"pr{stamp}{suffix}e"
        if rsa_sel not in taken and ed_sel not in taken:
            return rsa_sel, ed_sel
    raise ValueError("no free DKIM selector")


def _txt_chunks(value: str) -> list[str]:
    return [value[i:i + 255] for i in range(0, len(value), 255)]


def dns_records(domain: str, rsa_selector: str, rsa_public: str, ed_selector: str, ed_public: str,
                spf_include: str, dmarc_rua: str | None = None) -> list[dict[str, Any]]:
    """Exactly what the customer publishes. TXT values over 255 octets are split into strings (as DNS needs)."""
    rsa_value = f"v=DKIM1; k=rsa; p={rsa_public}"
    ed_value = f"v=DKIM1; k=ed25519; p={ed_public}"
    spf_value = f"v=spf1 include:{spf_include} ~all"
    dmarc_value = f"v=DMARC1; p=none; rua=mailto:{dmarc_rua or 'dmarc@' + domain}; adkim=r; aspf=r"
    return [
        {"kind": "dkim_rsa", "type": "TXT", "name": f"{rsa_selector}._domainkey.{domain}", "value": rsa_value,
         "strings": _txt_chunks(rsa_value), "required": True},
        {"kind": "dkim_ed25519", "type": "TXT", "name": f"{ed_selector}._domainkey.{domain}", "value": ed_value,
         "strings": _txt_chunks(ed_value), "required": False},
        {"kind": "spf", "type": "TXT", "name": domain, "value": spf_value, "strings": [spf_value],
         "required": False, "note": f"include:{spf_include} in your existing SPF record, if you have one"},
        {"kind": "dmarc", "type": "TXT", "name": f"_dmarc.{domain}", "value": dmarc_value, "strings": [dmarc_value],
         "required": False, "note": "a suggestion: start with p=none, tighten to quarantine/reject later"},
    ]


def parse_tags(record: str) -> dict[str, str]:
    tags = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = re.sub(r"\s+", "", value)
    return tags


# --- canonicalisation (relaxed/relaxed) -----------------------------------------------------------------------------

_WSP = re.compile(rb"[ \t]+")
_TRAIL = re.compile(rb"[ \t]+\r\n")
_FOLD = re.compile(rb"\r\n(?=[ \t])")


def relaxed_body(body: bytes) -> bytes:
    # fast path: quoted-printable and base64 bodies (ours) have no runs of blanks and none before a line end
    if b"\t" in body or b"  " in body:
        body = _WSP.sub(b" ", body)
    if b" \r\n" in body:
        body = _TRAIL.sub(b"\r\n", body)
    body = body.rstrip(b"\r\n")
    if body.endswith((b" ", b"\t")):
        body = body.rstrip(b" \t")
    return body + b"\r\n" if body else b""


def relaxed_header(name: bytes, value: bytes) -> bytes:
    value = _FOLD.sub(b"", value)
    value = _WSP.sub(b" ", value).strip(b" \t\r\n")
    return name.strip().lower() + b":" + value


def split_message(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers as (name, raw value incl. folding) in order, and the body. Expects CRLF line ends."""
    end = raw.find(b"\r\n\r\n")
    head, body = (raw, b"") if end < 0 else (raw[:end + 2], raw[end + 4:])
    headers: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\r\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + b"\r\n" + line)
        else:
            name, _, value = line.partition(b":")
            headers.append((name, value))
    return headers, body


# --- signing ----------------------------------------------------------------------------------------------------------

@dataclass
class Signer:
    """Signs for one domain with both keys; build once per domain, reuse for every mail (keys parsed once)."""

    domain: str
    rsa_selector: str
    rsa_key: rsa.RSAPrivateKey | None
    ed25519_selector: str | None = None
    ed25519_key: ed25519.Ed25519PrivateKey | None = None

    def sign(self, raw: bytes, now: int | None = None) -> bytes:
        """``raw`` with DKIM-Signature headers prepended (Ed25519 first, then RSA)."""
        headers, body = split_message(raw)
        bh = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest()).decode()
        # the header data hashed by both signatures (RFC 6376 5.4.2): the bottom-most instance of each name; an
        # oversigned name every instance from the bottom up and then once more, which stands for "no further one"
        found: dict[bytes, list[int]] = {}
        for i, (n, _) in enumerate(headers):
            found.setdefault(n.strip().lower(), []).append(i)
        names: list[str] = []
        canon: list[bytes] = []
        for name in SIGNED_HEADERS:
            at = found.get(name.encode(), [])
            for i in (reversed(at) if name in OVERSIGNED else at[-1:]):
                names.append(name)
                canon.append(relaxed_header(*headers[i]) + b"\r\n")
            if name in OVERSIGNED:
                names.append(name)
        stamp = int(time.time() if now is None else now)
        out = []
        ed_key, rsa_key = self.ed25519_key, self.rsa_key
        if ed_key is not None and self.ed25519_selector:
            out.append(self._one("ed25519-sha256", self.ed25519_selector, names, bh, stamp, canon,
                                 lambda d: ed_key.sign(d)))
        if rsa_key is not None:
            out.append(self._one("rsa-sha256", self.rsa_selector, names, bh, stamp, canon,
                                 lambda d: rsa_key.sign(d, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))))
        return b"".join(out) + raw

    def _one(self, algorithm: str, selector: str, names: list[str], bh: str, stamp: int, canon: list[bytes],
             sign: Callable[[bytes], bytes]) -> bytes:
        value = (f" v=1; a={algorithm}; c=relaxed/relaxed; d={self.domain}; s={selector};\r\n"
                 f"\tt={stamp}; h={':'.join(names)};\r\n\tbh={bh};\r\n\tb=")
        data = b"".join(canon) + relaxed_header(b"DKIM-Signature", value.encode())
        digest = hashlib.sha256(data).digest()
        sig = base64.b64encode(sign(digest)).decode()
        folded = "\r\n\t".join(sig[i:i + 74] for i in range(0, len(sig), 74))
        return b"DKIM-Signature:" + value.encode() + folded.encode() + b"\r\n"
