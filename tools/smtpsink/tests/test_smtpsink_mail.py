"""Mail in through real SMTP, out through the Python API, the JSON API and the pages."""

from __future__ import annotations

import html
import re
import smtplib
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def multipart_mail(subject: str = "Ihr Angebot", to: str = "kunde@example.com") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Pressroom <noreply@pressroom.test>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="pressroom.test")
    msg.set_content("Guten Tag,\nanbei das Angebot.\nCode: 482913\n")
    msg.add_alternative(
        '<html><body><p>Guten Tag,</p><p class="x">anbei das <b>Angebot</b> &amp; mehr.</p>'
        "<script>alert('mail')</script></body></html>", subtype="html")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="angebot-2024.pdf")
    return msg


def test_smtputf8_mail_with_umlauts_in_subject_and_body(smtp_sink, smtp, http):
    raw = ("From: Jörg Müller <joerg@example.com>\r\nTo: Anna Größe <anna@example.com>\r\n"
           "Subject: Grüße aus Köln – Ihr Code\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\nHallo Anna,\r\nschöne Grüße! Code: 123456\r\n").encode()
    smtp.ehlo()
    assert smtp.has_extn("smtputf8") and smtp.has_extn("8bitmime")
    refused = smtp.sendmail("jörg@exämple.com", ["anna@example.com"], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    assert refused == {}

    [msg] = smtp_sink.wait_for(1)
    assert msg["Subject"] == "Grüße aus Köln – Ihr Code"
    assert msg.mail_from == "jörg@exämple.com" and msg.rcpt_to == ["anna@example.com"]
    assert msg.text == "Hallo Anna,\nschöne Grüße! Code: 123456\n"
    assert msg.raw == raw

    [item] = http.get("/api/messages").json()
    assert item["subject"] == "Grüße aus Köln – Ihr Code"
    assert item["from"] == "Jörg Müller <joerg@example.com>"
    assert item["to"] == "Anna Größe <anna@example.com>"
    assert item["smtputf8"] is True and item["size"] == len(raw)
    detail = http.get(f"/api/messages/{item['id']}").json()
    assert detail["text"] == "Hallo Anna,\nschöne Grüße! Code: 123456\n"
    assert detail["html"] is None and detail["attachments"] == []
    assert detail["headers"]["Subject"] == "Grüße aus Köln – Ihr Code"

    page = http.get(f"/messages/{item['id']}").text
    assert "Grüße aus Köln – Ihr Code" in page and "schöne Grüße! Code: 123456" in page


def test_encoded_words_are_decoded(smtp_sink, smtp, http):
    msg = EmailMessage()
    msg["From"] = "Jörg Müller <joerg@example.com>"
    msg["To"] = "Zoë <zoe@example.com>"
    msg["Subject"] = "Bestätigung Ihrer Anmeldung – Übersicht"
    msg.set_content("Bitte bestätigen: äöüß €\n", cte="quoted-printable")
    smtp.send_message(msg)  # ASCII-only on the wire: encoded words, a quoted-printable body
    [item] = http.get("/api/messages").json()
    assert item["subject"] == "Bestätigung Ihrer Anmeldung – Übersicht"
    assert item["from"] == "Jörg Müller <joerg@example.com>" and item["smtputf8"] is False
    raw = http.get(f"/api/messages/{item['id']}/raw").body
    assert b"=?utf-8?" in raw.lower() and b"=C3=A4" in raw and raw.isascii()
    assert http.get(f"/api/messages/{item['id']}").json()["text"] == "Bitte bestätigen: äöüß €\n"
    [received] = smtp_sink.messages(to="ZOE@example.com")
    assert received["Subject"] == "Bestätigung Ihrer Anmeldung – Übersicht"


def test_multipart_with_html_and_pdf_through_api_and_pages(smtp_sink, smtp, http):
    smtp.send_message(multipart_mail())
    [item] = http.get("/api/messages").json()
    detail = http.get(f"/api/messages/{item['id']}").json()
    assert detail["text"] == "Guten Tag,\nanbei das Angebot.\nCode: 482913\n"
    assert "<b>Angebot</b>" in detail["html"]
    [pdf] = detail["attachments"]
    assert pdf["filename"] == "angebot-2024.pdf" and pdf["content_type"] == "application/pdf"
    assert pdf["size"] == len(PDF)

    download = http.get(f"/messages/{item['id']}/parts/{pdf['part']}")
    assert download.status == 200 and download.body == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "angebot-2024.pdf" in download.headers["Content-Disposition"]

    page = http.get(f"/messages/{item['id']}")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    body = page.text
    # the mail's HTML lives only inside the sandboxed iframe's srcdoc attribute, escaped
    iframe = re.search(r'<iframe [^>]*sandbox="[^"]*"[^>]* srcdoc="([^"]*)"></iframe>', body)
    assert iframe, body
    assert "&lt;script&gt;alert(&#x27;mail&#x27;)&lt;/script&gt;" in iframe.group(1)
    assert html.unescape(iframe.group(1)) == detail["html"]
    assert "<script" not in body and "<b>Angebot</b>" not in body
    assert f'href="/messages/{item["id"]}/parts/{pdf["part"]}"' in body and "angebot-2024.pdf" in body
    assert "Code: 482913" in body


def test_subject_with_markup_is_escaped_on_the_list_page(smtp_sink, smtp, http):
    smtp.sendmail("a@example.com", ["b@example.com"],
                  b'Subject: <script>alert("x")</script> & <img src=x onerror=alert(1)>\r\n'
                  b"To: Bob <b@example.com>\r\n\r\nhi\r\n")
    page = http.get("/").text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page and "<img" not in page
    assert "Bob &lt;b@example.com&gt;" in page


def test_raw_source_is_byte_identical(smtp_sink, smtp, http):
    raw = multipart_mail().as_bytes(policy=policy.SMTP)
    raw += b".leading dot line survives\r\n"  # smtplib dot-stuffs it on the wire; the sink un-stuffs
    smtp.sendmail("sender@example.com", ["kunde@example.com"], raw)
    [msg] = smtp_sink.wait_for(1)
    assert msg.raw == raw
    assert http.get(f"/api/messages/{msg.id}/raw").body == raw
    page_raw = http.get(f"/messages/{msg.id}/raw")
    assert page_raw.body == raw and page_raw.headers["Content-Type"].startswith("text/plain")
    download = http.get(f"/messages/{msg.id}/raw?download=1")
    assert download.body == raw and "attachment" in download.headers["Content-Disposition"]
    assert (smtp_sink.store.path(msg.id)).read_bytes() == raw


def test_list_filters_and_pages(smtp_sink, smtp, http):
    before = datetime.now(UTC).isoformat()
    for i in range(5):
        to = "anna@example.com" if i % 2 == 0 else "bert@example.com"
        smtp.sendmail("noreply@pressroom.test", [to], f"Subject: Mailing {i}\r\nTo: {to}\r\n\r\nx\r\n".encode())
    items = http.get("/api/messages").json()
    assert [i["subject"] for i in items] == [f"Mailing {n}" for n in (4, 3, 2, 1, 0)]  # newest first
    assert {"id", "received_at", "mail_from", "rcpt_to", "from", "to", "subject", "message_id", "size"} <= set(items[0])
    anna = http.get("/api/messages?to=ANNA@example.com").json()
    assert [i["subject"] for i in anna] == ["Mailing 4", "Mailing 2", "Mailing 0"]
    assert http.get("/api/messages?to=anna@example").json() == []  # an address, not a substring
    assert [i["subject"] for i in http.get("/api/messages?subject=ing%203").json()] == ["Mailing 3"]
    limited = http.get("/api/messages?limit=2")
    assert len(limited.json()) == 2 and limited.headers["X-Total-Count"] == "5"
    assert len(http.get(f"/api/messages?since={before.replace('+', '%2B')}").json()) == 5
    assert http.get("/api/messages?since=2999-01-01T00:00:00Z").json() == []
    assert http.get("/api/messages?since=yesterday").status == 400
    assert http.get("/api/messages?limit=0").status == 400

    page = http.get("/?q=bert").text
    assert "Mailing 3" in page and "Mailing 1" in page and "Mailing 4" not in page
    assert [m["Subject"] for m in smtp_sink.messages(to="bert@example.com")] == ["Mailing 1", "Mailing 3"]


def test_list_page_paginates(smtp_sink, smtp, http):
    for i in range(53):
        smtp.sendmail("a@example.com", ["b@example.com"], f"Subject: Nr {i:02d}\r\n\r\nx\r\n".encode())
    first = http.get("/").text
    assert "Nr 52" in first and "Nr 03" in first and "Nr 02" not in first and "page 1 of 2" in first
    second = http.get("/?page=2").text
    assert "Nr 02" in second and "Nr 00" in second and "Nr 03" not in second and "page 2 of 2" in second


def test_many_recipients_and_a_big_message(smtp_sink, smtp):
    rcpts = [f"user{i}@example.com" for i in range(300)]
    big = b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 5000  # ~5 MB
    assert smtp.sendmail("a@example.com", rcpts, big) == {}
    [msg] = smtp_sink.wait_for(1, to="user299@example.com")
    assert msg.rcpt_to == rcpts and msg.size == len(big)


def test_over_50_mb_is_refused(smtp_sink, smtp):
    with pytest.raises(smtplib.SMTPSenderRefused) as info:
        smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: x\r\n\r\nx\r\n",
                      mail_options=[f"SIZE={50 * 1024 * 1024 + 1}"])
    assert info.value.smtp_code == 552


