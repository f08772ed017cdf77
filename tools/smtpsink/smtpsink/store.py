"""Where received mail lives: one ``<id>.eml`` per message plus an in-memory index, and ``index.jsonl`` on disk.

The .eml file holds exactly the bytes the client sent (so "raw source" is byte-identical); the envelope and the
arrival time, which are not in those bytes, go to ``index.jsonl``, one line appended per message. Per message the
store does one temp-file write, one rename and one appended line: no fsync, nothing proportional to the number of
messages already kept. On start the index is read back and reconciled with the .eml files present (a file without
an index line is summarised from its headers), so a restart keeps the mail.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import mime

log = logging.getLogger(__name__)

INDEX = "index.jsonl"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def parse_time(value: str) -> float:
    """An ISO 8601 time (``Z`` allowed; without a zone it is taken as UTC) as a POSIX timestamp."""
    dt = datetime.fromisoformat(value.strip().replace(" ", "+"))  # a "+" in a query string arrives as a space
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


@dataclass(slots=True)
class Meta:
    """What the index knows about one message without opening its file."""

    id: str
    received: float
    mail_from: str
    rcpt_to: list[str]
    from_: str = ""
    to: str = ""
    cc: str = ""
    subject: str = ""
    message_id: str = ""
    size: int = 0
    smtputf8: bool = False
    auth_user: str | None = None
    warnings: list[str] = field(default_factory=list)
    addresses: frozenset[str] = field(default=frozenset(), repr=False)  # lower-cased envelope + To/Cc, for ?to=

    def __post_init__(self) -> None:
        if not self.addresses:
            found = [*self.rcpt_to, *mime.addresses(self.to, self.cc)]
            self.addresses = frozenset(a.lower() for a in found)

    @property
    def received_at(self) -> str:
        return iso(self.received)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "received_at": self.received_at, "mail_from": self.mail_from, "rcpt_to": self.rcpt_to,
            "from": self.from_, "to": self.to, "cc": self.cc, "subject": self.subject,
            "message_id": self.message_id, "size": self.size, "smtputf8": self.smtputf8, "auth_user": self.auth_user,
            "warnings": self.warnings,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meta:
        return cls(
            id=data["id"], received=parse_time(data["received_at"]), mail_from=data.get("mail_from", ""),
            rcpt_to=list(data.get("rcpt_to") or []), from_=data.get("from", ""), to=data.get("to", ""),
            cc=data.get("cc", ""), subject=data.get("subject", ""), message_id=data.get("message_id", ""),
            size=int(data.get("size", 0)), smtputf8=bool(data.get("smtputf8")), auth_user=data.get("auth_user"),
            warnings=list(data.get("warnings") or []),
        )

    def search_text(self) -> str:
        return " ".join([self.subject, self.from_, self.to, self.cc, self.mail_from, *self.rcpt_to]).lower()


def new_id(now: float) -> str:
    """Sortable by arrival, unique across restarts, safe in a URL and a file name: ``<µs since epoch>-<hex>``."""
    return f"{int(now * 1_000_000):016d}-{secrets.token_hex(3)}"


def valid_id(value: str) -> bool:
    return 0 < len(value) <= 64 and value.isascii() and all(c.isalnum() or c in "-_" for c in value)


class Store:
    """The messages of one sink. Thread-safe: the SMTP loop adds, web threads read and clear."""

    def __init__(self, directory: str | os.PathLike, discard: bool = False):
        self.directory = Path(directory)
        self.discard = discard
        self._lock = threading.RLock()  # reentrant: wait_for() counts while holding it
        self.changed = threading.Condition(self._lock)  # notified on every add and clear (for wait_for)
        self._order: list[Meta] = []  # arrival order
        self._by_id: dict[str, Meta] = {}
        self._deleted = 0  # entries in _order that were deleted one by one (skipped lazily)
        self.count = 0  # accepted since start or the last clear, kept or discarded
        self.bytes = 0
        self.discarded = 0
        self.rejected = 0  # answered with an error by a fault-injection rule
        self._index = None

    # --- life cycle -------------------------------------------------------------------------------------------

    def open(self) -> Store:
        if self.discard:
            return self
        self.directory.mkdir(parents=True, exist_ok=True)
        metas = self._load()
        self._order = metas
        self._by_id = {m.id: m for m in metas}
        self.count = len(metas)
        self.bytes = sum(m.size for m in metas)
        self._index = open(self.directory / INDEX, "a", encoding="utf-8")
        return self

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None

    def _load(self) -> list[Meta]:
        indexed: dict[str, Meta] = {}
        lines = 0
        path = self.directory / INDEX
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    lines += 1
                    try:
                        data = json.loads(line)
                        if data.get("deleted"):
                            indexed.pop(data["id"], None)
                        else:
                            indexed[data["id"]] = Meta.from_json(data)
                    except (ValueError, KeyError, TypeError):
                        log.warning("skipping a broken line in %s", path)
        metas = []
        for entry in os.scandir(self.directory):
            if not entry.name.endswith(".eml") or not entry.is_file():
                continue
            mid = entry.name[:-4]
            meta = indexed.get(mid)
            if meta is None:
                meta = self._recover(mid, Path(entry.path), entry.stat().st_mtime)
            if meta is not None:
                metas.append(meta)
        metas.sort(key=lambda m: (m.received, m.id))
        for entry in os.scandir(self.directory):  # leftovers of a crash between write and rename
            if entry.name.endswith(".tmp"):
                os.unlink(entry.path)
        if lines != len(metas):  # compact: drop tombstones and lines of vanished files, add recovered ones
            tmp = path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(m.to_json(), ensure_ascii=False) + "\n" for m in metas)
            os.replace(tmp, path)
        return metas

    def _recover(self, mid: str, path: Path, mtime: float) -> Meta | None:
        """A message file without an index line (copied in by hand, or an older store): what its headers tell."""
        if not valid_id(mid):
            return None
        with open(path, "rb") as fh:
            head = fh.read(256 * 1024)
        summary = mime.summarize(head)
        return_path = mime.addresses(summary["return_path"])
        return Meta(
            id=mid, received=mtime, mail_from=return_path[0] if return_path else "",
            rcpt_to=mime.addresses(summary["to"], summary["cc"]), from_=summary["from"], to=summary["to"],
            cc=summary["cc"], subject=summary["subject"], message_id=summary["message_id"],
            size=path.stat().st_size,
        )

    # --- writing ----------------------------------------------------------------------------------------------

    def add(self, raw: bytes, mail_from: str, rcpt_to: list[str], smtputf8: bool = False,
            auth_user: str | None = None, warnings: list[str] | None = None) -> Meta | None:
        """Keep one received message (or, in discard mode, only count it)."""
        now = time.time()
        if self.discard:
            with self._lock:
                self.count += 1
                self.bytes += len(raw)
                self.discarded += 1
                self.changed.notify_all()
            return None
        summary = mime.summarize(raw)
        meta = Meta(
            id=new_id(now), received=now, mail_from=mail_from, rcpt_to=list(rcpt_to), from_=summary["from"],
            to=summary["to"], cc=summary["cc"], subject=summary["subject"], message_id=summary["message_id"],
            size=len(raw), smtputf8=smtputf8, auth_user=auth_user, warnings=list(warnings or []),
        )
        path = self.path(meta.id)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
        line = json.dumps(meta.to_json(), ensure_ascii=False) + "\n"
        with self._lock:
            if self._index is not None:
                self._index.write(line)
                self._index.flush()
            self._order.append(meta)
            self._by_id[meta.id] = meta
            self.count += 1
            self.bytes += meta.size
            self.changed.notify_all()
        return meta

    def note_rejected(self) -> None:
        with self._lock:
            self.rejected += 1

    def delete(self, mid: str) -> bool:
        with self._lock:
            meta = self._by_id.pop(mid, None)
            if meta is None:
                return False
            self._deleted += 1
            self.count -= 1
            self.bytes -= meta.size
            if self._index is not None:
                self._index.write(json.dumps({"id": mid, "deleted": True}) + "\n")
                self._index.flush()
            if self._deleted > 1000 and self._deleted > len(self._by_id):  # keep the arrival list from rotting
                self._order = [m for m in self._order if m.id in self._by_id]
                self._deleted = 0
        self._unlink(self.path(mid))
        return True

    def clear(self) -> int:
        """Forget every message and delete the files; returns how many were kept."""
        with self._lock:
            gone = list(self._by_id)
            self._order, self._by_id, self._deleted = [], {}, 0
            self.count = self.bytes = self.discarded = self.rejected = 0
            if self._index is not None:
                self._index.seek(0)
                self._index.truncate()
            self.changed.notify_all()
        for mid in gone:
            self._unlink(self.path(mid))
        return len(gone)

    @staticmethod
    def _unlink(path: Path) -> None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

    # --- reading ----------------------------------------------------------------------------------------------

    def path(self, mid: str) -> Path:
        return self.directory / f"{mid}.eml"

    def get(self, mid: str) -> Meta | None:
        return self._by_id.get(mid)

    def raw(self, mid: str) -> bytes | None:
        if mid not in self._by_id:
            return None
        try:
            return self.path(mid).read_bytes()
        except FileNotFoundError:  # deleted meanwhile
            return None

    def message(self, mid: str) -> mime.SinkMessage | None:
        """The parsed message with the sink's metadata attached (see :class:`mime.SinkMessage`)."""
        meta, raw = self.get(mid), self.raw(mid)
        if meta is None or raw is None:
            return None
        msg = mime.parse(raw)
        msg.id, msg.mail_from, msg.rcpt_to = meta.id, meta.mail_from, list(meta.rcpt_to)
        msg.size, msg.raw = meta.size, raw
        msg.received_at = datetime.fromtimestamp(meta.received, UTC)
        return msg

    def __len__(self) -> int:
        return len(self._by_id)

    def newest_first(self) -> Iterator[Meta]:
        with self._lock:
            snapshot = list(self._order)
            by_id = self._by_id
        return (m for m in reversed(snapshot) if m.id in by_id)

    def oldest_first(self) -> list[Meta]:
        with self._lock:
            return [m for m in self._order if m.id in self._by_id]

    def query(self, to: str | None = None, subject: str | None = None, since: float | None = None,
              search: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[Meta], int]:
        """Matching messages, newest first: ``(page, total)``. ``to`` is an exact address (case-insensitive),
        matched against the envelope and To/Cc; ``subject`` and ``search`` are case-insensitive substrings."""
        tests: list[Callable[[Meta], bool]] = []
        if to:
            wanted = to.strip().lower()
            tests.append(lambda m: wanted in m.addresses)
        if subject:
            sub = subject.lower()
            tests.append(lambda m: sub in m.subject.lower())
        if since is not None:
            tests.append(lambda m: m.received >= since)
        if search:
            words = search.lower().split()
            tests.append(lambda m: all(w in m.search_text() for w in words))
        matching: Iterable[Meta] = (m for m in self.newest_first() if all(t(m) for t in tests))
        page, total = [], 0
        for meta in matching:
            if offset <= total and (limit is None or len(page) < limit):
                page.append(meta)
            total += 1
        return page, total

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"count": self.count, "bytes": self.bytes, "discarded": self.discarded, "stored": len(self._by_id),
                    "rejected": self.rejected, "discard_mode": self.discard}
