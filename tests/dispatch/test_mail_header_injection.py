"""Mail header injection (issue 13, point 1), dispatch's side: a name, sender name, subject or file name with a line
break reaches no header of its own on any path (crm contacts, typed-in addresses, the sender, the subject, an
attachment, the test send, transactional mail through dispatch and straight through SMTP). Such values stored by
old code are inserted into the databases directly (the APIs now refuse them); the raw mails at the SMTP sink have
exactly the headers dispatch writes and the names whole, on one line. The API refuses such input with 422 naming
the field."""

from __future__ import annotations

import email
import json
import uuid
from email import policy

import pytest
from sqlalchemy import text

from crm.service import CrmService
from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import Tenant, sendable_sender, wait_until
from gateway_testing import ActAs
from svckit.errors import InvalidInput
from svckit.mail import Attachment, Mailer, SmtpSender, TransactionalMail

EVIL = "Eve\r\nBcc: x@example.com"
MAILING_HEADERS = ["DKIM-Signature", "DKIM-Signature", "From", "To", "Subject", "Date", "Message-ID", "Reply-To",
                   "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID", "MIME-Version", "Content-Type"]
TRANSACTIONAL_HEADERS = ["DKIM-Signature", "DKIM-Signature", "From", "To", "Subject", "Date", "Message-ID",
                         "Auto-Submitted", "X-Pressroom-Category", "MIME-Version", "Content-Type"]