def test_delete_and_clear(smtp_sink, smtp, http):
    for i in range(3):
        smtp.sendmail("a@example.com", ["b@example.com"], f"Subject: {i}\r\n\r\nx\r\n".encode())
    ids = [i["id"] for i in http.get("/api/messages").json()]
    assert http.delete(f"/api/messages/{ids[0]}").json() == {"deleted": 1}
    assert http.get(f"/api/messages/{ids[0]}").status == 404
    assert len(http.get("/api/messages").json()) == 2
    assert http.delete("/api/messages").json() == {"deleted": 2}
    assert http.get("/api/messages").json() == []
    assert http.get("/api/stats").json()["count"] == 0
    assert not list(smtp_sink.store.directory.glob("*.eml"))

    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: again\r\n\r\nx\r\n")
    page = http.post("/clear")  # the page's button; the redirect lands on the empty list
    assert page.status == 200 and "No mail yet" in page.text
    assert smtp_sink.messages() == []


def test_unknown_ids_are_404(smtp_sink, smtp, http):
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: x\r\n\r\nx\r\n")
    [msg] = smtp_sink.wait_for(1)
    for path in ("/api/messages/nope", "/api/messages/nope/raw", "/api/messages/..%2F..%2Fetc",
                 "/api/rules/99", "/api/nothing"):
        reply = http.get(path) if "rules" not in path else http.delete(path)
        assert reply.status == 404, path
        assert reply.headers["Content-Type"].startswith("application/json")
        assert reply.json()["error"]
    for path in ("/messages/nope", "/messages/nope/raw", f"/messages/{msg.id}/parts/99", "/nothing"):
        reply = http.get(path)
        assert reply.status == 404 and reply.headers["Content-Type"].startswith("text/html"), path


