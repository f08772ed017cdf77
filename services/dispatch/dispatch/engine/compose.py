"""From a claimed delivery to signed bytes: personalise, add tracking and unsubscribe, build MIME, DKIM-sign.

Per mailing, everything that is the same for every recipient (compiled templates, sender, DKIM keys, encoded
attachments) is loaded once and cached; per recipient only rendering, MIME assembly and the signatures remain.
"""

from __future__ import annotations

import base64
import html as html_lib
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..db import queries
from ..db.models import TRANSACTIONAL
from ..domain import alignment, dkim, tokens
from ..domain.mime import EncodedAttachment, Mail, token
from ..domain.templates import CompiledTemplates, compile_templates, context_for, rewrite_links
from ..i18n import _
from ..settings import DispatchSettings
from .store import Claimed

Db = Session | Connection  # the engine passes plain connections; RPC code passes sessions

HONEYPOT_URL = "https://pressroom.invalid/hp"
MAILING_CACHE = 32
SIGNER_RECHECK = 30.0   # seconds

NOTICE_TEXT = _("Sent with Pressroom")
UNSUB_TEXT = _("Stop receiving these mails: {url}")
UNSUB_HTML = _("Unsubscribe")


def footer(text_body: str, unsub_url: str, lang: str, premium: bool) -> tuple[str, str]:
    """The text with its footer appended, and the HTML footer: the unsubscribe line for everyone, the Pressroom
    notice only for standard dispatch. A mailing's test send gets the very same (``footer`` in its payload)."""
    text_footer = "\n\n-- \n" + UNSUB_TEXT.format(url=unsub_url).pick(lang)
    html_footer = (f'<p style="font-size:11px;color:#777"><a href="{html_lib.escape(unsub_url)}">'
                   f"{UNSUB_HTML.pick(lang)}</a>")
    if not premium:
        text_footer += "\n" + NOTICE_TEXT.pick(lang)
        html_footer += f"<br>{NOTICE_TEXT.pick(lang)}"
    html_footer += "</p>"
    return text_body.rstrip("\n") + text_footer + "\n", html_footer


def append_html(html: str, extra: str) -> str:
    """``extra`` just before ``</body>`` (at the end without one)."""
    at = html.lower().rfind("</body>")
    return html[:at] + extra + html[at:] if at >= 0 else html + extra


@dataclass
class MailingContext:
    mailing_id: Any
    account_id: Any
    premium: bool
    language: str
    templates: CompiledTemplates
    from_name: str
    from_address: str
    reply_to: str | None
    signer: dkim.Signer | None
    attachments: list[EncodedAttachment]
    domain_id: Any = None
    track_opens: bool = True    # the open pixel
    track_clicks: bool = True   # links through the signed redirect (and the scanner honeypot)
    signer_checked: float = 0.0   # time.monotonic() when the domain's signing key was last read
    return_path_host: str | None = None   # the sender domain's checked custom return-path host (SPF alignment)


