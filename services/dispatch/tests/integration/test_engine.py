"""The sending engine on real PostgreSQL and the SMTP sink: lanes, retries, failures, limits, reconciliation."""

from __future__ import annotations

import smtplib
import uuid

import pytest
from sqlalchemy import text

from dispatch.engine.engine import Engine
from dispatch.engine.smtp import DomainLimiter, SinkReconciler
from dispatch.settings import DispatchSettings
from dispatch_testing import FakeClock, insert_mailing


@pytest.fixture
def db(databases):
    engine = databases.engine("dispatch")
    yield engine
    databases.truncate("dispatch")


@pytest.fixture
def make_engine(db, smtp_sink):
    made = []

    def make(clock=None, connections=1, batch=10, per_minute=0, reconcile=True, **kw):
        settings = DispatchSettings(smtp_host="127.0.0.1", smtp_port=smtp_sink.smtp_port, smtp_connections=connections,
                                    batch_size=batch, verp_domain="bounces.test", mail_from="no-reply@pressroom.test",
                                    domain_rate_per_minute=per_minute, **kw)
        engine = Engine(db, settings, clock=clock or FakeClock(),
                        reconciler=SinkReconciler(smtp_sink.web_url) if reconcile else None)
        made.append(engine)
        return engine
    yield make
    for engine in made:
        engine.close()


def states(db, mailing_id=None) -> dict[str, int]:
    with db.connect() as conn:
        q = "SELECT state, count(*) FROM deliveries" + (" WHERE mailing_id = :m" if mailing_id else "") + \
            " GROUP BY state"
        return dict(conn.execute(text(q), {"m": mailing_id}).all())


def test_premium_strictly_before_standard_and_transactional_first(db, make_engine, smtp_sink):
    account = str(uuid.uuid4())
    with db.begin() as conn:
        insert_mailing(conn, account, 12, "standard", prefix="std")
        insert_mailing(conn, account, 6, "premium", prefix="prem")
        conn.execute(text("INSERT INTO deliveries (lane, email, domain, recipient, idempotency_key) VALUES "
                          "(0, 'otp@zeitung.example', 'zeitung.example', "
                          "'{\"subject\": \"Code\", \"text\": \"123456\"}', 'k1')"))
    clock = FakeClock()
    engine = make_engine(clock, batch=100)
    # one claim with room for everything takes the transactional and premium rows only: standard waits
    with db.connect() as conn:
        from sqlalchemy.orm import Session

        from dispatch.engine import store
        with Session(conn) as s:
            claimed = store.claim(s, "w1", 100, clock(), 300, "bounces.test")
    assert sorted(r.lane for r in claimed) == [0] + [1] * 6
    with db.connect() as conn:
        from sqlalchemy.orm import Session
        with Session(conn) as s:  # premium claimed (in flight) no longer holds standard back
            assert {r.lane for r in store.claim(s, "w2", 100, clock(), 300, "bounces.test")} == {2}
    with db.begin() as conn:  # give everything back and let one engine deliver in order
        conn.execute(text("UPDATE deliveries SET state = 'queued', attempts = 0, lease_until = NULL"))
    engine = make_engine(clock, batch=4)
    engine.run_until_idle()
    order = [m.rcpt_to[0].split("@")[0] for m in smtp_sink.messages()]
    assert order[0] == "otp"
    assert all(x.startswith("prem") for x in order[1:7]) and all(x.startswith("std") for x in order[7:])
    assert len(order) == 19
    assert states(db) == {"sent": 19}


def test_deferred_premium_that_is_not_due_does_not_block_standard(db, make_engine, smtp_sink):
    account = str(uuid.uuid4())
    with db.begin() as conn:
        insert_mailing(conn, account, 2, "premium", prefix="later")
        conn.execute(text("UPDATE deliveries SET state = 'deferred', next_attempt_at = now() + interval '1 hour'"))
        insert_mailing(conn, account, 3, "standard", prefix="now")
    make_engine().run_until_idle()
    assert sorted(m.rcpt_to[0] for m in smtp_sink.messages()) == [f"now{i}@zeitung.example" for i in (1, 2, 3)]


def test_4xx_is_retried_with_backoff_then_sent(db, make_engine, smtp_sink):
    smtp_sink.add_rule(match="^r1@", code=450, times=2)
    with db.begin() as conn:
        _mailing, [rid] = insert_mailing(conn, str(uuid.uuid4()), 1)
    clock = FakeClock()
    engine = make_engine(clock)
    assert engine.run_once() == 1 and states(db) == {"deferred": 1}
    assert engine.run_once() == 0                       # not due yet
    clock.advance(seconds=61)
    assert engine.run_once() == 1 and states(db) == {"deferred": 1}
    clock.advance(seconds=301)
    assert engine.run_once() == 1 and states(db) == {"sent": 1}
    assert len(smtp_sink.messages(to="r1@zeitung.example")) == 1
    with db.connect() as conn:
        kinds = conn.execute(text("SELECT kind FROM delivery_events WHERE delivery_id = :d ORDER BY id"),
                             {"d": rid}).scalars().all()
        attempts = conn.execute(text("SELECT attempts FROM deliveries")).scalar()
    assert kinds == ["deferred", "deferred", "sent"] and attempts == 3


