"""``python -m svckit.backup``: a real round trip through pg_dump/pg_restore, and every refusal.

The source databases are this run's (``databases.ensure``); restores go into a second set named by another, unique
``PRESSROOM_DB_PREFIX`` that each test sets and drops again. Tests never share names with other runs on the machine.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

import svckit
from svckit import backup
from svckit.migrate import drop_database, ensure_database, upgrade
from svckit.settings import SERVICES, database_url

REPO = Path(__file__).resolve().parents[2]


# --- helpers --------------------------------------------------------------------------------------------------------


def _engine(url: str):
    return create_engine(url, poolclass=NullPool)


def _snapshot(url: str) -> dict:
    """Every row of every table in schema public, plus the schema's constraints and indexes."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).scalars().all()
            rows = {t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))] for t in tables}
            constraints = conn.execute(text(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")).all()
            indexes = conn.execute(text(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "ORDER BY 1, 2")).all()
            return {"rows": rows, "constraints": [(*c[:-1], _normalized(c[-1])) for c in constraints],
                    "indexes": [(*i[:-1], _normalized(i[-1])) for i in indexes]}
    finally:
        engine.dispose()


def _normalized(definition: str) -> str:
    """``x IN ('a', 'b')`` deparses with its casts and parentheses moved once it went through SQL text again."""
    definition = re.sub(r"::(?:character varying|timestamp with time zone|double precision|\w+)(?:\[\])?", "",
                        definition)
    return re.sub(r"[()\s]", "", definition)


def _existing(names: list[str]) -> set[str]:
    admin = _engine(make_url(database_url("identity")).set(database="postgres"))
    try:
        with admin.connect() as conn:
            return set(conn.execute(text("SELECT datname FROM pg_database WHERE datname = ANY(:n)"),
                                    {"n": list(names)}).scalars())
    finally:
        admin.dispose()


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _write_archive(path: Path, files: dict[str, bytes], extra: list[tarfile.TarInfo] = ()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.size else None)
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = backup.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# --- fixtures -------------------------------------------------------------------------------------------------------


# The rows the round trip carries. Tables are reflected from the migrated databases, not taken from the models,
# and required columns not named here get a placeholder: the services' schemas keep growing, this test should not
# have to follow every new column.
ACCOUNT, CLIENT = uuid.uuid4(), uuid.uuid4()
PAYLOAD = {"name": "Jürgen Groß", "tags": ["ä", "ö", "ü", "ß", "€"],
           "nested": {"n": 1.5, "none": None, "list": [1, "zwei", True], "emoji": "📰"}}
ROWS = {
    "identity": {
        "accounts": [{"id": ACCOUNT, "name": "Müller & Söhne GmbH – Ärger über Öl", "language": "de", "seats": 3},
                     {"id": uuid.uuid4(), "name": "Smith Ltd", "language": "en", "seats": 0}],
        "outbox": [{"event_type": "account_created", "payload": PAYLOAD, "headers": {"pressroom.principal": "äöü"},
                    "published_at": datetime(2026, 3, 1, 12, 30, tzinfo=UTC)},
                   {"event_type": "account_renamed", "payload": {"before": "Ä", "after": "Ö"}}],
    },
    "crm": {
        "contacts": [{"id": uuid.uuid4(), "account_id": ACCOUNT, "client_id": CLIENT, "first_name": "Zoë",
                      "last_name": "Ñúñez-Łukasiewicz", "email": None},
                     {"id": uuid.uuid4(), "account_id": ACCOUNT, "client_id": CLIENT, "last_name": "Weiß",
                      "email": "weiss@straße.example"}],
        "outbox": [{"event_type": "contact_created", "payload": PAYLOAD}],
    },
    "dispatch": {
        "suppressions": [{"account_id": ACCOUNT, "address": "bounce@exämple.de", "reason": "hard_bounce"},
                         {"account_id": ACCOUNT, "address": "ärger@beschwerde.example", "reason": "complaint"}],
        "outbox": [{"event_type": "recipient_bounced", "payload": {"address": "bounce@exämple.de"}}],
    },
    "pressbase": {
        "outlets": [{"dataset": "dpa", "name": "Süddeutsche Zeitung", "country": "DE"},
                    {"dataset": "apa", "name": "Österreichischer Rundfunk", "country": "AT"}],
    },
    "billing": {
        "subscriptions": [{"id": uuid.uuid4(), "account_id": ACCOUNT, "state": "active",
                           "start_date": date(2026, 1, 1)},
                          {"id": uuid.uuid4(), "account_id": None, "state": "ended", "start_date": date(2024, 2, 29)}],
        "outbox": [{"event_type": "subscription_started", "payload": {"plan": "Größe L", "seats": 3}}],
    },
}


def _placeholder(column):
    kind = column.type.python_type
    if kind is str:  # unique, in case the column is
        return uuid.uuid4().hex[: min(getattr(column.type, "length", None) or 12, 12)]
    return {int: 1, bool: False, dict: {}, list: [], bytes: b"", uuid.UUID: uuid.uuid4(),
            date: date(2026, 1, 1), datetime: datetime(2026, 1, 1, tzinfo=UTC)}.get(kind)


def _allowed_values(conn, table: Table) -> dict[str, list[str]]:
    """``CHECK (col IN ('a', 'b'))`` constraints of the live table, as {col: ['a', 'b']}."""
    allowed = {}
    for definition in conn.execute(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'c'"),
                                   {"t": table.name}).scalars():
        match = re.fullmatch(r"CHECK \(+\(?\"?(\w+)\"?\)?(?:::\w+)? = ANY \(+ARRAY\[(.*?)\].*", definition)
        if match:
            allowed[match.group(1)] = re.findall(r"'([^']*)'", match.group(2))
    return allowed


def _complete(conn, table: Table, row: dict) -> dict:
    values = {k: v for k, v in row.items() if k in table.c}  # a column dropped since is left out
    for column in table.c:
        if (column.name not in values and not column.nullable and column.server_default is None
                and column.identity is None):
            values[column.name] = _placeholder(column)
    for column, choices in _allowed_values(conn, table).items():
        if isinstance(values.get(column), str) and values[column] not in choices:
            values[column] = choices[0]
    return values


@pytest.fixture(scope="module")
def source(databases):
    """All five of this run's databases, migrated, with rows (umlauts, JSONB, NULLs, identities) in several."""
    urls = {s: databases.ensure(s) for s in SERVICES}
    created: list[tuple[str, Table, list]] = []
    try:
        for service, tables in ROWS.items():
            with databases.engine(service).begin() as conn:
                for name, rows in tables.items():
                    table = Table(name, MetaData(), autoload_with=conn)
                    ids = [conn.execute(table.insert().returning(table.c.id), _complete(conn, table, row)).scalar_one()
                           for row in rows]
                    created.append((service, table, ids))
        yield {"urls": urls, "revisions": {s: _snapshot(u)["rows"]["alembic_version"] for s, u in urls.items()}}
    finally:
        for service, table, ids in created:
            with databases.engine(service).begin() as conn:
                conn.execute(table.delete().where(table.c.id.in_(ids)))


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("backups")
    return backup.dump(directory)


@pytest.fixture
def elsewhere(monkeypatch):
    """Point database_url() at a fresh, unique prefix (no databases yet); drop whatever was created there."""
    prefix = f"{os.environ['PRESSROOM_DB_PREFIX']}r{uuid.uuid4().hex[:8]}_"
    monkeypatch.setenv("PRESSROOM_DB_PREFIX", prefix)
    urls = {s: database_url(s) for s in SERVICES}
    yield urls
    for url in urls.values():
        drop_database(url)


# --- the round trip -------------------------------------------------------------------------------------------------


def test_archive_holds_a_dump_and_checksum_of_every_database(source, archive):
    assert re.fullmatch(r"pressroom-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert sorted(p.name for p in archive.parent.iterdir()) == [archive.name]  # no temporary files left over
    assert archive.stat().st_mode & 0o077 == 0  # it holds every customer's data
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "pressroom-backup"
    assert manifest["pressroom_version"] == svckit.__version__
    created = datetime.fromisoformat(manifest["created_at"])
    assert created.tzinfo is not None and abs((datetime.now(UTC) - created).total_seconds()) < 600
    assert archive.name == f"pressroom-{created:%Y%m%d-%H%M%S}.tar.gz"
    assert [d["service"] for d in manifest["databases"]] == list(SERVICES)
    assert set(members) == {"manifest.json"} | {d["file"] for d in manifest["databases"]}
    import hashlib

    for entry in manifest["databases"]:
        assert entry["database"] == make_url(source["urls"][entry["service"]]).database
        assert [(entry["alembic_revision"],)] == source["revisions"][entry["service"]]
        data = members[entry["file"]]
        assert data.startswith(b"PGDMP")  # pg_dump's custom format
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_restore_into_empty_databases_reproduces_every_row(source, archive, elsewhere, capsys):
    before = {s: _snapshot(u) for s, u in source["urls"].items()}
    for service, tables in ROWS.items():
        for table, rows in tables.items():
            assert len(before[service]["rows"][table]) >= len(rows), (service, table)
    assert not _existing([make_url(u).database for u in elsewhere.values()])

    rc, out, err = _run(capsys, "restore", str(archive))

    assert rc == 0, err
    for service, url in elsewhere.items():
        assert f"restored {service} into {make_url(url).database}" in out
        after = _snapshot(url)
        assert after == before[service], service
        assert after["rows"]["alembic_version"] == source["revisions"][service]
    # identity sequences continue after the restored rows instead of colliding with them
    with _engine(elsewhere["dispatch"]).begin() as conn:
        new_id = conn.execute(text("INSERT INTO outbox (event_type, payload) VALUES ('after_restore', '{}') "
                                   "RETURNING id")).scalar()
    assert new_id > max(row[0] for row in before["dispatch"]["rows"]["outbox"])
    # constraints came back as constraints, not just as names
    with pytest.raises(IntegrityError), _engine(elsewhere["identity"]).begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, name, language) VALUES (gen_random_uuid(), 'x', 'fr')"))


def test_restore_only_selected_services(archive, elsewhere, capsys):
    rc, out, err = _run(capsys, "restore", str(archive), "--services", "billing", "crm")
    assert rc == 0, err
    names = {s: make_url(u).database for s, u in elsewhere.items()}
    assert _existing(list(names.values())) == {names["billing"], names["crm"]}
    assert "restored 2 databases" in out


def test_verify_checks_an_archive_without_touching_databases(archive, elsewhere, capsys):
    rc, out, err = _run(capsys, "verify", str(archive))
    assert rc == 0, err
    assert out.count("ok ") == len(SERVICES)
    assert not _existing([make_url(u).database for u in elsewhere.values()])


# --- refusals -------------------------------------------------------------------------------------------------------


def test_restore_refuses_a_non_empty_database_and_changes_nothing(archive, elsewhere, capsys):
    crm_url = elsewhere["crm"]
    ensure_database(crm_url)
    upgrade("crm", crm_url)
    with _engine(crm_url).begin() as conn:
        conn.execute(text("INSERT INTO contacts (id, account_id, client_id, last_name) "
                          "VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'Schon-Da')"))
    before = _snapshot(crm_url)

    rc, out, err = _run(capsys, "restore", str(archive))

    assert rc == 1
    assert make_url(crm_url).database in err and "empty" in err
    assert err.startswith("backup restore: error: refusing") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""
    assert _snapshot(crm_url) == before
    others = [make_url(u).database for s, u in elsewhere.items() if s != "crm"]
    assert not _existing(others)  # refused before creating any of the missing databases


def test_restore_refuses_a_tampered_archive(archive, elsewhere, tmp_path, capsys):
    files = _members(archive)
    dump = bytearray(files["crm.dump"])
    dump[len(dump) // 2] ^= 0xFF
    files["crm.dump"] = bytes(dump)
    tampered = _write_archive(tmp_path / "tampered.tar.gz", files)

    for command in ("verify", "restore"):
        rc, _, err = _run(capsys, command, str(tampered))
        assert rc == 1
        assert "checksum mismatch for crm.dump" in err and err.count("\n") == 1
    assert not _existing([make_url(u).database for u in elsewhere.values()])


def test_restore_refuses_an_archive_without_manifest(archive, tmp_path, capsys):
    files = _members(archive)
    del files["manifest.json"]
    rc, _, err = _run(capsys, "restore", str(_write_archive(tmp_path / "bare.tar.gz", files)))
    assert rc == 1 and "no manifest.json" in err


def test_restore_refuses_files_the_manifest_does_not_list(archive, tmp_path, capsys):
    files = _members(archive) | {"extra.sql": b"DROP TABLE contacts;"}
    rc, _, err = _run(capsys, "restore", str(_write_archive(tmp_path / "extra.tar.gz", files)))
    assert rc == 1 and "extra.sql" in err


def _special(name: str, kind: bytes, linkname: str = "", size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, linkname, size
    return info


EVIL = f"evil-{uuid.uuid4().hex}"
BAD_MEMBERS = {
    "path traversal": _special(f"../{EVIL}", tarfile.REGTYPE, size=4),
    "deep path traversal": _special(f"../../../../../../tmp/{EVIL}", tarfile.REGTYPE, size=4),
    "absolute path": _special(f"/tmp/{EVIL}", tarfile.REGTYPE, size=4),
    "subdirectory": _special(f"sub/{EVIL}", tarfile.REGTYPE, size=4),
    "symlink": _special(EVIL, tarfile.SYMTYPE, linkname="/etc/passwd"),
    "hard link": _special(EVIL, tarfile.LNKTYPE, linkname="manifest.json"),
    "character device": _special(EVIL, tarfile.CHRTYPE),
    "directory": _special(EVIL, tarfile.DIRTYPE),
    "fifo": _special(EVIL, tarfile.FIFOTYPE),
}


@pytest.mark.parametrize("kind", list(BAD_MEMBERS))
def test_restore_refuses_unsafe_members(kind, archive, elsewhere, tmp_path, capsys, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    bad = _write_archive(tmp_path / "bad.tar.gz", _members(archive), extra=[BAD_MEMBERS[kind]])

    rc, out, err = _run(capsys, "restore", str(bad))

    assert rc == 1, out
    assert "refusing" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(work.iterdir())
    for place in (tmp_path.parent, Path("/tmp"), Path(os.environ.get("TMPDIR", "/tmp"))):
        assert not (place / EVIL).exists()
    assert not _existing([make_url(u).database for u in elsewhere.values()])


def test_restore_refuses_oversized_archives(archive, capsys):
    rc, _, err = _run(capsys, "restore", str(archive), "--max-size", "1K")
    assert rc == 1 and "over the limit" in err


def test_restore_refuses_what_is_not_an_archive(tmp_path, capsys):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball at all")
    rc, _, err = _run(capsys, "restore", str(junk))
    assert rc == 1 and "not a readable .tar.gz" in err
    rc, _, err = _run(capsys, "restore", str(tmp_path / "missing.tar.gz"))
    assert rc == 1 and "not found" in err


def test_restore_refuses_services_not_in_the_archive(archive, tmp_path, capsys):
    files = _members(archive)
    manifest = json.loads(files["manifest.json"])
    manifest["databases"] = [d for d in manifest["databases"] if d["service"] != "billing"]
    files["manifest.json"] = json.dumps(manifest).encode()
    del files["billing.dump"]
    partial = _write_archive(tmp_path / "partial.tar.gz", files)
    rc, _, err = _run(capsys, "restore", str(partial), "--services", "billing")
    assert rc == 1 and "billing not in archive" in err


def test_dump_fails_naming_a_missing_database(source, tmp_path, monkeypatch, capsys):
    missing = f"pressroom_missing_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("CRM_DATABASE_URL", str(make_url(source["urls"]["crm"]).set(database=missing)
                                              .render_as_string(hide_password=False)))
    out_dir = tmp_path / "out"

    rc, out, err = _run(capsys, "dump", "--dir", str(out_dir))

    assert rc == 1 and out == ""
    assert f"database {missing} (service crm) does not exist" in err
    assert "identity" not in err  # the databases that exist are not blamed
    assert not out_dir.exists() or not list(out_dir.iterdir())


def test_cli_exits_1_with_one_line_and_no_traceback(elsewhere, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "svckit.backup", "dump", "--dir", str(tmp_path)],
                          cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backup dump: error: databases ")
    assert all(make_url(u).database in lines[0] for u in elsewhere.values())
    assert not list(tmp_path.iterdir())


def test_errors_never_show_the_password(source, tmp_path, monkeypatch, capsys):
    secret = f"hunter2-{uuid.uuid4().hex}"
    url = make_url(source["urls"]["identity"]).set(password=secret,
                                                    database=f"pressroom_missing_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("IDENTITY_DATABASE_URL", url.render_as_string(hide_password=False))
    rc, out, err = _run(capsys, "dump", "--dir", str(tmp_path))
    assert rc == 1
    assert secret not in out + err


# --- URL to libpq ---------------------------------------------------------------------------------------------------


def test_urls_become_libpq_arguments_with_the_password_in_the_environment():
    target = backup.libpq_target(
        "crm", "postgresql+psycopg://pressroom:p%40ss%3Aw%2Frd@db.internal:6543/pressroom_crm?sslmode=require")
    assert target.database == "pressroom_crm"
    assert target.args == ("--no-password", "--host=db.internal", "--port=6543", "--username=pressroom",
                           "--dbname=dbname=pressroom_crm")
    assert target.env == {"PGPASSWORD": "p@ss:w/rd", "PGSSLMODE": "require"}
    assert "p@ss" not in repr(target) and "p%40ss" not in repr(target)


def test_unusual_urls():
    socket = backup.libpq_target("crm", "postgresql+psycopg://app@/odd=name?host=/var/run/postgresql")
    assert socket.args == ("--no-password", "--host=/var/run/postgresql", "--username=app",
                           "--dbname=dbname='odd=name'")
    assert "PGPASSWORD" not in socket.env
    with pytest.raises(backup.BackupError, match="names no database"):
        backup.libpq_target("crm", "postgresql+psycopg://app@localhost")
    with pytest.raises(backup.BackupError, match="not a PostgreSQL URL"):
        backup.libpq_target("crm", "sqlite:///x.db")


def test_a_failing_pg_dump_leaves_no_partial_archive(source, tmp_path, monkeypatch, capsys):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump: error: simulated failure" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    out_dir = tmp_path / "out"

    rc, out, err = _run(capsys, "dump", "--dir", str(out_dir))

    assert rc == 1 and out == ""
    database = make_url(source["urls"]["identity"]).database
    assert f"pg_dump failed for database {database} (service identity): pg_dump: error: simulated failure" in err
    assert list(out_dir.iterdir()) == []  # neither dumps nor a half-written archive
