"""What the recipient reads and how it is signed, checked on the mails the SMTP sink received (issue 16, "Sending")."""

from __future__ import annotations

import pytest

from dispatch_testing import sendable_sender, wait_until
from svckit.errors import Forbidden

BODY = ("<html><body><p>{{ letter_salutation }}</p><p>wir laden Sie zur Pressekonferenz ein.<br>"
        "Beginn: 10 Uhr</p><p><a href=\"https://acme.example/pk?id=1&amp;x=2\">Programm</a></p></body></html>")
RECIPIENTS = [
    {"email": "strauss@zeitung.example", "salutation": "Herr", "title": "Mag.", "first_name": "Johann",
     "last_name": "Strauß"},
    {"email": "mueller@zeitung.example", "salutation": "Frau", "title": "Dr.", "first_name": "Anna",
     "last_name": "Müller"},
]
PARAGRAPHS = "Sehr geehrter Herr Mag. Strauß,\n\nwir laden Sie zur Pressekonferenz ein.\nBeginn: 10 Uhr\n\n"


def test_test_send_is_what_the_first_recipient_gets(dispatch, rpc_as, tenant, smtp_sink):
    """Subject and body for one recipient (the first), the footer of standard dispatch included, and a text part
    with paragraphs, line breaks and readable links."""
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as rpc:
        m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "Einladung für {{ first_name }}",
                                         "html": BODY, "sender_id": sender["id"],
                                         "sources": [{"type": "addresses", "recipients": RECIPIENTS}]})
        assert rpc.dispatch.test_send_mailing(m["id"], {"to": ["pruefer@acme-news.example"]})["queued"] == 1
        [test] = smtp_sink.wait_for(1, to="pruefer@acme-news.example")
        assert test["Subject"] == "[Test] Einladung für Johann"
        assert PARAGRAPHS in test.text
        assert "Programm (https://acme.example/pk?id=1&x=2)" in test.text
        assert "Sehr geehrter Herr Mag. Strauß," in test.html and "Müller" not in test.html + test.text
        assert "\n-- \nKeine weiteren Mails erhalten: https://press.example/u/" in test.text
        assert "Versendet mit Pressroom" in test.text and "Versendet mit Pressroom" in test.html
        assert "/u/" in test.html

        # the chosen recipient, for subject and body alike
        rpc.dispatch.test_send_mailing(m["id"], {"to": ["pruefer2@acme-news.example"],
                                                 "email": "mueller@zeitung.example"})
        [chosen] = smtp_sink.wait_for(1, to="pruefer2@acme-news.example")
        assert chosen["Subject"] == "[Test] Einladung für Anna"
        assert "Sehr geehrte Frau Dr. Müller,\n\nwir laden Sie" in chosen.text and "Strauß" not in chosen.text

        rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    [real] = smtp_sink.messages(to="strauss@zeitung.example")
    assert real["Subject"] == "Einladung für Johann"
    assert PARAGRAPHS in real.text
    # the test showed the recipient's text, but for its own unsubscribe link
    assert real.text.split("https://press.example/u/")[0] == test.text.split("https://press.example/u/")[0]


def test_tracking_is_a_choice_per_mailing_and_as_the_account_default(dispatch, rpc_as, tenant, smtp_sink):
    """Without tracking no pixel and no rewritten links; a mailing's choice wins over the account's default."""
    link = 'href="https://acme.example/pk?id=1&amp;x=2"'
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
        assert admin.dispatch.get_dispatch_settings() == {"track_opens": True, "track_clicks": True}

    def send(to: str, **choice) -> object:
        with rpc_as(tenant.user) as rpc:
            m = rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "Einladung", "html": BODY,
                                             "sender_id": sender["id"], "sources": [{"type": "addresses",
                                                                                     "recipients": [{"email": to}]}],
                                             **choice})
            assert (m["track_opens"], m["track_clicks"]) == (choice.get("track_opens"), choice.get("track_clicks"))
            rpc.dispatch.start_mailing(m["id"])
            wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
        [mail] = smtp_sink.messages(to=to)
        return mail

    tracked = send("a@zeitung.example")                       # the default: both on
    assert "/t/o/" in tracked.html and "/t/c/" in tracked.html and link not in tracked.html
    plain = send("b@zeitung.example", track_opens=False, track_clicks=False)
    assert "/t/o/" not in plain.html and "/t/c/" not in plain.html and link in plain.html
    assert "<img" not in plain.html and "/u/" in plain.html  # no pixel; the unsubscribe link stays
    clicks_only = send("c@zeitung.example", track_opens=False)
    assert "/t/o/" not in clicks_only.html and "/t/c/" in clicks_only.html

    with rpc_as(tenant.user) as rpc:                          # only administrators change the default
        with pytest.raises(Forbidden):
            rpc.dispatch.update_dispatch_settings({"track_opens": False})
    with rpc_as(tenant.admin) as admin:
        assert admin.dispatch.update_dispatch_settings({"track_opens": False, "track_clicks": False}) == \
            {"track_opens": False, "track_clicks": False}
        assert admin.dispatch.update_dispatch_settings({"track_clicks": True}) == \
            {"track_opens": False, "track_clicks": True}
        admin.dispatch.update_dispatch_settings({"track_clicks": False})
    by_default = send("d@zeitung.example")
    assert "/t/o/" not in by_default.html and "/t/c/" not in by_default.html and link in by_default.html
    chosen = send("e@zeitung.example", track_opens=True, track_clicks=True)   # the mailing's choice wins
    assert "/t/o/" in chosen.html and "/t/c/" in chosen.html
