"""Signed tokens for everything a mail carries back to us: VERP return paths, tracking links, unsubscribe links.

A token names a delivery (and for clicks the target URL) and carries an HMAC, so nobody can unsubscribe someone
else, count opens for them or use our click redirect as an open redirect: a URL that we did not sign for that
delivery is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

VERP_PREFIX = "b"
UNSUB_PREFIX = "u"
_VERP = re.compile(r"^(?P<kind>[bu])-(?P<id>\d{1,19})-(?P<sig>[0-9a-f]{16})$")


def _mac(secret: str, *parts: str, length: int = 16) -> str:
    msg = "\x1f".join(parts).encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:length]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- VERP: per-recipient return path (local parts are compared case-insensitively: lower-case hex only) -----------

def verp_address(secret: str, delivery_id: int, domain: str, kind: str = VERP_PREFIX) -> str:
    return f"{kind}-{delivery_id}-{_mac(secret, kind, str(delivery_id))}@{domain}"


def parse_verp(secret: str, address: str, domain: str | None = None) -> tuple[str, int] | None:
    """``(kind, delivery_id)`` for a valid return path or mailto-unsubscribe address, else None."""
    local, _, dom = (address or "").strip().strip("<>").rpartition("@")
    if domain and dom.lower() != domain.lower():
        return None
    local = local.lower().split("+", 1)[0]
    m = _VERP.match(local)
    if not m:
        return None
    if not hmac.compare_digest(m["sig"], _mac(secret, m["kind"], m["id"])):
        return None
    return m["kind"], int(m["id"])


# --- web tokens --------------------------------------------------------------------------------------------------

def delivery_token(secret: str, delivery_id: int, purpose: str) -> str:
    """Open pixel (``o``) and unsubscribe (``u``) tokens: ``<id>.<sig>``."""
    return f"{delivery_id}.{_mac(secret, purpose, str(delivery_id), length=22)}"


def parse_delivery_token(secret: str, token: str, purpose: str) -> int | None:
    ident, _, sig = (token or "").partition(".")
    if not ident.isdigit() or len(ident) > 19 or not sig:
        return None
    if not hmac.compare_digest(sig, _mac(secret, purpose, ident, length=22)):
        return None
    return int(ident)


def click_token(secret: str, delivery_id: int, url: str) -> str:
    """``<id>.<base64url(url)>.<sig>``: the URL travels in the token, so nothing is stored per link."""
    encoded = _b64(url.encode())
    return f"{delivery_id}.{encoded}.{_mac(secret, 'c', str(delivery_id), encoded, length=22)}"


def parse_click_token(secret: str, token: str) -> tuple[int, str] | None:
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 19:
        return None
    ident, encoded, sig = parts
    if not hmac.compare_digest(sig, _mac(secret, "c", ident, encoded, length=22)):
        return None
    try:
        url = _unb64(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return int(ident), url
