"""Who is calling: the principal that travels in nameko's context data.

The gateway authenticates the HTTP request, asks identity for the caller's current rights and puts a signed,
compact JSON principal into the context data (key ``principal``). nameko forwards context data on every RPC call
and event a worker makes, so service-to-service calls carry the caller's identity without anyone passing it as an
argument (arguments are what a client controls; context data is not).

The signature (HMAC-SHA256 over the JSON, key from ``PRINCIPAL_SECRET``) means a process that can reach the broker
but not the secret cannot mint an administrator.

Key ring and expiry. ``PRINCIPAL_SECRET`` is either one secret (key id ``0``) or a key ring
``kid2:secret2,kid1:secret1`` (key ids of letters, digits, ``-`` and ``_``): the first key signs, every key of the
ring verifies. A token is ``<kid>.<signature>.<json>``; the JSON carries ``exp`` (Unix seconds), after which the
token is worth nothing: a token read from the broker, a log or the outbox table cannot be replayed for long.
Lifetimes (``PRINCIPAL_TOKEN_TTL``, default 300 s, for users and operators; ``PRINCIPAL_SERVICE_TOKEN_TTL``,
default 3600 s, for the principals a service mints for its own background work, e.g. crm's account archive that
pages through four services over one standalone proxy) are counted from the moment a token is minted: the gateway
mints one per RPC call, ``acting_as`` one per block, and ``svckit.rpc.ServiceRpc`` mints the worker's principal
afresh before a call when less than half of its lifetime is left (a long job keeps its caller). Rotation: put the
new key first and keep the old one until every token it signed has expired (docs/operations.md).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

from .errors import Forbidden, NotFound, Unauthenticated
from .i18n import Text, _, normalise_language
from .settings import principal_service_token_ttl, principal_token_ttl

CONTEXT_KEY = "principal"

FULL = "full"
READ = "read"
RIGHTS = (FULL, READ)  # Hidden = absent

# roles inside an account
LICENSE_MANAGER = "license_manager"
ADMINISTRATOR = "administrator"
USER = "user"
ACCOUNT_ROLES = (LICENSE_MANAGER, ADMINISTRATOR, USER)
# roles of the vendor's own staff
BACK_OFFICE = "back_office"
SUPPORT = "support"
OPERATOR_ROLES = (BACK_OFFICE, SUPPORT)

HIDDEN_CLIENT = _("Client not found.")
READ_ONLY_CLIENT = _("You have read-only access to this client.")


@dataclass(frozen=True)
class Principal:
    kind: str = "anonymous"              # user | operator | service | anonymous
    account_id: str | None = None
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    clients: dict[str, str] = field(default_factory=dict)  # client_id -> full | read; hidden ones absent
    lang: str = "de"
    session_id: str | None = None
    service: str | None = None           # for kind == service: which service acts

    # --- construction -------------------------------------------------------------------------------------------
    @classmethod
    def anonymous(cls, lang: str = "de") -> "Principal":
        return cls(lang=normalise_language(lang))

    @classmethod
    def system(cls, service: str, account_id: str | None = None, lang: str = "de") -> "Principal":
        """A service acting on its own behalf (timers, event handlers), optionally for one account."""
        return cls(kind="service", service=service, account_id=account_id, lang=lang)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "lang": self.lang}
        for key in ("account_id", "user_id", "session_id", "service"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.roles:
            data["roles"] = list(self.roles)
        if self.clients:
            data["clients"] = dict(self.clients)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Principal":
        clients = {str(k): v for k, v in (data.get("clients") or {}).items() if v in RIGHTS}
        return cls(
            kind=data.get("kind", "anonymous"),
            account_id=data.get("account_id"),
            user_id=data.get("user_id"),
            roles=tuple(data.get("roles") or ()),
            clients=clients,
            lang=normalise_language(data.get("lang")),
            session_id=data.get("session_id"),
            service=data.get("service"),
        )

    # --- questions services ask -------------------------------------------------------------------------------------
    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_operator(self) -> bool:
        return self.kind == "operator"

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def visible_client_ids(self) -> list[str]:
        return list(self.clients)

    def writable_client_ids(self) -> list[str]:
        return [c for c, right in self.clients.items() if right == FULL]

    def right_on(self, client_id: str | None) -> str | None:
        if client_id is None:
            return None
        return self.clients.get(str(client_id))

    # --- guards -----------------------------------------------------------------------------------------------------
    def require_authenticated(self) -> "Principal":
        if self.kind == "anonymous":
            raise Unauthenticated()
        return self

    def require_account(self) -> str:
        """The account the caller acts in; operators and anonymous callers have none."""
        if self.kind in ("user", "service") and self.account_id:
            return self.account_id
        if self.kind == "anonymous":
            raise Unauthenticated()
        raise Forbidden(_("Only for users of an account."))

    def require_role(self, *roles: str) -> "Principal":
        self.require_authenticated()
        if self.kind == "service":
            return self
        if not self.has_role(*roles):
            raise Forbidden(_("This needs the role ({roles}).").format(roles=", ".join(roles)))
        return self

    def require_operator(self, *roles: str) -> "Principal":
        if self.kind == "service":
            return self
        if self.kind != "operator":
            raise Forbidden(_("Only for the operator's staff."))
        if roles and not self.has_role(*roles):
            raise Forbidden(_("This needs the role ({roles}).").format(roles=", ".join(roles)))
        return self

    def can_see_client(self, client_id: str | None) -> bool:
        if self.kind == "service":
            return True
        return self.right_on(client_id) is not None

    def check_client(self, client_id: str | None, write: bool = False) -> None:
        """Hidden -> NotFound (never confirm existence); read only + write -> Forbidden."""
        if self.kind == "service":
            return
        right = self.right_on(client_id)
        if right is None:
            raise NotFound(HIDDEN_CLIENT)
        if write and right != FULL:
            raise Forbidden(READ_ONLY_CLIENT)

    def check_row(self, row_account_id: Any, row_client_id: Any | None, write: bool = False,
                  not_found: Text | None = None) -> None:
        """Guard for one loaded row: another account's or a hidden client's row is simply not there."""
        account = self.require_account()
        if str(row_account_id) != str(account):
            raise NotFound(not_found)
        if row_client_id is not None:
            if self.kind != "service" and self.right_on(str(row_client_id)) is None:
                raise NotFound(not_found)
            if write:
                self.check_client(str(row_client_id), write=True)


# --- wire format ------------------------------------------------------------------------------------------------------

SINGLE_KEY_ID = "0"  # the key id of a plain (single) PRINCIPAL_SECRET
_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_ENTRY = re.compile(r"^([A-Za-z0-9_-]{1,32}):(\S+)$")


class KeyRing:
    """The principal keys: ``signing`` (the first) signs, all of ``keys`` verify. ``ttl``/``service_ttl``: the
    lifetime in seconds of the tokens it mints for users and operators / for service principals."""

    __slots__ = ("keys", "signing", "ttl", "service_ttl")

    def __init__(self, keys: list[tuple[str, str]], ttl: float | None = None, service_ttl: float | None = None):
        if not keys:
            raise ValueError("PRINCIPAL_SECRET: the key ring is empty")
        ring: dict[str, bytes] = {}
        for kid, secret in keys:
            if not _KID.match(kid):
                raise ValueError(f"PRINCIPAL_SECRET: bad key id {kid!r} (letters, digits, - and _, at most 32)")
            if kid in ring:
                raise ValueError(f"PRINCIPAL_SECRET: the key id {kid!r} is in the ring twice")
            if not secret:
                raise ValueError(f"PRINCIPAL_SECRET: the key {kid!r} is empty")
            ring[kid] = secret.encode()
        self.keys = ring
        self.signing = keys[0][0]
        self.ttl = float(ttl if ttl is not None else principal_token_ttl())
        self.service_ttl = float(service_ttl if service_ttl is not None else principal_service_token_ttl())

    @classmethod
    def parse(cls, value: str) -> "KeyRing":
        """``kid:secret[,kid:secret...]`` is a ring (the first signs); anything else is one secret, key id ``0``."""
        return _parse(value)

    @classmethod
    def coerce(cls, value: Union[str, "KeyRing"]) -> "KeyRing":
        return value if isinstance(value, KeyRing) else _parse(value)

    @property
    def secrets(self) -> list[str]:
        return [v.decode() for v in self.keys.values()]

    def __repr__(self) -> str:  # never the secrets
        return f"KeyRing(signing={self.signing!r}, kids={list(self.keys)!r})"


def ring_entries(value: str) -> list[tuple[str, str]]:
    """How a PRINCIPAL_SECRET value is read: a ring if every comma-separated part is ``kid:secret``, else one
    secret (key id ``0``)."""
    parts = [p.strip() for p in value.split(",")]
    matches = [_ENTRY.match(p) for p in parts]
    if parts and all(matches):
        return [(m.group(1), m.group(2)) for m in matches if m is not None]
    return [(SINGLE_KEY_ID, value)]


@functools.lru_cache(maxsize=32)
def _parse(value: str) -> KeyRing:
    if not isinstance(value, str) or not value:
        raise ValueError("PRINCIPAL_SECRET is not configured")
    return KeyRing(ring_entries(value))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _sig(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def encode(principal: Principal, secret: Union[str, KeyRing], ttl: float | None = None,
           now: float | None = None) -> str:
    """Sign with the ring's first key; the token expires ``ttl`` seconds from now (default: the ring's lifetime for
    the principal's kind)."""
    ring = KeyRing.coerce(secret)
    if ttl is None:
        ttl = ring.service_ttl if principal.kind == "service" else ring.ttl
    data = principal.to_dict()
    data["exp"] = int((time.time() if now is None else now) + ttl)
    body = json.dumps(data, separators=(",", ":"), sort_keys=True)
    kid = ring.signing
    return f"{kid}.{_sig(ring.keys[kid], kid + '.' + body)}.{body}"


