"""Who is calling: the principal that travels in nameko's context data.

The gateway authenticates the HTTP request, asks identity for the caller's current rights and puts a signed,
compact JSON principal into the context data (key ``principal``). nameko forwards context data on every RPC call
and event a worker makes, so service-to-service calls carry the caller's identity without anyone passing it as an
argument (arguments are what a client controls; context data is not).

The signature (HMAC-SHA256 over the JSON, key ``PRINCIPAL_SECRET``) means a process that can reach the broker but
not the secret cannot mint an administrator.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from .errors import Forbidden, NotFound, Unauthenticated
from .i18n import Text, normalise_language

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

HIDDEN_CLIENT = Text("Mandant nicht gefunden.", "Client not found.")
READ_ONLY_CLIENT = Text("Für diesen Mandanten haben Sie nur Leserechte.",
                        "You have read-only access to this client.")


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
        raise Forbidden(Text("Nur für Benutzer eines Kontos.", "Only for users of an account."))

    def require_role(self, *roles: str) -> "Principal":
        self.require_authenticated()
        if self.kind == "service":
            return self
        if not self.has_role(*roles):
            raise Forbidden(Text("Dafür fehlt Ihnen die Rolle ({roles}).",
                                 "This needs the role ({roles}).").format(roles=", ".join(roles)))
        return self

    def require_operator(self, *roles: str) -> "Principal":
        if self.kind == "service":
            return self
        if self.kind != "operator":
            raise Forbidden(Text("Nur für Mitarbeiter des Betreibers.", "Only for the operator's staff."))
        if roles and not self.has_role(*roles):
            raise Forbidden(Text("Dafür fehlt Ihnen die Rolle ({roles}).",
                                 "This needs the role ({roles}).").format(roles=", ".join(roles)))
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


# --- wire format -------------------------------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _sig(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())


def encode(principal: Principal, secret: str) -> str:
    body = json.dumps(principal.to_dict(), separators=(",", ":"), sort_keys=True)
    return f"{_sig(secret, body)}.{body}"


def decode(token: str | None, secret: str) -> Principal:
    """Verify and parse; anything missing, malformed or forged is an anonymous caller."""
    if not token or not isinstance(token, str) or "." not in token:
        return Principal.anonymous()
    sig, _, body = token.partition(".")
    if not hmac.compare_digest(sig, _sig(secret, body)):
        return Principal.anonymous()
    try:
        return Principal.from_dict(json.loads(body))
    except (ValueError, TypeError, AttributeError):
        return Principal.anonymous()


def filter_visible(principal: Principal, rows: Iterable[Any], client_attr: str = "client_id") -> list[Any]:
    return [r for r in rows if principal.can_see_client(getattr(r, client_attr))]