def test_stats(smtp_sink, smtp, http):
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: x\r\n\r\n12345\r\n")
    stats = http.get("/api/stats").json()
    assert stats["count"] == 1 and stats["bytes"] == len(b"Subject: x\r\n\r\n12345\r\n")
    assert stats["discarded"] == 0 and stats["stored"] == 1


def test_wait_for_times_out_with_what_arrived(smtp_sink, smtp):
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: only one\r\n\r\nx\r\n")
    assert len(smtp_sink.wait_for(1, to="b@example.com", timeout=2)) == 1
    with pytest.raises(TimeoutError, match="only one"):
        smtp_sink.wait_for(2, timeout=0.2)


@pytest.mark.parametrize("body", [
    b"",  # smtplib sends an empty line
    b"Subject: one line\r\n",
    b"Subject: no CRLF at the end",  # smtplib appends one
    b".starts with a dot\r\nSubject: x\r\n\r\n.\r\n..\r\n.x\r\nend.\r\n.\r\n",  # lone dots: stuffed on the wire
    b"Subject: no blank line, ends in a dot.\r\n",
    b"Subject: x\r\n\r\n" + b"line.\r\n" * 3000,
])
def test_data_edge_cases_keep_the_bytes(smtp_sink, body):
    with smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("a@example.com")
        client.rcpt("b@example.com")
        code, _ = client.data(body)  # smtplib dot-stuffs and appends the end marker
        assert code == 250
        client.sendmail("a@example.com", ["b@example.com"], b"Subject: next in the same session\r\n\r\nx\r\n")
    first, second = smtp_sink.wait_for(2)
    assert first.raw == (body if body.endswith(b"\r\n") else body + b"\r\n")
    assert second["Subject"] == "next in the same session"