def verify(token: Any, secret: Union[str, KeyRing]) -> tuple[Principal, int] | None:
    """(principal, expiry) if a key of the ring signed the token, whether or not it has expired; else None."""
    if not token or not isinstance(token, str):
        return None
    kid, _unused, rest = token.partition(".")
    sig, _unused, body = rest.partition(".")
    key = KeyRing.coerce(secret).keys.get(kid)
    if key is None or not body or not hmac.compare_digest(sig.encode(), _sig(key, kid + "." + body).encode()):
        return None
    try:
        data = json.loads(body)
        exp = data.get("exp")
        if not isinstance(exp, int) or isinstance(exp, bool):
            return None
        return Principal.from_dict(data), exp
    except (ValueError, TypeError, AttributeError):
        return None


def decode(token: str | None, secret: Union[str, KeyRing], now: float | None = None) -> Principal:
    """Verify and parse; anything missing, malformed, forged, signed with a key no longer in the ring, or expired
    is an anonymous caller."""
    checked = verify(token, secret)
    if checked is None:
        return Principal.anonymous()
    principal, exp = checked
    if (time.time() if now is None else now) >= exp:
        return Principal.anonymous()
    return principal


def filter_visible(principal: Principal, rows: Iterable[Any], client_attr: str = "client_id") -> list[Any]:
    return [r for r in rows if principal.can_see_client(getattr(r, client_attr))]
