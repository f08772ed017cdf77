"""Files the gateway spooled: check them and take them into storage; place stored files in the spool to stream."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svckit.cooperative import in_thread
from svckit.errors import InvalidInput
from svckit.validation import parse

from ..contracts import Upload
from ..db.models import StoredFile
from ..i18n import _
from ..storage import Storage, spool_dir

UPLOAD_GONE = _("The uploaded file is not there (any more). Please upload it again.")
UPLOAD_DAMAGED = _("The file was damaged in transfer. Please upload it again.")


def spooled(config: dict, raw: Any) -> tuple[Upload, Path]:
    """The spooled upload, its size and SHA-256 checked against what the gateway measured."""
    upload = parse(Upload, raw, prefix="upload")
    path = spool_dir(config) / upload.token
    if not path.is_file():
        raise InvalidInput(UPLOAD_GONE, fields={"file": UPLOAD_GONE})
    if path.stat().st_size != upload.size:
        raise InvalidInput(UPLOAD_DAMAGED, fields={"file": UPLOAD_DAMAGED})
    if in_thread(_sha256, path) != upload.sha256:   # 50 MB of hashing: not on the service's event loop
        raise InvalidInput(UPLOAD_DAMAGED, fields={"file": UPLOAD_DAMAGED})
    return upload, path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store(session: Session, storage: Storage, path: Path, *, account_id, client_id, purpose: str, name: str,
          content_type: str, size: int, sha256: str, created_by=None, folder_id=None) -> StoredFile:
    """Take a file into storage (moved, not copied, when possible) and record it."""
    file_id = uuid.uuid4()
    key = f"{account_id}/{purpose}/{file_id}"
    storage.put_file(key, path, move=True)
    f = StoredFile(id=file_id, account_id=account_id, client_id=client_id, folder_id=folder_id, purpose=purpose,
                   name=name, content_type=content_type, size=size, sha256=sha256, storage_key=key,
                   created_by=created_by)
    session.add(f)
    session.flush()
    return f


def offer(config: dict, storage: Storage, f: StoredFile) -> dict[str, Any]:
    """Place a stored file in the spool for the gateway to stream out (it removes the spool entry)."""
    token = uuid.uuid4().hex
    storage.export_to(f.storage_key, spool_dir(config) / token)
    return {"token": token, "filename": f.name, "content_type": f.content_type, "size": f.size}
