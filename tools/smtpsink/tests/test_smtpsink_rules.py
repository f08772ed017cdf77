"""Fault injection: a relay that is busy, refuses, is slow or is down, as smtplib (and so dispatch) sees it."""

from __future__ import annotations

import smtplib
import time

import pytest

MAIL = b"Subject: Rule test\r\n\r\nbody\r\n"


def send(sink, rcpts, **kwargs):
    with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as client:
        return client.sendmail("sender@example.com", rcpts, MAIL, **kwargs)


def test_rcpt_450_with_times_expires(smtp_sink, http):
    reply = http.post("/api/rules", {"match": r"^busy@", "code": 450, "message": "4.2.0 Mailbox busy", "times": 2})
    assert reply.status == 201
    rule = reply.json()
    assert rule["stage"] == "rcpt" and rule["remaining"] == 2 and rule["active"] is True
    for _ in range(2):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
            send(smtp_sink, ["busy@example.com"])
        assert info.value.recipients == {"busy@example.com": (450, b"4.2.0 Mailbox busy")}
    assert send(smtp_sink, ["busy@example.com"]) == {}  # the rule has expired
    [msg] = smtp_sink.wait_for(1)
    assert msg.rcpt_to == ["busy@example.com"]
    [listed] = http.get("/api/rules").json()
    assert listed["hits"] == 2 and listed["remaining"] == 0 and listed["active"] is False
    assert http.get("/api/stats").json()["rejected"] == 2


def test_rcpt_550_refuses_only_the_matching_recipient(smtp_sink, http):
    http.post("/api/rules", {"match": "gone@example\\.com", "code": 550, "message": "5.1.1 User unknown"})
    refused = send(smtp_sink, ["ok@example.com", "GONE@example.com"])
    assert refused == {"GONE@example.com": (550, b"5.1.1 User unknown")}
    [msg] = smtp_sink.wait_for(1)
    assert msg.rcpt_to == ["ok@example.com"]
    with pytest.raises(smtplib.SMTPRecipientsRefused):  # unlimited: still refusing
        send(smtp_sink, ["gone@example.com"])


def test_data_stage_5xx_and_4xx(smtp_sink, http):
    http.post("/api/rules", {"match": "spam@", "code": 554, "message": "5.7.1 Message rejected", "stage": "data",
                             "times": 1})
    with pytest.raises(smtplib.SMTPDataError) as info:
        send(smtp_sink, ["ham@example.com", "spam@example.com"])
    assert info.value.smtp_code == 554 and info.value.smtp_error == b"5.7.1 Message rejected"
    http.post("/api/rules", {"match": ".*", "code": 451, "stage": "data", "times": 1})
    with pytest.raises(smtplib.SMTPDataError) as info:
        send(smtp_sink, ["ham@example.com"])
    assert info.value.smtp_code == 451 and b"smtpsink rule" in info.value.smtp_error
    assert smtp_sink.messages() == []
    assert send(smtp_sink, ["ham@example.com"]) == {}
    assert len(smtp_sink.wait_for(1)) == 1


def test_mail_stage_rule(smtp_sink):
    smtp_sink.add_rule(match="^sender@", code=553, message="5.7.1 Sender not allowed", stage="mail", times=1)
    with pytest.raises(smtplib.SMTPSenderRefused) as info:
        send(smtp_sink, ["x@example.com"])
    assert info.value.smtp_code == 553
    assert send(smtp_sink, ["x@example.com"]) == {}


def test_connect_421_simulates_a_relay_that_is_down(smtp_sink, http):
    assert http.post("/api/rules", {"match": ".*", "code": 421, "stage": "connect"}).status == 201
    for _ in range(2):
        with pytest.raises(smtplib.SMTPConnectError) as info:
            smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10)
        assert info.value.smtp_code == 421
    assert http.delete("/api/rules").json() == {"deleted": 1}
    assert http.get("/api/rules").json() == []
    assert send(smtp_sink, ["back@example.com"]) == {}


def test_421_at_rcpt_closes_the_connection(smtp_sink):
    smtp_sink.add_rule(match=".*", code=421, times=1)
    client = smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        client.sendmail("a@example.com", ["b@example.com"], MAIL)
    assert info.value.recipients["b@example.com"][0] == 421
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.noop()


def test_delay_ms_makes_a_slow_relay(smtp_sink):
    rule = smtp_sink.add_rule(match="slow@", code=250, delay_ms=400, times=1)
    assert rule["message"] == "OK"
    start = time.monotonic()
    assert send(smtp_sink, ["slow@example.com"]) == {}
    assert time.monotonic() - start >= 0.4
    assert len(smtp_sink.wait_for(1)) == 1
    start = time.monotonic()
    send(smtp_sink, ["slow@example.com"])
    assert time.monotonic() - start < 0.4


def test_delayed_rejection_at_connect(smtp_sink):
    smtp_sink.add_rule(code=421, stage="connect", delay_ms=200, times=1)
    start = time.monotonic()
    with pytest.raises(smtplib.SMTPConnectError):
        smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10)
    assert time.monotonic() - start >= 0.2


@pytest.mark.parametrize("rule, complaint", [
    ({"match": "([", "code": 450}, "regular expression"),
    ({"match": ".*", "code": 450, "stage": "helo"}, "stage"),
    ({"match": ".*", "code": 354}, "code"),
    ({"match": ".*", "code": "450"}, "code"),
    ({"match": ".*"}, "code"),
    ({"match": ".*", "code": 450, "times": 0}, "times"),
    ({"match": ".*", "code": 450, "delay_ms": -1}, "delay_ms"),
    ({"match": ".*", "code": 450, "message": "two\r\nlines"}, "message"),
    ({"match": ".*", "code": 450, "colour": "red"}, "colour"),
    ([1, 2], "object"),
])
def test_invalid_rules_are_400(smtp_sink, http, rule, complaint):
    reply = http.post("/api/rules", rule)
    assert reply.status == 400
    assert complaint in reply.json()["detail"]
    assert http.get("/api/rules").json() == []


def test_rule_delete_and_list_page_notice(smtp_sink, http):
    rule = http.post("/api/rules", {"match": "x@", "code": 450, "times": 3}).json()
    assert "Fault injection is active" in http.get("/").text
    assert http.delete(f"/api/rules/{rule['id']}").json() == {"deleted": 1}
    assert "Fault injection is active" not in http.get("/").text


def test_connect_rule_survives_a_restart_of_the_sink(smtp_sink):
    smtp_sink.add_rule(code=421, stage="connect", times=1)
    smtp_sink.stop()
    smtp_sink.start()  # aiosmtpd's own start-up probe must not use up the rule
    with pytest.raises(smtplib.SMTPConnectError):
        smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10)
    assert smtp_sink.rules()[0]["hits"] == 1
