"""pressbase and issue 13: the starting phase caps transfers into the CRM; exports never carry live formulas; feed
names never carry line breaks; integers beyond 64 bits are refused naming the field; LIKE wildcards match
literally. Real pressbase and crm services on the run's broker."""

from __future__ import annotations

import base64
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from pressbase.usecases import feeds
from pressbase_testing import jsonl, record_id, wait_for
from svckit.entitlements import Entitlements
from svckit.errors import Forbidden, InvalidInput
from svckit.principal import Principal

EVIL = '=HYPERLINK("http://evil.example/x","Click")'


def wait_job(rpc, job: dict, timeout: float = 60) -> dict:
    def finished():
        current = rpc.pressbase.get_job(job["id"])
        return current if current["state"] in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job['id']}")


def grant(billing, account: str, **values) -> None:
    """billing's entitlements_changed with any values (here: a small starting-phase recipient limit)."""
    billing.publish("entitlements_changed", Entitlements(account_id=account, **values).to_payload(),
                    handler="on_entitlements_changed")


@pytest.fixture
def services(pressbase_service, crm_service, billing, tenant, sample):
    return pressbase_service


def test_the_starting_phase_caps_transfers_at_its_recipient_limit(services, billing, tenant, rpc_as, pressbase_db):
    grant(billing, tenant.account, version=1, phase="starting", datasets=("dach",), max_recipients_per_mailing=2)
    anna, thomas, lea = (record_id(pressbase_db, "journalist", e) for e in ("J-1", "J-2", "J-3"))
    user = tenant.user(lang="en")
    with rpc_as(user) as rpc:
        # three journalists at once: beyond the limit of two, refused as a whole with the numbers
        with pytest.raises(Forbidden) as refused:
            rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [anna, thomas, lea]})
        assert refused.value.extra["reason"] == "starting_phase_transfer_limit"
        assert refused.value.detail.en == ("In the starting phase at most 2 journalists can be transferred to the "
                                           "CRM (already transferred: 0, with this transfer: 3).")
        assert rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 50)["items"] == []

        done = wait_job(rpc, rpc.pressbase.start_transfer({"client_id": tenant.full,
                                                           "journalist_ids": [anna, thomas]}))
        assert done["state"] == "done" and done["result"]["created"] == 2, done
        # transferring one of them again does not count twice; a third journalist does
        again = wait_job(rpc, rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [anna]}))
        assert again["state"] == "done", again
        with pytest.raises(Forbidden) as refused:
            rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [lea]})
        assert "already transferred: 2" in refused.value.detail.en
        assert len(rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 50)["items"]) == 2

    # the account archive's pressbase part carries no journalist data in the starting phase either
    with rpc_as(Principal.system("crm", account_id=tenant.account)) as rpc:
        links = rpc.pressbase.export_account_data(tenant.account)["tables"]["transfer_links"]
    assert len(links) == 2 and all(link["snapshot"] is None for link in links)

    # with the regular subscription the cap is gone
    grant(billing, tenant.account, version=2, phase="regular", datasets=("dach",), max_recipients_per_mailing=None)
    with rpc_as(user) as rpc:
        done = wait_job(rpc, rpc.pressbase.start_transfer({"client_id": tenant.full, "journalist_ids": [lea]}))
        assert done["state"] == "done" and done["result"]["created"] == 1, done
    with rpc_as(Principal.system("crm", account_id=tenant.account)) as rpc:
        links = rpc.pressbase.export_account_data(tenant.account)["tables"]["transfer_links"]
    assert len(links) == 3 and all(link["snapshot"] for link in links)


