"""Mediacenter: folders and files per client, type detected from the content, files attachable to contacts and
usable as mailing attachments; the storage an account uses is reported to billing after every change."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

import filetype
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from svckit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from svckit.settings import env
from svckit.textsafe import one_line
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import events
from ..contracts import FileUpdate, FolderCreate, FolderUpdate
from ..db.models import Contact, ContactFile, MediaFolder, StoredFile
from ..i18n import _
from .common import NOT_FOUND, Scope, iso, load, user_uuid
from .uploads import offer, spooled, store

FOLDER_EXISTS = _("A folder with this name exists here.")
OTHER_CLIENT = _("The folder belongs to another client.")
FILE_OTHER_CLIENT = _("The file belongs to another client than the contact.")
CYCLE = _("A folder cannot be inside itself.")
TOO_LARGE = _("The file is too large (at most {mb} MB).")
ATTACHMENTS_TOO_LARGE = _("The attachments are too large together (at most {mb} MB).")
MEDIA_PURPOSES = ("media", "attachment")


def max_media_bytes(config: dict) -> int:
    return int(config.get("CRM_MEDIA_MAX_BYTES") or env("CRM_MEDIA_MAX_BYTES", str(100 * 1024 * 1024)))


def detect_type(path: Path, declared: str) -> str:
    """The content decides: magic numbers first, then plain text; the browser's claim only as a last resort."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime == "application/zip":
            # Office documents are ZIP containers: their first part names tell them apart
            if b"word/" in head[:2000]:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if b"xl/" in head[:2000]:
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if b"ppt/" in head[:2000]:
                return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        return kind.mime
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    return "application/octet-stream"


def serialise_folder(f: MediaFolder) -> dict[str, Any]:
    return {"id": str(f.id), "client_id": str(f.client_id), "parent_id": iso(f.parent_id), "name": f.name,
            "created_at": iso(f.created_at)}


def serialise_file(f: StoredFile) -> dict[str, Any]:
    return {"id": str(f.id), "client_id": iso(f.client_id), "folder_id": iso(f.folder_id), "name": f.name,
            "content_type": f.content_type, "size": f.size, "sha256": f.sha256, "created_at": iso(f.created_at),
            "created_by": iso(f.created_by)}


def usage_bytes(session: Session, account_id) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(StoredFile.size), 0)).where(
        StoredFile.account_id == account_id, StoredFile.purpose.in_(MEDIA_PURPOSES))) or 0)


def usage_event(session: Session, account_id) -> tuple[str, dict]:
    return events.USAGE_RECORDED, events.storage_usage(account_id, usage_bytes(session, account_id))


def _folder(session, principal, folder_id, write=False) -> MediaFolder:
    return load(session, MediaFolder, folder_id, principal, "folder", field="folder_id", write=write)


def _file(session, principal, file_id, write=False) -> StoredFile:
    f = load(session, StoredFile, file_id, principal, "file", field="file_id", write=write)
    if f.purpose not in MEDIA_PURPOSES or f.client_id is None:
        raise NotFound(NOT_FOUND["file"])
    return f


def create_folder(work: Work, data: FolderCreate) -> dict:
    session, principal = work.session, work.principal
    principal.check_client(str(data.client_id), write=True)
    if data.parent_id is not None:
        parent = _folder(session, principal, data.parent_id)
        if parent.client_id != data.client_id:
            raise InvalidInput(fields={"parent_id": OTHER_CLIENT})
    f = MediaFolder(id=uuid.uuid4(), account_id=uuid.UUID(principal.require_account()), client_id=data.client_id,
                    parent_id=data.parent_id, name=data.name)
    session.add(f)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(FOLDER_EXISTS, fields={"name": FOLDER_EXISTS}) from None
    return serialise_folder(f)


def list_folders(work: Work, client_id: Any, parent_id: Any = None) -> dict:
    session, principal = work.session, work.principal
    cid = parse_uuid(client_id, "client_id")
    principal.check_client(str(cid))
    scope = Scope(principal)
    query = select(MediaFolder).where(MediaFolder.account_id == scope.account_id, MediaFolder.client_id == cid)
    if parent_id:
        parent = _folder(session, principal, parent_id)
        query = query.where(MediaFolder.parent_id == parent.id)
        files = session.scalars(select(StoredFile).where(StoredFile.folder_id == parent.id)
                                .order_by(StoredFile.name)).all()
    else:
        query = query.where(MediaFolder.parent_id.is_(None))
        files = []
    return {"folders": [serialise_folder(f) for f in session.scalars(query.order_by(MediaFolder.name))],
            "files": [serialise_file(f) for f in files]}


def update_folder(work: Work, folder_id: Any, data: FolderUpdate) -> dict:
    session, principal = work.session, work.principal
    f = _folder(session, principal, folder_id, write=True)
    changes = data.model_dump(exclude_unset=True)
    if data.name:   # set and not empty (as changes.get("name"))
        if "/" in data.name or "\\" in data.name:
            raise InvalidInput(fields={"name": _("The name must not contain slashes.")})
        f.name = data.name
    if "parent_id" in changes:
        if data.parent_id is not None:
            parent = _folder(session, principal, data.parent_id, write=True)
            if parent.client_id != f.client_id:
                raise InvalidInput(fields={"parent_id": OTHER_CLIENT})
            walk: MediaFolder | None = parent
            while walk is not None:
                if walk.id == f.id:
                    raise InvalidInput(fields={"parent_id": CYCLE})
                walk = session.get(MediaFolder, walk.parent_id) if walk.parent_id else None
        f.parent_id = data.parent_id
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(FOLDER_EXISTS, fields={"name": FOLDER_EXISTS}) from None
    return serialise_folder(f)


