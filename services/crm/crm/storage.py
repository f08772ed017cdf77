"""Where file contents live: behind a small interface, the local filesystem by default (CRM_STORAGE_DIR).

Keys are ``<account_id>/<purpose>/<file id>``: deleting an account's files is deleting one prefix. An S3-compatible
backend would implement the same five methods (put_file, open, export_to, delete, delete_prefix).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from nameko.extensions import DependencyProvider

from svckit.settings import env


class Storage(Protocol):
    def put_file(self, key: str, source: Path, move: bool = False) -> None: ...
    def put_bytes(self, key: str, data: bytes) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def path(self, key: str) -> Path: ...
    def export_to(self, key: str, target: Path) -> None: ...
    def delete(self, key: str) -> None: ...
    def delete_prefix(self, prefix: str) -> None: ...


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        target = (self.root / key).resolve()
        if self.root not in target.parents:
            raise ValueError(f"storage key escapes the root: {key!r}")
        return target

    def put_file(self, key: str, source: Path, move: bool = False) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            try:
                os.replace(source, target)
                return
            except OSError:  # another filesystem
                pass
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        os.replace(tmp, target)
        if move:
            os.unlink(source)

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def export_to(self, key: str, target: Path) -> None:
        """Make the content available at ``target`` (a spool file the gateway streams): a hard link when possible."""
        source = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix.rstrip("/")), ignore_errors=True)


def storage_dir(config: dict | None = None) -> str:
    return (config or {}).get("CRM_STORAGE_DIR") or env("CRM_STORAGE_DIR", "var/crm-storage")


def spool_dir(config: dict | None = None) -> Path:
    """The directory the gateway spools uploads to and streams downloads from (shared with the gateway)."""
    return Path((config or {}).get("UPLOAD_DIR") or env("UPLOAD_DIR", "var/uploads")).resolve()


class StorageProvider(DependencyProvider):
    """Injects the service's Storage (one per process; the local one is thread-safe)."""

    def setup(self) -> None:
        self.storage = LocalStorage(storage_dir(self.container.config))

    def get_dependency(self, worker_ctx) -> Storage:
        return self.storage
