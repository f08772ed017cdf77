"""Transfer into CRM through the real broker: pressbase and crm as real services, the user's principal forwarded.

Chosen journalists become contacts of a chosen client (free of charge, linked by pressbase_id); after a feed delta
the user sees what changed since the transfer and applies it to the contact through crm.
"""

from __future__ import annotations

import pytest

from pressbase.usecases import feeds
from pressbase_testing import jsonl, record_id, sample_records, wait_for
from svckit.errors import Forbidden, InvalidInput, NotFound


@pytest.fixture
def services(pressbase_service, crm_service, billing, tenant, sample):
    billing.grant(tenant.account, phase="regular", datasets=("dach", "plus"))
    return pressbase_service


def wait_job(rpc, job: dict, timeout: float = 60) -> dict:
    def finished():
        current = rpc.pressbase.get_job(job["id"])
        return current if current["state"] in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job['id']}")


def test_transfer_creates_linked_crm_contacts_and_offers_later_changes(services, tenant, rpc_as, pressbase_db):
    anna, lea, mia = (record_id(pressbase_db, "journalist", e) for e in ("J-1", "J-3", "J-7"))
    user = tenant.user()
    with rpc_as(user) as rpc:
        sel = rpc.pressbase.create_selection({"name": "Für CRM", "kind": "list",
                                              "journalist_ids": [anna, lea]})
        job = rpc.pressbase.start_transfer({"client_id": tenant.full, "selection_id": sel["id"],
                                            "journalist_ids": [mia]})
        assert job["kind"] == "transfer" and job["total"] == 3
        done = wait_job(rpc, job)
        assert done["state"] == "done", done
        assert done["result"] == {"transferred": 3, "created": 3, "linked": 0, "requested": 3}
        assert done["done"] == 3

        # the contacts exist in crm, in the chosen client, linked to the pressbase records
        found = rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 50)
        contacts = {c["pressbase_id"]: c for c in (rpc.crm.get_contact(i["id"]) for i in found["items"])}
        assert set(contacts) == {f"J-{anna}", f"J-{lea}", f"J-{mia}"}
        detail = contacts[f"J-{anna}"]
        assert detail["last_name"] == "Müller" and detail["title"] == "Dr." and detail["source_kind"] == "pressbase"
        assert detail["client_id"] == tenant.full
        assert detail["organisation"] == "Süddeutsche Zeitung"

        # transferring again links, it does not duplicate
        again = wait_job(rpc, rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [anna]}))
        assert again["result"]["linked"] == 1 and again["result"]["created"] == 0
        assert len(rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 50)["items"]) == 3
        assert rpc.pressbase.list_transfer_changes(tenant.full)["items"] == []

    # the vendor's next delta changes Anna's position and deletes Lea
    changed = [{**next(r for r in sample_records() if r["id"] == "J-1"), "position": "Chefredakteurin"},
               {"type": "journalist", "op": "delete", "id": "J-3"}]
    feeds.import_feed(pressbase_db, [jsonl(changed)], fmt="jsonl", mode="delta", source="test")

    with rpc_as(user) as rpc:
        pending = rpc.pressbase.list_transfer_changes(tenant.full)["items"]
        by_id = {p["journalist_id"]: p for p in pending}
        assert set(by_id) == {anna, lea}
        assert by_id[anna]["state"] == "changed"
        assert by_id[anna]["changes"] == [{"field": "position", "label": "Position",
                                           "old": "Redakteurin Wirtschaft", "new": "Chefredakteurin"}]
        assert by_id[lea]["state"] == "deleted"

        result = rpc.pressbase.apply_transfer_changes({"client_id": tenant.full,
                                                       "link_ids": [by_id[anna]["link_id"],
                                                                    by_id[lea]["link_id"]]})
        assert result == {"applied": 1, "closed": 1, "unchanged": 0}
        assert rpc.crm.get_contact(by_id[anna]["contact_id"])["position"] == "Chefredakteurin"
        assert rpc.pressbase.list_transfer_changes(tenant.full)["items"] == []


def test_transfer_respects_client_rights_and_licences(services, tenant, rpc_as, pressbase_db):
    anna, world = record_id(pressbase_db, "journalist", "J-1"), record_id(pressbase_db, "journalist", "J-5")
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(Forbidden):   # read-only client
            rpc.pressbase.start_transfer({"client_id": tenant.read, "journalist_ids": [anna]})
        with pytest.raises(NotFound):    # hidden client
            rpc.pressbase.start_transfer({"client_id": tenant.hidden, "journalist_ids": [anna]})
        with pytest.raises(InvalidInput) as exc:   # World is not licensed
            rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [world]})
        assert "journalist_ids" in exc.value.fields
        with pytest.raises(InvalidInput):
            rpc.pressbase.start_transfer({"client_id": "nope", "journalist_ids": [anna]})
        with pytest.raises(NotFound):
            rpc.pressbase.list_transfer_changes(tenant.hidden)
    with rpc_as(tenant.stranger()) as rpc:
        with pytest.raises(NotFound):
            rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [anna]})


def test_a_feed_job_tells_crm_which_transferred_journalists_changed(services, tenant, rpc_as, pressbase_db):
    """Besides pressbase's own "changes since transfer", crm marks the linked contact (event journalist_changed,
    written to pressbase's outbox in the import's transaction)."""
    import base64

    from pressbase_testing import operator

    anna = record_id(pressbase_db, "journalist", "J-1")
    with rpc_as(tenant.user()) as rpc:
        done = wait_job(rpc, rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [anna]}))
        assert done["state"] == "done", done
        contact_id = rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 10)["items"][0]["id"]
        assert rpc.crm.get_contact(contact_id)["pressbase_changes"] is False
    delta = jsonl([{**next(r for r in sample_records() if r["id"] == "J-1"), "position": "Chefredakteurin"}])
    with rpc_as(operator()) as rpc:
        up = rpc.pressbase.create_feed_upload({"format": "jsonl"})
        rpc.pressbase.add_feed_chunk(up["upload_id"], 0, base64.b64encode(delta).decode())
        assert wait_job(rpc, rpc.pressbase.start_feed_import({"upload_id": up["upload_id"]}))["state"] == "done"
    with rpc_as(tenant.user()) as rpc:
        wait_for(lambda: rpc.crm.get_contact(contact_id)["pressbase_changes"], what="crm marks the contact")
        pending = rpc.crm.get_pressbase_changes(contact_id)
        assert "position" in pending["changes"]
