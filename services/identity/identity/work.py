"""The unit of work every use case runs in, and the dependencies that feed it.

A use case gets a :class:`Work`: the SQLAlchemy session, ``now`` (from the injectable ``svckit.clock.Clock``), the
caller's principal and client address, and three collectors of side effects that must only happen after the
commit: events (written to the outbox in the same transaction), mails and principal-cache invalidations.
``work.commit()`` commits, then bumps the cache and sends the mails. Repositories never commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.orm import Session

from svckit.authcache import Invalidator
from svckit.mail import TransactionalMail
from svckit.principal import Principal

from .db.models import AuditEntry, UserSession

log = logging.getLogger(__name__)


class AuthCache(DependencyProvider):
    """The principal-cache invalidator (svckit.authcache), configured by REDIS_URL / AUTH_CACHE_PREFIX."""

    def setup(self) -> None:
        config = self.container.config
        self.invalidator = Invalidator(config.get("REDIS_URL"), config.get("AUTH_CACHE_PREFIX"))

    def get_dependency(self, worker_ctx) -> Invalidator:
        return self.invalidator


class Work:
    def __init__(self, db: Session, now: datetime, principal: Principal, outbox=None, mailer=None,
                 invalidator: Invalidator | None = None, client: dict | None = None, config: dict | None = None):
        self.db = db
        self.now = now
        self.principal = principal
        self.outbox = outbox
        self.mailer = mailer
        self.invalidator = invalidator
        self.client = client or {}
        self.config = config or {}
        self.mails: list[tuple[TransactionalMail, bool]] = []
        self.stale: set[bytes] = set()

    # --- side effects after commit -----------------------------------------------------------------------------
    @property
    def ip(self) -> str | None:
        ip = self.client.get("ip")
        return str(ip)[:64] if ip else None

    @property
    def user_agent(self) -> str | None:
        ua = self.client.get("user_agent")
        return str(ua)[:300] if ua else None

    def event(self, name: str, payload: dict[str, Any]) -> None:
        if self.outbox is not None:
            self.outbox.add(self.db, name, payload)

    def mail(self, mail: TransactionalMail, background: bool = False) -> None:
        """Send after the commit; ``background`` sends without holding up the reply (no timing hint)."""
        self.mails.append((mail, background))

    def invalidate(self, *, user_ids=None, account_id=None, session_ids=None) -> None:
        """Make the cached principals of these sessions stale after the commit (live and just-revoked ones)."""
        q = select(UserSession.token_hash).where(UserSession.expires_at > self.now - timedelta(minutes=1))
        if user_ids is not None:
            ids = list(user_ids)
            if not ids:
                return
            q = q.where(UserSession.user_id.in_(ids))
        if account_id is not None:
            q = q.where(UserSession.account_id == account_id)
        if session_ids is not None:
            q = q.where(UserSession.id.in_(list(session_ids)))
        q = q.where((UserSession.revoked_at.is_(None)) | (UserSession.revoked_at >= self.now - timedelta(minutes=1)))
        self.stale.update(self.db.execute(q).scalars().all())

    def audit(self, event: str, account_id=None, target_user_id=None, target_client_id=None,
              actor: Principal | None = None, actor_email: str | None = None, **details: Any) -> None:
        who = actor or self.principal
        actor_id = who.user_id or who.service
        if account_id is None and who.kind == "user":
            account_id = who.account_id
        self.db.add(AuditEntry(account_id=account_id, at=self.now, event=event, actor_kind=who.kind,
                               actor_id=str(actor_id) if actor_id else None, actor_email=actor_email,
                               target_user_id=target_user_id, target_client_id=target_client_id, ip=self.ip,
                               details={k: v for k, v in details.items() if v is not None}))

    def commit(self) -> None:
        self.db.commit()
        if self.stale and self.invalidator is not None:
            self.invalidator.bump(self.stale)
        self.stale = set()
        mails, self.mails = self.mails, []
        for mail, background in mails:
            if background:
                eventlet.spawn_n(self._send, mail)
            else:
                self._send(mail)

    def _send(self, mail: TransactionalMail) -> None:
        try:
            self.mailer.send(mail)
        except Exception:
            log.exception("could not send %s mail to %s", mail.category, mail.to)