def test_empty_data(smtp_sink, smtp):
    smtp.ehlo()
    smtp.mail("a@example.com")
    smtp.rcpt("b@example.com")
    assert smtp.docmd("DATA")[0] == 354
    smtp.send(b".\r\n")  # the end marker right away: no content at all
    assert smtp.getreply()[0] == 250
    [msg] = smtp_sink.wait_for(1)
    assert msg.raw == b"" and msg.size == 0


def test_too_much_data_is_refused_without_size(tmp_path):
    from smtpsink.server import SinkServer

    with SinkServer(tmp_path / "mail", max_message_size=10_000) as sink:
        with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as client:
            client.ehlo()
            client.mail("a@example.com")  # no SIZE= (sendmail() would announce it and be refused at once)
            client.rcpt("b@example.com")
            code, reply = client.data(b"Subject: x\r\n\r\n" + (b"y" * 100 + b".\r\n") * 200)
            assert code == 552, reply
            client.mail("a@example.com")
            client.rcpt("b@example.com")
            code, reply = client.data(b"Subject: x\r\n\r\n" + (b"y" * 100 + b"\r\n") * 200)  # no dot to stop at
            assert code == 552, reply
            assert client.sendmail("a@example.com", ["b@example.com"], b"Subject: small\r\n\r\nok\r\n") == {}
        assert [m["Subject"] for m in sink.wait_for(1)] == ["small"]


def test_bare_lf_and_long_lines_are_accepted_with_warnings(smtp_sink, smtp, http):
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: bare LF\nTo: b@example.com\n\nline one\nline two\n")
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: long\r\n\r\n" + b"z" * 5000 + b"\r\n")
    smtp.sendmail("a@example.com", ["b@example.com"], b"Subject: fine\r\n\r\n" + b"z" * 998 + b"\r\n")
    long_, bare = http.get("/api/messages?subject=l").json()
    assert bare["subject"] == "bare LF" and "bare LF" in bare["warnings"][0]
    assert http.get(f"/api/messages/{bare['id']}").json()["text"].startswith("line one\nline two\n")
    assert len(long_["warnings"]) == 1 and "998" in long_["warnings"][0]
    assert http.get("/api/messages?subject=fine").json()[0]["warnings"] == []
    assert "a real relay might not" in http.get(f"/messages/{bare['id']}").text
