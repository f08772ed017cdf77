"""identity's unit of work: svckit's :class:`svckit.work.Work` plus what only identity needs.

Besides the session, ``now``, the caller's principal and client (ip, user agent), the config and the events that
``work.emit`` writes to the outbox at the commit, identity's use cases collect two more side effects that must
only happen after the commit: mails (``work.mail``) and principal-cache invalidations (``work.invalidate``), and
write the audit log (``work.audit``). ``work.commit()`` commits, then bumps the cache and sends the mails.
Repositories never commit. The service declares ``work = IdentityUnitOfWork()``; entrypoints open
``with self.work(client=client) as work:``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.orm import Session

from svckit import deps
from svckit import work as svckit_work
from svckit.authcache import Invalidator
from svckit.mail import TransactionalMail, TransactionalMailer
from svckit.principal import Principal
from svckit.validation import parse

from .contracts import ClientInfo
from .db.models import AuditEntry, UserSession

log = logging.getLogger(__name__)


class AuthCache(DependencyProvider):
    """The principal-cache invalidator (svckit.authcache), configured by REDIS_URL / AUTH_CACHE_PREFIX."""

    def setup(self) -> None:
        config = self.container.config
        self.invalidator = Invalidator(config.get("REDIS_URL"), config.get("AUTH_CACHE_PREFIX"))

    def get_dependency(self, worker_ctx) -> Invalidator:
        return self.invalidator


class Work(svckit_work.Work):
    def __init__(self, db: Session, now: datetime, principal: Principal, outbox=None, mailer=None,
                 invalidator: Invalidator | None = None, client: Mapping[str, Any] | None = None,
                 config: dict | None = None, *, today: date | None = None):
        super().__init__(db, now, principal, outbox=outbox, client=client, config=config, today=today)
        self.mailer = mailer
        self.invalidator = invalidator
        self.stale: set[bytes] = set()

    @property
    def ip(self) -> str | None:
        ip = self.client.get("ip")
        return str(ip)[:64] if ip else None

    @property
    def user_agent(self) -> str | None:
        ua = self.client.get("user_agent")
        return str(ua)[:300] if ua else None

    # --- side effects after commit -----------------------------------------------------------------------------
    def mail(self, mail: TransactionalMail, background: bool = False) -> None:
        """Send after the commit; ``background`` sends without holding up the reply (no timing hint)."""
        if background:
            self.after_commit(lambda: eventlet.spawn_n(self._send, mail))
        else:
            self.after_commit(lambda: self._send(mail))

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
        self.stale.update(self.session.execute(q).scalars().all())

    def audit(self, event: str, account_id=None, target_user_id=None, target_client_id=None,
              actor: Principal | None = None, actor_email: str | None = None, **details: Any) -> None:
        who = actor or self.principal
        actor_id = who.user_id or who.service
        if account_id is None and who.kind == "user":
            account_id = who.account_id
        self.session.add(AuditEntry(account_id=account_id, at=self.now, event=event, actor_kind=who.kind,
                                    actor_id=str(actor_id) if actor_id else None, actor_email=actor_email,
                                    target_user_id=target_user_id, target_client_id=target_client_id, ip=self.ip,
                                    details={k: v for k, v in details.items() if v is not None}))

    def commit(self) -> None:
        """Commit (with the pending events), then bump the stale principals, then send the mails."""
        stale, self.stale = self.stale, set()
        if stale and self.invalidator is not None:
            invalidator = self.invalidator
            self.after_commit(lambda: invalidator.bump(stale), first=True)
        super().commit()

    def _send(self, mail: TransactionalMail) -> None:
        try:
            self.mailer.send(mail)
        except Exception:
            log.exception("could not send %s mail to %s", mail.category, mail.to)


class _WorkerMailer:
    """The worker's mailer, made when the first mail is sent (most units of work send none)."""

    def __init__(self, provider: TransactionalMailer, worker_ctx: Any):
        self.provider, self.worker_ctx, self.mailer = provider, worker_ctx, None

    def send(self, mail: TransactionalMail) -> Any:
        if self.mailer is None:
            self.mailer = self.provider.get_dependency(self.worker_ctx)
        return self.mailer.send(mail)


class IdentityUnitOfWork(svckit_work.UnitOfWork[Work]):
    """svckit's UnitOfWork with identity's Work: the mailer and the principal-cache invalidator (found by type),
    and the caller's client info validated (``ClientInfo``: ip, user agent)."""

    work_class = Work

    def setup(self) -> None:
        super().setup()
        self.mailer = deps.find(self.container, TransactionalMailer)
        self.cache = deps.find(self.container, AuthCache)

    def extras(self, worker_ctx: Any) -> dict[str, Any]:
        return {"mailer": _WorkerMailer(self.mailer, worker_ctx), "invalidator": self.cache.invalidator}

    def open(self, worker_ctx: Any, principal: Principal | None = None,
             client: Mapping[str, Any] | None = None) -> Work:
        info = parse(ClientInfo, client, "client").model_dump() if client else {}
        return super().open(worker_ctx, principal, info)