def test_a_journalist_named_like_a_formula_is_exported_as_text(services, billing, tenant, rpc_as, pressbase_db):
    feeds.import_feed(pressbase_db, [jsonl([
        {"type": "journalist", "id": "J-EVIL", "dataset": "dach", "first_name": "+SUM(1;2)", "last_name": EVIL,
         "position": "@cmd", "email": "evil@x.example", "country": "DE"}])],
        fmt="jsonl", mode="delta", source="test")
    grant(billing, tenant.account, version=1, phase="regular", datasets=("dach",), pressbase_export=True,
          max_recipients_per_mailing=None)
    evil = record_id(pressbase_db, "journalist", "J-EVIL")
    with rpc_as(tenant.user(lang="en")) as rpc:
        sel = rpc.pressbase.create_selection({"name": "Formeln", "kind": "list", "journalist_ids": [evil]})
        done = wait_job(rpc, rpc.pressbase.start_export({"selection_id": sel["id"], "lang": "en"}))
        assert done["state"] == "done", done
        chunk = rpc.pressbase.get_export_chunk(done["result"]["export_id"], 0, 4 * 1024 * 1024)
    book = load_workbook(io.BytesIO(base64.b64decode(chunk["content_b64"])))
    ws = book["Journalists"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=False)}
    assert row["Last name"].value == "'" + EVIL and row["Last name"].data_type == "s"
    assert row["First name"].value == "'+SUM(1;2)" and row["Position"].value == "'@cmd"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_feed_names_are_stored_on_one_line_and_reach_the_crm_so(services, billing, tenant, rpc_as, pressbase_db):
    feeds.import_feed(pressbase_db, [jsonl([
        {"type": "journalist", "id": "J-CRLF", "dataset": "dach", "first_name": "Eve\r\nBcc: victim@example.com",
         "last_name": "Mallory\u2028X-Injected: 1", "title": "Dr.\x85", "position": "Chef\u2029vom Dienst",
         "city": "Köln\x00", "email": "eve@x.example", "country": "DE", "plus": {"notes": "a\x00b"}}])],
        fmt="jsonl", mode="delta", source="test")
    with pressbase_db.connect() as conn:
        stored = conn.execute(text("SELECT first_name, last_name, title, position, city, plus FROM journalists "
                                   "WHERE ext_id = 'J-CRLF'")).one()
    assert tuple(stored[:5]) == ("Eve Bcc: victim@example.com", "Mallory X-Injected: 1", "Dr.", "Chef vom Dienst",
                                 "Köln")
    assert stored[5] == {"notes": "ab"}
    grant(billing, tenant.account, version=1, phase="regular", datasets=("dach",), max_recipients_per_mailing=None)
    with rpc_as(tenant.user()) as rpc:
        done = wait_job(rpc, rpc.pressbase.start_transfer({
            "client_id": tenant.full, "journalist_ids": [record_id(pressbase_db, "journalist", "J-CRLF")]}))
        assert done["state"] == "done" and done["result"]["created"] == 1, done
        found = rpc.crm.search_contacts({"client_ids": [tenant.full]}, None, 50)["items"]
        contact = rpc.crm.get_contact(found[0]["id"])
    assert (contact["first_name"], contact["last_name"]) == ("Eve Bcc: victim@example.com", "Mallory X-Injected: 1")


HUGE = 2 ** 64


@pytest.mark.parametrize("method,args,field", [
    ("create_selection", ({"name": "x", "kind": "list", "journalist_ids": [HUGE]},), "journalist_ids.0"),
    ("create_selection", ({"name": "x", "kind": "list", "outlet_ids": [2 ** 63]},), "outlet_ids.0"),
    ("create_selection", ({"name": "x\r\nBcc: y", "kind": "list"},), "name"),
    ("start_transfer", ({"client_id": "{full}", "journalist_ids": [1, HUGE ** 3]},), "journalist_ids.1"),
    ("apply_transfer_changes", ({"client_id": "{full}", "link_ids": [HUGE]},), "link_ids.0"),
    ("apply_transfer_changes", ({"client_id": "{full}", "link_ids": [-1]},), "link_ids.0"),
    ("search_journalists", ({"filters": {"outlet": [HUGE]}},), "filters.outlet.0"),
    ("get_export_chunk", ("00000000-0000-0000-0000-000000000000", HUGE, 10), "offset"),
    ("get_export_chunk", ("00000000-0000-0000-0000-000000000000", 0, -1), "size"),
])
def test_integers_beyond_64_bits_are_refused_naming_the_field(services, billing, tenant, rpc_as, method, args,
                                                               field):
    grant(billing, tenant.account, version=1, phase="regular", datasets=("dach",), max_recipients_per_mailing=None)
    args = tuple({k: (v.replace("{full}", tenant.full) if isinstance(v, str) else v) for k, v in a.items()}
                 if isinstance(a, dict) else a for a in args)
    with rpc_as(tenant.user(lang="en")) as rpc:
        with pytest.raises(InvalidInput) as refused:
            getattr(rpc.pressbase, method)(*args)
    assert field in refused.value.fields, refused.value.fields


def test_record_changes_refuse_ids_beyond_64_bits(services, rpc_as):
    from pressbase_testing import operator

    with rpc_as(operator()) as rpc:
        with pytest.raises(InvalidInput) as refused:
            rpc.pressbase.list_record_changes({"record_id": str(HUGE)})
        assert "record_id" in refused.value.fields
        with pytest.raises(Exception) as missing:
            rpc.pressbase.get_feed_import(str(HUGE))
        assert type(missing.value).__name__ == "NotFound"


@pytest.mark.parametrize("q", ["____", "Mu_ller", "M%ller"])
def test_like_wildcards_in_a_search_match_literally(services, billing, tenant, rpc_as, q):
    grant(billing, tenant.account, version=1, phase="regular", datasets=("dach",), max_recipients_per_mailing=None)
    with rpc_as(tenant.user(lang="en")) as rpc:
        result = rpc.pressbase.search_journalists({"q": q, "prefix": True})
    # the one LIKE of the search (typo correction of a prefix word) escapes them (svckit.textsafe.like_prefix); as a
    # wildcard "____" or "M%ller" would find Müller. (The full-text search itself treats punctuation as a word
    # separator: "Mü%" searches "Mü", and text without any word lists everything, like an empty query.)
    assert result["items"] == [] and result["total"] == 0, (q, [i["name"] for i in result["items"]])
