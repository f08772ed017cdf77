"""Long jobs through the real service: the licensed Excel export (and its log), feed uploads imported as jobs,
the account purge with its confirmation, and job visibility."""

from __future__ import annotations

import base64
import io
import json

import pytest
from nameko.events import event_handler
from openpyxl import load_workbook

from pressbase_testing import jsonl, operator, record_id, sample_records, wait_for
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge


def wait_job(rpc, job: dict, timeout: float = 60) -> dict:
    def finished():
        current = rpc.pressbase.get_job(job["id"])
        return current if current["state"] in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job['id']}")


def download(rpc, export_id: str, size: int = 4096) -> bytes:
    data, offset = b"", 0
    while offset is not None:
        chunk = rpc.pressbase.get_export_chunk(export_id, offset, size)
        data += base64.b64decode(chunk["content_b64"])
        offset = chunk["next_offset"]
    return data


@pytest.fixture
def selection(tenant, billing, sample, rpc_as, pressbase_db):
    ids = [record_id(pressbase_db, "journalist", e) for e in ("J-1", "J-2", "J-9")]
    billing.grant(tenant.account, phase="regular", datasets=("dach",))
    with rpc_as(tenant.user()) as rpc:
        return rpc.pressbase.create_selection({"name": "Export =1+1", "kind": "list", "client_id": tenant.full,
                                               "journalist_ids": ids,
                                               "outlet_ids": [record_id(pressbase_db, "outlet", "O-1")]})


def test_export_needs_the_add_on_and_never_in_the_starting_phase(tenant, billing, selection, rpc_as):
    with rpc_as(tenant.user(lang="en")) as rpc:
        with pytest.raises(Forbidden) as exc:
            rpc.pressbase.start_export({"selection_id": selection["id"]})
        assert exc.value.detail.en == 'The Excel export needs the "pressbase export" add-on.'
        assert exc.value.detail.de.startswith("Der Excel-Export ist nur mit dem Zusatzmodul")
    billing.grant(tenant.account, version=5, phase="starting", datasets=("dach",), pressbase_export=True)
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(Forbidden) as exc:
            rpc.pressbase.start_export({"selection_id": selection["id"]})
        assert exc.value.detail.de == "Der Excel-Export ist in der Startphase nicht verfügbar."
        assert rpc.pressbase.list_exports()["items"] == []


def test_licensed_export_writes_the_workbook_and_logs_who_when_how_many(tenant, billing, selection, rpc_as):
    billing.grant(tenant.account, version=5, phase="regular", datasets=("dach", "plus"), pressbase_export=True)
    user = tenant.user(lang="en")
    with rpc_as(user) as rpc:
        job = rpc.pressbase.start_export({"selection_id": selection["id"]})
        done = wait_job(rpc, job)
        assert done["state"] == "done", done
        assert done["result"]["records"] == 4
        content = download(rpc, done["result"]["export_id"], size=2000)
        log = rpc.pressbase.list_exports()["items"]
    assert len(log) == 1
    entry = log[0]
    assert entry["user_id"] == user.user_id and entry["records"] == 4 and entry["selection_name"] == "Export =1+1"
    assert entry["created_at"] and entry["available"] is True
    assert entry["filename"].startswith("pressbase-Export-1-1-") and entry["filename"].endswith(".xlsx")
    wb = load_workbook(io.BytesIO(content), read_only=True)
    assert wb.sheetnames == ["Journalists", "Outlets"]
    rows = list(wb["Journalists"].iter_rows(values_only=True))
    header, anna = rows[0], rows[1]
    assert header[:5] == ("Pressbase ID", "Salutation", "Title", "First name", "Last name")
    assert "Mobile (PLUS)" in header
    assert anna[3:5] == ("Anna", "Müller") and anna[header.index("E-mail")] == "anna.mueller@sz.example"
    assert anna[header.index("Mobile (PLUS)")] == "+49 170 1234567"
    assert anna[header.index("Desks")] == "Business"
    outlets = list(wb["Outlets"].iter_rows(values_only=True))
    assert outlets[1][1] == "Süddeutsche Zeitung"


