"""Issue 16, point 7: From, To, Subject, Date, Message-ID and the List headers are oversigned (each named twice in
``h=`` when present), so a header added after signing breaks the signature; production links are https."""

from __future__ import annotations

import logging
import re

import dkim
import pytest
from nameko.containers import ServiceContainer

from dispatch.domain import dkim as ddkim
from dispatch.domain.mime import Mail
from dispatch.sender import DispatchSender, SenderEngine
from dispatch.settings import DispatchSettings
from svckit.settings import ConfigurationError

OVERSIGNED = ("from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post")


@pytest.fixture(scope="module")
def keys():
    kp = ddkim.generate_keys("secret")
    rsa_key, ed_key = ddkim.load_private_keys("secret", kp.rsa_private, kp.ed25519_private)
    records = {b"sr._domainkey.example.com.": f"v=DKIM1; k=rsa; p={kp.rsa_public}".encode(),
               b"se._domainkey.example.com.": f"v=DKIM1; k=ed25519; p={kp.ed25519_public}".encode()}
    return ddkim.Signer("example.com", "sr", rsa_key, "se", ed_key), lambda name, timeout=5: records.get(name)


def mailing_mail() -> bytes:
    return Mail(from_name="Pressestelle", from_address="presse@example.com", to_address="anna@zeitung.example",
                subject="Einladung", text="Sehr geehrte Frau Dr. Müller,\n\nwir laden Sie ein.\n", html="<p>x</p>",
                reply_to="antwort@example.com", message_id="<1.abc@bounces.example>",
                headers=[("List-Unsubscribe", "<https://p.example/u/1.x>, <mailto:u-1-x@b.example>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                         ("Feedback-ID", "a:b:pressroom")]).to_bytes()


def h_tags(signed: bytes) -> list[list[str]]:
    head = signed.split(b"\r\n\r\n", 1)[0].decode()
    tags = re.findall(r"\bh=([^;]+);", re.sub(r"\r\n[ \t]+", " ", head))
    return [[name.strip() for name in tag.split(":")] for tag in tags]


def test_h_names_the_oversigned_headers_twice_and_both_signatures_verify(keys):
    signer, dns = keys
    signed = signer.sign(mailing_mail())
    tags = h_tags(signed)
    assert len(tags) == 2
    for names in tags:
        for name in OVERSIGNED:
            assert names.count(name) == 2, (name, names)
        assert names.count("list-id") == 1                    # absent: named once, so none can be added
        assert names.count("reply-to") == names.count("feedback-id") == names.count("mime-version") == 1
    assert dkim.DKIM(signed).verify(idx=0, dnsfunc=dns) is True    # ed25519-sha256
    assert dkim.DKIM(signed).verify(idx=1, dnsfunc=dns) is True    # rsa-sha256


@pytest.mark.parametrize("added", [b"From: Chef <chef@example.com>\r\n",
                                   b"List-Unsubscribe: <https://evil.example/u>\r\n",
                                   b"List-Id: <x.evil.example>\r\n",
                                   b"Subject: Anderes\r\n"])
def test_a_header_added_after_signing_breaks_both_signatures(keys, added):
    signer, dns = keys
    signed = signer.sign(mailing_mail())
    sigs_end = signed.index(b"\r\nFrom:") + 2           # after the two DKIM-Signature headers, above the rest
    tampered = signed[:sigs_end] + added + signed[sigs_end:]
    assert dkim.DKIM(tampered).verify(idx=0, dnsfunc=dns) is False
    assert dkim.DKIM(tampered).verify(idx=1, dnsfunc=dns) is False
    # and at the bottom of the header too
    end = signed.index(b"\r\n\r\n") + 2
    assert dkim.DKIM(signed[:end] + added + signed[end:]).verify(idx=1, dnsfunc=dns) is False


def test_without_oversigning_an_added_subject_would_pass(keys, monkeypatch):
    """The check above can fail: with plain signing a second Subject on top still verifies (dkimpy refuses a second
    From by itself, so the control uses the Subject)."""
    signer, dns = keys
    monkeypatch.setattr(ddkim, "OVERSIGNED", frozenset())
    signed = signer.sign(mailing_mail())
    sigs_end = signed.index(b"\r\nFrom:") + 2
    tampered = signed[:sigs_end] + b"Subject: Anderes\r\n" + signed[sigs_end:]
    assert dkim.DKIM(tampered).verify(idx=1, dnsfunc=dns) is True


# --- https in production ---------------------------------------------------------------------------------------------

def test_production_refuses_an_http_public_url():
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL is 'http://press.example', not https"):
        DispatchSettings(public_base_url="http://press.example").check_production(production=True)
    DispatchSettings(public_base_url="https://press.example").check_production(production=True)
    DispatchSettings(public_base_url="http://localhost:8080").check_production(production=False)


SECRETS = {"TRACKING_SECRET": "9f1c2d3e4b5a69788796a5b4c3d2e1f0", "DKIM_KEY_SECRET": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
           "REQUIRED_SECRETS": ["TRACKING_SECRET", "DKIM_KEY_SECRET"], "AMQP_URI": "memory://"}


def test_a_production_sender_does_not_start_with_an_http_public_url(monkeypatch, caplog):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    container = ServiceContainer(DispatchSender, {**SECRETS, "PUBLIC_BASE_URL": "http://press.example"})
    engine = next(d for d in container.dependencies if isinstance(d, SenderEngine))
    with caplog.at_level(logging.CRITICAL, logger="dispatch.sender"), \
            pytest.raises(ConfigurationError, match="refusing to start a sender"):
        engine.setup()
    assert any("PUBLIC_BASE_URL" in r.getMessage() and r.levelno == logging.CRITICAL for r in caplog.records)
    # with https it gets past the check (to the database, which this unit test does not open)
    container = ServiceContainer(DispatchSender, {**SECRETS, "PUBLIC_BASE_URL": "https://press.example",
                                                  "DB_URIS": {"dispatch": "postgresql+psycopg://x@127.0.0.1:1/x"}})
    engine = next(d for d in container.dependencies if isinstance(d, SenderEngine))
    engine.setup()
    assert engine.settings.public_base_url == "https://press.example"
    engine.db.dispose()
