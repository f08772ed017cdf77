"""Transactional mail (one-time codes, password mails, invoices) through one interface.

Services call ``self.mailer.send(TransactionalMail(...))``. The dispatch service owns every mail the suite sends:
with ``TRANSACTIONAL_MAIL_VIA: dispatch`` the message goes to ``dispatch.send_transactional`` over RPC (its own
lane ahead of mailings). Until dispatch serves it (``TRANSACTIONAL_MAIL_VIA: smtp``, the default) the message is
delivered straight to the SMTP relay (SMTP_HOST / SMTP_PORT: the development sink), so codes show up there.
The message is the same JSON either way.

Header fields (the recipient's name, subject, category, attachment file names) leave here as one line each
(:func:`svckit.textsafe.one_line`): a user name stored with a line break before input validation refused it must
neither start a header of its own nor make dispatch refuse a login code.
"""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import uuid
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from .rpc import ServiceRpc, TimedServiceProxy
from .settings import env
from .textsafe import one_line


@dataclass
class Attachment:
    filename: str
    content_type: str
    content_b64: str

    @classmethod
    def from_bytes(cls, filename: str, content_type: str, data: bytes) -> "Attachment":
        return cls(filename, content_type, base64.b64encode(data).decode())


@dataclass
class TransactionalMail:
    to: str
    subject: str
    text: str
    html: str | None = None
    to_name: str | None = None
    category: str = "notice"              # otp | password | security | invoice | notice ...
    account_id: str | None = None
    language: str = "de"
    attachments: list[Attachment] = field(default_factory=list)
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["to_name"] = one_line(self.to_name)[:200] or None
        data["subject"] = one_line(self.subject)[:998]
        data["category"] = _word(self.category)
        for att in data["attachments"]:
            att["filename"] = one_line(att["filename"])[:255] or "attachment"
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "TransactionalMail":
        data = dict(data)
        data["attachments"] = [Attachment(**a) for a in data.get("attachments") or []]
        return cls(**data)


def _word(value: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "", one_line(value))[:40] or "notice"


def build_message(mail: TransactionalMail, sender: str, sender_name: str = "Pressroom") -> EmailMessage:
    """The mail for the direct SMTP path: headers through EmailMessage's policy, every value one line first."""
    msg = EmailMessage()
    msg["From"] = formataddr((one_line(sender_name), sender))
    msg["To"] = formataddr((one_line(mail.to_name), mail.to))
    msg["Subject"] = one_line(mail.subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "pressroom.local")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: nobody should auto-reply to a code
    msg["X-Pressroom-Category"] = _word(mail.category)
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    for att in mail.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        msg.add_attachment(base64.b64decode(att.content_b64), maintype=maintype, subtype=subtype or "octet-stream",
                           filename=one_line(att.filename) or "attachment")
    return msg


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str, user: str | None = None, password: str | None = None,
                 starttls: bool = False):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls

    def send(self, mail: TransactionalMail) -> str:
        msg = build_message(mail, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:  # a dependency failure: logged, the caller decides
            logging.getLogger(__name__).warning("SMTP %s:%s failed: %s", self.host, self.port, exc,
                                                extra={"dependency": "smtp"})
            raise
        return msg["Message-ID"]


class Mailer:
    def __init__(self, via: str, smtp: SmtpSender, dispatch: TimedServiceProxy | None):
        self.via, self.smtp, self.dispatch = via, smtp, dispatch

    def send(self, mail: TransactionalMail) -> str:
        if self.via == "dispatch" and self.dispatch is not None:
            return self.dispatch.send_transactional(mail.to_payload())
        return self.smtp.send(mail)


class TransactionalMailer(ServiceRpc):
    """``mailer = TransactionalMailer()`` in a service; ``self.mailer.send(TransactionalMail(...))``."""

    def __init__(self):
        super().__init__("dispatch", timeout=30)

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        self.via = config.get("TRANSACTIONAL_MAIL_VIA") or env("TRANSACTIONAL_MAIL_VIA", "smtp")
        self.smtp = SmtpSender(
            host=config.get("SMTP_HOST") or env("SMTP_HOST", "127.0.0.1"),
            port=int(config.get("SMTP_PORT") or env("SMTP_PORT", "1025")),
            sender=config.get("MAIL_FROM") or env("MAIL_FROM", "no-reply@pressroom.local"),
            user=env("SMTP_USER"), password=env("SMTP_PASSWORD"),
            starttls=(env("SMTP_STARTTLS", "0") == "1"),
        )

    def get_dependency(self, worker_ctx) -> Mailer:  # type: ignore[override]  # wraps the dispatch proxy
        return Mailer(self.via, self.smtp, super().get_dependency(worker_ctx))
