"""A user's path through the gateway: log in for real (the welcome mail itself travels through dispatch), set up a
sender, write a mailing to a crm list, preview, test, check the volume, send, follow progress, read the report,
export it to Excel, and the recipients' side: pixel, click, unsubscribe; a bounce marks the crm contact invalid,
the user corrects it there and re-sends to just that recipient; crm records the history."""

from __future__ import annotations

import io
import re
import time

import pytest
from openpyxl import load_workbook

from crm.service import CrmService
from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from identity.service import IdentityService
from identity_testing import Identity, make_tenant
from svckit.principal import Principal

BODY = ("<html><body><p>{{ letter_salutation }}</p><p>wir laden Sie ein.</p>"
        "<p><a href=\"https://acme.example/pk\">Zur Pressekonferenz</a></p></body></html>")


def poll(check, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def suite(run_services, rpc_as, smtp_sink, crm_config, dispatch_config):
    runner = run_services(IdentityService, config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port,
                                                   "TRANSACTIONAL_MAIL_VIA": "dispatch"})
    run_services(CrmService, config=crm_config)
    run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))
    return Identity(runner, rpc_as, smtp_sink)


@pytest.mark.slow
def test_a_press_release_from_login_to_report(suite, gateway, rpc_as, smtp_sink):
    tenant = make_tenant(suite)                      # the one-time password arrived through dispatch
    welcome = smtp_sink.messages(to=tenant["admin_email"])[0]
    assert welcome.mail_from.startswith("b-") and welcome.get_all("DKIM-Signature")
    admin: Principal = tenant["admin"]
    client_id = next(c for c, right in admin.clients.items() if right == "full")
    api = gateway()
    auth = {"Authorization": f"Bearer {tenant['admin_token']}"}

    def call(method, path, body=None, lang="de", **kw):
        return api.simulate_request(method, path, json=body, headers={**auth, "Accept-Language": lang}, **kw)

    # nobody without a session, and errors in the reader's language
    assert api.simulate_get("/api/v1/dispatch/mailings").status_code == 401
    bad = call("POST", "/api/v1/dispatch/mailings", {"client_id": "kein-mandant"}, params={"lang": "en"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json["errors"] == [{"field": "client_id", "message": "Invalid identifier."}]
    assert call("POST", "/api/v1/dispatch/mailings", {"client_id": "x"}).json["errors"][0]["message"] == \
        "Ungültige Kennung."

    # the administrator sets up the domain and a sender
    d = call("POST", "/api/v1/dispatch/domains", {"domain": "presse-acme.example"})
    assert d.status_code == 201 and {r["kind"] for r in d.json["records"]} == {"dkim_rsa", "dkim_ed25519", "spf",
                                                                               "dmarc", "return_path"}
    assert call("PATCH", f"/api/v1/dispatch/domains/{d.json['id']}", {"allow_unverified": True}).json["sendable"]
    sender = call("POST", "/api/v1/dispatch/senders", {"from_name": "ACME Pressestelle",
                                                        "from_address": "presse@presse-acme.example",
                                                        "user_ids": [admin.user_id]}).json

    # contacts and a list in crm
    with rpc_as(admin) as rpc:
        people = [("female", "Dr.", "Anna", "Adler", "anna@zeitung.example"),
                  ("male", "", "Bernd", "Berg", "bernd@zeitung.example"),
                  ("female", "", "Clara", "Cramer", "clara@kaputt.example")]
        contacts = [rpc.crm.create_contact({"client_id": client_id, "gender": g, "title": t, "first_name": f,
                                            "last_name": ln, "emails": [{"email": e, "primary": True}]})
                    for g, t, f, ln, e in people]
        lst = rpc.crm.create_list({"client_id": client_id, "name": "Wirtschaftspresse"})
        rpc.crm.add_list_members(lst["id"], {"contact_ids": [c["id"] for c in contacts]})
    smtp_sink.add_rule(match="^clara@kaputt", code=550, message="5.1.1 <clara@kaputt.example>: User unknown")

    m = call("POST", "/api/v1/dispatch/mailings", {
        "client_id": client_id, "name": "PK Mai", "subject": "Einladung, {{ first_name }}", "html": BODY,
        "sender_id": sender["id"], "sources": [{"type": "list", "list_id": lst["id"]}]})
    assert m.status_code == 201, m.json
    mid = m.json["id"]
    # the press kit comes from the crm mediacenter
    folder = call("POST", "/api/v1/crm/media/folders", {"client_id": client_id, "name": "Pressemappe"}).json
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = api.simulate_post(f"/api/v1/crm/media/folders/{folder['id']}/files", body=pdf,
                               params={"filename": "Pressemappe Mai.pdf"},
                               headers={**auth, "Content-Type": "application/pdf"})
    assert stored.status_code == 201, stored.json
    att = call("POST", f"/api/v1/dispatch/mailings/{mid}/attachments", {"filename": "x", "file_id": stored.json["id"]})
    assert att.status_code == 201 and att.json["filename"] == "Pressemappe Mai.pdf"
    vol = call("GET", f"/api/v1/dispatch/mailings/{mid}/volume").json
    assert vol["recipients"] == 3 and vol["max_recipients"] == 100 and vol["within_limit"]
    preview = call("POST", f"/api/v1/dispatch/mailings/{mid}/preview", {"email": "anna@zeitung.example"}).json
    assert preview["subject"] == "Einladung, Anna" and "Sehr geehrte Frau Dr. Adler," in preview["html"]
    assert call("POST", f"/api/v1/dispatch/mailings/{mid}/test-send", {"to": ["pruefer@presse-acme.example"],
                                                                       "email": "anna@zeitung.example"}
                ).status_code == 202
    [test_mail] = smtp_sink.wait_for(1, to="pruefer@presse-acme.example")   # as the preview: one recipient
    assert test_mail["Subject"] == "[Test] Einladung, Anna" and "Sehr geehrte Frau Dr. Adler," in test_mail.html
    assert call("POST", f"/api/v1/dispatch/mailings/{mid}/start", {}).status_code == 202
    assert call("PATCH", f"/api/v1/dispatch/mailings/{mid}", {"subject": "x"}).status_code == 409
    progress = poll(lambda: (p := call("GET", f"/api/v1/dispatch/mailings/{mid}/progress").json)["state"] ==
                    "finished" and p, what="mailing finished")
    assert progress["done"] == progress["total"] == 3
    report = call("GET", f"/api/v1/dispatch/mailings/{mid}/report").json
    assert (report["sent"], report["bounced_hard"]) == (2, 1)

    # the bounce reached crm: the address is marked invalid there
    with rpc_as(admin) as rpc:
        poll(lambda: rpc.crm.get_contact(contacts[2]["id"])["emails"][0]["state"] == "invalid",
             what="crm marks the address invalid")
        history = poll(lambda: rpc.crm.list_history(contacts[0]["id"])["items"], what="history in crm")
    assert any(mid in str(h) for h in history)

    # the recipient's side, without login: pixel, click, unsubscribe page and one-click
    anna = smtp_sink.messages(to="anna@zeitung.example")[0]
    [kit] = list(anna.iter_attachments())
    assert kit.get_filename() == "Pressemappe Mai.pdf" and kit.get_content() == pdf
    pixel = re.search(r'https://press\.example(/t/o/[^"]+)', anna.html).group(1)
    click = re.search(r'https://press\.example(/t/c/[^"]+)"', anna.html).group(1)
    unsub = re.search(r"<https://press\.example(/u/[^>]+)>", anna["List-Unsubscribe"]).group(1)
    img = api.simulate_get(pixel, headers={"User-Agent": "Mozilla/5.0 (X11) Firefox/128"})
    assert img.status_code == 200 and img.headers["content-type"] == "image/gif"
    hop = api.simulate_get(click, headers={"User-Agent": "Mozilla/5.0 (X11) Firefox/128"})
    assert hop.status_code == 302 and hop.headers["location"] == "https://acme.example/pk"
    assert api.simulate_get(click[:-3] + "abc").status_code == 404         # no open redirect
    page = api.simulate_get(unsub)
    assert page.status_code == 200 and "Abmelden" in page.text and "<form method=\"post\"" in page.text
    one_click = api.simulate_post(unsub, body="List-Unsubscribe=One-Click",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert one_click.status_code == 200 and "abgemeldet" in one_click.text
    assert api.simulate_post("/u/1.forged").status_code == 404
    sup = call("GET", "/api/v1/dispatch/suppressions").json["items"]
    assert {(s["address"], s["reason"]) for s in sup} >= {("anna@zeitung.example", "unsubscribed"),
                                                          ("clara@kaputt.example", "hard_bounce")}

    # the user corrects the undeliverable address (crm is updated) and re-sends to just that recipient
    [gone] = call("GET", f"/api/v1/dispatch/mailings/{mid}/undeliverable").json
    assert gone["email"] == "clara@kaputt.example" and gone["bounce"] == "hard"
    resent = call("POST", f"/api/v1/dispatch/mailings/{mid}/resend",
                  {"corrections": [{"delivery_id": gone["id"], "email": "clara@zeitung.example"}]})
    assert resent.status_code == 202 and resent.json["resent"] == 1
    smtp_sink.wait_for(1, to="clara@zeitung.example")
    with rpc_as(admin) as rpc:
        assert [e["email"] for e in rpc.crm.get_contact(contacts[2]["id"])["emails"]] == ["clara@zeitung.example"]
    poll(lambda: call("GET", f"/api/v1/dispatch/mailings/{mid}/progress").json["state"] == "finished")
    assert len(smtp_sink.messages(to="anna@zeitung.example")) == 1

    # the report as Excel: a job with progress, then the file
    job = call("POST", f"/api/v1/dispatch/mailings/{mid}/exports")
    assert job.status_code == 202
    done = poll(lambda: (j := call("GET", f"/api/v1/dispatch/exports/{job.json['id']}").json)["state"] == "done"
                and j, what="export")
    assert done["done"] == done["total"] == 4
    xlsx = call("GET", f"/api/v1/dispatch/exports/{job.json['id']}/download")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    rows = list(wb["Empfänger"].iter_rows(values_only=True))
    assert rows[0][:2] == ("E-Mail", "Status") and len(rows) == 5
    assert {r[0]: r[1] for r in rows[1:]}["clara@kaputt.example"] == "fehlgeschlagen"

    # chosen crm contacts as the source: anna has unsubscribed meanwhile, clara's corrected address counts
    chosen = call("POST", "/api/v1/dispatch/mailings", {
        "client_id": client_id, "subject": "Nachtrag", "text": "{{ letter_salutation }}", "sender_id": sender["id"],
        "sources": [{"type": "contacts", "contact_ids": [c["id"] for c in contacts]}]}).json
    vol = call("GET", f"/api/v1/dispatch/mailings/{chosen['id']}/volume").json
    assert (vol["recipients"], vol["left_out_by_reason"]) == (2, {"unsubscribed": 1})

    # the starting phase allows 100 recipients per mailing: 101 is refused, in German, nothing is written
    many = [{"email": f"r{i}@viele.example"} for i in range(101)]
    big = call("POST", "/api/v1/dispatch/mailings", {"client_id": client_id, "subject": "x", "text": "y",
                                                     "sender_id": sender["id"],
                                                     "sources": [{"type": "addresses", "recipients": many}]}).json
    refused = call("POST", f"/api/v1/dispatch/mailings/{big['id']}/start", {})
    assert refused.status_code == 402 and "Höchstens 100 Empfänger" in refused.json["detail"]
    assert call("GET", f"/api/v1/dispatch/mailings/{big['id']}/progress").json["total"] == 0
