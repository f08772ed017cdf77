"""dispatch's real answers match the answer models of dispatch.contracts (the gateway documents its routes with them):
every field declared, nothing undeclared, the declared nullability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from dispatch import contracts as c
from dispatch_testing import sendable_sender, wait_until

RECIPIENTS = [{"email": "redakteurin@zeitung.example", "salutation": "Frau", "first_name": "Vera",
               "last_name": "Nachname", "organisation": "Zeitung", "custom": {"ressort": "Wirtschaft"}},
              {"email": "REDAKTEURIN@zeitung.example"}, {"email": "gesperrt@zeitung.example"},
              {"email": "kollege@zeitung.example", "first_name": "Karl"}]


def check(model, answer):
    TypeAdapter(model).validate_python(answer)
    return answer


def test_answers_of_a_mailing_and_its_reports_match_the_contract(dispatch, rpc_as, tenant, smtp_sink):
    with rpc_as(tenant.admin) as admin:
        sender = check(c.Sender, sendable_sender(admin, tenant))
        check(list[c.SenderDomain], admin.dispatch.list_sender_domains())
        check(list[c.Sender], admin.dispatch.list_senders())
        check(c.SuppressionAdded, admin.dispatch.add_suppression({"address": "gesperrt@zeitung.example"}))
    with rpc_as(tenant.user) as rpc:
        draft = {"client_id": tenant.client, "name": "Quartal", "subject": "Hallo {{ first_name }}",
                 "html": "<p>{{ letter_salutation }}</p>", "sender_id": sender["id"],
                 "sources": [{"type": "addresses", "recipients": RECIPIENTS}]}
        m = check(c.Mailing, rpc.dispatch.create_mailing(draft))
        check(c.AttachmentInfo, rpc.dispatch.add_attachment(m["id"], {"filename": "notiz.txt",
                                                                      "content_b64": "aGFsbG8="}))
        check(c.Mailing, rpc.dispatch.update_mailing(m["id"], {"text": "Guten Tag"}))
        check(c.Mailing, rpc.dispatch.get_mailing(m["id"]))
        check(c.Preview, rpc.dispatch.preview_mailing(m["id"], {"email": "kollege@zeitung.example"}))
        check(c.Volume, rpc.dispatch.get_mailing_volume(m["id"]))
        check(c.QueuedTests, rpc.dispatch.test_send_mailing(m["id"], {"to": ["probe@zeitung.example"]}))
        started = check(c.StartResult, rpc.dispatch.start_mailing(m["id"]))
        assert started["left_out_by_reason"] == {"duplicate": 1, "blacklist": 1}
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
        check(c.Progress, rpc.dispatch.get_mailing_progress(m["id"]))
        check(c.Report, rpc.dispatch.get_mailing_report(m["id"]))
        page = check(c.RecipientPage, rpc.dispatch.list_mailing_recipients(m["id"], {"limit": 1}))
        assert page["next_cursor"] is not None
        check(c.Timeline, rpc.dispatch.get_recipient_timeline(m["id"], page["items"][0]["id"]))
        check(list[c.Undeliverable], rpc.dispatch.list_undeliverable(m["id"]))
        check(c.ResendResult, rpc.dispatch.resend_mailing(m["id"], {}))
        check(list[c.Mailing], rpc.dispatch.list_mailings())
        check(c.SuppressionPage, rpc.dispatch.list_suppressions({}))
        job = check(c.ReportExport, rpc.dispatch.start_export(m["id"]))
        wait_until(lambda: rpc.dispatch.get_export(job["id"])["state"] == "done", what="the export")
        check(c.ReportExport, rpc.dispatch.get_export(job["id"]))

        later = rpc.dispatch.create_mailing({**draft, "name": "Später"})
        when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert check(c.StartResult, rpc.dispatch.start_mailing(later["id"], {"scheduled_at": when}))[
            "mailing"]["state"] == "scheduled"
        check(c.CancelResult, rpc.dispatch.cancel_mailing(later["id"]))
