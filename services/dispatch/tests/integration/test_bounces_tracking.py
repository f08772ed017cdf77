"""What comes back: bounces at the VERP endpoint (aiosmtpd), auto-replies, unsubscribes; opens and clicks by people
and by scanners; the events crm and billing receive through the broker."""

from __future__ import annotations

import os
import re
import smtplib
import subprocess
import sys
import urllib.parse
from types import SimpleNamespace

import pytest
from nameko.events import event_handler
from sqlalchemy import text

from dispatch_testing import VERP, sendable_sender, wait_until
from svckit.errors import InvalidInput, NotFound

RECEIVED: list[tuple[str, dict]] = []


class CrmListener:
    """Stands in for crm and billing: records what dispatch publishes."""

    name = "crm_listener"

    @event_handler("dispatch", "recipient_bounced")
    def bounced(self, payload):
        RECEIVED.append(("recipient_bounced", payload))

    @event_handler("dispatch", "mailing_sent")
    def sent(self, payload):
        RECEIVED.append(("mailing_sent", payload))

    @event_handler("dispatch", "usage_recorded")
    def usage(self, payload):
        RECEIVED.append(("usage_recorded", payload))


@pytest.fixture
def bounce_server(databases, dispatch_config):
    """``python -m dispatch.bounces`` as its own process (as in the Procfile), on a free port."""
    databases.ensure("dispatch")
    env = {**os.environ, **{k: str(v) for k, v in dispatch_config.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "dispatch.bounces", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.strip().rpartition(":")[2])
        yield SimpleNamespace(port=port, process=proc)
    finally:
        proc.terminate()
        proc.wait(10)


def html_body(n=2):
    return "<html><body><p>{{ letter_salutation }}</p><a href='https://acme.example/pm'>PM</a></body></html>"


def run_mailing(rpc_as, tenant, emails):
    with rpc_as(tenant.admin) as admin:
        existing = admin.dispatch.list_senders()
        sender = existing[0] if existing else sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "html": html_body(),
                                         "sender_id": sender["id"], "sources": [{"type": "addresses",
                                         "recipients": [{"email": e, "language": "de"} for e in emails]}]})
        rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    return m


def dsn(rcpt: str, status: str, diag: str) -> bytes:
    return (f"From: MAILER-DAEMON@mx.example\r\nTo: x\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
            f"Content-Type: text/plain\r\n\r\nsorry\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nAction: failed\r\n"
            f"Status: {status}\r\nDiagnostic-Code: smtp; {diag}\r\n\r\n--B--\r\n").encode()


