"""dispatch's metrics on real PostgreSQL and the SMTP sink: mails counted by outcome and receiving-domain class
(bounded: a customer's domain is ``other``), the send queue and sender domains read on scrape."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from dispatch import metrics as dispatch_metrics
from dispatch.engine.engine import Engine
from dispatch.settings import DispatchSettings
from dispatch_testing import FakeClock, insert_mailing
from svckit.clock import utcnow
from svckit.metrics import domain_class


@pytest.fixture
def db(databases):
    engine = databases.engine("dispatch")
    yield engine
    databases.truncate("dispatch")


def mails(outcome: str, cls: str) -> float:
    return REGISTRY.get_sample_value("pressroom_mails_total", {"outcome": outcome, "domain_class": cls}) or 0.0


def test_domain_classes_are_a_fixed_set():
    assert domain_class("GMail.com.") == "gmail"
    assert domain_class("hotmail.de") == "microsoft"
    assert domain_class("web.de") == "united_internet"
    assert domain_class("zeitung.example") == "other"
    assert domain_class(None) == "other"


def test_sent_mails_are_counted_by_receiving_domain_class(db, smtp_sink):
    account = str(uuid.uuid4())
    with db.begin() as conn:
        insert_mailing(conn, account, 3, domain="gmail.com", prefix="g")
        insert_mailing(conn, account, 2, domain="zeitung.example", prefix="z")
    before = {cls: mails("sent", cls) for cls in ("gmail", "other", "microsoft")}
    settings = DispatchSettings(smtp_host="127.0.0.1", smtp_port=smtp_sink.smtp_port, smtp_connections=1,
                                batch_size=10, verp_domain="bounces.test", mail_from="no-reply@pressroom.test")
    engine = Engine(db, settings, clock=FakeClock())
    try:
        engine.run_until_idle()
    finally:
        engine.close()
    assert len(smtp_sink.messages()) >= 5
    assert mails("sent", "gmail") - before["gmail"] == 3
    assert mails("sent", "other") - before["other"] == 2
    assert mails("sent", "microsoft") == before["microsoft"]


def test_send_queue_and_sender_domains_are_read_on_scrape(db):
    with db.begin() as conn:
        _, ids = insert_mailing(conn, str(uuid.uuid4()), 4)
        conn.execute(text("UPDATE deliveries SET state = 'queued', next_attempt_at = :at WHERE id = ANY(:ids)"),
                     {"at": utcnow() - timedelta(minutes=10), "ids": ids[:3]})
        conn.execute(text("UPDATE deliveries SET state = 'deferred', next_attempt_at = :at WHERE id = :id"),
                     {"at": utcnow() + timedelta(hours=1), "id": ids[3]})   # not due yet
    with db.connect() as conn:
        families = {f.name: f for f in dispatch_metrics.send_queue(conn)}
        domains = list(dispatch_metrics.sender_domains(conn))[0]
    assert families["pressroom_send_queue_depth"].samples[0].value == 3
    assert 590 < families["pressroom_send_queue_oldest_age_seconds"].samples[0].value < 3600
    assert {(s.labels["owner"], s.labels["dkim"]): s.value for s in domains.samples} == {
        ("system", "ok"): 0, ("system", "failing"): 0, ("customer", "ok"): 0, ("customer", "failing"): 0}


def test_the_service_and_the_sender_serve_metrics(run_services, dispatch_config):
    import urllib.request

    from nameko.web.server import WebServer
    from prometheus_client.parser import text_string_to_metric_families

    from dispatch.sender import DispatchSender
    from dispatch.service import DispatchService

    runner = run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))
    names = set()
    for container in runner.containers:
        server = next(ext for ext in container.shared_extensions.values() if isinstance(ext, WebServer))
        port = server._sock.getsockname()[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
            page = resp.read().decode()
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for family in text_string_to_metric_families(page) for s in family.samples}
        names |= {name for name, _ in samples}
        assert samples[("pressroom_db_pool_size", (("service", "dispatch_sender"),))] >= 1
        assert samples[("pressroom_db_pool_size", (("service", "dispatch"),))] >= 1
    assert {"pressroom_send_queue_depth", "pressroom_sender_domains", "pressroom_outbox_pending"} <= names
