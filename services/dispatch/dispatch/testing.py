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
