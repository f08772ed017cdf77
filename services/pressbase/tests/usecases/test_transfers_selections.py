"""pressbase's use cases without a broker: transfers to crm (crm faked at the RPC boundary), applying changes since
a transfer, and selections, on the real pressbase database (``unit`` kit, svckit_testing.unit) with the sample media
database loaded through the real feed importer."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pressbase.service import PressbaseService
from pressbase.usecases import search, transfers
from pressbase_testing import entitlements_payload, record_id
from svckit.errors import Forbidden, InvalidInput, NotFound


@pytest.fixture
def kit(sample, unit, tenant):  # sample first: its truncation runs after the kit rolled back
    kit = unit("pressbase")
    kit.worker(PressbaseService, tenant.system("billing")).on_entitlements_changed(
        entitlements_payload(tenant.account, datasets=("dach",)))
    return kit


def transfer(kit, principal, client: str, journalist_ids: list[int]) -> dict:
    """Run the transfer use case the job runner runs, crm answering that it created one contact per record."""
    crm = kit.peer("crm").answer("import_pressbase_contacts", lambda client_id, records: [
        {"pressbase_id": r["pressbase_id"], "contact_id": f"c-{r['pressbase_id']}", "created": True}
        for r in records])
    progress: list[int] = []
    result = transfers.run(kit.session, principal, search.licence_of(kit.session, principal), client,
                           journalist_ids, crm.import_pressbase_contacts, progress=progress.append,
                           commit=kit.session.commit)
    assert progress == [len(journalist_ids)]
    return result


def test_a_transfer_sends_the_licensed_fields_to_crm_and_links_the_contacts(kit, tenant, pressbase_db):
    user = tenant.user()
    anna, jonas = record_id(pressbase_db, "journalist", "J-1"), record_id(pressbase_db, "journalist", "J-4")
    result = transfer(kit, user, tenant.full, [anna, jonas])
    assert result == {"transferred": 2, "created": 2, "linked": 0, "requested": 2}
    [(args, _)] = kit.peer("crm").called("import_pressbase_contacts")
    client_id, records = args
    assert client_id == tenant.full
    assert [(r["pressbase_id"], r["last_name"]) for r in records] == [(f"J-{anna}", "Müller"), (f"J-{jonas}", "Weber")]
    links = kit.session.execute(text("SELECT journalist_id, contact_id, client_id::text FROM transfer_links "
                                     "WHERE account_id = :a ORDER BY journalist_id"), {"a": tenant.account}).all()
    assert [tuple(r) for r in links] == [(anna, f"c-J-{anna}", tenant.full), (jonas, f"c-J-{jonas}", tenant.full)]


def test_changed_records_are_sent_to_crm_and_a_contact_gone_in_crm_closes_its_link(kit, tenant, pressbase_db):
    user = tenant.user()
    anna, jonas = record_id(pressbase_db, "journalist", "J-1"), record_id(pressbase_db, "journalist", "J-4")
    transfer(kit, user, tenant.full, [anna, jonas])
    # what was transferred differs from today's records: the snapshot says otherwise
    kit.session.execute(text("UPDATE transfer_links SET snapshot = snapshot || '{\"last_name\": \"Alt\"}' "
                             "WHERE account_id = :a"), {"a": tenant.account})
    links = dict(kit.session.execute(text("SELECT journalist_id, id FROM transfer_links WHERE account_id = :a"),
                                     {"a": tenant.account}).all())
    crm = kit.peer("crm").answer("update_pressbase_contacts", lambda client_id, updates: [
        {"contact_id": u["contact_id"], "updated": u["contact_id"] == f"c-J-{anna}"} for u in updates])

    result = kit.worker(PressbaseService, user).apply_transfer_changes(
        {"client_id": tenant.full, "link_ids": [links[anna], links[jonas]]})

    assert result == {"applied": 1, "closed": 1, "unchanged": 0}
    [(args, _)] = crm.called("update_pressbase_contacts")
    assert args[0] == tenant.full
    assert sorted((u["contact_id"], u["fields"]) for u in args[1]) == [
        (f"c-J-{anna}", {"last_name": "Müller"}), (f"c-J-{jonas}", {"last_name": "Weber"})]
    left = kit.session.execute(text("SELECT journalist_id, snapshot ->> 'last_name', applied_at IS NOT NULL "
                                    "FROM transfer_links WHERE account_id = :a"), {"a": tenant.account}).all()
    assert [tuple(r) for r in left] == [(anna, "Müller", True)]


def test_applying_changes_needs_full_rights_on_the_client_and_crm_is_not_asked_otherwise(kit, tenant, pressbase_db):
    anna = record_id(pressbase_db, "journalist", "J-1")
    transfer(kit, tenant.user(), tenant.full, [anna])
    link = kit.session.execute(text("SELECT id FROM transfer_links WHERE account_id = :a"),
                               {"a": tenant.account}).scalar_one()
    crm = kit.peer("crm").answer("update_pressbase_contacts", [])
    reader = kit.worker(PressbaseService, tenant.user(**{tenant.full: "read"}))
    with pytest.raises(Forbidden):
        reader.apply_transfer_changes({"client_id": tenant.full, "link_ids": [link]})
    with pytest.raises(NotFound):
        kit.worker(PressbaseService, tenant.user()).apply_transfer_changes(
            {"client_id": tenant.hidden, "link_ids": [link]})
    with pytest.raises(NotFound):
        kit.worker(PressbaseService, tenant.stranger()).apply_transfer_changes(
            {"client_id": tenant.full, "link_ids": [link]})
    with pytest.raises(InvalidInput) as caught:  # a link of this client that does not exist is named
        kit.worker(PressbaseService, tenant.user()).apply_transfer_changes(
            {"client_id": tenant.full, "link_ids": [link + 1000]})
    assert "link_ids" in caught.value.fields
    assert crm.called("update_pressbase_contacts") == []


def test_starting_a_transfer_checks_the_client_right_and_the_licence(kit, tenant, pressbase_db):
    anna = record_id(pressbase_db, "journalist", "J-1")
    world = record_id(pressbase_db, "journalist", "J-5")  # the world dataset is not licensed
    user = kit.worker(PressbaseService, tenant.user())
    job = user.start_transfer({"client_id": tenant.full, "journalist_ids": [anna]})
    assert job["kind"] == "transfer" and job["state"] == "queued"
    with pytest.raises(Forbidden):
        user.start_transfer({"client_id": tenant.read, "journalist_ids": [anna]})
    with pytest.raises(NotFound):
        user.start_transfer({"client_id": tenant.hidden, "journalist_ids": [anna]})
    with pytest.raises(InvalidInput) as caught:
        user.start_transfer({"client_id": tenant.full, "journalist_ids": [world]})
    assert "journalist_ids" in caught.value.fields
    assert kit.session.execute(text("SELECT count(*) FROM jobs WHERE kind = 'transfer'")).scalar() == 1


def test_a_selection_is_the_accounts_own(kit, tenant, pressbase_db):
    anna = record_id(pressbase_db, "journalist", "J-1")
    owner = kit.worker(PressbaseService, tenant.user())
    created = owner.create_selection({"name": "Wirtschaft", "kind": "list", "journalist_ids": [anna]})
    assert owner.get_selection(created["id"])["name"] == "Wirtschaft"
    with pytest.raises(NotFound):
        kit.worker(PressbaseService, tenant.stranger()).get_selection(created["id"])
    with pytest.raises(NotFound):
        kit.worker(PressbaseService, tenant.stranger()).delete_selection(created["id"])
    assert kit.session.execute(text("SELECT count(*) FROM selections WHERE id = :i"), {"i": created["id"]}).scalar()
