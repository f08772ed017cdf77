"""Header injection: whatever a name, subject, file name or category holds, the composed mail has exactly the headers
dispatch writes, each value on its own (possibly folded) line, and the text readable again after parsing."""

from __future__ import annotations

import email
from email import policy

import pytest

from dispatch import contracts
from dispatch.domain.mime import EncodedAttachment, Mail, address, header_line
from svckit.errors import InvalidInput
from svckit.validation import parse

EVIL = "Eve\r\nBcc: x@example.com"
BREAKS = ["\r\n", "\n", "\r", "\x00", "\u2028", "\u2029", "\x85", "\x0b"]


def names(raw: bytes) -> list[str]:
    """The header field names of the top-level header block, after unfolding."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ")
    lines = unfolded.split("\r\n")
    for line in lines:
        assert ":" in line and not line.startswith((" ", "\t")), line
    return [line.split(":", 1)[0] for line in lines]


def mail(**kw) -> Mail:
    base = dict(from_name="ACME Presse", from_address="presse@acme.example", to_address="eve@zeitung.example",
                to_name="Eve", subject="Hallo", text="Text\n", html="<p>x</p>", reply_to="antwort@acme.example",
                message_id="<1.abc@b.example>",
                headers=[("List-Unsubscribe", "<https://p.example/u/1.x>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")])
    base.update(kw)
    return Mail(**base)


EXPECTED = ["From", "To", "Subject", "Date", "Message-ID", "Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post",
            "MIME-Version", "Content-Type"]


@pytest.mark.parametrize("brk", BREAKS)
@pytest.mark.parametrize("where", ["to_name", "from_name", "subject"])
def test_a_line_break_in_a_name_or_subject_starts_no_header(where, brk):
    value = f"Eve{brk}Bcc: x@example.com{brk}X-Injected: 1 Müller" if where != "subject" else \
        f"Hallo{brk}Bcc: x@example.com{brk}X-Injected: 1"
    raw = mail(**{where: value}).to_bytes()
    assert names(raw) == EXPECTED
    parsed = email.message_from_bytes(raw, policy=policy.default)
    if where == "to_name":
        assert parsed["To"].addresses[0].display_name == "Eve Bcc: x@example.com X-Injected: 1 Müller"
        assert parsed["To"].addresses[0].addr_spec == "eve@zeitung.example"
    elif where == "from_name":
        assert parsed["From"].addresses[0].display_name == "Eve Bcc: x@example.com X-Injected: 1 Müller"
    else:
        assert parsed["Subject"] == "Hallo Bcc: x@example.com X-Injected: 1"


def test_ascii_names_are_quoted_and_non_ascii_names_encoded():
    assert address('Eve "the" <boss>, Bcc: x@example.com', "eve@x.example") == \
        '"Eve \\"the\\" <boss>, Bcc: x@example.com" <eve@x.example>'
    assert address("Änne\r\nBcc: x@example.com", "a@x.example").startswith("=?utf-8?")
    assert address(None, "a@x.example\r\nBcc: y@example.com") == "a@x.exampleBcc:y@example.com"
    long = address("Ä" * 200, "a@x.example")
    assert all(len(line) < 100 for line in long.split("\r\n"))        # folded encoded words, not one long line


def test_reply_to_and_extra_headers_cannot_carry_a_header():
    raw = mail(reply_to="antwort@acme.example\r\nBcc: x@example.com",
               headers=[("X-Pressroom-Category", "notice\r\nBcc: y@example.com")]).to_bytes()
    assert "Bcc" not in names(raw)
    assert header_line("Subject", "a\r\n folded") == "Subject: a\r\n folded\r\n"     # a real fold stays
    assert header_line("Subject", "a\r\nBcc: x") == "Subject: a Bcc: x\r\n"
    with pytest.raises(ValueError):
        header_line("Bcc: x\r\nSubject", "y")


@pytest.mark.parametrize("filename", ["presse\r\nX-Injected: 1.pdf", "presse\n\nbody.pdf", 'a"b\\c\u2028d.pdf',
                                      "Prüfbericht " * 20 + ".pdf"])
def test_attachment_file_names_stay_parameters(filename):
    att = EncodedAttachment.build(filename, "application/pdf\r\nX-Type: 1", b"%PDF-1.4")
    raw = mail(attachments=[att]).to_bytes()
    assert names(raw) == EXPECTED
    parsed = email.message_from_bytes(raw, policy=policy.default)
    [part] = list(parsed.iter_attachments())
    assert sorted(part.keys()) == ["Content-Disposition", "Content-Transfer-Encoding", "Content-Type"]
    assert part.get_content_type() == "application/octet-stream"   # the broken content type is not trusted
    got = part.get_filename()
    assert "\r" not in got and "\n" not in got and "\u2028" not in got
    assert got.replace(" ", "") == filename.translate({ord(c): None for c in "\r\n\u2028 "}).replace("\\", "_")
    assert part.get_content() == b"%PDF-1.4"


@pytest.mark.parametrize("model,data,field", [
    (contracts.SenderIn, {"from_name": EVIL, "from_address": "a@b.example"}, "from_name"),
    (contracts.SenderUpdate, {"from_name": "A\u2028B"}, "from_name"),
    (contracts.MailingIn, {"client_id": "x", "subject": "Hi\nBcc: x@example.com"}, "subject"),
    (contracts.MailingIn, {"client_id": "x", "name": "a\x00b"}, "name"),
    (contracts.MailingUpdate, {"subject": "Hi\rBcc: x@example.com"}, "subject"),
    (contracts.MailingIn, {"client_id": "x", "sources": [{"type": "addresses", "recipients": [
        {"email": "a@b.example", "first_name": EVIL}]}]}, "sources.0.addresses.recipients.0.first_name"),
    (contracts.AttachmentIn, {"filename": "a\r\nb.pdf", "content_b64": "AA=="}, "filename"),
    (contracts.TransactionalIn, {"to": "a@b.example", "subject": "Code", "text": "t", "to_name": EVIL,
                               "idempotency_key": "k"}, "to_name"),
    (contracts.TransactionalIn, {"to": "a@b.example", "subject": "Code\r\nBcc: x@example.com", "text": "t",
                               "idempotency_key": "k"}, "subject"),
    (contracts.TransactionalIn, {"to": "a@b.example", "subject": "Code", "text": "t", "category": "a\r\nb",
                               "idempotency_key": "k"}, "category"),
    (contracts.TransactionalIn, {"to": "a@b.example", "subject": "Code", "text": "t", "idempotency_key": "k",
                               "attachments": [{"filename": "a\nb", "content_type": "text/plain",
                                                "content_b64": ""}]}, "attachments.0.filename"),
    (contracts.ResendIn, {"corrections": [{"delivery_id": 2**64, "email": "a@b.example"}]},
     "corrections.0.delivery_id"),
    (contracts.PageIn, {"cursor": 2**70}, "cursor"),
    (contracts.PageIn, {"q": "a\nb"}, "q"),
])
def test_rpc_models_refuse_control_characters_and_huge_numbers(model, data, field):
    with pytest.raises(InvalidInput) as exc:
        parse(model, data)
    assert list(exc.value.fields) == [field]
    assert exc.value.fields[field].de and exc.value.fields[field].en


def test_ordinary_names_pass():
    sender = parse(contracts.SenderIn, {"from_name": "Müller & Söhne – Presse\t(Köln)", "from_address": "a@b.example"})
    assert sender.from_name == "Müller & Söhne – Presse\t(Köln)"
