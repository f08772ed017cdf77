"""Reading what comes back: RFC 3464 DSNs, non-standard bounces, delays, auto-replies (RFC 3834)."""

from __future__ import annotations

from datetime import UTC

import pytest

from dispatch.domain import bounce
from dispatch.domain.retry import DEFER, FAIL, SENT, classify, next_attempt
from dispatch.domain.scanners import is_machine


def dsn(action: str, status: str, diag: str, rcpt: str = "anna@zeitung.example") -> bytes:
    return f"""From: MAILER-DAEMON@mx.zeitung.example
To: b-1-abc@bounces.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.zeitung.example.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.zeitung.example

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diag}

--B
Content-Type: text/rfc822-headers

Subject: Pressemitteilung

--B--
""".replace("\n", "\r\n").encode()


@pytest.mark.parametrize("action,status,diag,kind,hard", [
    ("failed", "5.1.1", "550 5.1.1 <anna@zeitung.example>: Recipient address rejected: User unknown", "bounce", True),
    ("failed", "5.2.2", "552 5.2.2 Mailbox full", "bounce", False),
    ("failed", "5.7.1", "554 5.7.1 Message rejected as spam", "bounce", False),
    ("failed", "5.1.2", "550 5.1.2 Host unknown", "bounce", True),
    ("delayed", "4.4.1", "Connection timed out", "delayed", False),
])
def test_dsn(action, status, diag, kind, hard):
    r = bounce.parse(dsn(action, status, diag))
    assert (r.kind, r.hard, r.status, r.recipient) == (kind, hard, status, "anna@zeitung.example")
    assert diag.split(" ", 1)[1] in r.reason or r.reason


def test_exchange_style_non_standard_bounce():
    raw = b"""From: postmaster@firma.example\r
To: b-2-abc@bounces.example\r
Subject: Unzustellbar: Pressemitteilung\r
Content-Type: text/plain; charset=utf-8\r
\r
Ihre Nachricht hat einige oder alle Empf\xc3\xa4nger nicht erreicht.\r
\r
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\r
"""
    r = bounce.parse(raw)
    assert r.kind == "bounce" and r.hard is True and r.status == "5.1.10"


def test_qmail_style_bounce():
    raw = b"""From: MAILER-DAEMON@mail.example\r
To: b-3-abc@bounces.example\r
Subject: failure notice\r
\r
Hi. This is the qmail-send program at mail.example.\r
I'm afraid I wasn't able to deliver your message to the following addresses.\r
This is a permanent error; I've given up. Sorry it didn't work out.\r
\r
<tom@mail.example>:\r
Sorry, no mailbox here by that name. (#5.1.1)\r
"""
    r = bounce.parse(raw)
    assert r.kind == "bounce" and r.hard is True


@pytest.mark.parametrize("headers", [
    "Auto-Submitted: auto-replied\r\nSubject: Re: Pressemitteilung",
    "X-Autoreply: yes\r\nSubject: Re: Pressemitteilung",
    "Precedence: auto_reply\r\nSubject: Re: x",
    "Subject: Abwesenheitsnotiz: Pressemitteilung",
    "Subject: Automatic reply: Pressemitteilung",
    "Subject: Out of Office: back on Monday",
])
def test_auto_replies_are_not_bounces(headers):
    raw = (f"From: anna@zeitung.example\r\nTo: b-4-abc@bounces.example\r\n{headers}\r\n\r\n"
           "Ich bin bis 3.5. nicht im Büro.\r\n")
    assert bounce.parse(raw.encode()).kind == "auto_reply"


def test_a_plain_reply_is_nothing():
    raw = b"From: anna@zeitung.example\r\nTo: b-4-abc@bounces.example\r\nSubject: Re: Ihre PM\r\n\r\nDanke!\r\n"
    assert bounce.parse(raw).kind == "unknown"


def test_smtp_classification():
    assert classify(250, "2.0.0 Ok").kind == SENT
    assert classify(450, "4.2.0 busy").kind == DEFER
    assert classify(None, "connection refused").kind == DEFER
    hard = classify(550, "5.1.1 <x@y>: Recipient address rejected: User unknown")
    assert hard.kind == FAIL and hard.hard
    soft = classify(554, "5.7.1 Service unavailable; Client host blocked")
    assert soft.kind == FAIL and not soft.hard


def test_backoff_ends_after_72_hours():
    from datetime import datetime, timedelta

    first = datetime(2026, 5, 1, tzinfo=UTC)
    assert next_attempt(1, first, first) == first + timedelta(seconds=60)
    assert next_attempt(3, first, first + timedelta(minutes=10)) == first + timedelta(minutes=25)
    late = first + timedelta(hours=71, minutes=30)
    assert next_attempt(20, first, late) == first + timedelta(hours=72)      # one last try at the end
    assert next_attempt(21, first, first + timedelta(hours=72)) is None       # then it is over


def test_scanner_detection():
    from datetime import datetime, timedelta

    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    sent = now - timedelta(minutes=5)
    human = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126 Safari/537.36"
    assert is_machine("click", human, "GET", sent, now) is None
    assert is_machine("open", "Mozilla/5.0 (via ggpht.com GoogleImageProxy)", "GET", sent, now) == "known_agent"
    assert is_machine("click", "Microsoft Office/16.0 SafeLinks", "GET", sent, now) == "known_agent"
    assert is_machine("click", human, "HEAD", sent, now) == "head_request"
    assert is_machine("click", human, "GET", now - timedelta(seconds=3), now) == "too_fast"
    assert is_machine("click", "", "GET", sent, now) == "no_user_agent"
    assert is_machine("click", human, "GET", sent, now, honeypot=True) == "honeypot"
