"""The mailing report (issue 13, points 8 and 11): the Excel export writes names, addresses and subjects that look
like formulas as text, and the recipients' search finds ``%`` and ``_`` literally."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook

from dispatch_testing import sendable_sender, wait_until

FORMULA = '=HYPERLINK("http://evil.example/x","Click")'


def test_the_export_writes_formulas_as_text(dispatch, rpc_as, tenant, smtp_sink):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({
            "client_id": tenant.client, "subject": "@SUM(1+1) {{ first_name }}", "text": "Hallo",
            "sender_id": sender["id"], "sources": [{"type": "addresses", "recipients": [
                {"email": "eve@zeitung.example", "first_name": FORMULA},
                {"email": "-cmd@zeitung.example", "first_name": "+Anna", "last_name": "Adler"},
                {"email": "bob@zeitung.example", "first_name": "Bob", "last_name": "Berg"}]}]})
        rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
        job = rpc.dispatch.start_export(m["id"])
        wait_until(lambda: rpc.dispatch.get_export(job["id"])["state"] == "done", what="export done")
        data = base64.b64decode(rpc.dispatch.download_export(job["id"])["content_b64"])
    wb = load_workbook(io.BytesIO(data))              # not read-only: cells carry their data type
    sheet = wb["Recipients"]                          # the user reads English
    head = [c.value for c in sheet[1]]
    assert head[0] == "E-mail" and head[-1] == "Name"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"eve@zeitung.example", "'-cmd@zeitung.example", "bob@zeitung.example"}
    name = rows["eve@zeitung.example"][-1]
    assert name.value == "'" + FORMULA and name.data_type == "s"
    assert rows["'-cmd@zeitung.example"][-1].value == "'+Anna Adler"
    assert rows["bob@zeitung.example"][-1].value == "Bob Berg"        # ordinary text stays as it is
    for row in rows.values():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    subject = wb["Summary"]["A1"]
    assert subject.value == "'@SUM(1+1) {{ first_name }}" and subject.data_type == "s"


def test_the_recipients_search_matches_percent_and_underscore_literally(dispatch, rpc_as, tenant, smtp_sink):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    emails = ["a_b@zeitung.example", "axb@zeitung.example", "voll%@zeitung.example", "voller@zeitung.example"]
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({
            "client_id": tenant.client, "subject": "Hallo", "text": "Hallo", "sender_id": sender["id"],
            "sources": [{"type": "addresses", "recipients": [{"email": e} for e in emails]}]})
        rpc.dispatch.start_mailing(m["id"])

        def found(q):
            return sorted(r["email"] for r in rpc.dispatch.list_mailing_recipients(m["id"], {"q": q})["items"])

        assert found("a_b") == ["a_b@zeitung.example"]
        assert found("_") == ["a_b@zeitung.example"]
        assert found("%") == ["voll%@zeitung.example"]
        assert found("voll") == ["voll%@zeitung.example", "voller@zeitung.example"]
        assert found("\\") == []
