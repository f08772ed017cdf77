"""crm's use cases without a broker, through the entrypoints nameko calls (``unit`` kit, svckit_testing.unit), on the
real crm database: contacts and their events, what dispatch and pressbase call (recipients, the pressbase transfer),
what other services' events do here (a hard bounce, a deleted client), and the rights."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crm.service import CrmService
from svckit.errors import Forbidden, NotFound
from svckit.principal import Principal
from svckit_testing.fakes import Tenant


class FakeStorage:
    """crm's file storage: records what would be deleted."""

    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete(self, key: str) -> None:
        self.deleted.append(key)


@pytest.fixture
def kit(unit):
    return unit("crm")


@pytest.fixture
def tenant():
    return Tenant()


def as_(kit, principal: Principal, storage: FakeStorage | None = None):
    return kit.worker(CrmService, principal, storage=storage or FakeStorage())


def contact(kit, principal: Principal, client: str, last: str, email: str) -> dict:
    return as_(kit, principal).create_contact({"client_id": client, "first_name": "Anna", "last_name": last,
                                               "emails": [{"email": email}]})


def test_a_corrected_address_is_stored_and_announced_to_dispatch_when_the_work_commits(kit, tenant):
    created = contact(kit, tenant.user, tenant.client, "Müller", "anna.mueller@sz.example")
    row = kit.session.execute(text("SELECT client_id::text, last_name FROM contacts WHERE id = :i"),
                              {"i": created["id"]}).one()
    assert tuple(row) == (tenant.client, "Müller")
    assert kit.events.events == []  # a new contact is nobody else's business
    changed = as_(kit, tenant.user).update_contact(created["id"], {"emails": [{"email": "anna@sz.example"}]})
    assert [e["email"] for e in changed["emails"]] == ["anna@sz.example"]
    assert kit.events.of("contact_email_corrected") == [{
        "account_id": tenant.account_id, "contact_id": created["id"], "old_email": "anna.mueller@sz.example",
        "new_email": "anna@sz.example"}]


def test_rights_hidden_is_not_found_read_only_is_forbidden_another_account_sees_nothing(kit, tenant):
    visible = contact(kit, tenant.admin, tenant.read_client, "Lesbar", "l@zeitung.example")
    hidden = contact(kit, tenant.admin, tenant.hidden_client, "Verborgen", "v@zeitung.example")
    user = as_(kit, tenant.user)
    assert user.get_contact(visible["id"])["last_name"] == "Lesbar"
    with pytest.raises(Forbidden):
        user.update_contact(visible["id"], {"last_name": "Geändert"})
    with pytest.raises(Forbidden):
        contact(kit, tenant.user, tenant.read_client, "Neu", "n@zeitung.example")
    with pytest.raises(NotFound):
        user.get_contact(hidden["id"])
    with pytest.raises(NotFound):
        user.delete_contact(hidden["id"])
    with pytest.raises(NotFound):
        as_(kit, tenant.stranger).get_contact(visible["id"])
    names = kit.session.execute(text("SELECT last_name FROM contacts ORDER BY last_name")).scalars().all()
    assert names == ["Lesbar", "Verborgen"]


def test_dispatch_resolves_a_clients_recipients_page_by_page_within_the_callers_rights(kit, tenant):
    ids = [contact(kit, tenant.admin, tenant.client, f"Person {n}", f"p{n}@zeitung.example")["id"]
           for n in range(3)]
    hidden = contact(kit, tenant.admin, tenant.hidden_client, "Verborgen", "v@zeitung.example")["id"]
    user = as_(kit, tenant.user)
    first = user.resolve_recipients({"contact_ids": [*ids, hidden]}, None, 2)
    assert first["next_cursor"]
    second = user.resolve_recipients({"contact_ids": [*ids, hidden]}, first["next_cursor"], 2)
    assert second["next_cursor"] is None
    got = [r["contact_id"] for r in first["recipients"] + second["recipients"]]
    assert sorted(got) == sorted(ids)  # the hidden client's contact is not among them
    assert {r["email"] for r in first["recipients"] + second["recipients"]} == {
        "p0@zeitung.example", "p1@zeitung.example", "p2@zeitung.example"}


def test_pressbases_transfer_creates_once_and_links_the_second_time(kit, tenant):
    record = {"pressbase_id": "J-7", "first_name": "Mia", "last_name": "Schneider",
              "email": "mia.schneider@podcast.example"}
    user = as_(kit, tenant.user)
    [first] = user.import_pressbase_contacts(tenant.client, [record])
    [again] = user.import_pressbase_contacts(tenant.client, [record])
    assert first["created"] is True and again["created"] is False
    assert again["contact_id"] == first["contact_id"] and first["pressbase_id"] == "J-7"
    count = kit.session.execute(text("SELECT count(*) FROM contacts WHERE account_id = :a"),
                                {"a": tenant.account_id}).scalar()
    assert count == 1
    with pytest.raises(Forbidden):
        user.import_pressbase_contacts(tenant.read_client, [record])


def test_a_hard_bounce_from_dispatch_marks_the_address_invalid_in_this_account_only(kit, tenant):
    mine = contact(kit, tenant.user, tenant.client, "Müller", "weg@zeitung.example")
    theirs = contact(kit, tenant.stranger, tenant.other_client, "Andere", "weg@zeitung.example")
    handler = as_(kit, Principal.system("dispatch", account_id=tenant.account_id))
    bounce = {"account_id": tenant.account_id, "email": "WEG@zeitung.example", "hard": True, "reason": "5.1.1"}
    handler.on_recipient_bounced(bounce)
    handler.on_recipient_bounced(bounce)  # events come at least once
    states = dict(kit.session.execute(text("SELECT contact_id::text, state FROM contact_emails")).all())
    assert states == {mine["id"]: "invalid", theirs["id"]: "valid"}


def test_a_client_deleted_in_identity_takes_its_contacts_with_it(kit, tenant):
    gone = contact(kit, tenant.admin, tenant.hidden_client, "Weg", "w@zeitung.example")
    kept = contact(kit, tenant.admin, tenant.client, "Bleibt", "b@zeitung.example")
    storage = FakeStorage()
    as_(kit, Principal.system("identity", account_id=tenant.account_id), storage).on_client_deleted(
        {"account_id": tenant.account_id, "client_id": tenant.hidden_client})
    left = kit.session.execute(text("SELECT id::text FROM contacts")).scalars().all()
    assert left == [kept["id"]] and gone["id"] not in left
    assert storage.deleted == []  # the client had no files
