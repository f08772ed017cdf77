"""IMAP archive: a user's mailbox, its new messages matched to contacts by address and archived into history.

- The mailbox password is stored encrypted (Fernet under a rotatable key ring, crm.keyring: CRM_SECRET_KEY
  encrypts, CRM_SECRET_KEYS_OLD still decrypt) and never returned.
- Per folder, UIDVALIDITY and the last archived UID are kept: a sync fetches only UIDs above it; when the server
  changes UIDVALIDITY the folder is read again from the start, and the Message-ID keeps that from archiving
  anything twice (per account: ``archived_messages``; per contact: the history row's ``ref``).
- Matching: every address in From, To and Cc except the mailbox's own; only contacts in clients the mailbox owner
  may write get the entry. Attachments are stored once per client and linked to each history entry.
"""

from __future__ import annotations

import hashlib
import imaplib
import re
import socket
import ssl
import uuid
from datetime import timezone
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html import unescape
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import InvalidInput, NotFound, Unavailable
from svckit.jobs import JobContext
from svckit.jobs import serialise as job_json
from svckit.principal import Principal
from svckit.work import Work

from .contracts import MailboxIn, MailboxUpdate
from .db.models import (
    ArchivedMessage,
    ContactEmail,
    HistoryEntry,
    HistoryFile,
    Job,
    Mailbox,
    MailboxFolder,
    StoredFile,
)
from .i18n import _
from .keyring import KeyRing
from .usecases.common import NOT_FOUND, iso, user_uuid

FETCH_BATCH = 50
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
CANNOT_CONNECT = _("The mailbox cannot be reached: {reason}")
LOGIN_FAILED = _("Login to the mailbox failed (user name or password).")


# --- the password ---------------------------------------------------------------------------------------------------

def encrypt(config: dict, password: str) -> str:
    """Under the newest key of the ring (crm.keyring: CRM_SECRET_KEY, earlier keys in CRM_SECRET_KEYS_OLD)."""
    return KeyRing.from_config(config).encrypt(password)


def decrypt(config: dict, token: str) -> str:
    return KeyRing.from_config(config).decrypt(token)


# --- mailboxes (use cases) -------------------------------------------------------------------------------------------

def serialise(m: Mailbox) -> dict[str, Any]:
    return {"id": str(m.id), "host": m.host, "port": m.port, "security": m.security, "username": m.username,
            "folders": list(m.folders), "last_sync_at": iso(m.last_sync_at), "last_error": m.last_error,
            "password_set": bool(m.password_enc)}


def own_mailbox(session: Session, principal: Principal, mailbox_id: Any) -> Mailbox:
    from svckit.validation import parse_uuid
    m = session.get(Mailbox, parse_uuid(mailbox_id, "mailbox_id"))
    if m is None or str(m.account_id) != str(principal.require_account()) or \
            (not principal.is_service and str(m.user_id) != str(principal.user_id)):
        raise NotFound(NOT_FOUND["mailbox"])
    return m


def create(work: Work, data: MailboxIn) -> dict:
    session, principal, config = work.session, work.principal, work.config
    user = user_uuid(principal)
    if user is None:
        raise InvalidInput(fields={"user": _("Only for users.")})
    m = Mailbox(id=uuid.uuid4(), account_id=uuid.UUID(principal.require_account()), user_id=user, host=data.host,
                port=data.port, security=data.security, username=data.username,
                password_enc=encrypt(config, data.password), folders=list(dict.fromkeys(data.folders)),
                principal=principal.to_dict())
    session.add(m)
    session.flush()
    return serialise(m)


def update(work: Work, mailbox_id: Any, data: MailboxUpdate) -> dict:
    session, principal, config = work.session, work.principal, work.config
    m = own_mailbox(session, principal, mailbox_id)
    for key, value in data.model_dump(exclude_unset=True, exclude={"password"}).items():
        if value is not None:
            setattr(m, key, value)
    if data.password:
        m.password_enc = encrypt(config, data.password)
    m.principal = principal.to_dict()     # the owner's rights as of now
    session.flush()
    return serialise(m)


