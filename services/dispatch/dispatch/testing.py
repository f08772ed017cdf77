"""Test helpers for dispatch (and for other services' tests that send mail through it)."""

from __future__ import annotations

import time
import uuid

from svckit.principal import Principal

VERP = "bounces.pressroom.test"
PUBLIC = "https://press.example"

class Tenant:
    """An account with two clients (full and read-only rights for the user) and its principals."""

    def __init__(self) -> None:
        self.account_id = str(uuid.uuid4())
        self.client = str(uuid.uuid4())
        self.read_client = str(uuid.uuid4())
        self.hidden_client = str(uuid.uuid4())
        self.admin_id = str(uuid.uuid4())
        self.user_id = str(uuid.uuid4())
        clients = {self.client: "full", self.read_client: "read"}
        self.admin = Principal(kind="user", account_id=self.account_id, user_id=self.admin_id,
                               roles=("administrator", "user"), clients=clients, lang="de")
        self.user = Principal(kind="user", account_id=self.account_id, user_id=self.user_id, roles=("user",),
                              clients=clients, lang="en")


def wait_until(predicate, timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {value!r})")
        time.sleep(interval)


def sendable_sender(rpc, tenant: Tenant, address: str = "presse@acme-news.example", assign=True) -> dict:
    """A domain the administrator allowed without DNS check, and a sender assigned to the tenant's user."""
    domain = rpc.dispatch.create_sender_domain({"domain": address.rpartition("@")[2]})
    rpc.dispatch.update_sender_domain(domain["id"], {"allow_unverified": True})
    return rpc.dispatch.create_sender({"from_name": "ACME Presse", "from_address": address,
                                       "reply_to": "antwort@acme-news.example",
                                       "user_ids": [tenant.user_id] if assign else []})


class FakeClock:
    """Injectable time for the engine: starts a little after now, moves only when told."""

    def __init__(self) -> None:
        from datetime import datetime, timedelta, timezone

        self.now = datetime.now(timezone.utc) + timedelta(seconds=1)

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


def insert_mailing(conn, account_id: str, n: int, lane: str = "standard", domain: str = "zeitung.example",
                   prefix: str = "r", subject: str = "PM {{ first_name }}", text_body: str = "Hallo {{ first_name }}",
                   state: str = "sending") -> tuple[str, list[int]]:
    """A started mailing with ``n`` recipient rows written directly (engine tests need no crm)."""
    from sqlalchemy import text

    mailing_id = str(uuid.uuid4())
    conn.execute(text("INSERT INTO mailings (id, account_id, client_id, subject, text_body, lane, state, total) "
                      "VALUES (:id, :a, :c, :s, :t, :lane, :state, :n)"),
                 {"id": mailing_id, "a": account_id, "c": str(uuid.uuid4()), "s": subject, "t": text_body,
                  "lane": lane, "state": state, "n": n})
    lane_no = 1 if lane == "premium" else 2
    ids = conn.execute(text(
        "INSERT INTO deliveries (account_id, mailing_id, lane, email, domain, recipient) "
        "SELECT :a, :m, :lane, :p || g || '@' || :d, :d, jsonb_build_object('first_name', 'N' || g) "
        "FROM generate_series(1, :n) g RETURNING id"),
        {"a": account_id, "m": mailing_id, "lane": lane_no, "p": prefix, "d": domain, "n": n}).scalars().all()
    return mailing_id, list(ids)
