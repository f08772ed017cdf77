"""identity's use cases without a broker: accounts, clients and users on the real identity database, through the
entrypoints nameko would call (``unit`` kit, svckit_testing.unit); transactional mail (a call to dispatch or SMTP)
and the principal cache are faked and recorded."""

from __future__ import annotations

import uuid
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import text

from identity.db.models import UserSession
from identity.service import IdentityService
from svckit.errors import Conflict, Forbidden, NotFound
from svckit.principal import Principal
from svckit_testing.fakes import FakeInvalidator

BILLING = Principal.system("billing")


@pytest.fixture
def kit(unit):
    return unit("identity")


def as_(kit, principal: Principal, cache: FakeInvalidator | None = None):
    cache = cache or FakeInvalidator()
    kit.work_extras = {"mailer": kit.mailer, "invalidator": cache}  # what IdentityUnitOfWork.extras gives
    return kit.worker(IdentityService, principal, cache=cache)


def order(tag: str, clients=("Konzern", "Tochter", "Geheim")) -> dict:
    return {"idempotency_key": f"order-{tag}", "account": {"name": f"Presse {tag} GmbH", "language": "de"},
            "seats": 5,
            "license_manager": {"email": f"lm-{tag}@example.com", "first_name": "Lena", "last_name": "Lizenz"},
            "administrator": {"email": f"admin-{tag}@example.com", "first_name": "Anna", "last_name": "Admin"},
            "clients": [{"name": c} for c in clients]}


def settle() -> None:
    """Let mails sent in the background (after the commit, without holding up the reply) go out."""
    for _ in range(5):
        eventlet.sleep(0)


class Account:
    """An account created as billing does it, a user with read on the first and full on the second client (the
    third is hidden from them), and the principals the gateway would sign."""

    def __init__(self, kit, tag: str | None = None):
        tag = tag or uuid.uuid4().hex[:8]
        self.ids = as_(kit, BILLING).create_account(order(tag))
        self.account_id = self.ids["account_id"]
        by_name = dict(kit.session.execute(text("SELECT name, id::text FROM clients WHERE account_id = :a"),
                                           {"a": self.account_id}).all())
        assert set(by_name.values()) == set(self.ids["client_ids"])
        self.read_client, self.full_client, self.hidden_client = (by_name[n] for n in ("Konzern", "Tochter", "Geheim"))
        self.admin = Principal(kind="user", account_id=self.account_id, user_id=self.ids["administrator_id"],
                               roles=("administrator", "user"), clients={c: "full" for c in self.ids["client_ids"]})
        self.user_email = f"red-{tag}@example.com"
        created = as_(kit, self.admin).create_user({
            "email": self.user_email, "first_name": "Robin", "last_name": "Redaktion", "active": True,
            "rights": {self.read_client: "read", self.full_client: "full"}})
        self.user = Principal(kind="user", account_id=self.account_id, user_id=created["id"], roles=("user",),
                              clients={self.read_client: "read", self.full_client: "full"})


def test_an_order_from_billing_creates_account_people_and_clients_once_and_tells_the_others(kit):
    service = as_(kit, BILLING)
    first = service.create_account(order("a1"))
    again = service.create_account(order("a1"))  # billing retries: the same ids, nothing twice
    assert again == first and len(first["client_ids"]) == 3
    count = kit.session.execute(text("SELECT count(*) FROM accounts WHERE idempotency_key = 'order-a1'")).scalar()
    assert count == 1
    assert kit.events.names().count("account_created") == 1
    assert [p["account_id"] for p in kit.events.of("account_created")] == [first["account_id"]]
    settle()
    assert {m.to for m in kit.mailer.sent} == {"lm-a1@example.com", "admin-a1@example.com"}


def test_only_a_service_or_operator_may_create_accounts(kit):
    user = Principal(kind="user", account_id=str(uuid.uuid4()), user_id=str(uuid.uuid4()), roles=("administrator",))
    with pytest.raises(Forbidden):
        as_(kit, user).create_account(order("a2"))
    assert kit.session.execute(text("SELECT count(*) FROM accounts")).scalar() == 0
    assert kit.events.events == [] and kit.mailer.sent == []


def test_the_administrator_creates_a_user_who_gets_the_first_login_mail(kit):
    acc = Account(kit)
    settle()
    [mail] = kit.mailer.to(acc.user_email)
    assert mail.account_id == acc.account_id and mail.category
    rights = dict(kit.session.execute(text("SELECT client_id::text, \"right\" FROM client_rights WHERE user_id = :u"),
                                      {"u": acc.user.user_id}).all())
    assert rights == {acc.read_client: "read", acc.full_client: "full"}
    assert {"user_id": acc.user.user_id, "active": True, "roles": ["user"], "account_id": acc.account_id} \
        in kit.events.of("user_changed")
    with pytest.raises(Conflict):  # the login name is taken
        as_(kit, acc.admin).create_user({"email": acc.user_email.upper(), "first_name": "X", "last_name": "Y"})


def test_clients_by_right_hidden_is_not_found_read_only_is_forbidden(kit):
    acc = Account(kit)
    user = as_(kit, acc.user)
    assert {c["id"] for c in user.list_clients()["clients"]} == {acc.read_client, acc.full_client}
    assert user.get_client(acc.read_client)["id"] == acc.read_client
    with pytest.raises(NotFound):
        user.get_client(acc.hidden_client)
    with pytest.raises(NotFound):
        user.update_client(acc.hidden_client, {"name": "Umbenannt"})
    with pytest.raises(Forbidden):
        user.update_client(acc.read_client, {"name": "Umbenannt"})
    with pytest.raises(Forbidden):  # only the administrator adds clients
        user.create_client({"name": "Neu"})
    name = kit.session.execute(text("SELECT name FROM clients WHERE id = :c"), {"c": acc.read_client}).scalar()
    assert name == "Konzern"


def test_another_account_sees_nothing_of_this_one(kit):
    acc = Account(kit)
    other = Account(kit)
    stranger = as_(kit, other.admin)
    with pytest.raises(NotFound):
        stranger.get_client(acc.full_client)
    with pytest.raises(NotFound):
        stranger.get_user(acc.user.user_id)
    with pytest.raises(NotFound):
        stranger.delete_client(acc.full_client)
    listed = {u["id"] for u in stranger.list_users()["users"]}
    assert acc.user.user_id not in listed and other.user.user_id in listed
    assert kit.session.execute(text("SELECT count(*) FROM clients WHERE id = :c"), {"c": acc.full_client}).scalar()


def test_deleting_a_client_makes_its_holders_sessions_stale_after_the_commit(kit):
    acc = Account(kit)
    cache = FakeInvalidator()
    token_hash = b"\x01" * 32
    now = kit.clock.now()
    kit.session.add(UserSession(id=uuid.uuid4(), token_hash=token_hash, user_id=uuid.UUID(acc.user.user_id),
                                account_id=uuid.UUID(acc.account_id), created_at=now, last_seen_at=now,
                                expires_at=now + timedelta(hours=1)))
    kit.session.flush()
    assert as_(kit, acc.admin, cache).delete_client(acc.full_client) == {"deleted": True}
    assert cache.bumped == [token_hash]
    assert kit.events.of("client_deleted")[0]["client_id"] == acc.full_client
