"""Bounces read from an IMAP mailbox (a private Dovecot): the dispatch service polls it and records them."""

from __future__ import annotations

from sqlalchemy import text

from dispatch_testing import sendable_sender, wait_until


def test_bounce_from_the_mailbox(run_services, dispatch_config, rpc_as, tenant, smtp_sink, databases):
    from crm_testing.dovecot import dovecot
    from dispatch.sender import DispatchSender
    from dispatch.service import DispatchService

    with dovecot({"bounces": "geheim"}) as box:
        config = {**dispatch_config, "BOUNCE_IMAP_HOST": box.host, "BOUNCE_IMAP_PORT": box.port,
                  "BOUNCE_IMAP_SSL": "0", "BOUNCE_IMAP_USER": "bounces", "BOUNCE_IMAP_PASSWORD": "geheim",
                  "BOUNCE_IMAP_INTERVAL": 0.5}
        run_services(DispatchService, DispatchSender, config=config, db_services=("dispatch",))
        with rpc_as(tenant.admin) as admin:
            sender = sendable_sender(admin, tenant)
        with rpc_as(tenant.user) as rpc:
            m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "text": "x",
                                             "sender_id": sender["id"], "sources": [{"type": "addresses",
                                             "recipients": [{"email": "weg@zeitung.example"}]}]})
            rpc.dispatch.start_mailing(m["id"])
            [mail] = smtp_sink.wait_for(1)
        verp = mail.mail_from
        dsn = (f"From: MAILER-DAEMON@mx.example\r\nTo: {verp}\r\nDelivered-To: {verp}\r\n"
               f"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
               f"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
               f"Content-Type: text/plain\r\n\r\nsorry\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
               f"Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; weg@zeitung.example\r\n"
               f"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n--B--\r\n")
        box.append("bounces", dsn.encode())
        box.append("bounces", b"From: someone@example.com\r\nSubject: hello\r\n\r\nnot for us\r\n")
        engine = databases.engine("dispatch")

        def bounced():
            with engine.connect() as conn:
                return conn.execute(text("SELECT state, bounce FROM deliveries")).one() == ("bounced", "hard")
        wait_until(bounced, timeout=20, what="the mailbox bounce")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT reason FROM suppressions")).scalar() == "hard_bounce"
