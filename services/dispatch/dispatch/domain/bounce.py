"""Reading what comes back: delivery status notifications (RFC 3464), the common non-standard bounce formats
(through flufl.bounce), and auto-replies (RFC 3834), which are not bounces.

The VERP return path already tells us *which* delivery bounced; what we read here is *whether* and *why*:
status code, reason, hard (the address is bad) or soft (full mailbox, temporary trouble, policy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from typing import cast

BOUNCE, DELAYED, AUTO_REPLY, UNKNOWN = "bounce", "delayed", "auto_reply", "unknown"

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_CODE = re.compile(r"\b([45]\d\d)[ -]")
_AUTO_SUBJECT = re.compile(
    r"(?i)^(auto(matic)?[ -]?(reply|response|antwort)|automatische antwort|out of (the )?office|"
    r"abwesenheit|abwesend|ich bin (derzeit )?nicht im büro|away from|vacation|urlaub|réponse automatique)")
_HARD_WORDS = re.compile(
    r"(?i)(user unknown|unknown user|no such (user|mailbox|recipient)|mailbox (does not exist|unavailable|not found)|"
    r"recipient (address )?rejected|address rejected|does not exist|invalid (recipient|mailbox|address)|"
    r"account (has been )?disabled|unbekannt|existiert nicht|nicht zustellbar: empfänger)")
_SOFT_WORDS = re.compile(r"(?i)(mailbox full|over quota|quota exceeded|postfach voll|temporar|try again|deferred)")


@dataclass(frozen=True)
class BounceReport:
    kind: str                     # bounce | delayed | auto_reply | unknown
    recipient: str | None = None
    status: str | None = None     # enhanced status code, e.g. 5.1.1
    reason: str = ""
    hard: bool = False


def is_auto_reply(msg: Message) -> bool:
    """RFC 3834 and the usual vendor headers; a DSN is never one."""
    auto = (msg.get("Auto-Submitted") or "").strip().lower()
    if auto.startswith("auto-replied"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Auto-Response-Suppress"):
        return True
    if (msg.get("Precedence") or "").strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.search(str(msg.get("Subject") or "").strip()))


def _is_dsn(msg: Message) -> bool:
    # a tuple for an RFC 2231-encoded value (DSN generators do not encode it): not read as a DSN (it raised before)
    report_type = msg.get_param("report-type")
    return msg.get_content_type() == "multipart/report" and \
        isinstance(report_type, str) and report_type.lower() == "delivery-status"


def _status_hard(status: str | None, reason: str) -> bool:
    if not status:
        return bool(_HARD_WORDS.search(reason))
    klass, subject, detail = status.split(".")
    if klass != "5":
        return False
    if subject == "1":                       # addressing: bad mailbox, bad domain
        return True
    if subject == "2" and detail in ("1",):  # mailbox disabled
        return True
    if subject == "2" and detail == "2":     # mailbox full: soft
        return False
    return bool(_HARD_WORDS.search(reason))


def _dsn_fields(msg: Message) -> list[dict[str, str]]:
    """Per-recipient blocks of the message/delivery-status part."""
    blocks: list[dict[str, str]] = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            for block in payload:
                # the parts of a parsed message/delivery-status payload are header blocks (Message objects)
                blocks.append({k.lower(): str(v) for k, v in cast(Message, block).items()})
        else:  # some parsers leave it as text
            for chunk in re.split(r"\r?\n\r?\n", str(payload)):
                fields = {}
                for line in chunk.splitlines():
                    k, sep, v = line.partition(":")
                    if sep:
                        fields[k.strip().lower()] = v.strip()
                if fields:
                    blocks.append(fields)
    return blocks


def _addr(value: str | None) -> str | None:
    if not value:
        return None
    value = value.split(";", 1)[-1].strip().strip("<>")
    return value.lower() or None


def _text_of(msg: Message) -> str:
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                out.append(part.get_content() if hasattr(part, "get_content") else str(part.get_payload()))
            except (LookupError, UnicodeError, KeyError):
                payload = cast(bytes, part.get_payload(decode=True) or b"")  # decode=True on a text part: bytes
                out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def parse(raw: bytes) -> BounceReport:
    msg = message_from_bytes(raw, policy=policy.default)
    if _is_dsn(msg):
        blocks = [b for b in _dsn_fields(msg) if "action" in b or "status" in b]
        for block in blocks:
            action = block.get("action", "").lower()
            status_m = _STATUS.search(block.get("status", ""))
            status = status_m.group(0) if status_m else None
            reason = block.get("diagnostic-code", "").split(";", 1)[-1].strip() or block.get("status", "")
            recipient = _addr(block.get("final-recipient") or block.get("original-recipient"))
            if action == "delayed" or (status or "").startswith("4") and action != "failed":
                return BounceReport(DELAYED, recipient, status, reason, False)
            if action == "failed" or (status or "").startswith("5"):
                return BounceReport(BOUNCE, recipient, status, reason, _status_hard(status, reason))
            if action in ("delivered", "relayed", "expanded"):
                return BounceReport(UNKNOWN, recipient, status, reason, False)
    if is_auto_reply(msg):
        return BounceReport(AUTO_REPLY, None, None, str(msg.get("Subject") or "")[:300], False)
    return _non_standard(msg)


def _non_standard(msg: Message) -> BounceReport:
    from flufl.bounce import all_failures

    text = _text_of(msg)
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector choking on odd input must not lose the bounce
        temporary, permanent = frozenset(), frozenset()
    status_m = _STATUS.search(text)
    status = status_m.group(0) if status_m and status_m.group(1) in "45" else None
    reason = _reason_line(text)
    if permanent:
        first = next(iter(permanent))
        recipient = first.decode() if isinstance(first, bytes) else first
        hard = _status_hard(status, reason) if status else not _SOFT_WORDS.search(text)
        return BounceReport(BOUNCE, str(recipient).lower(), status, reason, hard)
    if temporary:
        raw = next(iter(temporary))
        recipient = raw.decode() if isinstance(raw, bytes) else raw
        return BounceReport(DELAYED, str(recipient).lower(), status, reason, False)
    subject = str(msg.get("Subject") or "").lower()
    looks_bounce = any(w in subject for w in ("undeliver", "unzustellbar", "delivery status", "failure notice",
                                             "returned mail", "delivery failure", "nicht zugestellt"))
    if looks_bounce or status:
        if status and status.startswith("4"):
            return BounceReport(DELAYED, None, status, reason, False)
        hard = _status_hard(status, reason) if status else bool(_HARD_WORDS.search(text))
        return BounceReport(BOUNCE, None, status, reason, hard)
    return BounceReport(UNKNOWN, None, None, reason, False)


def _reason_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if _STATUS.search(line) or _SMTP_CODE.search(line) or _HARD_WORDS.search(line):
            return line[:500]
    return (text.strip().splitlines() or [""])[0][:500]