def delete_folder(work: Work, storage, folder_id: Any) -> None:
    session, principal = work.session, work.principal
    f = _folder(session, principal, folder_id, write=True)
    ids, frontier = [f.id], [f.id]
    while frontier:
        frontier = list(session.scalars(select(MediaFolder.id).where(MediaFolder.parent_id.in_(frontier))))
        ids += frontier
    keys = list(session.scalars(select(StoredFile.storage_key).where(StoredFile.folder_id.in_(ids))))
    session.delete(f)
    session.flush()
    for key in keys:
        storage.delete(key)
    work.emit(*usage_event(session, f.account_id))


def upload_file(work: Work, storage, folder_id: Any, raw_upload: Any) -> dict:
    session, principal, config = work.session, work.principal, work.config
    folder = _folder(session, principal, folder_id, write=True)
    upload, path = spooled(config, raw_upload)
    limit = max_media_bytes(config)
    if upload.size > limit:
        text = TOO_LARGE.format(mb=limit // (1024 * 1024))
        raise PayloadTooLarge(text, fields={"file": text})
    content_type = detect_type(path, upload.content_type)
    f = store(session, storage, path, account_id=folder.account_id, client_id=folder.client_id, purpose="media",
              name=upload.filename, content_type=content_type, size=upload.size, sha256=upload.sha256,
              created_by=user_uuid(principal), folder_id=folder.id)
    work.emit(*usage_event(session, folder.account_id))
    return serialise_file(f)


def get_file(work: Work, file_id: Any) -> dict:
    session, principal = work.session, work.principal
    return serialise_file(_file(session, principal, file_id))


def update_file(work: Work, file_id: Any, data: FileUpdate) -> dict:
    session, principal = work.session, work.principal
    f = _file(session, principal, file_id, write=True)
    changes = data.model_dump(exclude_unset=True)
    if data.name:   # set and not empty (as changes.get("name"))
        f.name = data.name
    if changes.get("folder_id"):
        folder = _folder(session, principal, data.folder_id, write=True)
        if folder.client_id != f.client_id:
            raise InvalidInput(fields={"folder_id": OTHER_CLIENT})
        f.folder_id = folder.id
    session.flush()
    return serialise_file(f)


def delete_file(work: Work, storage, file_id: Any) -> None:
    session, principal = work.session, work.principal
    f = _file(session, principal, file_id, write=True)
    key, account = f.storage_key, f.account_id
    session.delete(f)
    session.flush()
    storage.delete(key)
    work.emit(*usage_event(session, account))


def download(work: Work, storage, file_id: Any) -> dict:
    session, principal, config = work.session, work.principal, work.config
    return offer(config, storage, _file(session, principal, file_id))


def attach(work: Work, contact_id: Any, file_id: Any) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    f = _file(session, principal, file_id)
    if f.client_id != c.client_id:
        raise InvalidInput(fields={"file_id": FILE_OTHER_CLIENT})
    session.execute(insert(ContactFile).values(contact_id=c.id, file_id=f.id, account_id=c.account_id)
                    .on_conflict_do_nothing())
    session.flush()
    return serialise_file(f)


def detach(work: Work, contact_id: Any, file_id: Any) -> None:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    link = session.get(ContactFile, (c.id, parse_uuid(file_id, "file_id")))
    if link is None:
        raise NotFound(NOT_FOUND["file"])
    session.delete(link)
    session.flush()


def contact_files(work: Work, contact_id: Any) -> list[dict]:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id")
    rows = session.scalars(select(StoredFile).join(ContactFile, ContactFile.file_id == StoredFile.id)
                           .where(ContactFile.contact_id == c.id).order_by(StoredFile.name))
    return [serialise_file(f) for f in rows]


def attachments(work: Work, storage, file_ids: Any) -> list[dict]:
    """dispatch: mailing attachments' bytes in one call (base64), rights as for any read, total size bounded."""
    session, principal, config = work.session, work.principal, work.config
    if not isinstance(file_ids, list) or not file_ids or len(file_ids) > 20:
        raise InvalidInput(fields={"file_ids": _("1 to 20 file ids expected.")})
    files = [_file(session, principal, fid) for fid in file_ids]
    limit = int(config.get("CRM_ATTACHMENTS_MAX_BYTES") or env("CRM_ATTACHMENTS_MAX_BYTES", str(20 * 1024 * 1024)))
    if sum(f.size for f in files) > limit:
        raise PayloadTooLarge(ATTACHMENTS_TOO_LARGE.format(mb=limit // (1024 * 1024)))
    out = []
    for f in files:
        with storage.open(f.storage_key) as fh:
            data = fh.read()
        # one line whatever is stored (names from before the rule): the name goes into a mail header
        out.append({**serialise_file(f), "filename": one_line(f.name) or "attachment",
                    "content_b64": base64.b64encode(data).decode()})
    return out
