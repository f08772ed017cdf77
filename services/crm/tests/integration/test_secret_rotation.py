"""Rotating CRM_SECRET_KEY (issue 13, point 5) on the real database: mailbox passwords stored under the old key stay
readable after the rotation, the re-encryption (crm.keyring.rekey, its CLI) moves every one under the new key and
is idempotent, and once the old key is removed everything still decrypts."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.orm import Session

from crm import keyring
from crm.keyring import KeyRing, key_id

OLD = "test-only-crm-secret-key"      # the key crm_service runs with
NEW = "test-only-crm-secret-key-2027"


def legacy_token(secret: str, plain: str) -> str:
    """What crm stored before the ring: a bare Fernet token under CRM_SECRET_KEY."""
    key = base64.urlsafe_b64encode(hashlib.sha256(("pressroom-crm-mailbox:" + secret).encode()).digest())
    return Fernet(key).encrypt(plain.encode()).decode()


def mailbox(rpc, n: int) -> str:
    return rpc.crm.create_mailbox({"host": "imap.example.com", "username": f"box{n}@example.com",
                                   "password": f"Passwort-{n}"})["id"]


def stored(crm_db) -> dict[str, str]:
    with crm_db.connect() as conn:
        return {str(i): p for i, p in conn.execute(text("SELECT id, password_enc FROM mailboxes"))}


def test_rotation_rekey_and_removing_the_old_key(crm_service, rpc_as, tenant, crm_db, monkeypatch, capsys):
    with rpc_as(tenant.user()) as rpc:
        ids = [mailbox(rpc, n) for n in range(3)]
    before = stored(crm_db)
    assert all(v.startswith(f"v1:{key_id(OLD)}:") for v in before.values())
    # a password stored before the ring existed (a bare Fernet token) is rotated too
    with crm_db.begin() as conn:
        conn.execute(text("UPDATE mailboxes SET password_enc = :p WHERE id = :i"),
                     {"p": legacy_token(OLD, "Passwort-0"), "i": ids[0]})

    rotated = KeyRing(NEW, [OLD])
    assert {rotated.decrypt(v) for v in stored(crm_db).values()} == {"Passwort-0", "Passwort-1", "Passwort-2"}
    with Session(bind=crm_db) as session:
        assert keyring.status(session, rotated)["keys"] == {key_id(OLD): 2}
        assert keyring.rekey(session, rotated, batch=2) == {"rewritten": 3, "unreadable": 0}
        assert keyring.rekey(session, rotated) == {"rewritten": 0, "unreadable": 0}      # idempotent
        assert keyring.status(session, rotated) == {"current": key_id(NEW), "configured": [key_id(NEW), key_id(OLD)],
                                                    "keys": {key_id(NEW): 3}, "unnamed": 0, "total": 3}
    after = stored(crm_db)
    assert all(v.startswith(f"v1:{key_id(NEW)}:") for v in after.values())

    only_new = KeyRing(NEW)           # the old key removed from the configuration
    assert {i: only_new.decrypt(v) for i, v in after.items()} == {ids[0]: "Passwort-0", ids[1]: "Passwort-1",
                                                                   ids[2]: "Passwort-2"}

    # the operator's command: rotate once more (NEW -> NEWER) through the CLI, with the crm's environment
    monkeypatch.setenv("CRM_DATABASE_URL", crm_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CRM_SECRET_KEY", "newer")
    monkeypatch.setenv("CRM_SECRET_KEYS_OLD", NEW)
    assert keyring.main(["status"]) == 1                  # secrets still under an old key
    capsys.readouterr()
    assert keyring.main(["rekey"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rekey"] == {"rewritten": 3, "unreadable": 0} and out["status"]["keys"] == {key_id("newer"): 3}
    assert {KeyRing("newer").decrypt(v) for v in stored(crm_db).values()} == {"Passwort-0", "Passwort-1",
                                                                                "Passwort-2"}


def test_rekey_leaves_unreadable_rows_alone_and_counts_them(crm_service, rpc_as, tenant, crm_db):
    with rpc_as(tenant.user()) as rpc:
        mailbox(rpc, 1)
    with crm_db.begin() as conn:
        conn.execute(text("INSERT INTO mailboxes (id, account_id, user_id, host, port, security, username, "
                          "password_enc) VALUES (:i, :a, :u, 'h', 993, 'ssl', 'x', 'v1:deadbeef:lost')"),
                     {"i": str(uuid.uuid4()), "a": tenant.account, "u": str(uuid.uuid4())})
    with Session(bind=crm_db) as session:
        assert keyring.rekey(session, KeyRing(NEW, [OLD])) == {"rewritten": 1, "unreadable": 1}
        assert keyring.rekey(session, KeyRing(NEW, [OLD])) == {"rewritten": 0, "unreadable": 1}
    assert "v1:deadbeef:lost" in stored(crm_db).values()
