"""The crm's secrets at rest (IMAP mailbox passwords) under a key ring that can be rotated.

- ``CRM_SECRET_KEY`` is the newest key: it encrypts. ``CRM_SECRET_KEYS_OLD`` (comma-separated) lists earlier keys:
  they only decrypt. Each key becomes a Fernet key (SHA-256 of a purpose prefix and the secret) and a key id (the
  first 8 hex digits of another SHA-256 of it, so the id reveals nothing about the key).
- A ciphertext names its key: ``v1:<key id>:<Fernet token>``. Tokens written before the ring (a bare Fernet token)
  are still read, with every configured key tried.
- :func:`rekey` rewrites every secret that is not under the newest key (row by row, locked, in batches; idempotent:
  a second run finds nothing to do). The crm runs it by itself (timer ``rekey_secrets``); an operator runs it now and
  checks that nothing is left under an old key with ``python -m crm.keyring rekey`` / ``status`` before removing
  the old key from ``CRM_SECRET_KEYS_OLD``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svckit.errors import Unavailable
from svckit.settings import env
from svckit.textsafe import like_prefix

from .db.models import Mailbox
from .i18n import _

VERSION = "v1"
NO_KEY = _("No key is configured for mailboxes (CRM_SECRET_KEY).")
UNREADABLE = _("The stored password cannot be decrypted; please enter it again.")


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("pressroom-crm-mailbox:" + secret).encode()).digest()))


def key_id(secret: str) -> str:
    return hashlib.sha256(("pressroom-crm-key-id:" + secret).encode()).hexdigest()[:8]


class KeyRing:
    """The newest key encrypts; every key decrypts. Never logs or shows a key (``repr`` names only the ids)."""

    def __init__(self, current: str, old: list[str] | tuple[str, ...] = ()):
        if not current:
            raise Unavailable(NO_KEY)
        self.current_id = key_id(current)
        self._keys: dict[str, Fernet] = {}
        for secret in [current, *old]:
            if secret:
                self._keys.setdefault(key_id(secret), _fernet(secret))
        self._any = MultiFernet(list(self._keys.values()))

    @classmethod
    def from_config(cls, config: dict | None = None) -> "KeyRing":
        config = config or {}
        current = config.get("CRM_SECRET_KEY") or env("CRM_SECRET_KEY")
        old = config.get("CRM_SECRET_KEYS_OLD") or env("CRM_SECRET_KEYS_OLD") or ""
        if isinstance(old, str):
            old = [k.strip() for k in old.split(",")]
        return cls(current or "", [k for k in old if k])

    @property
    def ids(self) -> list[str]:
        return list(self._keys)

    def __repr__(self) -> str:
        return f"KeyRing(current={self.current_id}, keys={self.ids})"

    def encrypt(self, plain: str) -> str:
        return f"{VERSION}:{self.current_id}:{self._keys[self.current_id].encrypt(plain.encode()).decode()}"

    def key_of(self, stored: str) -> str | None:
        """The id of the key a ciphertext was made with (None: written before the ring, key unnamed)."""
        parts = (stored or "").split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == VERSION else None

    def decrypt(self, stored: str) -> str:
        try:
            kid = self.key_of(stored)
            if kid is None:
                return self._any.decrypt(stored.encode()).decode()
            if kid not in self._keys:
                raise InvalidToken
            return self._keys[kid].decrypt(stored.split(":", 2)[2].encode()).decode()
        except (InvalidToken, ValueError, TypeError):
            raise Unavailable(UNREADABLE) from None

    def is_current(self, stored: str) -> bool:
        return self.key_of(stored) == self.current_id


def _current_pattern(ring: KeyRing) -> str:
    return like_prefix(f"{VERSION}:{ring.current_id}:")


def rekey(session: Session, ring: KeyRing, batch: int = 200) -> dict[str, int]:
    """Rewrite every mailbox password that is not under the newest key; commits after each batch.

    Each row is locked while it is rewritten (``FOR UPDATE SKIP LOCKED``; a row a user is changing right now is
    left for the next run), re-read under the lock and skipped if it is current by then, so a password the user
    just set is never overwritten with an older one. Rows no configured key can read are counted, not changed."""
    rewritten = unreadable = 0
    after = None
    while True:
        query = select(Mailbox).where(~Mailbox.password_enc.like(_current_pattern(ring)))
        if after is not None:
            query = query.where(Mailbox.id > after)
        rows = session.scalars(query.order_by(Mailbox.id).limit(batch).with_for_update(skip_locked=True)).all()
        if not rows:
            session.commit()
            return {"rewritten": rewritten, "unreadable": unreadable}
        for m in rows:
            after = m.id
            try:
                m.password_enc = ring.encrypt(ring.decrypt(m.password_enc))
                rewritten += 1
            except Unavailable:
                unreadable += 1
        session.commit()


def status(session: Session, ring: KeyRing) -> dict[str, Any]:
    """How many secrets each key holds: ``{"current": id, "keys": {id: n}, "unnamed": n, "total": n}``. An old
    key can go once no secret names it (and ``unnamed`` is 0)."""
    keys: dict[str, int] = {}
    unnamed = 0
    for stored, n in session.execute(select(func.split_part(Mailbox.password_enc, ":", 2).label("kid"),
                                            func.count()).where(Mailbox.password_enc.like(f"{VERSION}:%"))
                                     .group_by("kid")).all():
        keys[stored] = n
    unnamed = session.scalar(select(func.count()).select_from(Mailbox)
                             .where(~Mailbox.password_enc.like(f"{VERSION}:%"))) or 0
    return {"current": ring.current_id, "configured": ring.ids, "keys": keys, "unnamed": unnamed,
            "total": sum(keys.values()) + unnamed}


def main(argv: list[str] | None = None) -> int:
    """``python -m crm.keyring status|rekey``: with the crm's environment (CRM_SECRET_KEY, CRM_SECRET_KEYS_OLD, the
    database URL). Exit status 0 when every secret is under the newest key afterwards, 1 otherwise."""
    from sqlalchemy import create_engine

    from svckit.settings import database_url

    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "status"
    if command not in ("status", "rekey"):
        print("usage: python -m crm.keyring status|rekey", file=sys.stderr)
        return 2
    ring = KeyRing.from_config()
    engine = create_engine(database_url("crm"))
    try:
        with Session(bind=engine) as session:
            out: dict[str, Any] = {}
            if command == "rekey":
                out["rekey"] = rekey(session, ring)
            out["status"] = status(session, ring)
    finally:
        engine.dispose()
    print(json.dumps(out, indent=2))
    state = out["status"]
    return 0 if state["keys"].get(ring.current_id, 0) == state["total"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