def test_exports_and_jobs_of_others_stay_invisible(tenant, billing, selection, rpc_as):
    billing.grant(tenant.account, version=5, phase="regular", datasets=("dach",), pressbase_export=True)
    with rpc_as(tenant.user()) as rpc:
        job = wait_job(rpc, rpc.pressbase.start_export({"selection_id": selection["id"]}))
    export_id = job["result"]["export_id"]
    with rpc_as(tenant.stranger()) as rpc:
        with pytest.raises(NotFound):
            rpc.pressbase.get_job(job["id"])
        with pytest.raises(NotFound):
            rpc.pressbase.get_export_chunk(export_id, 0, 100)
        assert rpc.pressbase.list_exports()["items"] == []
    # a colleague without access to the selection's client sees neither the export nor the job
    with rpc_as(tenant.user(**{tenant.read: "read"})) as rpc:
        with pytest.raises(NotFound):
            rpc.pressbase.get_export_chunk(export_id, 0, 100)
        with pytest.raises(NotFound):
            rpc.pressbase.get_job(job["id"])
    # the account's administrator sees every export in the log
    with rpc_as(tenant.user(roles=("administrator",))) as rpc:
        assert len(rpc.pressbase.list_exports()["items"]) == 1
        with pytest.raises(InvalidInput):
            rpc.pressbase.get_job("not-a-uuid")


def upload(rpc, data: bytes, fmt: str = "jsonl", chunk: int = 700) -> str:
    up = rpc.pressbase.create_feed_upload({"filename": f"feed.{fmt}", "format": fmt})
    for seq, start in enumerate(range(0, len(data), chunk)):
        rpc.pressbase.add_feed_chunk(up["upload_id"], seq, base64.b64encode(data[start:start + chunk]).decode())
    return up["upload_id"]


def test_feed_upload_and_import_job_for_operators(pressbase_service, rpc_as, pressbase_db, tenant):
    op = operator()
    with rpc_as(op) as rpc:
        upload_id = upload(rpc, jsonl(sample_records()))
        job = rpc.pressbase.start_feed_import({"upload_id": upload_id, "mode": "full"})
        done = wait_job(rpc, job)
        assert done["state"] == "done", done
        assert done["result"]["counts"]["journalist"]["insert"] == 9
        with pytest.raises(Conflict):
            rpc.pressbase.start_feed_import({"upload_id": upload_id, "mode": "delta"})
        history = rpc.pressbase.list_feed_imports()
        assert history["items"][0]["state"] == "done" and history["items"][0]["filename"] == "feed.jsonl"
        changes = rpc.pressbase.list_record_changes({"kind": "journalist", "limit": 3})
        assert len(changes["items"]) == 3 and changes["next_cursor"]

        # a broken file: the job fails with the errors, nothing is applied
        bad = jsonl([{"type": "journalist", "id": "J-1", "dataset": "dach", "last_name": "Neu"},
                     {"type": "journalist", "id": "J-2", "dataset": "dach"}])
        failed = wait_job(rpc, rpc.pressbase.start_feed_import({"upload_id": upload(rpc, bad), "mode": "delta"}))
        assert failed["state"] == "failed"
        assert failed["error"]["code"] == "invalid_input"
        assert failed["error"]["extra"]["errors"] == [{"line": 2, "field": "last_name",
                                                        "message": "This field is required."}]
        assert rpc.pressbase.get_journalist(record_id(pressbase_db, "journalist", "J-1"))["last_name"] == "Müller"

        # chunks out of order, broken base64, and the size limit
        up = rpc.pressbase.create_feed_upload({"format": "csv"})
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.add_feed_chunk(up["upload_id"], 1, base64.b64encode(b"x").decode())
        assert "seq" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.add_feed_chunk(up["upload_id"], 0, "@@not base64@@")
        assert "data" in exc.value.fields
        with pytest.raises(InvalidInput):
            rpc.pressbase.start_feed_import({"upload_id": up["upload_id"]})   # empty
        with pytest.raises(InvalidInput):
            rpc.pressbase.create_feed_upload({"format": "xml"})
    # users of an account may not feed the media database
    with rpc_as(tenant.user(roles=("administrator",))) as rpc:
        with pytest.raises(Forbidden):
            rpc.pressbase.create_feed_upload({"format": "jsonl"})


def test_feed_size_limit(run_services, rpc_as):
    from pressbase.service import PressbaseService

    run_services(PressbaseService, config={"PRESSBASE_MAX_FEED_BYTES": 1000})
    with rpc_as(operator()) as rpc:
        up = rpc.pressbase.create_feed_upload({"format": "jsonl"})
        rpc.pressbase.add_feed_chunk(up["upload_id"], 0, base64.b64encode(b"x" * 900).decode())
        with pytest.raises(PayloadTooLarge) as exc:
            rpc.pressbase.add_feed_chunk(up["upload_id"], 1, base64.b64encode(b"x" * 200).decode())
        assert exc.value.detail.en == "The file is larger than 1000 bytes."
        assert exc.value.detail.de == "Die Datei ist größer als 1000 Bytes."
        assert exc.value.extra["limit"] == 1000


