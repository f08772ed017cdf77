"""Test support for dispatch (and for other services' tests that send mail through it): tenants, waiting, senders,
a fake clock for the engine, mailings written directly, a loopback DNS server. Not shipped (see pyproject)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC

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
        from datetime import datetime, timedelta

        self.now = datetime.now(UTC) + timedelta(seconds=1)

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


class DnsServer:
    """A small authoritative DNS server on loopback (UDP, a free port) serving TXT records and CNAMEs from dicts;
    tests change ``records``/``cnames`` while it runs. Names without the trailing dot."""

    def __init__(self) -> None:
        self.records: dict[str, list[list[str]]] = {}
        self.cnames: dict[str, str] = {}
        self.queries: list[str] = []
        self._sock = None
        self._thread = None
        self.port = 0

    def publish(self, name: str, *values: str | list[str]) -> None:
        self.records[name.lower().rstrip(".")] = [[v] if isinstance(v, str) else list(v) for v in values]

    def publish_cname(self, name: str, target: str) -> None:
        self.cnames[name.lower().rstrip(".")] = target.lower().rstrip(".")

    def start(self) -> DnsServer:
        import socket
        import threading

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        import dns.message
        import dns.rcode
        import dns.rdataclass
        import dns.rdatatype
        import dns.rrset

        while self._running:
            try:
                data, addr = self._sock.recvfrom(4096)
            except OSError:
                continue
            try:
                query = dns.message.from_wire(data)
            except Exception:
                continue
            response = dns.message.make_response(query)
            response.flags |= 0x0400  # authoritative
            for question in query.question:
                name = question.name.to_text().lower().rstrip(".")
                self.queries.append(name)
                values = self.records.get(name)
                if name in self.cnames:   # a CNAME answers every type (the target is not followed here)
                    response.answer.append(dns.rrset.from_text(question.name, 60, dns.rdataclass.IN,
                                                               dns.rdatatype.CNAME, self.cnames[name] + "."))
                elif values is None:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                elif question.rdtype == dns.rdatatype.TXT:
                    texts = [" ".join('"' + s.replace('"', '\\"') + '"' for s in strings) for strings in values]
                    response.answer.append(dns.rrset.from_text(question.name, 60, dns.rdataclass.IN,
                                                               dns.rdatatype.TXT, *texts))
            self._sock.sendto(response.to_wire(), addr)

    def stop(self) -> None:
        self._running = False
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()

    def dkim_dnsfunc(self):
        """A dnsfunc for dkimpy that asks this server through dnspython (a real lookup)."""
        import dns.resolver

        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = self.port

        def lookup(name: bytes, timeout: int = 5):
            try:
                answer = resolver.resolve(name.decode().rstrip("."), "TXT")
            except Exception:
                return None
            return b"".join(b"".join(r.strings) for r in answer)
        return lookup