def test_bounces_autoreplies_and_mailto_unsubscribe(run_services, dispatch, rpc_as, tenant, smtp_sink,
                                                    bounce_server, databases):
    RECEIVED.clear()
    run_services(CrmListener)
    m = run_mailing(rpc_as, tenant, ["gone@zeitung.example", "full@zeitung.example", "away@zeitung.example",
                                     "quit@zeitung.example"])
    mails = {x.rcpt_to[0]: x for x in smtp_sink.messages()}
    assert len(mails) == 4
    def to_ours(addr, raw):
        smtplib.SMTP("127.0.0.1", bounce_server.port).sendmail("", [addr], raw)

    to_ours(mails["gone@zeitung.example"].mail_from, dsn("gone@zeitung.example", "5.1.1", "550 5.1.1 User unknown"))
    to_ours(mails["full@zeitung.example"].mail_from, dsn("full@zeitung.example", "5.2.2", "552 5.2.2 Mailbox full"))
    to_ours(mails["away@zeitung.example"].mail_from,
            b"From: away@zeitung.example\r\nAuto-Submitted: auto-replied\r\nSubject: Abwesenheitsnotiz\r\n\r\n"
            b"Bin im Urlaub.\r\n")
    unsub = re.search(r"<mailto:([^?>]+)", mails["quit@zeitung.example"]["List-Unsubscribe"]).group(1)
    to_ours(unsub, b"Subject: unsubscribe\r\n\r\n")
    # a forged return path is refused before any data
    forged = mails["quit@zeitung.example"].mail_from.replace("b-", "b-9")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        to_ours(forged, b"Subject: x\r\n\r\n")

    with databases.engine("dispatch").connect() as conn:
        rows = dict(conn.execute(text("SELECT email, state || ':' || coalesce(bounce, '') FROM deliveries "
                                      "WHERE mailing_id = :m"), {"m": m["id"]}).all())
        sup = dict(conn.execute(text("SELECT address, reason FROM suppressions")).all())
        kinds = conn.execute(text("SELECT kind FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id "
                                  "WHERE d.email = 'away@zeitung.example' ORDER BY e.id")).scalars().all()
    assert rows == {"gone@zeitung.example": "bounced:hard", "full@zeitung.example": "bounced:soft",
                    "away@zeitung.example": "sent:", "quit@zeitung.example": "sent:"}
    assert sup == {"gone@zeitung.example": "hard_bounce", "quit@zeitung.example": "unsubscribed"}
    assert kinds == ["sent", "auto_reply"]
    # crm hears of both bounces through the broker (outbox relay), billing of the usage
    wait_until(lambda: len([e for e in RECEIVED if e[0] == "recipient_bounced"]) == 2, what="recipient_bounced")
    wait_until(lambda: any(e[0] == "usage_recorded" for e in RECEIVED), what="usage")
    bounced = {p["email"]: p for k, p in RECEIVED if k == "recipient_bounced"}
    assert bounced["gone@zeitung.example"]["hard"] is True and bounced["gone@zeitung.example"]["status"] == "5.1.1"
    assert bounced["full@zeitung.example"]["hard"] is False
    sent = [p for k, p in RECEIVED if k == "mailing_sent"]
    assert sent and {r["email"] for r in sent[0]["recipients"]} == set(mails)
    with rpc_as(tenant.user) as rpc:
        report = rpc.dispatch.get_mailing_report(m["id"])
        undeliverable = rpc.dispatch.list_undeliverable(m["id"])
        # the user corrects the address and re-sends to just that recipient
        gone = next(u for u in undeliverable if u["email"] == "gone@zeitung.example")
        result = rpc.dispatch.resend_mailing(m["id"], {"corrections": [{"delivery_id": gone["id"],
                                                                         "email": "anna.neu@zeitung.example"}]})
        assert result["resent"] == 1
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="resend done")
        again = rpc.dispatch.resend_mailing(m["id"], {})
    assert again["resent"] == 0
    assert report["bounced_hard"] == 1 and report["bounced_soft"] == 1 and report["delivered"] == 2
    assert report["unsubscribed"] == 1
    assert len(smtp_sink.messages(to="anna.neu@zeitung.example")) == 1
    assert len(smtp_sink.messages()) == 5


def arf(rcpt: str) -> bytes:
    return (f"From: feedback@provider.example\r\nTo: x\r\nSubject: Abuse report\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=feedback-report; boundary=B\r\n\r\n--B\r\n"
            f"Content-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n--B\r\n"
            f"Content-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n--B\r\n"
            f"Content-Type: message/rfc822\r\n\r\nFrom: presse@acme.example\r\nTo: {rcpt}\r\nSubject: PM\r\n\r\n"
            f"Text\r\n--B--\r\n").encode()