def header_names(raw: bytes) -> list[str]:
    """The field names of the top-level header block as the relay received it (folds joined)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    lines = head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")
    for line in lines:
        assert ":" in line and "\r" not in line and "\n" not in line, line
    return [line.split(":", 1)[0] for line in lines]


def parsed(mail) -> email.message.EmailMessage:
    return email.message_from_bytes(mail.raw, policy=policy.default)


def part_headers(msg) -> list[tuple[list[str], str | None]]:
    return [(sorted(part.keys()), part.get_filename()) for part in msg.iter_attachments()]


@pytest.fixture
def suite(run_services, crm_config, dispatch_config):
    run_services(CrmService, config=crm_config)
    run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))
    return Tenant()


def test_no_path_of_a_mailing_lets_a_name_start_a_header(suite, rpc_as, smtp_sink, databases):
    tenant = suite
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        contact = rpc.crm.create_contact({"client_id": tenant.client, "first_name": "Eve", "last_name": "Adler",
                                          "emails": [{"email": "eve@zeitung.example", "primary": True}]})
        m = rpc.dispatch.create_mailing({
            "client_id": tenant.client, "subject": "Hallo {{ first_name }}", "sender_id": sender["id"],
            "html": "<p>{{ letter_salutation }}</p>",
            "sources": [{"type": "contacts", "contact_ids": [contact["id"]]},
                        {"type": "addresses", "recipients": [{"email": "mallory@zeitung.example",
                                                              "first_name": "Mallory"}]}]})
        rpc.dispatch.add_attachment(m["id"], {"filename": "presse.pdf", "content_type": "application/pdf",
                                              "content_b64": "JVBERi0xLjQK"})
    # what older code let in, straight into the databases: crm contact, typed-in recipient, sender, subject, file
    with databases.engine("crm").begin() as conn:
        conn.execute(text("UPDATE contacts SET first_name = :n WHERE id = :id"), {"n": EVIL, "id": contact["id"]})
    with databases.engine("dispatch").begin() as conn:
        conn.execute(text("UPDATE sender_accounts SET from_name = :n WHERE id = :id"),
                     {"n": "ACME\r\nBcc: sender-bcc@example.com", "id": sender["id"]})
        sources = conn.execute(text("SELECT sources FROM mailings WHERE id = :id"), {"id": m["id"]}).scalar()
        sources[1]["recipients"][0]["first_name"] = "Mallory\nX-Injected: yes"
        sources[1]["recipients"][0]["last_name"] = "Mars\u2028Cc: cc@example.com"
        conn.execute(text("UPDATE mailings SET sources = CAST(:s AS jsonb), subject = :subj WHERE id = :id"),
                     {"s": json.dumps(sources), "id": m["id"],
                      "subj": "Hallo\r\nX-Subject-Injected: 1\r\n{{ first_name }}"})
        conn.execute(text("UPDATE attachments SET filename = :f WHERE mailing_id = :id"),
                     {"f": "presse\r\nX-Part-Injected: 1\r\n\r\nbody.pdf", "id": m["id"]})

    with rpc_as(tenant.user) as rpc:
        rpc.dispatch.test_send_mailing(m["id"], {"to": ["pruefer@acme-news.example"]})
        rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    mails = smtp_sink.wait_for(3)
    assert sorted(r for mail in mails for r in mail.rcpt_to) == ["eve@zeitung.example", "mallory@zeitung.example",
                                                                 "pruefer@acme-news.example"]
    by_rcpt = {mail.rcpt_to[0]: mail for mail in mails}
    expected_to = {"eve@zeitung.example": "Eve Bcc: x@example.com Adler",
                   "mallory@zeitung.example": "Mallory X-Injected: yes Mars Cc: cc@example.com"}
    for rcpt, name in expected_to.items():
        mail = by_rcpt[rcpt]
        assert header_names(mail.raw) == MAILING_HEADERS
        msg = parsed(mail)
        [to] = msg["To"].addresses
        assert (to.display_name, to.addr_spec) == (name, rcpt)
        [sender_addr] = msg["From"].addresses
        assert sender_addr.display_name == "ACME Bcc: sender-bcc@example.com"
        assert msg["Reply-To"] == "antwort@acme-news.example"
        assert msg["Subject"] == "Hallo X-Subject-Injected: 1 " + name.split(" ")[0] + \
            (" Bcc: x@example.com" if rcpt.startswith("eve") else " X-Injected: yes")
        assert part_headers(msg) == [(["Content-Disposition", "Content-Transfer-Encoding", "Content-Type"],
                                      "presse X-Part-Injected: 1 body.pdf")]
    test_mail = by_rcpt["pruefer@acme-news.example"]
    assert header_names(test_mail.raw) == ["DKIM-Signature", "DKIM-Signature", "From", "To", "Subject", "Date",
                                           "Message-ID", "Reply-To", "Auto-Submitted", "X-Pressroom-Category",
                                           "MIME-Version", "Content-Type"]
    assert parsed(test_mail)["From"].addresses[0].display_name == "ACME Bcc: sender-bcc@example.com"
    assert part_headers(parsed(test_mail))[0][1] == "presse X-Part-Injected: 1 body.pdf"


def test_transactional_mail_keeps_names_on_one_line(suite, rpc_as, smtp_sink, databases):
    with rpc_as(None) as rpc:
        # dispatch refuses such fields on input, naming them
        base = {"to": "eve@zeitung.example", "subject": "Ihr Code", "text": "123456", "idempotency_key": "k1"}
        for field, value in (("to_name", EVIL), ("subject", "Code\r\nBcc: x@example.com"),
                             ("category", "otp\nBcc: x@example.com"),
                             ("attachments", [{"filename": "a\r\nb.txt", "content_type": "text/plain",
                                               "content_b64": ""}])):
            with pytest.raises(InvalidInput) as exc:
                rpc.dispatch.send_transactional({**base, field: value})
            assert list(exc.value.fields) == ["attachments.0.filename" if field == "attachments" else field]
        # a service's mail (identity's invitation with a user name stored long ago) is made one line on its way
        mailer = Mailer("dispatch", smtp=None, dispatch=rpc.dispatch)
        mailer.send(TransactionalMail(to="eve@zeitung.example", to_name=EVIL, subject="Einladung\r\nX-Injected: 1",
                                      text="Willkommen", category="invite\r\nBcc: y@example.com",
                                      attachments=[Attachment.from_bytes("agb\r\nX-Part: 1.txt", "text/plain",
                                                                         b"AGB")]))
    # a row queued by older code with the raw payload: composition removes the breaks itself
    with databases.engine("dispatch").begin() as conn:
        conn.execute(text("INSERT INTO deliveries (lane, email, domain, recipient, idempotency_key, message_id) "
                          "VALUES (0, 'old@zeitung.example', 'zeitung.example', CAST(:p AS jsonb), :k, :mid)"),
                     {"p": json.dumps({
                         "subject": "Alt\r\nBcc: x@example.com", "text": "alt", "to_name": "Old\nX-Old: 1",
                         "category": "notice\r\nBcc: y@example.com",
                         "attachments": [{"filename": "x\r\nX-Part: 1.txt", "content_type": "text/plain\r\nX: 1",
                                          "content_b64": "QUdC"}]}),
                      "k": f"old-{uuid.uuid4().hex}", "mid": f"<old{uuid.uuid4().hex}@bounces.pressroom.test>"})
    new, old = smtp_sink.wait_for(1, to="eve@zeitung.example")[0], smtp_sink.wait_for(1, to="old@zeitung.example")[0]
    for mail, name, subject, category, filename in (
            (new, "Eve Bcc: x@example.com", "Einladung X-Injected: 1", "inviteBccyexample.com",
             "agb X-Part: 1.txt"),
            (old, "Old X-Old: 1", "Alt Bcc: x@example.com", "noticeBccyexample.com", "x X-Part: 1.txt")):
        assert header_names(mail.raw) == TRANSACTIONAL_HEADERS
        msg = parsed(mail)
        assert msg["To"].addresses[0].display_name == name
        assert msg["Subject"] == subject and msg["X-Pressroom-Category"] == category
        assert part_headers(msg) == [(["Content-Disposition", "Content-Transfer-Encoding", "Content-Type"],
                                      filename)]


def test_transactional_mail_straight_through_smtp(smtp_sink):
    """TRANSACTIONAL_MAIL_VIA=smtp (identity's default): EmailMessage refused the value with a ValueError before;
    now the name arrives whole, on one line."""
    SmtpSender("127.0.0.1", smtp_sink.smtp_port, "no-reply@pressroom.test").send(TransactionalMail(
        to="eve@zeitung.example", to_name=EVIL, subject="Ihr Code\r\nBcc: x@example.com", text="123456",
        category="otp\r\nX: 1"))
    [mail] = smtp_sink.wait_for(1, to="eve@zeitung.example")
    assert sorted(header_names(mail.raw)) == ["Auto-Submitted", "Content-Transfer-Encoding", "Content-Type", "Date",
                                              "From", "MIME-Version", "Message-ID", "Subject", "To",
                                              "X-Pressroom-Category"]
    msg = parsed(mail)
    assert msg["To"].addresses[0].display_name == "Eve Bcc: x@example.com"
    assert msg["Subject"] == "Ihr Code Bcc: x@example.com" and msg["X-Pressroom-Category"] == "otpX1"
    assert mail.rcpt_to == ["eve@zeitung.example"]


def test_the_api_refuses_line_breaks_and_bombs_naming_the_field(suite, rpc_as, gateway):
    tenant = suite
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    admin_api = gateway(extra_middleware=[ActAs(tenant.admin)])
    api = gateway(extra_middleware=[ActAs(tenant.user)])

    def refused(resp, field):
        assert resp.status_code == 422, (resp.status_code, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in resp.json["errors"]] == [field], resp.json
        return resp.json["errors"][0]["message"]

    P = "/api/v1/dispatch"
    assert refused(admin_api.simulate_post(f"{P}/senders", json={
        "from_name": EVIL, "from_address": "zweite@acme-news.example"}), "from_name") == \
        "Darf keine Zeilenumbrüche oder Steuerzeichen enthalten."
    refused(admin_api.simulate_patch(f"{P}/senders/{sender['id']}", json={"from_name": "A\u2028B"}), "from_name")
    refused(api.simulate_post(f"{P}/mailings", json={"client_id": tenant.client, "subject": "Hi\r\nBcc: x@x.example"}),
            "subject")
    refused(api.simulate_post(f"{P}/mailings", json={"client_id": tenant.client, "sources": [
        {"type": "addresses", "recipients": [{"email": "eve@zeitung.example", "last_name": EVIL}]}]}),
        "sources.0.addresses.recipients.0.last_name")
    # template bombs: 422 naming the part, never a 5xx or a stalled worker
    refused(api.simulate_post(f"{P}/mailings", json={"client_id": tenant.client, "subject": "{{ 10**5000 }}"}),
            "subject")
    refused(api.simulate_post(f"{P}/mailings", json={"client_id": tenant.client, "subject": "x",
                                                     "html": '<p>{{ "x" * 10**9 }}</p>'}), "html")
    refused(api.simulate_post(f"{P}/mailings", json={"client_id": tenant.client, "subject": "x",
                                                     "text": "{{ 9" + "9" * 5000 + " }}"}), "text")
    m = api.simulate_post(f"{P}/mailings", json={
        "client_id": tenant.client, "subject": "Hallo", "text": "Hallo", "sender_id": sender["id"],
        "sources": [{"type": "addresses", "recipients": [{"email": "eve@zeitung.example"}]}]}).json
    refused(api.simulate_patch(f"{P}/mailings/{m['id']}", json={"subject": "{{ 2**4000 * 2**4000 * 2**4000 }}"}),
            "subject")
    refused(api.simulate_patch(f"{P}/mailings/{m['id']}", json={"name": "a\nb"}), "name")
    refused(api.simulate_post(f"{P}/mailings/{m['id']}/attachments", json={
        "filename": "presse\r\nX-Injected: 1.pdf", "content_b64": "JVBERi0xLjQK"}), "filename")
    # whole numbers beyond 64 bits
    assert api.simulate_post(f"{P}/mailings/{m['id']}/start", json={}).status_code == 202
    refused(api.simulate_post(f"{P}/mailings/{m['id']}/resend", json={
        "corrections": [{"delivery_id": 2**64, "email": "eve@zeitung.example"}]}), "corrections.0.delivery_id")
    refused(api.simulate_get(f"{P}/mailings/{m['id']}/recipients", params={"cursor": str(2**70)}), "cursor")
    refused(api.simulate_get(f"{P}/mailings/{m['id']}/recipients/{10**30}"), "delivery_id")
    assert api.simulate_get(f"{P}/mailings/{m['id']}/recipients/{2**63 - 1}").status_code == 404
