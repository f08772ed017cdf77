"""dispatch's use cases without a broker: mailings whose recipients come from crm (a distribution list) and
pressbase (a selection), both faked at the RPC boundary, on the real dispatch database (``unit`` kit,
svckit_testing.unit): paging, de-duplication, suppression, personalisation, failures of a peer, and rights."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from dispatch.service import DispatchService
from dispatch.settings import DispatchSettings
from svckit.errors import Forbidden, NotFound, Unavailable
from svckit_testing.fakes import Tenant


@pytest.fixture
def kit(unit):
    return unit("dispatch")


def as_(kit, principal):
    return kit.worker(DispatchService, principal, settings=DispatchSettings.load({}))


def sender(kit, tenant) -> str:
    """A domain the administrator allowed without DNS check and a sender assigned to the tenant's user."""
    admin = as_(kit, tenant.admin)
    domain = admin.create_sender_domain({"domain": "acme-news.example"})
    admin.update_sender_domain(domain["id"], {"allow_unverified": True})
    return admin.create_sender({"from_name": "ACME Presse", "from_address": "presse@acme-news.example",
                                "user_ids": [tenant.user_id]})["id"]


@pytest.fixture
def tenant():
    return Tenant()


def person(email: str, first: str, **extra) -> dict:
    return {"email": email, "first_name": first, "last_name": "Muster", "contact_id": str(uuid.uuid4()), **extra}


def draft(kit, tenant, source: dict, client: str | None = None, sender_id: str | None = None) -> dict:
    return as_(kit, tenant.user).create_mailing({
        "client_id": client or tenant.client, "name": "Quartalszahlen", "subject": "PM für {{ first_name }}",
        "text": "Hallo {{ first_name }} {{ last_name }}", "sources": [source], "sender_id": sender_id})


def test_the_volume_follows_crms_pages_and_leaves_out_duplicates_invalid_and_suppressed(kit, tenant):
    list_id = str(uuid.uuid4())
    crm = kit.peer("crm").answers("resolve_recipients",
                                  {"recipients": [person("anna@zeitung.example", "Anna"),
                                                  person("kaputt", "Kai"),
                                                  person("BEN@Zeitung.example", "Ben")], "next_cursor": "p2"},
                                  {"recipients": [person("ben@zeitung.example", "Ben"),
                                                  person("gesperrt@blatt.example", "Gerd")], "next_cursor": None})
    user = as_(kit, tenant.user)
    user.add_suppression({"address": "gesperrt@blatt.example"})
    mailing = draft(kit, tenant, {"type": "list", "list_id": list_id})

    volume = user.get_mailing_volume(mailing["id"])

    assert [args for args, _ in crm.called("resolve_recipients")] == [
        ({"list_id": list_id}, None, 1000), ({"list_id": list_id}, "p2", 1000)]
    assert volume["recipients"] == 2
    assert volume["left_out_by_reason"] == {"invalid_address": 1, "duplicate": 1, "blacklist": 1}
    assert [s["email"] for s in volume["sample"]] == ["anna@zeitung.example", "BEN@zeitung.example"]


def test_the_preview_is_personalised_for_the_first_recipient_of_a_pressbase_selection(kit, tenant):
    selection_id = str(uuid.uuid4())
    pressbase = kit.peer("pressbase").answer("resolve_selection", {
        "recipients": [{"email": "lea@presse.example", "first_name": "Lea", "last_name": "Muller",
                        "pressbase_id": "J-3"}], "next_cursor": None})
    mailing = draft(kit, tenant, {"type": "selection", "selection_id": selection_id})

    preview = as_(kit, tenant.user).preview_mailing(mailing["id"])

    assert pressbase.called("resolve_selection") == [((selection_id, None, 1000), {})]
    assert preview["recipient"]["email"] == "lea@presse.example"
    assert preview["subject"] == "PM für Lea" and "Hallo Lea Muller" in preview["text"]
    assert kit.peer("crm").calls == []  # crm was never asked


def test_crm_unavailable_is_the_answer_and_nothing_is_written(kit, tenant):
    crm = kit.peer("crm").fail("resolve_recipients", Unavailable(service="crm", reason="timeout"))
    mailing = draft(kit, tenant, {"type": "list", "list_id": str(uuid.uuid4())}, sender_id=sender(kit, tenant))
    with pytest.raises(Unavailable):
        as_(kit, tenant.user).start_mailing(mailing["id"])
    assert len(crm.calls) == 1
    kit.session.rollback()
    rows = kit.session.execute(text("SELECT count(*) FROM deliveries")).scalar()
    state = kit.session.execute(text("SELECT state FROM mailings WHERE id = :i"), {"i": mailing["id"]}).scalar()
    assert rows == 0 and state == "draft"


def test_a_mailing_needs_full_rights_on_its_client(kit, tenant):
    user = as_(kit, tenant.user)
    source = {"type": "addresses", "recipients": [{"email": "a@b.example"}]}
    with pytest.raises(Forbidden):
        draft(kit, tenant, source, client=tenant.read_client)
    with pytest.raises(NotFound):
        draft(kit, tenant, source, client=tenant.hidden_client)
    admin_mailing = as_(kit, tenant.admin).create_mailing({
        "client_id": tenant.hidden_client, "name": "Intern", "subject": "x", "text": "y", "sources": [source]})
    with pytest.raises(NotFound):  # the user cannot see the hidden client's mailing at all
        user.get_mailing(admin_mailing["id"])
    with pytest.raises(NotFound):
        user.update_mailing(admin_mailing["id"], {"name": "Meins"})
    assert kit.session.execute(text("SELECT count(*) FROM mailings")).scalar() == 1


def test_a_read_only_user_sees_the_mailing_but_cannot_change_or_start_it(kit, tenant):
    mailing = as_(kit, tenant.admin).create_mailing({
        "client_id": tenant.read_client, "name": "Lesbar", "subject": "x", "text": "y",
        "sources": [{"type": "list", "list_id": str(uuid.uuid4())}]})
    crm = kit.peer("crm").answer("resolve_recipients", {"recipients": [], "next_cursor": None})
    reader = as_(kit, tenant.user)
    assert reader.get_mailing(mailing["id"])["name"] == "Lesbar"
    with pytest.raises(Forbidden):
        reader.update_mailing(mailing["id"], {"name": "Geändert"})
    with pytest.raises(Forbidden):
        reader.start_mailing(mailing["id"])
    assert crm.calls == []


def test_another_account_sees_none_of_its_mailings(kit, tenant):
    mailing = draft(kit, tenant, {"type": "addresses", "recipients": [{"email": "a@b.example"}]})
    stranger = as_(kit, tenant.stranger)
    with pytest.raises(NotFound):
        stranger.get_mailing(mailing["id"])
    with pytest.raises(NotFound):
        stranger.delete_mailing(mailing["id"])
    assert stranger.list_mailings() == []
    assert [m["id"] for m in as_(kit, tenant.user).list_mailings()] == [mailing["id"]]