def test_4xx_for_72_hours_fails_soft(db, make_engine, smtp_sink):
    smtp_sink.add_rule(match="^r1@", code=451)
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), 1)
    clock = FakeClock()
    engine = make_engine(clock)
    for _ in range(40):
        engine.run_once()
        if states(db).get("failed"):
            break
        clock.advance(hours=4, seconds=1)
    with db.connect() as conn:
        row = conn.execute(text("SELECT state, bounce, last_reply, first_attempt_at, final_at FROM deliveries")).one()
    assert row.state == "failed" and row.bounce == "soft" and "gave up" in row.last_reply
    assert (row.final_at - row.first_attempt_at).total_seconds() >= 72 * 3600
    assert (row.final_at - row.first_attempt_at).total_seconds() <= 76 * 3600


def test_5xx_fails_at_once_suppresses_and_tells_crm(db, make_engine, smtp_sink):
    smtp_sink.add_rule(match="^r2@", code=550, message="5.1.1 <r2@zeitung.example>: User unknown")
    account = str(uuid.uuid4())
    with db.begin() as conn:
        mailing, _ = insert_mailing(conn, account, 3)
    make_engine().run_until_idle()
    assert states(db) == {"sent": 2, "failed": 1}
    with db.connect() as conn:
        row = conn.execute(text("SELECT bounce, last_code, last_reply FROM deliveries WHERE state = 'failed'")).one()
        sup = conn.execute(text("SELECT address, reason FROM suppressions")).all()
        [event] = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'recipient_bounced'")).scalars()
    assert row.bounce == "hard" and row.last_code == 550 and "User unknown" in row.last_reply
    assert [(s.address, s.reason) for s in sup] == [("r2@zeitung.example", "hard_bounce")]
    assert event["email"] == "r2@zeitung.example" and event["hard"] is True and event["status"] == "5.1.1"
    assert event["account_id"] == account and event["mailing_id"] == mailing


def test_domain_rate_limit_releases_without_counting_an_attempt(db, make_engine, smtp_sink):
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), 5, domain="klein.example")
    clock = FakeClock()
    engine = make_engine(clock, batch=10, per_minute=2)
    engine.run_once()
    assert len(smtp_sink.messages()) == 2
    with db.connect() as conn:
        waiting = conn.execute(text("SELECT state, attempts, next_attempt_at FROM deliveries "
                                    "WHERE state <> 'sent'")).all()
    assert len(waiting) == 3 and all(w.state == "queued" and w.attempts == 0 for w in waiting)
    assert all(w.next_attempt_at > clock() for w in waiting)


def test_domain_concurrency_is_bounded():
    limiter = DomainLimiter(concurrency=2)
    a, b = limiter.slot("x.example"), limiter.slot("x.example")
    assert a is b and a.balance == 2
    assert limiter.slot("y.example") is not a


def test_in_doubt_row_is_reconciled_by_message_id(db, make_engine, smtp_sink):
    """A worker died after the relay took the mail but before it marked the row: nothing is sent twice."""
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), 2)
    clock = FakeClock()
    from sqlalchemy.orm import Session

    from dispatch.engine import store
    with Session(db) as s:   # the dead worker's claim: attempt recorded, Message-ID assigned
        claimed = store.claim(s, "dead-worker", 10, clock(), 30, "bounces.test")
    first = claimed[0]
    with smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port) as smtp:   # ... and its mail reached the relay
        smtp.sendmail("b@x", [first.email], f"Message-ID: {first.message_id}\r\nSubject: x\r\n\r\nx\r\n".encode())
    clock.advance(seconds=31)   # the lease runs out
    make_engine(clock).run_until_idle()
    assert len(smtp_sink.messages(to=first.email)) == 1
    assert len(smtp_sink.messages(to=claimed[1].email)) == 1
    with db.connect() as conn:
        rows = conn.execute(text("SELECT id, state, in_doubt FROM deliveries ORDER BY id")).all()
        detail = conn.execute(text("SELECT detail FROM delivery_events WHERE delivery_id = :d"),
                              {"d": first.id}).scalar()
    assert [(r.state, r.in_doubt) for r in rows] == [("sent", False), ("sent", False)]
    assert detail.get("reconciled") is True


def test_relay_down_defers_and_recovers(db, make_engine, smtp_sink):
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), 3)
    clock = FakeClock()
    settings_port = smtp_sink.smtp_port
    engine = make_engine(clock)
    engine.pool.port = 1   # nothing listens there
    engine.run_once()
    assert states(db) == {"deferred": 3}
    engine.pool.port = settings_port
    clock.advance(seconds=61)
    engine.run_until_idle()
    assert states(db) == {"sent": 3} and len(smtp_sink.messages()) == 3


def test_a_broken_template_fails_only_its_recipient(db, make_engine, smtp_sink):
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), 2, text_body="{{ ''.__class__ }}")
    make_engine().run_until_idle()
    assert states(db) == {"failed": 2} and smtp_sink.messages() == []
