"""A mailing from addresses to the sink: personalised, signed, de-duplicated, suppressed, reported, finished."""

from __future__ import annotations

import dkim
from sqlalchemy import text

from dispatch_testing import VERP, sendable_sender, wait_until
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound, QuotaExceeded

BODY = ("<html><body><p>{{ letter_salutation }}</p><p>Neues von {{ organisation }} für {{ first_name }}"
        " ({{ custom.ressort }}).</p><p><a href=\"https://acme.example/news?id=1&amp;x=2\">Mehr</a></p>"
        "</body></html>")


def recipients(n: int, domain: str = "zeitung.example") -> list[dict]:
    return [{"email": f"redakteur{i}@{domain}", "salutation": "Frau" if i % 2 else "Herr", "title": "Dr." if i == 1
             else None, "first_name": f"Vor{i}", "last_name": f"Nach{i}", "organisation": "Zeitung",
             "custom": {"ressort": "Wirtschaft"}} for i in range(n)]


def test_mailing_arrives_personalised_signed_and_finishes(dispatch, rpc_as, tenant, smtp_sink, databases):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    rcpts = recipients(5) + [{"email": "REDAKTEUR0@zeitung.example"}, {"email": "gesperrt@zeitung.example"},
                             {"email": "wer@blockiert.example"}]
    with rpc_as(tenant.user) as rpc:
        rpc.dispatch.add_suppression({"address": "gesperrt@zeitung.example"})
        rpc.dispatch.add_suppression({"address": "@blockiert.example"})
        try:  # a typed-in address that is no address: named, nothing saved
            rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "x", "text": "y", "sources": [
                {"type": "addresses", "recipients": [{"email": "kaputt@@x"}]}]})
            raise AssertionError("accepted a broken address")
        except InvalidInput as exc:
            assert list(exc.fields) == ["sources.0.addresses.recipients.0.email"]
            assert exc.fields["sources.0.addresses.recipients.0.email"].de == "Ungültige E-Mail-Adresse."
        assert rpc.dispatch.list_mailings() == []
        m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "Hallo {{ first_name }}",
                                         "html": BODY, "sender_id": sender["id"],
                                         "sources": [{"type": "addresses", "recipients": rcpts}]})
        vol = rpc.dispatch.get_mailing_volume(m["id"])
        assert vol["recipients"] == 5 and vol["left_out"] == 3
        assert vol["left_out_by_reason"] == {"duplicate": 1, "blacklist": 2}
        assert vol["total_bytes"] == vol["bytes_per_mail"] * 5 > 0
        assert vol["problems"] == []                                  # nothing stops the start
        assert [x["email"] for x in vol["sample"]] == [f"redakteur{i}@zeitung.example" for i in range(5)]
        assert vol["sample"][1]["name"] == "Vor1 Nach1"               # for the preview as a chosen recipient
        started = rpc.dispatch.start_mailing(m["id"])
        assert started["recipients"] == 5
        reasons = {x["email"].lower(): x["reason"] for x in started["left_out_detail"]}
        assert reasons["gesperrt@zeitung.example"] == "blacklist"
        assert reasons["wer@blockiert.example"] == "blacklist"
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
        report = rpc.dispatch.get_mailing_report(m["id"])
    assert report["total"] == 5 and report["sent"] == 5 and report["delivered"] == 5 and report["queued"] == 0
    mails = smtp_sink.messages()
    assert sorted(x.rcpt_to[0] for x in mails) == [f"redakteur{i}@zeitung.example" for i in range(5)]
    one = next(x for x in mails if x.rcpt_to == ["redakteur1@zeitung.example"])
    assert one["Subject"] == "Hallo Vor1"
    assert "Sehr geehrte Frau Dr. Nach1," in one.html and "Wirtschaft" in one.html
    assert "Sehr geehrte Frau Dr. Nach1," in one.text            # text derived from the HTML
    assert "Versendet mit Pressroom" in one.text                 # standard dispatch carries the notice
    assert "https://acme.example/news" not in one.html           # links go through the signed redirect
    assert "/t/c/" in one.html and "/t/o/" in one.html
    assert one.mail_from.startswith("b-") and one.mail_from.endswith("@" + VERP)
    assert one["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://press.example/u/" in one["List-Unsubscribe"] and "mailto:u-" in one["List-Unsubscribe"]
    assert one["Message-ID"] and one["Reply-To"] == "antwort@acme-news.example"
    sig_headers = [h for h in one.get_all("DKIM-Signature")]
    assert len(sig_headers) == 2
    signed = " ".join(sig_headers).replace("\r\n", "").replace("\t", "")
    for name in ("from", "message-id", "list-unsubscribe", "list-unsubscribe-post", "subject"):
        assert name in signed.split("h=")[1]
    # the signatures verify with dkimpy against the published keys
    with databases.engine("dispatch").connect() as conn:
        d = conn.execute(text("SELECT * FROM sender_domains WHERE account_id = :a"), {"a": tenant.account_id}).one()
    records = {f"{d.rsa_selector}._domainkey.{d.domain}.".encode(): f"v=DKIM1; k=rsa; p={d.rsa_public}".encode(),
               f"{d.ed25519_selector}._domainkey.{d.domain}.".encode():
                   f"v=DKIM1; k=ed25519; p={d.ed25519_public}".encode()}
    v = dkim.DKIM(one.raw)
    assert v.verify(idx=0, dnsfunc=lambda name, timeout=5: records.get(name))
    assert v.verify(idx=1, dnsfunc=lambda name, timeout=5: records.get(name))
    # history and usage went to the outbox
    with databases.engine("dispatch").connect() as conn:
        wait_until(lambda: conn.execute(text("SELECT count(*) FROM outbox WHERE event_type = 'usage_recorded'"))
                   .scalar(), what="usage")
        kinds = dict(conn.execute(text("SELECT event_type, count(*) FROM outbox GROUP BY 1")).all())
        usage = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'usage_recorded'")).scalars().all()
    assert kinds["mailing_sent"] == 1
    assert sum(u["quantity"] for u in usage) == 5 and usage[0]["kind"] == "mails_standard"


def test_tenant_isolation_and_rights(dispatch, rpc_as, tenant, other_tenant):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
        m = admin.dispatch.create_mailing({"client_id": tenant.client, "subject": "x", "text": "y",
                                           "sender_id": sender["id"]})
        hidden = None
    with rpc_as(other_tenant.admin) as other:
        for call in (lambda: other.dispatch.get_mailing(m["id"]),
                     lambda: other.dispatch.get_mailing_report(m["id"]),
                     lambda: other.dispatch.update_mailing(m["id"], {"subject": "z"})):
            try:
                call()
                raise AssertionError("another account's mailing is visible")
            except NotFound:
                pass
        assert other.dispatch.list_mailings() == []
        try:
            other.dispatch.check_sender_domain(sender["domain_id"])
            raise AssertionError("another account's domain is visible")
        except NotFound:
            pass
    with rpc_as(tenant.user) as user:
        try:  # the read-only client: reading yes, writing no
            user.dispatch.create_mailing({"client_id": tenant.read_client, "subject": "x", "text": "y"})
            raise AssertionError("wrote into a read-only client")
        except Forbidden:
            pass
        try:
            user.dispatch.create_mailing({"client_id": tenant.hidden_client, "subject": "x", "text": "y"})
            raise AssertionError("wrote into a hidden client")
        except NotFound:
            pass
        try:  # only administrators manage domains
            user.dispatch.create_sender_domain({"domain": "x.example"})
            raise AssertionError("a user created a domain")
        except Forbidden:
            pass
        try:
            user.dispatch.get_mailing("not-a-uuid")
        except InvalidInput as exc:
            assert "mailing_id" in exc.fields
    assert hidden is None


def test_entitlements_limit_and_premium(dispatch, rpc_as, tenant, amqp_uri, smtp_sink):
    from nameko.standalone.events import event_dispatcher

    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "Hallo", "text": "Text",
                                         "sender_id": sender["id"], "lane": "premium",
                                         "sources": [{"type": "addresses", "recipients": recipients(101)}]})
        # the volume names what would stop the start, with the messages the start gives
        draft = rpc.dispatch.create_mailing({"client_id": tenant.client, "lane": "premium", "sources": [
            {"type": "addresses", "recipients": recipients(101)}]})
        problems = rpc.dispatch.get_mailing_volume(draft["id"])["problems"]
        assert [(x["code"], x["field"]) for x in problems] == [   # premium is checked before the limit
            ("invalid_input", "subject"), ("invalid_input", "sender_id"), ("quota_exceeded", "lane")]
        assert problems[0]["message"] == {"de": "Bitte einen Betreff eingeben.", "en": "Please enter a subject."}
        vol = rpc.dispatch.get_mailing_volume(m["id"])
        assert [x["code"] for x in vol["problems"]] == ["quota_exceeded"] and len(vol["sample"]) == 101
        rpc.dispatch.update_mailing(m["id"], {"lane": "standard"})
        (limit,) = rpc.dispatch.get_mailing_volume(m["id"])["problems"]
        assert limit["limit"] == 100 and limit["field"] is None
        assert limit["message"]["de"] == "Höchstens 100 Empfänger pro Mailing in Ihrem Abonnement (101 gewählt)."
        rpc.dispatch.update_mailing(m["id"], {"lane": "premium"})
        try:
            rpc.dispatch.start_mailing(m["id"])
            raise AssertionError("premium without the add-on")
        except QuotaExceeded as exc:
            assert exc.extra["addon"] == "premium_dispatch"
        rpc.dispatch.update_mailing(m["id"], {"lane": "standard"})
        try:
            rpc.dispatch.start_mailing(m["id"])
            raise AssertionError("101 recipients in the starting phase")
        except QuotaExceeded as exc:
            assert exc.extra == {"limit": 100, "recipients": 101}
            assert "100" in exc.detail.de and "100" in exc.detail.en
        # billing upgrades the account: the real event through the broker
        publish = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
        publish("billing", "entitlements_changed", {
            "account_id": tenant.account_id, "version": 3, "phase": "regular", "premium_dispatch": True,
            "max_recipients_per_mailing": None})
        rpc.dispatch.update_mailing(m["id"], {"lane": "premium"})

        def started():
            try:
                return rpc.dispatch.start_mailing(m["id"])
            except QuotaExceeded:
                return None
        result = wait_until(started, what="entitlements to arrive")
        assert result["recipients"] == 101
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", timeout=60)
    premium = smtp_sink.messages(to="redakteur7@zeitung.example")[0]
    assert "Pressroom" not in premium.text                  # premium dispatch: no "sent with Pressroom" notice
    assert "Keine weiteren Mails erhalten" in premium.text    # the unsubscribe line stays
    with rpc_as(tenant.user) as rpc:
        try:
            rpc.dispatch.start_mailing(m["id"])
            raise AssertionError("started twice")
        except Conflict:
            pass
