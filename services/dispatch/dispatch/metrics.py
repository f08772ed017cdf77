"""dispatch's figures read when Prometheus scrapes (``ServiceMetrics(scrape=SCRAPE)``, see svckit.metrics): the
send queue and the sender domains' DKIM state. The counters (mails, bounce verdicts, DKIM checks) are svckit's."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.engine import Connection

from svckit.metrics import SCRAPED

from .db import queries


def send_queue(conn: Connection) -> Iterable[Metric]:
    row = conn.execute(queries.SEND_QUEUE).one()
    depth = GaugeMetricFamily("pressroom_send_queue_depth", SCRAPED["pressroom_send_queue_depth"], value=row.n)
    age = GaugeMetricFamily("pressroom_send_queue_oldest_age_seconds",
                            SCRAPED["pressroom_send_queue_oldest_age_seconds"], value=float(row.age))
    return [depth, age]


def sender_domains(conn: Connection) -> Iterable[Metric]:
    family = GaugeMetricFamily("pressroom_sender_domains", SCRAPED["pressroom_sender_domains"],
                               labels=["owner", "dkim"])
    found = {(row.owner, "ok" if row.dkim_ok else "failing"): row.n
             for row in conn.execute(queries.SENDER_DOMAIN_STATES)}
    for owner in ("system", "customer"):
        for state in ("ok", "failing"):
            family.add_metric([owner, state], found.get((owner, state), 0))
    return [family]


SCRAPE = [send_queue, sender_domains]
