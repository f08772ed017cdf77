"""``python -m svckit.backup dump|verify|restore``: one archive holding a logical backup of every service database.

``dump --dir DIR`` runs ``pg_dump --format=custom --no-owner --no-acl`` for each service database (the URLs come
from :func:`svckit.settings.database_url`, so ``PRESSROOM_DB_PREFIX`` / ``<SERVICE>_DATABASE_URL`` apply) and packs
the dumps plus a ``manifest.json`` (creation time, Pressroom version, per database: service, name, alembic revision,
size and SHA-256 of the dump) into ``DIR/pressroom-YYYYmmdd-HHMMSS.tar.gz``, written under a temporary name and
renamed when complete. Each dump reads one consistent snapshot; the five databases are dumped one after another.

``verify ARCHIVE`` checks an archive without touching any database.

``restore ARCHIVE [--services s1 s2]`` verifies the archive first (manifest present, checksums match, only plain
files with safe names, size limits), then refuses if any target database already has tables in schema ``public``
(restore only goes into empty databases; nothing is touched in that case), creates missing databases and runs
``pg_restore --no-owner --no-acl --exit-on-error --single-transaction`` into each.

Production does not use this: it relies on CloudNativePG's scheduled backups (see docs/operations.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from . import __version__
from .migrate import ensure_database
from .settings import SERVICES, database_url

log = logging.getLogger(__name__)

FORMAT = "pressroom-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 1 << 20
MAX_MEMBERS = 64  # a backup has one file per service and the manifest; extra files are named and refused later
DEFAULT_MAX_SIZE = 20 << 30  # refuse archives (and their unpacked content) above 20 GiB unless told otherwise
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20

# URL query parameters libpq understands, passed to pg_dump/pg_restore as their environment variables
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "sslpassword": None,  # no environment variable: never passed on
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """An expected failure: reported as one line, exit code 1."""


@dataclass(frozen=True)
class Target:
    """One service database, as SQLAlchemy sees it (``url``) and as libpq tools need it (``args`` + ``env``)."""

    service: str
    database: str
    url: str = field(repr=False)
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict, repr=False)  # holds PGPASSWORD: never log it


def _conninfo_value(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_.-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def libpq_target(service: str, url: str) -> Target:
    """Turn a SQLAlchemy URL (``postgresql+psycopg://user:pw@host:port/db?sslmode=...``) into libpq arguments.

    Host, port, user and database become command-line options; the password goes into ``PGPASSWORD`` (never onto
    the command line, where ``ps`` shows it); known libpq query parameters become their ``PG*`` variables.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # ArgumentError for anything that is not a URL
        raise BackupError(f"database URL of service {service} is not a valid URL") from exc
    if not parsed.drivername.startswith("postgresql"):
        raise BackupError(f"database URL of service {service} is not a PostgreSQL URL ({parsed.drivername})")
    if not parsed.database:
        raise BackupError(f"database URL of service {service} names no database")

    def query(name: str) -> str | None:
        value = parsed.query.get(name)
        if isinstance(value, tuple):
            value = value[-1] if value else None
        return value

    host = parsed.host or query("host")
    port = parsed.port or query("port")
    args: list[str] = ["--no-password"]  # fail instead of prompting when no password is known
    if host:
        args.append(f"--host={host}")
    if port:
        args.append(f"--port={port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    # a --dbname containing "=" would be read as a connection string: always pass one, with the name quoted
    args.append(f"--dbname=dbname={_conninfo_value(parsed.database)}")
    env: dict[str, str] = {}
    if parsed.password is not None:
        env["PGPASSWORD"] = parsed.password
    for key, variable in LIBPQ_ENV.items():
        value = query(key)
        if value is not None and variable:
            env[variable] = value
    return Target(service=service, database=parsed.database, url=url, args=tuple(args), env=env)


def service_target(service: str) -> Target:
    return libpq_target(service, database_url(service))


# --- helpers --------------------------------------------------------------------------------------------------------


def _one_line(message: str, limit: int = 400) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _db_message(exc: SQLAlchemyError) -> str:
    """The driver's message without SQLAlchemy's SQL echo and background link."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return _one_line(lines[0] if lines else type(exc).__name__)


def _engine(target: Target):
    return create_engine(target.url, poolclass=NullPool, connect_args={"application_name": "pressroom-backup"})


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found on PATH (install the PostgreSQL client tools, version >= the server's)")
    return path


def _tool_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"error|fatal", line, re.IGNORECASE)]
    return _one_line(" / ".join(errors or lines[-1:]) or "no message")


def _run_tool(command: list[str], target: Target, what: str) -> None:
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", "15")
    env.update(target.env)
    log.debug("running %s", " ".join(command))  # arguments hold no password: that is in the environment
    proc = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          errors="replace", check=False)
    if proc.returncode != 0:
        raise BackupError(f"{what} failed for database {target.database} (service {target.service}): "
                          f"{_tool_error(proc.stderr)}")


def database_exists(target: Target) -> bool:
    """True if the database can be connected to, False if the server says it does not exist.

    psycopg reports a missing database only as a message (in the server's language), so when connecting fails we
    ask ``pg_database`` through the maintenance database ``postgres`` instead of parsing it.
    """
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as exc:
        first_error = exc
    finally:
        engine.dispose()
    admin = create_engine(make_url(target.url).set(database="postgres"), poolclass=NullPool)
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": target.database}).scalar()
    except SQLAlchemyError:
        found = True  # cannot tell: report the original connection error
    finally:
        admin.dispose()
    if found:
        raise BackupError(f"cannot connect to database {target.database} (service {target.service}): "
                          f"{_db_message(first_error)}")
    return False


def _read_revision(conn) -> str | None:
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is None:
        return None
    versions = conn.execute(text("SELECT version_num FROM alembic_version ORDER BY 1")).scalars().all()
    return ",".join(versions) or None


def public_relations(target: Target) -> list[str]:
    """Tables, views and sequences in schema ``public``: a database is empty when this is ``[]``."""
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') "
                "ORDER BY c.relkind <> 'r', c.relname")).scalars())
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot inspect database {target.database} (service {target.service}): "
                          f"{_db_message(exc)}") from None
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def parse_size(value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtT]?)i?[bB]?\s*", value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (use e.g. 500M, 20G)")
    number, unit = match.groups()
    return int(number) << {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}[unit.lower()]


# --- dump -----------------------------------------------------------------------------------------------------------


def _dump_one(pg_dump: str, target: Target, work: Path) -> dict:
    filename = f"{target.service}.dump"
    path = work / filename
    engine = _engine(target)
    try:
        # pg_dump reads the snapshot this transaction exported, so the revision recorded is the one dumped
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
                revision = _read_revision(conn)
                _run_tool([pg_dump, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                           f"--file={path}", *target.args], target, "pg_dump")
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot read database {target.database} (service {target.service}): "
                          f"{_db_message(exc)}") from None
    finally:
        engine.dispose()
    if revision is None:
        log.warning("database %s has no alembic_version: it was never migrated", target.database)
    entry = {
        "service": target.service,
        "database": target.database,
        "file": filename,
        "alembic_revision": revision,
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }
    log.info("dumped %s (%s, revision %s, %d bytes)", target.service, target.database, revision, entry["size"])
    return entry


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def dump(directory: str | Path, services: Iterable[str] = SERVICES) -> Path:
    """Dump every service database into one archive in ``directory``; returns its path."""
    pg_dump = _tool("pg_dump")
    targets = [service_target(s) for s in services]
    missing = [t for t in targets if not database_exists(t)]
    if missing:
        names = ", ".join(f"{t.database} (service {t.service})" for t in missing)
        raise BackupError(f"database{'s' if len(missing) > 1 else ''} {names} "
                          f"{'do' if len(missing) > 1 else 'does'} not exist; nothing was dumped")

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create backup directory {directory}: {exc.strerror}") from None
    # wall time on purpose, not svckit.clock: this command runs outside any service, and importing the clock (a
    # nameko dependency) would print eventlet's deprecation warning into the command's one-line error output
    now = datetime.now(UTC).replace(microsecond=0)
    final = directory / f"pressroom-{now:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"{final} already exists (one backup per second at most)")

    partial = directory / f".{final.name}.partial-{os.getpid()}"
    work = None
    try:
        work = Path(tempfile.mkdtemp(prefix=".pressroom-backup-", dir=directory))  # same filesystem as the archive
        entries = [_dump_one(pg_dump, t, work) for t in targets]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "pressroom_version": __version__,
            "databases": entries,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds every customer's data
        with os.fdopen(fd, "wb") as raw:
            # the dumps are compressed already: the outer gzip only has to be cheap
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1, format=tarfile.PAX_FORMAT) as tar:
                tar.add(work / MANIFEST, arcname=MANIFEST, recursive=False, filter=_tar_filter)
                for entry in entries:
                    tar.add(work / entry["file"], arcname=entry["file"], recursive=False, filter=_tar_filter)
            raw.flush()
            os.fsync(raw.fileno())
        try:
            os.link(partial, final)  # unlike a rename, never replaces an archive another dump just finished
        except FileExistsError:
            raise BackupError(f"{final} already exists (one backup per second at most)") from None
        except OSError:  # a filesystem without hard links
            os.replace(partial, final)
        _fsync_dir(directory)
    except OSError as exc:
        raise BackupError(f"cannot write the archive in {directory}: {exc.strerror or exc}") from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        try:
            partial.unlink()
        except FileNotFoundError:
            pass
    return final


# --- verify / restore -----------------------------------------------------------------------------------------------


def _validate_manifest(manifest: object, archive: Path) -> dict:
    def bad(why: str) -> BackupError:
        return BackupError(f"archive {archive} has an invalid {MANIFEST}: {why}")

    if not isinstance(manifest, dict):
        raise bad("not a JSON object")
    if manifest.get("format") != FORMAT:
        raise bad(f"format is {manifest.get('format')!r}, expected {FORMAT!r}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise bad(f"format_version {manifest.get('format_version')!r} is not supported (this tool reads "
                  f"{FORMAT_VERSION})")
    databases = manifest.get("databases")
    if not isinstance(databases, list) or not databases:
        raise bad("no databases listed")
    seen_services: set[str] = set()
    seen_files: set[str] = set()
    for entry in databases:
        if not isinstance(entry, dict):
            raise bad("a database entry is not an object")
        service, file = entry.get("service"), entry.get("file")
        if service not in SERVICES:
            raise bad(f"unknown service {service!r}")
        if service in seen_services:
            raise bad(f"service {service} listed twice")
        if not isinstance(file, str) or not SAFE_NAME.fullmatch(file) or file == MANIFEST or file in seen_files:
            raise bad(f"bad file name {file!r} for service {service}")
        if not isinstance(entry.get("sha256"), str) or not SHA256_HEX.fullmatch(entry["sha256"]):
            raise bad(f"bad sha256 for service {service}")
        if not isinstance(entry.get("size"), int) or isinstance(entry["size"], bool) or entry["size"] < 0:
            raise bad(f"bad size for service {service}")
        revision = entry.get("alembic_revision")
        if revision is not None and not isinstance(revision, str):
            raise bad(f"bad alembic_revision for service {service}")
        seen_services.add(service)
        seen_files.add(file)
    return manifest


def unpack(archive: str | Path, work: str | Path, max_size: int = DEFAULT_MAX_SIZE) -> dict:
    """Verify ``archive`` and unpack it into the empty directory ``work``; returns the manifest.

    The archive is read as a stream and nothing in it decides where a file goes: every member must be a regular
    file with a plain name (no directories, paths, links or devices), the total is capped at ``max_size``, and
    every dump must match the size and SHA-256 the manifest records for it.
    """
    archive, work = Path(archive), Path(work)
    try:
        st = archive.stat()
    except FileNotFoundError:
        raise BackupError(f"archive {archive} not found") from None
    except OSError as exc:
        raise BackupError(f"cannot read archive {archive}: {exc.strerror}") from None
    if not archive.is_file():
        raise BackupError(f"archive {archive} is not a regular file")
    if st.st_size > max_size:
        raise BackupError(f"archive {archive} is {st.st_size} bytes, over the limit of {max_size} "
                          f"(raise it with --max-size if this is expected)")

    found: dict[str, tuple[int, str]] = {}  # name -> (size, sha256)
    total = 0
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                name = member.name
                if member.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
                    kind = ("a symlink" if member.issym() else "a hard link" if member.islnk() else
                            "a directory" if member.isdir() else "a FIFO" if member.isfifo() else
                            "a device" if member.isdev() else f"of type {member.type!r}")
                    raise BackupError(f"archive {archive} contains {_one_line(repr(name), 120)}, which is {kind}, "
                                      f"not a plain file; refusing it")
                if not SAFE_NAME.fullmatch(name):
                    raise BackupError(f"archive {archive} contains an unsafe file name "
                                      f"{_one_line(repr(name), 120)}; refusing it")
                if len(found) >= MAX_MEMBERS:
                    raise BackupError(f"archive {archive} has more than {MAX_MEMBERS} files: not a Pressroom backup")
                if name in found:
                    raise BackupError(f"archive {archive} contains {name} twice; refusing it")
                if name == MANIFEST and member.size > MANIFEST_MAX_BYTES:
                    raise BackupError(f"archive {archive} has an oversized {MANIFEST}")
                total += member.size
                if total > max_size:
                    raise BackupError(f"archive {archive} unpacks to more than the limit of {max_size} bytes "
                                      f"(raise it with --max-size if this is expected)")
                source = tar.extractfile(member)
                if source is None:
                    raise BackupError(f"archive {archive} has a member {name} that is not a regular file")
                digest, written = hashlib.sha256(), 0
                fd = os.open(work / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
                if written != member.size:
                    raise BackupError(f"archive {archive} is truncated ({name})")
                found[name] = (written, digest.hexdigest())
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"archive {archive} is not a readable .tar.gz: {_one_line(str(exc) or type(exc).__name__)}"
                          ) from None

    if MANIFEST not in found:
        raise BackupError(f"archive {archive} has no {MANIFEST}: not a Pressroom backup")
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"archive {archive} has an unreadable {MANIFEST}: {_one_line(str(exc))}") from None
    manifest = _validate_manifest(manifest, archive)
    expected = {entry["file"]: entry for entry in manifest["databases"]}
    unexpected = sorted(set(found) - set(expected) - {MANIFEST})
    if unexpected:
        raise BackupError(f"archive {archive} contains files its manifest does not list: {', '.join(unexpected)}")
    for file, entry in expected.items():
        if file not in found:
            raise BackupError(f"archive {archive} lacks {file} (service {entry['service']})")
        size, sha = found[file]
        if size != entry["size"] or sha != entry["sha256"]:
            raise BackupError(f"archive {archive}: checksum mismatch for {file} (service {entry['service']}): "
                              f"the archive is damaged or was modified")
    return manifest


def verify(archive: str | Path, max_size: int = DEFAULT_MAX_SIZE) -> dict:
    with tempfile.TemporaryDirectory(prefix="pressroom-verify-") as work:
        return unpack(archive, work, max_size)


def restore(archive: str | Path, services: Iterable[str] | None = None, max_size: int = DEFAULT_MAX_SIZE,
            report: Callable[[str], None] = print) -> list[str]:
    """Restore ``archive`` into the (empty or missing) databases ``database_url()`` names now.

    Returns the services restored. Nothing is touched unless the archive verifies and every target is empty.
    """
    pg_restore = _tool("pg_restore")
    with tempfile.TemporaryDirectory(prefix="pressroom-restore-") as work_dir:
        work = Path(work_dir)
        manifest = unpack(archive, work, max_size)
        entries = {entry["service"]: entry for entry in manifest["databases"]}
        if services:
            wanted = list(dict.fromkeys(services))
            absent = [s for s in wanted if s not in entries]
            if absent:
                raise BackupError(f"service{'s' if len(absent) > 1 else ''} {', '.join(absent)} not in archive "
                                  f"{archive} (it holds: {', '.join(entries)})")
        else:
            wanted = list(entries)
        log.info("archive %s: created %s by pressroom %s", archive, manifest.get("created_at"),
                 manifest.get("pressroom_version"))

        targets = [(entries[s], service_target(s)) for s in wanted]
        missing: set[str] = set()
        occupied: list[str] = []
        for _, target in targets:
            if not database_exists(target):
                missing.add(target.service)
                continue
            relations = public_relations(target)
            if relations:
                shown = ", ".join(relations[:5]) + (", ..." if len(relations) > 5 else "")
                occupied.append(f"{target.database} (service {target.service}; has {shown})")
        if occupied:
            raise BackupError(f"refusing to restore: database{'s' if len(occupied) > 1 else ''} "
                              f"{'; '.join(occupied)} already contain{'' if len(occupied) > 1 else 's'} tables in "
                              f"schema public. Restore only goes into empty databases: drop them or point "
                              f"PRESSROOM_DB_PREFIX elsewhere. Nothing was changed.")

        restored: list[str] = []
        for entry, target in targets:
            done = f"already restored: {', '.join(restored) or 'none'}"
            if target.service in missing:
                try:
                    ensure_database(target.url)
                except SQLAlchemyError as exc:
                    raise BackupError(f"cannot create database {target.database} (service {target.service}): "
                                      f"{_db_message(exc)} ({done})") from None
                log.info("created database %s", target.database)
            try:
                _run_tool([pg_restore, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                           *target.args, str(work / entry["file"])], target, "pg_restore")
            except BackupError as exc:
                raise BackupError(f"{exc} ({done}; {target.database} was rolled back and is still empty, so it "
                                  f"can be retried with --services)") from None
            revision = _analyze_and_read_revision(target)
            if revision != entry["alembic_revision"]:
                raise BackupError(f"database {target.database} (service {target.service}) has alembic revision "
                                  f"{revision} after restore, the archive recorded {entry['alembic_revision']} "
                                  f"({done})")
            restored.append(target.service)
            report(f"restored {target.service} into {target.database} (alembic revision "
                   f"{entry['alembic_revision']}, {entry['size']} bytes)")
    return restored


def _analyze_and_read_revision(target: Target) -> str | None:
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("ANALYZE"))  # pg_restore restores no planner statistics
            return _read_revision(conn)
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot check restored database {target.database}: {_db_message(exc)}") from None
    finally:
        engine.dispose()


# --- command line ---------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m svckit.backup",
                                     description="Back up and restore all Pressroom service databases.")
    commands = parser.add_subparsers(dest="command", required=True)
    p_dump = commands.add_parser("dump", help="dump every service database into one .tar.gz archive")
    p_dump.add_argument("--dir", default="backups", help="directory for the archive (default: backups)")
    p_verify = commands.add_parser("verify", help="check an archive without touching any database")
    p_verify.add_argument("archive")
    p_restore = commands.add_parser("restore", help="restore an archive into empty (or missing) databases")
    p_restore.add_argument("archive")
    p_restore.add_argument("--services", nargs="+", metavar="SERVICE",
                           help=f"restore only these ({', '.join(SERVICES)}); default: all in the archive")
    for p in (p_verify, p_restore):
        p.add_argument("--max-size", type=parse_size, default=DEFAULT_MAX_SIZE,
                       help="refuse archives larger than this, packed or unpacked (default: 20G)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    try:
        if args.command == "dump":
            print(dump(args.dir))
        elif args.command == "verify":
            manifest = verify(args.archive, args.max_size)
            for entry in manifest["databases"]:
                print(f"ok {entry['service']} {entry['database']} revision {entry['alembic_revision']} "
                      f"{entry['size']} bytes")
        else:
            restored = restore(args.archive, args.services, args.max_size)
            print(f"restored {len(restored)} database{'s' if len(restored) != 1 else ''} from {args.archive}")
    except BackupError as exc:
        print(f"backup {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. no space left for the temporary files
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"backup {args.command}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"backup {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