class Composer:
    def __init__(self, settings: DispatchSettings):
        self.settings = settings
        self._mailings: OrderedDict[Any, MailingContext] = OrderedDict()   # the most recent MAILING_CACHE
        self._signers: dict[tuple, dkim.Signer | None] = {}

    def forget(self, mailing_id) -> None:
        self._mailings.pop(mailing_id, None)

    # --- loading ----------------------------------------------------------------------------------------------

    def _signer(self, session: Db, domain_row) -> dkim.Signer | None:
        if domain_row is None:
            return None
        # keyed by the selectors: a DKIM rotation gives the domain a new signing key (usecases/senders.py)
        key = (str(domain_row.id), domain_row.rsa_selector, domain_row.ed25519_selector)
        if key not in self._signers:
            for old in [k for k in self._signers if k[0] == key[0]]:   # the key it replaced
                del self._signers[old]
            rsa_key, ed_key = dkim.load_private_keys(self.settings.dkim_key_secret, domain_row.rsa_private,
                                                     domain_row.ed25519_private)
            self._signers[key] = dkim.Signer(domain_row.domain, domain_row.rsa_selector, rsa_key,
                                             domain_row.ed25519_selector, ed_key)
        return self._signers[key]

    def mailing(self, session: Db, mailing_id) -> MailingContext:
        ctx = self._mailings.get(mailing_id)
        if ctx is not None:
            self._mailings.move_to_end(mailing_id)
            return ctx
        m = session.execute(queries.MAILING_FOR_SENDING, {"id": mailing_id}).one()
        domain = None
        if m.domain_id is not None:
            domain = session.execute(text("SELECT * FROM sender_domains WHERE id = :id"), {"id": m.domain_id}).one()
        atts = session.execute(text("SELECT filename, content_type, data FROM attachments WHERE mailing_id = :id "
                                    "ORDER BY created_at, id"), {"id": mailing_id}).all()
        ctx = MailingContext(
            mailing_id=m.id, account_id=m.account_id, premium=m.lane == "premium", language=m.language,
            templates=compile_templates(m.subject, m.html, m.text_body),
            from_name=m.from_name or self.settings.mail_from_name,
            from_address=m.from_address or self.settings.mail_from, reply_to=m.reply_to,
            signer=self._signer(session, domain),
            attachments=[EncodedAttachment.build(a.filename, a.content_type, bytes(a.data)) for a in atts],
            domain_id=m.domain_id, track_opens=m.track_opens, track_clicks=m.track_clicks,
            signer_checked=time.monotonic(),
            return_path_host=alignment.aligned_return_path(domain.domain, domain.check) if domain else None,
        )
        self._mailings[mailing_id] = ctx
        while len(self._mailings) > MAILING_CACHE:   # started mailings never change; memory is what is bounded
            self._mailings.popitem(last=False)
        return ctx

    def system_signer(self, session: Db) -> dkim.Signer | None:
        domain = self.settings.mail_from.rpartition("@")[2].lower()
        if ("system", domain) not in self._signers:
            row = session.execute(text("SELECT * FROM sender_domains WHERE account_id IS NULL AND domain = :d"),
                                  {"d": domain}).first()
            self._signers[("system", domain)] = self._signer(session, row) if row else None  # type: ignore[index]
        return self._signers[("system", domain)]  # type: ignore[index]

    # --- per recipient ----------------------------------------------------------------------------------------

    def unsubscribe_url(self, row: Claimed) -> str:
        return f"{self.settings.public_base_url}/u/{tokens.delivery_token(self.settings.tracking_secret, row.id, 'u')}"

    def return_path(self, row: Claimed) -> str:
        """The envelope sender (MAIL FROM): a VERP address at the sender domain's custom return-path host once its
        CNAME checked out (SPF aligned with From), else at our bounce host. ``compose`` ran first for the row."""
        ctx = self._mailings.get(row.mailing_id) if row.mailing_id is not None else None
        host = ctx.return_path_host if ctx is not None and ctx.return_path_host else self.settings.verp_domain
        return tokens.verp_address(self.settings.tracking_secret, row.id, host)

    def compose(self, session: Db, row: Claimed, now: datetime) -> bytes:
        if row.lane == TRANSACTIONAL or row.mailing_id is None:
            return self._transactional(session, row, now)
        ctx = self.mailing(session, row.mailing_id)
        s = self.settings
        secret, base = s.tracking_secret, s.public_base_url
        rcpt = dict(row.recipient or {})
        rcpt.setdefault("email", row.email)
        lang = "en" if (rcpt.get("language") or ctx.language) == "en" else "de"
        subject, html, text_body = ctx.templates.render(context_for(rcpt, ctx.language))
        unsub_url = self.unsubscribe_url(row)
        unsub_mailto = tokens.verp_address(secret, row.id, s.verp_domain, kind=tokens.UNSUB_PREFIX)
        text_body, html_footer = footer(text_body, unsub_url, lang, ctx.premium)
        if html is not None:
            honeypot = pixel = ""   # tracking is the mailing's choice (or its account's default)
            if ctx.track_clicks:
                html = rewrite_links(html, lambda url: f"{base}/t/c/{tokens.click_token(secret, row.id, url)}")
                honeypot = (f'<a href="{base}/t/c/{tokens.click_token(secret, row.id, HONEYPOT_URL)}" '
                            f'style="display:none" aria-hidden="true" tabindex="-1"></a>')
            if ctx.track_opens:
                pixel = (f'<img src="{base}/t/o/{tokens.delivery_token(secret, row.id, "o")}.gif" width="1" '
                         f'height="1" alt="" style="display:block;border:0">')
            html = append_html(html, html_footer + honeypot + pixel)
        mail = Mail(
            from_name=ctx.from_name, from_address=ctx.from_address, to_address=row.email,
            to_name=" ".join(p for p in (rcpt.get("first_name"), rcpt.get("last_name")) if p) or None,
            subject=subject, text=text_body, html=html, reply_to=ctx.reply_to, message_id=row.message_id, date=now,
            headers=[
                ("List-Unsubscribe", f"<{unsub_url}>, <mailto:{unsub_mailto}?subject=unsubscribe>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                ("Feedback-ID", f"{str(ctx.mailing_id)[:8]}:{str(ctx.account_id)[:8]}:pressroom"),
            ],
            attachments=ctx.attachments,
        )
        raw = mail.to_bytes()
        signer = self._mailing_signer(session, ctx)
        return signer.sign(raw) if signer else raw

    def _mailing_signer(self, session: Db, ctx: MailingContext) -> dkim.Signer | None:
        """A cached mailing re-reads its domain's signing key every SIGNER_RECHECK seconds: after a DKIM rotation
        the new key signs, and a retired key is not used again."""
        if ctx.domain_id is not None and time.monotonic() - ctx.signer_checked > SIGNER_RECHECK:
            row = session.execute(text("SELECT * FROM sender_domains WHERE id = :id"), {"id": ctx.domain_id}).first()
            ctx.signer = self._signer(session, row)
            ctx.return_path_host = alignment.aligned_return_path(row.domain, row.check) if row else None
            ctx.signer_checked = time.monotonic()
        return ctx.signer

    def _transactional(self, session: Db, row: Claimed, now: datetime) -> bytes:
        p = row.recipient or {}
        atts = [EncodedAttachment.build(a.get("filename"), a.get("content_type"), base64.b64decode(a["content_b64"]))
                for a in p.get("attachments") or []]
        sender = p.get("sender") or {}   # a mailing's test send carries its sender
        text_body, html = p.get("text", ""), p.get("html")
        if p.get("footer"):   # a mailing's test send: the footer its recipients get
            text_body, html_footer = footer(text_body, self.unsubscribe_url(row), p["footer"].get("language", "de"),
                                            bool(p["footer"].get("premium")))
            html = append_html(html, html_footer) if html is not None else None
        mail = Mail(
            from_name=sender.get("from_name") or self.settings.mail_from_name,
            from_address=sender.get("from_address") or self.settings.mail_from, to_address=row.email,
            to_name=p.get("to_name"), subject=p.get("subject", ""), text=text_body, html=html,
            reply_to=sender.get("reply_to"), message_id=row.message_id, date=now,
            headers=[("Auto-Submitted", "auto-generated"),
                     ("X-Pressroom-Category", token(p.get("category"), "notice"))],
            attachments=atts,
        )
        raw = mail.to_bytes()
        if sender.get("domain_id"):
            row_d = session.execute(text("SELECT * FROM sender_domains WHERE id = :id"),
                                    {"id": sender["domain_id"]}).first()
            signer = self._signer(session, row_d)
        else:
            signer = self.system_signer(session)
        return signer.sign(raw) if signer else raw