def test_complaints_suppress_and_sender_side_bounces_are_soft(run_services, dispatch, rpc_as, tenant, smtp_sink,
                                                               bounce_server, databases):
    m = run_mailing(rpc_as, tenant, ["angry@zeitung.example", "blocked@zeitung.example"])
    mails = {x.rcpt_to[0]: x for x in smtp_sink.messages()}

    def to_ours(addr, raw):
        smtplib.SMTP("127.0.0.1", bounce_server.port).sendmail("", [addr], raw)

    to_ours(mails["angry@zeitung.example"].mail_from, arf("angry@zeitung.example"))
    # "user unknown" about our sender address (5.1.8) is no reason to drop the recipient
    to_ours(mails["blocked@zeitung.example"].mail_from,
            dsn("blocked@zeitung.example", "5.1.8", "553 5.1.8 Domain of sender address presse@acme.example "
                "does not exist"))
    with databases.engine("dispatch").connect() as conn:
        rows = dict(conn.execute(text("SELECT email, state || ':' || coalesce(bounce, '') FROM deliveries "
                                      "WHERE mailing_id = :m"), {"m": m["id"]}).all())
        sup = dict(conn.execute(text("SELECT address, reason FROM suppressions")).all())
        kinds = conn.execute(text("SELECT kind FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id "
                                  "WHERE d.email = 'angry@zeitung.example' ORDER BY e.id")).scalars().all()
    assert rows == {"angry@zeitung.example": "sent:", "blocked@zeitung.example": "bounced:soft"}
    assert sup == {"angry@zeitung.example": "complaint"}
    assert kinds == ["sent", "complaint"]


def test_soft_bounces_repeated_suppress(dispatch, rpc_as, tenant, smtp_sink, bounce_server, databases):
    for _round in range(3):
        smtp_sink.clear()
        run_mailing(rpc_as, tenant, ["voll@zeitung.example"])
        [mail] = smtp_sink.messages()
        smtplib.SMTP("127.0.0.1", bounce_server.port).sendmail(
            "", [mail.mail_from], dsn("voll@zeitung.example", "5.2.2", "552 mailbox full"))
    with databases.engine("dispatch").connect() as conn:
        sup = dict(conn.execute(text("SELECT address, reason FROM suppressions")).all())
    assert sup == {"voll@zeitung.example": "soft_bounces"}


def test_sender_side_soft_bounces_never_suppress(dispatch, rpc_as, tenant, smtp_sink, bounce_server, databases):
    for _round in range(3):   # three refusals of our sending domain: no reason to drop the recipient
        smtp_sink.clear()
        run_mailing(rpc_as, tenant, ["policy@zeitung.example"])
        [mail] = smtp_sink.messages()
        smtplib.SMTP("127.0.0.1", bounce_server.port).sendmail(
            "", [mail.mail_from], dsn("policy@zeitung.example", "5.7.26", "550 5.7.26 DMARC policy violation"))
    with databases.engine("dispatch").connect() as conn:
        sup = dict(conn.execute(text("SELECT address, reason FROM suppressions")).all())
        reasons = conn.execute(text("SELECT DISTINCT bounce || ':' || bounce_reason FROM deliveries")).scalars().all()
    assert sup == {}
    assert reasons == ["soft:auth_failure"]


