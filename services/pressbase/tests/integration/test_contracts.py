"""pressbase's real answers match the answer models of pressbase.contracts (the gateway documents its routes with
them): every field declared, nothing undeclared, the declared nullability."""

from __future__ import annotations

from pydantic import TypeAdapter

from pressbase import contracts as c
from pressbase_testing import operator, record_id, wait_for


def check(model, answer):
    TypeAdapter(model).validate_python(answer)
    return answer


def test_answers_of_search_selections_and_jobs_match_the_contract(tenant, billing, sample, rpc_as, pressbase_db):
    billing.grant(tenant.account, phase="regular", datasets=("dach", "plus"), forward_features=True,
                  pressbase_export=True)
    journalist, outlet = record_id(pressbase_db, "journalist", "J-1"), record_id(pressbase_db, "outlet", "O-1")
    with rpc_as(tenant.user()) as rpc:
        check(c.Reference, rpc.pressbase.get_reference())
        check(c.Licence, rpc.pressbase.get_licence())
        found = check(c.JournalistResult, rpc.pressbase.search_journalists({"q": "Müller", "facets": True}))
        assert found["items"] and "plus" in found["items"][0]
        check(c.JournalistResult, rpc.pressbase.search_journalists({"facets": False}))
        check(c.OutletResult, rpc.pressbase.search_outlets({}))
        check(c.ForwardFeatureResult, rpc.pressbase.search_forward_features({}))
        check(c.Journalist, rpc.pressbase.get_journalist(journalist))
        assert "journalists" in check(c.Outlet, rpc.pressbase.get_outlet(outlet))

        sel = check(c.Selection, rpc.pressbase.create_selection({
            "name": "Liste", "kind": "list", "client_id": tenant.full, "journalist_ids": [journalist],
            "outlet_ids": [outlet]}))
        search = check(c.Selection, rpc.pressbase.create_selection({
            "name": "Suche", "kind": "search", "query": {"q": "Zeitung", "filters": {"country": ["DE"]}}}))
        check(c.Selection, rpc.pressbase.update_selection(search["id"], {"name": "Suche DE"}))
        check(c.Selection, rpc.pressbase.get_selection(sel["id"]))
        check(c.SelectionPage, rpc.pressbase.list_selections({}))
        second = record_id(pressbase_db, "journalist", "J-2")
        check(c.Added, rpc.pressbase.add_selection_items(sel["id"], {"journalist_ids": [second]}))
        check(c.AddedFromSearch, rpc.pressbase.add_selection_items_from_search(sel["id"], {"q": "Zeitung",
                                                                                        "max": 3}))
        check(c.Removed, rpc.pressbase.remove_selection_items(sel["id"], {"journalist_ids": [second]}))
        members = check(c.MemberPage, rpc.pressbase.list_selection_members(sel["id"], {}))
        assert {m["kind"] for m in members["items"]} == {"journalist", "outlet"}
        check(c.Recipients, rpc.pressbase.resolve_selection(sel["id"], None, 100))
        job = check(c.Job, rpc.pressbase.start_export({"selection_id": sel["id"]}))
        done = wait_for(lambda: (lambda j: j if j["state"] in ("done", "failed") else None)(
            rpc.pressbase.get_job(job["id"])), timeout=60, what="the export")
        assert done["state"] == "done", done
        check(c.Job, done)
        check(c.ExportPage, rpc.pressbase.list_exports({}))
    with rpc_as(operator()) as rpc:
        history = check(c.FeedImportPage, rpc.pressbase.list_feed_imports({}))
        check(c.FeedImport, rpc.pressbase.get_feed_import(history["items"][0]["id"]))   # the sample's import
        check(c.RecordChangePage, rpc.pressbase.list_record_changes({"limit": 5}))
