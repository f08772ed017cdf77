"""DKIM signatures that dkimpy verifies (RSA and Ed25519), MIME that survives parsing, tokens that resist forgery."""

from __future__ import annotations

import email
from email import policy

import dkim
import pytest

from dispatch.domain import dkim as ddkim
from dispatch.domain import tokens
from dispatch.domain.mime import EncodedAttachment, Mail


@pytest.fixture(scope="module")
def keys():
    kp = ddkim.generate_keys("secret")
    rsa_key, ed_key = ddkim.load_private_keys("secret", kp.rsa_private, kp.ed25519_private)
    return kp, ddkim.Signer("example.com", "sr", rsa_key, "se", ed_key)


def dns_for(kp):
    records = {b"sr._domainkey.example.com.": f"v=DKIM1; k=rsa; p={kp.rsa_public}".encode(),
               b"se._domainkey.example.com.": f"v=DKIM1; k=ed25519; p={kp.ed25519_public}".encode()}
    return lambda name, timeout=5: records.get(name)


def sample(**kw) -> Mail:
    base = dict(from_name="Pressestelle Müller & Söhne", from_address="presse@example.com",
                to_address="anna@zeitung.example", to_name="Anna Ärger",
                subject="Einladung zur Pressekonferenz – „Zukunft“ " + "lang " * 30,
                text="Sehr geehrte Frau Ärger,\n\n" + "Zeile mit Leerzeichen am Ende   \n" * 3 + "x" * 300 + "\n",
                html="<p>Hallo</p>" * 50, message_id="<1.abc@bounces.example>",
                headers=[("List-Unsubscribe", "<https://p.example/u/1.x>, <mailto:u-1-x@b.example>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
                attachments=[EncodedAttachment.build("Pressemappe März.pdf", "application/pdf", b"%PDF" * 5000)])
    base.update(kw)
    return Mail(**base)


def test_both_signatures_verify_with_dkimpy(keys):
    kp, signer = keys
    signed = signer.sign(sample().to_bytes())
    v = dkim.DKIM(signed)
    assert v.verify(idx=0, dnsfunc=dns_for(kp)) is True   # ed25519-sha256
    assert v.verify(idx=1, dnsfunc=dns_for(kp)) is True   # rsa-sha256
    head = signed.split(b"\r\n\r\n", 1)[0].decode()
    assert "a=ed25519-sha256" in head and "a=rsa-sha256" in head
    for name in ("list-unsubscribe", "list-unsubscribe-post", "message-id", "from", "subject"):
        assert name in head.split("h=")[1].split(";")[0]


def test_tampering_breaks_the_signature(keys):
    kp, signer = keys
    signed = signer.sign(sample().to_bytes())
    changed = signed.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                             b"List-Unsubscribe-Post: List-Unsubscribe=Two-Click")
    assert dkim.DKIM(changed).verify(idx=1, dnsfunc=dns_for(kp)) is False
    body = signed.replace(b"Sehr geehrte", b"Sehr verehrte")
    with pytest.raises(dkim.ValidationError, match="body hash mismatch"):
        dkim.DKIM(body).verify(idx=0, dnsfunc=dns_for(kp))


def test_text_only_mail_and_empty_body_lines(keys):
    kp, signer = keys
    signed = signer.sign(sample(html=None, attachments=[], text="\n\nHallo\n\n\n").to_bytes())
    assert dkim.DKIM(signed).verify(idx=1, dnsfunc=dns_for(kp))


def test_mime_parses_back(keys):
    raw = sample().to_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")                  # CRLF only
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"].startswith("Einladung zur Pressekonferenz – „Zukunft“")
    assert msg["From"].addresses[0].display_name == "Pressestelle Müller & Söhne"
    assert msg["From"].addresses[0].addr_spec == "presse@example.com"
    assert msg.get_body(("plain",)).get_content().startswith("Sehr geehrte Frau Ärger,")
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == "Pressemappe März.pdf" and att.get_content() == b"%PDF" * 5000


def test_encrypted_keys_need_the_secret():
    kp = ddkim.generate_keys("one")
    from cryptography.fernet import InvalidToken

    with pytest.raises(InvalidToken):
        ddkim.load_private_keys("two", kp.rsa_private, kp.ed25519_private)


def test_dns_records_are_exact():
    recs = ddkim.dns_records("acme.example", "pr1r", "A" * 400, "pr1e", "B" * 44, "spf.pressroom.example")
    by = {r["kind"]: r for r in recs}
    assert by["dkim_rsa"]["name"] == "pr1r._domainkey.acme.example"
    assert by["dkim_rsa"]["value"] == "v=DKIM1; k=rsa; p=" + "A" * 400
    assert "".join(by["dkim_rsa"]["strings"]) == by["dkim_rsa"]["value"]
    assert all(len(s) <= 255 for s in by["dkim_rsa"]["strings"])
    assert by["dkim_ed25519"]["value"] == "v=DKIM1; k=ed25519; p=" + "B" * 44
    assert by["spf"]["value"] == "v=spf1 include:spf.pressroom.example ~all"
    assert by["dmarc"]["name"] == "_dmarc.acme.example" and by["dmarc"]["value"].startswith("v=DMARC1; p=none")


def test_verp_and_tokens_reject_forgery():
    addr = tokens.verp_address("s", 42, "b.example")
    assert tokens.parse_verp("s", addr, "b.example") == ("b", 42)
    assert tokens.parse_verp("s", addr.upper(), "b.example") == ("b", 42)      # local parts may be upper-cased
    assert tokens.parse_verp("s", addr.replace("42", "43"), "b.example") is None
    assert tokens.parse_verp("other", addr, "b.example") is None
    assert tokens.parse_verp("s", addr, "elsewhere.example") is None
    t = tokens.delivery_token("s", 7, "u")
    assert tokens.parse_delivery_token("s", t, "u") == 7
    assert tokens.parse_delivery_token("s", t, "o") is None                       # purpose is part of the MAC
    assert tokens.parse_delivery_token("s", "8." + t.split(".")[1], "u") is None
    c = tokens.click_token("s", 7, "https://a.example/x?y=1")
    assert tokens.parse_click_token("s", c) == (7, "https://a.example/x?y=1")
    forged = tokens.click_token("other", 7, "https://evil.example/")
    assert tokens.parse_click_token("s", forged) is None
    swapped = c.split(".")
    swapped[1] = tokens._b64(b"https://evil.example/")
    assert tokens.parse_click_token("s", ".".join(swapped)) is None
    assert tokens.parse_click_token("s", tokens.click_token("s", 1, "javascript:alert(1)")) is None