def test_tracking_people_scanners_and_one_click_unsubscribe(dispatch, rpc_as, tenant, smtp_sink, databases):
    m = run_mailing(rpc_as, tenant, ["leser@zeitung.example"])
    [mail] = smtp_sink.messages()
    html = mail.html
    pixel = re.search(r'/t/o/([^"]+)\.gif', html).group(1)
    click = re.search(r"href=[\"']https://press\.example/t/c/([^\"']+)[\"']>PM", html).group(1)
    unsub = re.search(r"<https://press\.example/u/([^>]+)>", mail["List-Unsubscribe"]).group(1)
    with databases.engine("dispatch").begin() as conn:   # the mail was read a while after it arrived
        conn.execute(text("UPDATE deliveries SET sent_at = sent_at - interval '10 minutes'"))
    human = {"user_agent": "Mozilla/5.0 (Macintosh) AppleWebKit/605 Safari/605", "method": "GET"}
    with rpc_as() as anon:   # no login: the token is the key
        assert anon.dispatch.track_open(pixel, {"user_agent": "Mozilla/5.0 GoogleImageProxy"}) is True
        assert anon.dispatch.track_open(pixel, human) is True
        assert anon.dispatch.track_click(click, {"user_agent": "Proofpoint URL Defense", "method": "HEAD"})["url"] \
            == "https://acme.example/pm"
        assert anon.dispatch.track_click(click, human)["url"] == "https://acme.example/pm"
        assert anon.dispatch.track_click(click, human)["url"] == "https://acme.example/pm"
        for bad in (click[:-1] + ("A" if click[-1] != "A" else "B"), "1.aHR0cHM6Ly9ldmlsLmV4YW1wbGU.x"):
            with pytest.raises(NotFound):
                anon.dispatch.track_click(bad, human)
        assert anon.dispatch.track_open("1.forged", human) is False
        info = anon.dispatch.get_unsubscribe(unsub)
        assert info["unsubscribed"] is False and info["email"].startswith("le")
        assert anon.dispatch.unsubscribe(unsub, {"via": "one_click"})["unsubscribed"] is True
        assert anon.dispatch.get_unsubscribe(unsub)["unsubscribed"] is True
        with pytest.raises(NotFound):
            anon.dispatch.unsubscribe(unsub[:-2] + "xx", {})
    with rpc_as(tenant.user) as rpc:
        report = rpc.dispatch.get_mailing_report(m["id"])
        items = rpc.dispatch.list_mailing_recipients(m["id"])["items"]
        timeline = rpc.dispatch.get_recipient_timeline(m["id"], items[0]["id"])
    assert (report["opened"], report["clicked"], report["unsubscribed"]) == (1, 1, 1)
    assert (report["machine_opens"], report["machine_clicks"], report["clicks_total"]) == (1, 1, 2)
    kinds = [e["kind"] for e in timeline["events"]]
    assert kinds[:2] == ["queued", "sent"] and kinds.count("clicked") == 3 and kinds[-1] == "unsubscribed"
    assert [e["machine"] for e in timeline["events"] if e["kind"] == "opened"] == [True, False]
    # honoured at once: the next mailing leaves the address out
    with rpc_as(tenant.user) as rpc:
        senders = rpc.dispatch.list_senders()
        m2 = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM2", "text": "x",
                                          "sender_id": senders[0]["id"], "sources": [{"type": "addresses",
                                          "recipients": [{"email": "leser@zeitung.example"},
                                                         {"email": "neu@zeitung.example"}]}]})
        vol = rpc.dispatch.get_mailing_volume(m2["id"])
    assert vol["recipients"] == 1 and vol["left_out_by_reason"] == {"unsubscribed": 1}


def test_transactional_mail_is_idempotent_and_signed_for_the_system_domain(dispatch, rpc_as, smtp_sink):
    from svckit.mail import Attachment, TransactionalMail

    mail = TransactionalMail(to="user@kunde.example", subject="Ihr Code", text="Code: 123456",
                             category="otp", idempotency_key="otp-1",
                             attachments=[Attachment.from_bytes("Rechnung.pdf", "application/pdf", b"%PDF-1.4 x")])
    with rpc_as() as rpc:
        first = rpc.dispatch.send_transactional(mail.to_payload())
        second = rpc.dispatch.send_transactional(mail.to_payload())
        with pytest.raises(InvalidInput) as exc:
            rpc.dispatch.send_transactional({**mail.to_payload(), "to": "nope"})
        assert "to" in exc.value.fields
    assert first == second and first.startswith("<t")
    [got] = smtp_sink.wait_for(1, to="user@kunde.example")
    assert got["Message-ID"] == first and "123456" in got.text and got["Auto-Submitted"] == "auto-generated"
    assert got.get_all("DKIM-Signature") and "d=pressroom.test" in " ".join(got.get_all("DKIM-Signature"))
    assert [a.get_filename() for a in got.iter_attachments()] == ["Rechnung.pdf"]
    assert got.mail_from.endswith("@" + VERP)
    assert urllib.parse.quote("x")  # keep the import honest