class PurgeListener:
    name = "purge_listener"
    received: list = []

    @event_handler("pressbase", "account_purged")
    def on_purged(self, payload):
        PurgeListener.received.append(payload)


def test_account_purge_deletes_the_accounts_data_and_confirms(tenant, billing, selection, rpc_as, pressbase_db,
                                                              run_services):
    from sqlalchemy import text

    run_services(PurgeListener)
    PurgeListener.received = []
    billing.grant(tenant.account, version=5, phase="regular", datasets=("dach",), pressbase_export=True)
    with rpc_as(tenant.user()) as rpc:
        wait_job(rpc, rpc.pressbase.start_export({"selection_id": selection["id"]}))
    with rpc_as(tenant.stranger()) as rpc:
        other = rpc.pressbase.create_selection({"name": "Bleibt", "kind": "list"})
    payload = {"account_id": tenant.account, "requested_at": "2026-01-01T00:00:00+00:00"}
    billing.publish("account_purge_requested", payload, handler="on_account_purge_requested")
    wait_for(lambda: PurgeListener.received, what="account_purged")
    assert PurgeListener.received[0] == {"service": "pressbase", "account_id": tenant.account}
    with pressbase_db.connect() as conn:
        for table in ("selections", "exports", "jobs", "account_entitlements"):
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE account_id = :a"),
                                {"a": tenant.account}).scalar() == 0, table
        assert conn.execute(text("SELECT count(*) FROM selection_items")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM selections")).scalar() == 1   # the other account's
    # idempotent: a second request confirms again and deletes nothing else
    billing.publish("account_purge_requested", payload, handler="on_account_purge_requested")
    wait_for(lambda: len(PurgeListener.received) == 2, what="second account_purged")
    with rpc_as(tenant.stranger()) as rpc:
        assert rpc.pressbase.get_selection(other["id"])["name"] == "Bleibt"


def test_export_account_data_for_gdpr(tenant, selection, rpc_as):
    with rpc_as(tenant.user(roles=("administrator",))) as rpc:
        data = rpc.pressbase.export_account_data(tenant.account)
        assert data["service"] == "pressbase"
        assert [s["name"] for s in data["tables"]["selections"]] == ["Export =1+1"]
        assert len(data["tables"]["selection_items"]) == 4
        json.dumps(data)
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(Forbidden):
            rpc.pressbase.export_account_data(tenant.account)
    with rpc_as(tenant.stranger()) as rpc:
        with pytest.raises(NotFound):
            rpc.pressbase.export_account_data(tenant.account)


class ErasureListener:
    name = "erasure_listener"
    received: list = []

    @event_handler("pressbase", "person_erased")
    def on_erased(self, payload):
        ErasureListener.received.append(payload)


def test_person_erasure_in_crm_forgets_the_transfer_link(pressbase_service, run_services, tenant, pressbase_db,
                                                         amqp_uri):
    from nameko.standalone.events import event_dispatcher
    from nameko.testing.services import entrypoint_waiter
    from sqlalchemy import text

    from pressbase_testing import container_of

    run_services(ErasureListener)
    ErasureListener.received = []
    with pressbase_db.begin() as conn:
        for contact in ("c-1", "c-2"):
            conn.execute(text("INSERT INTO transfer_links (account_id, client_id, journalist_id, contact_id, version, "
                              "snapshot) VALUES (:a, :c, 1, :contact, 1, '{}')"),
                         {"a": tenant.account, "c": tenant.full if contact == "c-1" else tenant.read,
                          "contact": contact})
    with entrypoint_waiter(container_of(pressbase_service, "pressbase"), "on_person_erasure_requested", timeout=20):
        event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})(
            "crm", "person_erasure_requested", {"account_id": tenant.account, "contact_id": "c-1",
                                                "emails": ["anna@example.com"], "requested_by": None})
    wait_for(lambda: ErasureListener.received, what="person_erased")
    assert ErasureListener.received[0] == {"service": "pressbase", "account_id": tenant.account, "contact_id": "c-1"}
    with pressbase_db.connect() as conn:
        assert conn.execute(text("SELECT contact_id FROM transfer_links")).scalars().all() == ["c-2"]
