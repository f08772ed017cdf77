"""The IMAP archive against a real Dovecot that the test starts (its own config, users and maildirs) and fills."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import text

from crm_testing import wait_job
from crm_testing.dovecot import dovecot

BOX = "presse@firma.example"
PASSWORD = "Sehr-geheim-2026"


def message(sender, to, subject, msgid, body="Guten Tag", cc=None, attachment=None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, to, subject, msgid
    msg["Date"] = "Tue, 03 Nov 2026 10:00:00 +0100"
    if cc:
        msg["Cc"] = cc
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return bytes(msg)


@pytest.fixture
def imap():
    with dovecot({BOX: PASSWORD}) as server:
        yield server


def history(client, contact_id):
    return [h for h in client.simulate_get(f"/api/v1/crm/contacts/{contact_id}/history").json["items"]
            if h["kind"] == "email"]


def test_mailbox_messages_land_in_the_matching_contacts_history(api, tenant, imap, crm_db):
    everyone = api(tenant.all_access())
    anna = everyone.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "last_name": "Müller", "emails": [{"email": "anna@sz.example"}]}).json
    bernd = everyone.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.read, "last_name": "Lesend", "emails": [{"email": "bernd@x.example"}]}).json
    hidden = everyone.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.hidden, "last_name": "Versteckt", "emails": [{"email": "hidden@x.example"}]}).json

    imap.append(BOX, message("Anna Müller <anna@sz.example>", BOX, "Interviewanfrage", "<m1@sz.example>",
                             "Können wir morgen sprechen?", attachment=("Fragen.pdf", b"%PDF-1.4 Fragen")))
    imap.append(BOX, message(BOX, "anna@sz.example", "Re: Interviewanfrage", "<m2@firma.example>",
                             "Gern, um 10 Uhr.", cc="bernd@x.example"))
    imap.append(BOX, message("jemand@unbekannt.example", BOX, "Newsletter", "<m3@x>"))
    imap.append(BOX, message("hidden@x.example", BOX, "Geheim", "<m4@x>"))
    imap.append(BOX, message("Anna Müller <anna@sz.example>", BOX, "Interviewanfrage", "<m1@sz.example>"),
                folder="Presse")   # the same message filed twice

    user = tenant.user()
    client = api(user)
    resp = client.simulate_post("/api/v1/crm/mailboxes", json={
        "host": imap.host, "port": imap.port, "security": "none", "username": BOX, "password": PASSWORD,
        "folders": ["INBOX", "Presse"]})
    assert resp.status_code == 201, resp.text
    box = resp.json
    assert "password" not in box and box["password_set"] is True
    with crm_db.connect() as conn:
        stored = conn.execute(text("SELECT password_enc FROM mailboxes")).scalar()
    assert PASSWORD not in stored

    job = client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync")
    assert job.status_code == 202
    done = wait_job(client, job.json)
    assert done["state"] == "done", done
    assert done["result"]["messages"] == 5 and done["result"]["archived"] == 2

    entries = history(client, anna["id"])
    assert sorted(h["subject"] for h in entries) == ["Interviewanfrage", "Re: Interviewanfrage"]
    incoming = next(h for h in entries if h["subject"] == "Interviewanfrage")
    assert incoming["body"] == "Können wir morgen sprechen?" and incoming["data"]["direction"] == "in"
    assert [f["name"] for f in incoming["files"]] == ["Fragen.pdf"]
    assert next(h for h in entries if h["subject"].startswith("Re:"))["data"]["direction"] == "out"
    assert history(everyone, bernd["id"]) == []      # read-only client: the user cannot write there
    assert history(everyone, hidden["id"]) == []     # hidden client: not even matched

    # nothing new: nothing archived; a new message: only it
    done = wait_job(client, client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync").json)
    assert done["result"]["messages"] == 0
    imap.append(BOX, message("anna@sz.example", BOX, "Nachtrag", "<m5@sz.example>"))
    done = wait_job(client, client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync").json)
    assert done["result"]["messages"] == 1 and done["result"]["archived"] == 1
    # the server renumbers a folder (new UIDVALIDITY): read again, archived nothing twice
    imap.recreate(BOX, "Presse")
    done = wait_job(client, client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync").json)
    assert done["result"]["messages"] == 1 and done["result"]["archived"] == 0
    assert len(history(client, anna["id"])) == 3
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM history WHERE kind = 'email'")).scalar() == 3

    # only its owner sees the mailbox
    assert api(tenant.user()).simulate_get(f"/api/v1/crm/mailboxes/{box['id']}").status_code == 404
    assert [b["id"] for b in client.simulate_get("/api/v1/crm/mailboxes").json] == [box["id"]]


def test_wrong_password_and_unreachable_server_fail_the_job_with_a_reason(api, tenant, imap):
    client = api(tenant.user())
    box = client.simulate_post("/api/v1/crm/mailboxes", json={
        "host": imap.host, "port": imap.port, "security": "none", "username": BOX, "password": "falsch"}).json
    done = wait_job(client, client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync").json)
    assert done["state"] == "failed"
    assert done["error"]["detail"]["en"] == "Login to the mailbox failed (user name or password)."
    from crm_testing.dovecot import free_port
    client.simulate_patch(f"/api/v1/crm/mailboxes/{box['id']}", json={"port": free_port(), "password": PASSWORD})
    done = wait_job(client, client.simulate_post(f"/api/v1/crm/mailboxes/{box['id']}/sync").json)
    assert done["state"] == "failed" and done["error"]["detail"]["de"].startswith("Das Postfach ist nicht erreichbar")
    bad = client.simulate_post("/api/v1/crm/mailboxes", json={"host": "evil host; rm -rf", "username": "x",
                                                              "password": "y", "port": 0})
    assert bad.status_code == 422 and {e["field"] for e in bad.json["errors"]} == {"host", "port"}