def mailboxes(work: Work) -> list[dict]:
    session, principal = work.session, work.principal
    rows = session.scalars(select(Mailbox).where(Mailbox.account_id == uuid.UUID(principal.require_account()),
                                                 Mailbox.user_id == user_uuid(principal)).order_by(Mailbox.created_at))
    return [serialise(m) for m in rows]



def get(work: Work, mailbox_id: Any) -> dict:
    return serialise(own_mailbox(work.session, work.principal, mailbox_id))


def delete(work: Work, mailbox_id: Any) -> None:
    work.session.delete(own_mailbox(work.session, work.principal, mailbox_id))


def start_sync(work: Work, queue: Any, mailbox_id: Any) -> dict:
    """A sync job for one of the caller's mailboxes, run with the owner's rights as of now (``queue``: the
    service's ``self.jobs``)."""
    m = own_mailbox(work.session, work.principal, mailbox_id)
    m.principal = work.principal.to_dict()
    return job_json(queue.enqueue(work.session, "imap_sync", work.principal, {"mailbox_id": str(m.id)}))


def queue_syncs(work: Work, queue: Any) -> int:
    """A sync job, as the mailbox's owner, for each mailbox that has none waiting or running; returns how many."""
    session = work.session
    busy = {j.params.get("mailbox_id") for j in session.scalars(
        select(Job).where(Job.kind == "imap_sync", Job.state.in_(("queued", "running"))))}
    n = 0
    for m in session.scalars(select(Mailbox)):
        if str(m.id) not in busy:
            owner = Principal.from_dict(m.principal or {})
            if owner.account_id:
                queue.enqueue(session, "imap_sync", owner, {"mailbox_id": str(m.id)})
                n += 1
    return n

# --- IMAP ------------------------------------------------------------------------------------------------------------

def connect(m: Mailbox, password: str, timeout: float = 30) -> imaplib.IMAP4:
    try:
        if m.security == "ssl":
            imap = imaplib.IMAP4_SSL(m.host, m.port, ssl_context=ssl.create_default_context(), timeout=timeout)
        else:
            imap = imaplib.IMAP4(m.host, m.port, timeout=timeout)
            if m.security == "starttls":
                imap.starttls(ssl_context=ssl.create_default_context())
    except (OSError, socket.timeout, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise Unavailable(CANNOT_CONNECT.format(reason=str(exc)[:200] or type(exc).__name__)) from None
    try:
        imap.login(m.username, password)
    except imaplib.IMAP4.error:
        try:
            imap.shutdown()
        except OSError:
            pass
        raise InvalidInput(LOGIN_FAILED, fields={"password": LOGIN_FAILED}) from None
    return imap


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style).*?</\1>", " ", content)))
    return re.sub(r"[ \t]+\n", "\n", content).strip()[:200000]


def _addresses(msg, header: str) -> list[str]:
    return [a.lower() for _n, a in getaddresses(msg.get_all(header, [])) if "@" in a]