def test_sender_side_bounces_mark_the_domain_and_the_report_counts_per_provider(dispatch, rpc_as, tenant, smtp_sink,
                                                                                bounce_server, databases):
    smtp_sink.clear_rules()
    # at SMTP time: a blocklist refusal (sender-side) for one Gmail recipient, a 450 that keeps one Yahoo deferred
    smtp_sink.add_rule(match="^hans@gmail", code=554,
                       message="5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org")
    smtp_sink.add_rule(match="^fritz@yahoo", code=450, message="4.2.1 try again later")
    emails = ["anna@gmail.com", "hans@gmail.com", "bernd@gmx.de", "dora@web.de", "carla@outlook.com",
              "emil@t-online.de", "fritz@yahoo.com", "gerd@zeitung.example"]
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "html": html_body(),
                                         "sender_id": sender["id"], "sources": [{"type": "addresses",
                                         "recipients": [{"email": e, "language": "de"} for e in emails]}]})
        rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: (lambda p: p["queued"] == 0 and p["deferred"] == 1 and p["sent"] == 6)(
            rpc.dispatch.get_mailing_progress(m["id"])), what="all but the deferred one done")
    mails = {x.rcpt_to[0]: x for x in smtp_sink.messages()}

    def to_ours(addr, raw):
        smtplib.SMTP("127.0.0.1", bounce_server.port).sendmail("", [addr], raw)

    to_ours(mails["bernd@gmx.de"].mail_from,
            dsn("bernd@gmx.de", "5.7.1", "550 5.7.1 Message rejected: sending domain is on our blocklist"))
    to_ours(mails["carla@outlook.com"].mail_from, dsn("carla@outlook.com", "5.1.1", "550 5.1.1 User unknown"))
    to_ours(mails["dora@web.de"].mail_from, dsn("dora@web.de", "5.2.2", "552 5.2.2 Mailbox full"))
    to_ours(mails["emil@t-online.de"].mail_from, arf("emil@t-online.de"))

    with databases.engine("dispatch").connect() as conn:
        sup = dict(conn.execute(text("SELECT address, reason FROM suppressions")).all())
        reasons = dict(conn.execute(text("SELECT email, bounce_reason FROM deliveries WHERE mailing_id = :m "
                                         "AND bounce IS NOT NULL"), {"m": m["id"]}).all())
    # the sender-side refusals (blocked) never suppress the recipient; user unknown does, the complaint too
    assert sup == {"carla@outlook.com": "hard_bounce", "emil@t-online.de": "complaint"}
    assert reasons == {"hans@gmail.com": "blocked", "bernd@gmx.de": "blocked", "carla@outlook.com": "user_unknown",
                       "dora@web.de": "mailbox_full"}
    with rpc_as(tenant.user) as rpc:
        report = rpc.dispatch.get_mailing_report(m["id"])
    with rpc_as(tenant.admin) as admin:
        [domain] = admin.dispatch.list_sender_domains()
    assert report["by_provider"] == [
        {"provider": "gmail", "delivered": 1, "deferred": 0, "bounced": 1, "complaints": 0},
        {"provider": "outlook", "delivered": 0, "deferred": 0, "bounced": 1, "complaints": 0},
        {"provider": "gmx_webde", "delivered": 0, "deferred": 0, "bounced": 2, "complaints": 0},
        {"provider": "t_online", "delivered": 1, "deferred": 0, "bounced": 0, "complaints": 1},
        {"provider": "yahoo", "delivered": 0, "deferred": 1, "bounced": 0, "complaints": 0},
        {"provider": "other", "delivered": 1, "deferred": 0, "bounced": 0, "complaints": 0}]
    assert report["complaints"] == 1 and report["sent"] == 6 and report["complaint_rate"] == round(1 / 6, 6)
    assert report["sender_issue"]["domain"] == "acme-news.example" and report["sender_issue"]["reason"] == "blocked"
    assert report["bounced_hard"] == 1 and report["bounced_soft"] == 3
    assert domain["sender_issue"] == "blocked" and domain["sender_issue_at"] is not None
    assert (domain["sent_30d"], domain["complaints_30d"], domain["complaint_rate_30d"]) == (6, 1, round(1 / 6, 6))
    smtp_sink.clear_rules()
