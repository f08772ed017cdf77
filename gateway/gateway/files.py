"""Files through the gateway: uploads spooled to disk while counted and hashed, downloads streamed from the spool
or decoded from an RPC answer, and RFC 6266 ``Content-Disposition`` headers.

Files travel as streams, never inside an RPC message where it can be avoided: an upload's body is written to the
spool directory (``UPLOAD_DIR``, default var/uploads, shared with the services that take files) while its size is
counted against the route's limit and its SHA-256 computed; the service gets the spool token, size and hash and
takes the file from there. A download is the reverse: the service places the file in the spool (a hard link where
possible) and the gateway streams it out and removes the spool entry. Used by :mod:`gateway.routing`
(``Route(upload_limit=...)``, ``Route(download="spool" | "base64")``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import unicodedata
import uuid
from pathlib import Path
from urllib.parse import quote, unquote

import falcon

from svckit.errors import InvalidInput, PayloadTooLarge
from svckit.settings import env
from svckit.textsafe import one_line
from svckit.validation import check_line

from .i18n import _

MB = 1024 * 1024

FILENAME_MISSING = _("File name missing (parameter filename or Content-Disposition).")
TOO_LARGE = _("The file is too large (at most {mb} MB).")
EMPTY = _("The file is empty.")

_DISPOSITION_NAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.I)


def spool_dir() -> Path:
    path = Path(env("UPLOAD_DIR", "var/uploads")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_filename(req: falcon.Request) -> str:
    """The upload's name: ``?filename=`` or the request's Content-Disposition; a 422 naming ``filename`` if none."""
    name = req.get_param("filename")
    if not name:
        disposition = req.get_header("Content-Disposition") or ""
        m = _DISPOSITION_NAME.search(disposition)
        if m:
            name = unquote(m.group(1))
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    if not name:
        raise InvalidInput(FILENAME_MISSING, fields={"filename": FILENAME_MISSING})
    check_line(name, "filename")   # a line break in a stored name would end up in headers (issue 13)
    return name[:255]


def spool_upload(req: falcon.Request, limit: int) -> dict:
    """Write the request body to the spool while counting and hashing it; refuse it past ``limit`` bytes."""
    mb = limit // MB
    if req.content_length is not None and req.content_length > limit:
        raise PayloadTooLarge(TOO_LARGE.format(mb=mb), fields={"file": TOO_LARGE.format(mb=mb)}, limit=limit)
    filename = upload_filename(req)
    token = uuid.uuid4().hex
    path = spool_dir() / token
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "wb") as out:
            while True:
                chunk = req.bounded_stream.read(256 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(TOO_LARGE.format(mb=mb), fields={"file": TOO_LARGE.format(mb=mb)},
                                          limit=limit)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput(EMPTY, fields={"file": EMPTY})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return {"token": token, "filename": filename, "size": size, "sha256": digest.hexdigest(),
            "content_type": (req.content_type or "application/octet-stream").split(";")[0][:150]}


def drop_upload(upload: dict) -> None:
    (spool_dir() / upload["token"]).unlink(missing_ok=True)


def content_disposition(name: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback (accents dropped, quotes, backslashes and controls replaced) and the exact name as
    ``filename*`` (RFC 5987, UTF-8, percent-encoded). Controls are removed first, so no stored name (older rows,
    another path) can break the header."""
    name = one_line(name) or "download"
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_"
                       for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def stream_download(resp: falcon.Response, info: dict) -> None:
    """Stream a file the service placed in the spool (``{token, size, filename, content_type}``); the spool entry is
    removed as soon as it is open (POSIX keeps the inode readable until the stream is closed)."""
    path = spool_dir() / info["token"]
    handle = open(path, "rb")
    path.unlink(missing_ok=True)
    resp.content_type = info.get("content_type") or "application/octet-stream"
    resp.set_stream(handle, info["size"])
    resp.set_header("Content-Disposition", content_disposition(info.get("filename") or ""))
    resp.set_header("Cache-Control", "private, no-store")


def send_base64(resp: falcon.Response, info: dict, kind: str = "attachment") -> None:
    """Answer with a small file the service returned inside its answer (``{content_b64, filename, content_type}``)."""
    resp.content_type = info.get("content_type") or "application/octet-stream"
    resp.data = base64.b64decode(info["content_b64"])
    resp.set_header("Content-Disposition", content_disposition(info.get("filename") or "", kind))