def archive_message(session: Session, storage, m: Mailbox, writable: list[uuid.UUID] | None, raw: bytes,
                    folder: str) -> int:
    """Archive one message into the history of every matching contact; returns how many contacts got it."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = (msg.get("Message-ID") or "").strip()
    if not message_id:
        message_id = "<sha256:" + hashlib.sha256(raw).hexdigest() + ">"
    message_id = message_id[:390]
    if session.get(ArchivedMessage, (m.account_id, message_id)) is not None:
        return 0
    own = m.username.lower()
    senders, to, cc = _addresses(msg, "From"), _addresses(msg, "To"), _addresses(msg, "Cc")
    others = [a for a in dict.fromkeys(senders + to + cc) if a != own]
    if not others:
        return 0
    query = select(ContactEmail.contact_id, ContactEmail.client_id).where(
        ContactEmail.account_id == m.account_id, ContactEmail.email_norm.in_(others))
    if writable is not None:
        query = query.where(ContactEmail.client_id.in_(writable))
    matches = dict(session.execute(query).all())
    if not matches:
        return 0
    try:
        when = parsedate_to_datetime(msg["Date"]) if msg["Date"] else utcnow()
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        when = utcnow()
    body = _text_body(msg)
    direction = "out" if own in senders else "in"
    files_by_client: dict[uuid.UUID, list[uuid.UUID]] = {}
    attachments = [p for p in msg.iter_attachments()]
    for client_id in set(matches.values()):
        ids = []
        for part in attachments:
            data = part.get_payload(decode=True) or b""
            file_id = uuid.uuid4()
            key = f"{m.account_id}/attachment/{file_id}"
            storage.put_bytes(key, data)
            session.add(StoredFile(id=file_id, account_id=m.account_id, client_id=client_id, purpose="attachment",
                                   name=(part.get_filename() or "attachment")[:255],
                                   content_type=part.get_content_type()[:150], size=len(data),
                                   sha256=hashlib.sha256(data).hexdigest(), storage_key=key, created_by=m.user_id))
            ids.append(file_id)
        files_by_client[client_id] = ids
    session.flush()
    ref = f"msgid:{message_id}"
    for contact_id, client_id in matches.items():
        hid = uuid.uuid4()
        inserted = session.execute(insert(HistoryEntry).values(
            id=hid, account_id=m.account_id, client_id=client_id, contact_id=contact_id, kind="email",
            occurred_at=when, subject=str(msg.get("Subject") or "")[:500], body=body, ref=ref,
            created_by=m.user_id,
            data={"message_id": message_id, "from": senders, "to": to, "cc": cc, "direction": direction,
                  "folder": folder, "mailbox_id": str(m.id)},
        ).on_conflict_do_nothing(index_elements=["contact_id", "ref"], index_where=HistoryEntry.ref.isnot(None)))
        if inserted.rowcount:
            for file_id in files_by_client.get(client_id, []):
                session.add(HistoryFile(history_id=hid, file_id=file_id, account_id=m.account_id))
    session.add(ArchivedMessage(account_id=m.account_id, message_id=message_id, contacts=len(matches)))
    session.flush()
    return len(matches)


def sync(ctx: JobContext) -> dict:
    """Job ``imap_sync``: fetch what is new in the mailbox's folders and archive it."""
    s = ctx.session
    m = s.get(Mailbox, uuid.UUID(ctx.params["mailbox_id"]))
    if m is None:
        return {"archived": 0, "contacts": 0}
    owner = Principal.from_dict(m.principal or {})
    writable = [uuid.UUID(c) for c in owner.writable_client_ids()]
    password = decrypt(ctx.config, m.password_enc)
    stats = {"messages": 0, "archived": 0, "contacts": 0, "folders": {}}
    try:
        imap = connect(m, password)
    except Exception as exc:
        m.last_error = str(exc)[:500]
        s.commit()
        raise
    try:
        for folder in m.folders:
            typ, _data = imap.select(_quote(folder), readonly=True)
            if typ != "OK":
                stats["folders"][folder] = "missing"
                continue
            uidvalidity = int((imap.response("UIDVALIDITY")[1] or [b"0"])[0])
            state = s.get(MailboxFolder, (m.id, folder))
            if state is None or state.uidvalidity != uidvalidity:
                if state is None:
                    state = MailboxFolder(mailbox_id=m.id, folder=folder, uidvalidity=uidvalidity, last_uid=0)
                    s.add(state)
                state.uidvalidity, state.last_uid = uidvalidity, 0
                s.flush()
            typ, data = imap.uid("SEARCH", None, f"UID {state.last_uid + 1}:*")
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > state.last_uid)
            for i in range(0, len(uids), FETCH_BATCH):
                chunk = uids[i:i + FETCH_BATCH]
                typ, fetched = imap.uid("FETCH", ",".join(map(str, chunk)), "(UID RFC822.SIZE BODY.PEEK[])")
                for item in fetched:
                    if not isinstance(item, tuple):
                        continue
                    meta, raw = item
                    if len(raw) > MAX_MESSAGE_BYTES:
                        continue
                    stats["messages"] += 1
                    n = archive_message(s, ctx.storage, m, writable, raw, folder)
                    if n:
                        stats["archived"] += 1
                        stats["contacts"] += n
                state.last_uid = max(chunk)
                s.commit()
                ctx.progress(stats["messages"])
            stats["folders"][folder] = state.last_uid
        m.last_sync_at = utcnow()
        m.last_error = None
        s.commit()
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return stats
