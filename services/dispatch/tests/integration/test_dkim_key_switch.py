"""The sending engine picks up a domain's new DKIM key in a running mailing: the cached mailing re-reads the
signing key (at most SIGNER_RECHECK seconds later), and signers are cached per selector, not per domain."""

from __future__ import annotations

import uuid

import dkim
import pytest
from sqlalchemy import text

from dispatch.domain import dkim as our_dkim
from dispatch.domain.dkim import parse_tags
from dispatch.engine import compose
from dispatch.engine.engine import Engine
from dispatch.engine.smtp import SinkReconciler
from dispatch.settings import DispatchSettings
from dispatch_testing import FakeClock, insert_mailing


@pytest.fixture
def db(databases):
    engine = databases.engine("dispatch")
    yield engine
    databases.truncate("dispatch")


def add_key_records(published: dict, domain: str, rsa_sel: str, ed_sel: str, pair) -> None:
    for r in our_dkim.dns_records(domain, rsa_sel, pair.rsa_public, ed_sel, pair.ed25519_public, "spf.test")[:2]:
        published[r["name"]] = r["value"].encode()


def signature_selectors(raw: bytes) -> set[str]:
    import email

    return {parse_tags(v)["s"] for v in email.message_from_bytes(raw).get_all("DKIM-Signature")}


def test_a_running_mailing_switches_to_the_promoted_key(db, smtp_sink, monkeypatch):
    settings = DispatchSettings(smtp_host="127.0.0.1", smtp_port=smtp_sink.smtp_port, smtp_connections=1,
                                batch_size=1, verp_domain="bounces.test", mail_from="no-reply@pressroom.test")
    old, new = our_dkim.generate_keys(settings.dkim_key_secret), our_dkim.generate_keys(settings.dkim_key_secret)
    published: dict[str, bytes] = {}
    add_key_records(published, "acme.example", "pr202601r", "pr202601e", old)
    add_key_records(published, "acme.example", "pr202601br", "pr202601be", new)
    account, domain_id, sender_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    with db.begin() as conn:
        conn.execute(text("""
            INSERT INTO sender_domains (id, account_id, domain, rsa_selector, ed25519_selector, rsa_private,
                                        ed25519_private, rsa_public, ed25519_public, dkim_ok)
            VALUES (:id, :a, 'acme.example', 'pr202601r', 'pr202601e', :rp, :ep, :rpub, :epub, true)"""),
            {"id": domain_id, "a": account, "rp": old.rsa_private, "ep": old.ed25519_private,
             "rpub": old.rsa_public, "epub": old.ed25519_public})
        conn.execute(text("INSERT INTO sender_accounts (id, account_id, domain_id, from_name, from_address) "
                          "VALUES (:id, :a, :d, 'ACME', 'presse@acme.example')"),
                     {"id": sender_id, "a": account, "d": domain_id})
        mailing_id, _ = insert_mailing(conn, account, 3, prefix="k")
        conn.execute(text("UPDATE mailings SET sender_id = :s WHERE id = :m"), {"s": sender_id, "m": mailing_id})
    engine = Engine(db, settings, clock=FakeClock(), reconciler=SinkReconciler(smtp_sink.web_url))
    try:
        assert engine.run_once() == 1
        # the rotation's check promotes the new key (what usecases/senders.py _promote writes)
        with db.begin() as conn:
            conn.execute(text("""
                UPDATE sender_domains SET rsa_selector = 'pr202601br', ed25519_selector = 'pr202601be',
                       rsa_private = :rp, ed25519_private = :ep, rsa_public = :rpub, ed25519_public = :epub
                WHERE id = :id"""), {"id": domain_id, "rp": new.rsa_private, "ep": new.ed25519_private,
                                     "rpub": new.rsa_public, "epub": new.ed25519_public})
        assert engine.run_once() == 1            # within SIGNER_RECHECK: the cached key still signs
        monkeypatch.setattr(compose, "SIGNER_RECHECK", 0.0)   # ... and once the re-check is due, the new one
        assert engine.run_once() == 1
    finally:
        engine.close()
    smtp_sink.wait_for(3)
    raws = [smtp_sink.messages(to=f"k{i}@zeitung.example")[0].raw for i in (1, 2, 3)]
    assert [signature_selectors(r) for r in raws] == [
        {"pr202601r", "pr202601e"}, {"pr202601r", "pr202601e"}, {"pr202601br", "pr202601be"}]
    lookup = lambda name, timeout=5: published.get(name.decode().rstrip("."))   # noqa: E731
    for raw in raws:
        v = dkim.DKIM(raw)
        assert v.verify(idx=0, dnsfunc=lookup) and v.verify(idx=1, dnsfunc=lookup)
    assert len(engine.composer._signers) == 1     # the replaced key is not kept in the sender's memory
