"""Reading what comes back: delivery status notifications (RFC 3464), the common non-standard bounce formats
(through flufl.bounce and MTA phrases), Amazon SES JSON notifications, ARF feedback reports (RFC 5965,
complaints) and auto-replies (RFC 3834), which are not bounces.

The VERP return path already tells us *which* delivery bounced; what we read here is *whether* and *why*:
status code, a reason from a fixed taxonomy (``REASONS``), and hard (the address itself is gone) or soft
(everything else: full mailbox, expiry, a block or policy against our sender, rate limits …).

Order of the decision (docs/deliverability.md):

1. Content before headers: a DSN part, an SES notification, an ARF report or the phrases of a mail server's
   failure notice make a bounce (or complaint) even when the mail says ``Auto-Submitted: auto-replied``
   (Exim, Google Groups and mail.ru do). Only a mail without any of these is an auto-reply by its headers.
2. The reason comes from the diagnostic text first (in English, German, French, Russian, Japanese …), then from
   the enhanced status code, then from the SMTP reply code; a bounce with neither is ``undefined`` and soft.
3. Hard only for the reasons in ``HARD`` (user unknown, host unknown, has moved, domain accepts no mail); a
   "user unknown" given after the message data (a content filter) or about the *sender* is not hard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from typing import Any, cast

BOUNCE, DELAYED, AUTO_REPLY, COMPLAINT, DELIVERED, UNKNOWN = (
    "bounce", "delayed", "auto_reply", "complaint", "delivered", "unknown")

# the reason taxonomy
USER_UNKNOWN, HOST_UNKNOWN, HAS_MOVED, NOT_ACCEPTED = "user_unknown", "host_unknown", "has_moved", "not_accepted"
MAILBOX_FULL, MESSAGE_TOO_BIG, EXPIRED, SUSPENDED, ON_HOLD = (
    "mailbox_full", "message_too_big", "expired", "suspended", "on_hold")
BLOCKED, REPUTATION, PTR, SPAM, POLICY, AUTH_FAILURE, RATE_LIMITED, REJECTED = (
    "blocked", "reputation", "ptr", "spam_detected", "policy", "auth_failure", "rate_limited", "rejected")
FILTERED, VIRUS, CONTENT_ERROR, SYSTEM_ERROR, NETWORK_ERROR, UNDEFINED = (
    "filtered", "virus", "content_error", "system_error", "network_error", "undefined")
COMPLAINT_REASON = "complaint"

#: every reason a bounce can have
REASONS = (USER_UNKNOWN, HOST_UNKNOWN, HAS_MOVED, NOT_ACCEPTED, MAILBOX_FULL, MESSAGE_TOO_BIG, EXPIRED, SUSPENDED,
           ON_HOLD, BLOCKED, REPUTATION, PTR, SPAM, POLICY, AUTH_FAILURE, RATE_LIMITED, REJECTED, FILTERED, VIRUS,
           CONTENT_ERROR, SYSTEM_ERROR, NETWORK_ERROR, UNDEFINED)
#: the address itself is gone: suppress at once
HARD = frozenset({USER_UNKNOWN, HOST_UNKNOWN, HAS_MOVED, NOT_ACCEPTED})
#: about our sending domain or server, not the recipient: never suppress the address, mark the sender domain
SENDER_SIDE = frozenset({BLOCKED, REPUTATION, PTR, SPAM, POLICY, AUTH_FAILURE, RATE_LIMITED, REJECTED, VIRUS})

_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
_SMTP_CODE = re.compile(r"(?<![\d.])([45][0-5]\d)(?:[ -]|$)", re.M)
_AUTO_SUBJECT = re.compile(
    r"(?i)^(auto(matic)?[ -]?(reply|response|antwort)|automatische antwort|out of (the )?office|"
    r"abwesenheit|abwesend|ich bin (derzeit )?nicht im büro|away from|vacation|urlaub|réponse automatique)")

# phrases of a mail server's failure notice (subject, sender, body): content that makes a bounce
_BOUNCE_SUBJECT = re.compile(
    r"(?i)(undeliver|undelivered|unzustellbar|nicht zugestellt|delivery (status|failure|has failed|notification|"
    r"problem)|failure notice|returned mail|mail delivery (failed|failure|system|subsystem)|returned to sender|"
    r"delivery failed|non[- ]?delivery|could not be delivered|mail could not|warning: could not|"
    r"message (not delivered|delayed)|permanent (error|failure)|fehlgeschlagen|\bbounce|rejected|"
    r"notification|error|failed|delayed|не доставлено|недоставлен|エラー|未送信|送信失敗)")
_BOUNCE_FROM = re.compile(r"(?i)(mailer-daemon|postmaster|mail delivery (system|subsystem)|mail-?router|"
                          r"mailer@|maildelivery|nobody@|bounce)")
_BOUNCE_BODY = re.compile(
    r"(?i)(this is the mail system at|could not be delivered|delivery to the following recipient(s)? failed|"
    r"failed permanently|the following address(es)? (had|failed)|permanent error|"
    r"this is the qmail-send program|i'm afraid i wasn't able to deliver|"
    r"your message (was|could not be|cannot be|wasn't) (not )?delivered|message could not be delivered|"
    r"delivery has failed|delivery failed|unable to deliver|undeliverable|not be delivered|"
    r"remote (host|server) (said|returned)|returned mail|mail delivery failed|"
    r"message (you sent )?(was|has been) (rejected|blocked|delayed)|delivery (is )?delayed|"
    r"sorry, we were unable to deliver|message delivery has been delayed|"
    r"nicht zugestellt|konnte nicht zugestellt|unzustellbar|n'a pas pu être remis|"
    r"не (может быть|был|было) доставлен|сообщение не доставлено|"
    r"送信できません|届きません|配信(でき|に失敗)|宛先不明)")

# reason rules: (reason, pattern), first match wins; matched against the diagnostic text
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((reason, re.compile(pattern, re.I)) for reason, pattern in (
    # wordings that would otherwise fall to a broader rule below
    (USER_UNKNOWN, r"recipient address rejected: access denied|not listed in (the )?(domino|public name)"),
    (HOST_UNKNOWN, r"host or domain name not found|domain name not found|bad destination system|"
                   r"illegal host/domain"),
    (NOT_ACCEPTED, r"not accepting (network )?messages"),
    (SUSPENDED, r"temporar(y|ily) locked"),
    (REJECTED, r"sender address rejected|domain of sender address|sender (address )?(is )?(invalid|unknown|"
               r"rejected|denied|not (allowed|permitted))|sender verify failed|sender domain (must exist|"
               r"not found|does not exist)|mail from.{0,40}(rejected|refused)|bad sender|unroutable sender"
               r"|address rejected: sender|<> not accepted|sender .{0,60}(blacklisted|blocked)"),
    (VIRUS, r"virus|malware|infected|trojan|phishing"),
    (AUTH_FAILURE, r"\b(spf|dkim|dmarc)\b|sender policy framework|not authenticated|not authorized|"
                   r"authentication (failed|required|check)|unauthenticated|5\.7\.(2[0-46-9])\b|sender id|senderid"),
    (PTR, r"reverse (dns|lookup|hostname)|\bptr\b|rdns|cannot find your (reverse )?hostname|"
          r"hostname .{0,40}(does not resolve|not resolve)|no reverse|client host .{0,60}(unknown|cannot be "
          r"resolved)|reverse[- ]resolv|resolve.{0,30}ip address|dns.{0,30}(fail|lookup)|"
          r"name service error|not have a valid hostname|dynamic ip|dial-?up|residential|pool"),
    (REPUTATION, r"reputation|sender score"),
    (RATE_LIMITED, r"too many (connections|messages|recipients|concurrent|sessions|mails)|rate limit|"
                   r"throttl|connection rate|sending rate|exceeded .{0,20}(rate|limit of)|slow down|"
                   r"temporarily deferred|receiving mail at a rate|too fast|limit exceeded"),
    (BLOCKED, r"blacklist|blocklist|block list|black list|(?<!not )listed (in|on|at|by)|spamhaus|spamcop|sorbs|"
              r"dnsbl|\brbl\b|barracuda|ip (address )?.{0,30}(blocked|rejected|denied|banned)|"
              r"client host .{0,60}(blocked|rejected)|connection (refused|rejected|blocked|denied)|"
              r"access denied|blocked|banned|refused to talk|open relay|no access from|not allowed to send|your ip|"
              r"has been temporarily (rate )?limited|poor reputation|4\.7\.0 .{0,30}ip"),
    (SPAM, r"spam|junk|bulk mail|unsolicited|content (rejected|filter)|message (content )?rejected|"
           r"scam|suspicious"),
    (MESSAGE_TOO_BIG, r"message (size )?(exceeds|too (large|big))|too (large|big)|size (limit|exceeds)|"
                      r"exceeds (the )?(maximum|max)|message length exceeds|size of the message|"
                      r"mail size|message is larger|attachment.{0,30}(large|size)|zu groß|"
                      r"limit on message size|5\.3\.4|5\.2\.3"),
    (MAILBOX_FULL, r"mailbox (is )?full|over ?quota|quota (exceeded|full)|exceed(ed|s) .{0,30}(quota|storage|"
                   r"mailbox size|size limit)|mailbox (size )?limit|insufficient (system )?storage|"
                   r"out of (storage|disk space)|disk (full|quota)|postfach (ist )?voll|speicherplatz|"
                   r"boîte (aux lettres )?pleine|переполнен|user mailbox exceeds|mailbox exceeds|"
                   r"full mailbox|storage (space|limit)|not enough space|容量"),
    (SUSPENDED, r"(account|mailbox|address|recipient)( address)? .{0,40}(disabled|suspended|inactive|"
                r"deactivated|locked|frozen|expired)|is (disabled|inactive|suspended)|"
                r"(disabled|inactive|suspended) (account|mailbox|user|recipient)|account (has been )?disabled|"
                r"temporarily (locked|blocked)|gesperrt|заблокирован"),
    (HAS_MOVED, r"has moved|no longer (with|at|works|employed|available)|address (has )?changed"),
    (NOT_ACCEPTED, r"does not accept mail|null mx|nullmx|not accept(ing)? (any )?mail|no mail (is )?accepted"),
    (HOST_UNKNOWN, r"host (or domain name )?(unknown|not found)|unknown host|(domain|host) (name )?"
                   r"(not found|does not exist|unknown|could not be found)|no such (domain|host)|"
                   r"invalid domain|unrouteable (mail )?domain|unroutable|name or service not known|"
                   r"no (mx|mail exchanger|route to host)|nxdomain|all relevant mx|non-existent host|"
                   r"domain .{0,40}(does not exist|not exist|is invalid|not found)|"
                   r"unknown domain|unrouteable address|domäne existiert nicht|domain (existiert|"
                   r"nicht gefunden)"),
    (USER_UNKNOWN, r"user(name)? (unknown|not found|does not exist|doesn't exist)|unknown (user|recipient|"
                   r"local part|mailbox|address)|no such (user|mailbox|recipient|person|account|address)|"
                   r"(mailbox|recipient|address|account|user) (does not exist|doesn't exist|not exist|"
                   r"not found|unavailable|is unavailable|invalid|not valid|unknown)|"
                   r"invalid (recipient|mailbox|address|user)|bad (destination )?(mailbox|recipient) address|"
                   r"doesn't have an? .{0,40}account|does not have an? .{0,40}account|"
                   r"not (a )?(valid|known) (user|recipient|mailbox|address)|"
                   r"(account|address) .{0,40}does not exist|does not exist|"
                   r"not listed in|no mailbox|mailbox not|unknown or illegal alias|"
                   r"address (is )?(not )?(valid|invalid)|no valid recipients|not our customer|"
                   r"user not found|addressee unknown|unknown addressee|user doesn't|invalid .{0,20}userid|"
                   r"unbekannt|existiert nicht|ungültige? (empfänger|adresse)|inconnu|n'existe pas|"
                   r"не существует|нет такого|не найден|"
                   r"存在しません|見つかりません|宛先(が|不明)|アドレス.{0,10}(誤|間違)"),
    (POLICY, r"policy|not allowed|prohibited|relay(ing)? (access )?(denied|not permitted|prohibited)|"
             r"not permitted to relay|unable to relay|we do not relay|5\.7\.1|administrative|"
             r"rejected by (the )?recipient|refused due to recipient|recipient preferences"),
    (EXPIRED, r"retry time(out)? (exceeded|expired)|retry timeout|could not be delivered for .{0,20}days|"
              r"(delivery|queue) (time|period|lifetime) (expired|exceeded)|message expired|giving up|"
              r"too long (in|on) (the )?queue|timed? ?out|4\.4\.7|5\.4\.7|delivery failed \d+ attempts|"
              r"delayed|not yet been delivered|still (trying|queued)|will (retry|keep trying)|"
              r"has been (in|on) the queue|expired|retry limit|zeitüberschreitung"),
    (NETWORK_ERROR, r"connection (timed out|reset|lost|closed)|could not connect|network|mail loop|"
                    r"too many hops|loop detected|hop count|routing loop|lost connection|"
                    r"unable to connect|connect to .{0,60}(failed|refused)"),
    (CONTENT_ERROR, r"mime|header|rfc ?5322|rfc ?2822|rfc ?822|8-?bit|line too long|message (format|"
                    r"syntax)|malformed|illegal (character|char)"),
    (SYSTEM_ERROR, r"system (error|problem)|internal (error|server)|local (error|problem)|mail system "
                   r"problem|temporary (local )?problem|server error|server busy|resources|out of memory|"
                   r"mailer error|program|command (unrecognized|not implemented)|syntax error"),
))

# enhanced status (class.subject.detail) to a reason where the text said nothing we know
_BY_STATUS: dict[str, str] = {
    "1.1": USER_UNKNOWN, "1.0": USER_UNKNOWN, "1.3": USER_UNKNOWN, "1.2": HOST_UNKNOWN, "1.6": HAS_MOVED,
    "1.10": NOT_ACCEPTED, "1.7": REJECTED, "1.8": REJECTED, "2.0": SUSPENDED, "2.1": SUSPENDED,
    "2.2": MAILBOX_FULL, "2.3": MESSAGE_TOO_BIG, "2.4": SYSTEM_ERROR, "3.0": SYSTEM_ERROR, "3.1": MAILBOX_FULL,
    "3.2": SYSTEM_ERROR, "3.3": SYSTEM_ERROR, "3.4": MESSAGE_TOO_BIG, "3.5": SYSTEM_ERROR,
    "4.0": NETWORK_ERROR, "4.1": NETWORK_ERROR, "4.2": NETWORK_ERROR, "4.3": NETWORK_ERROR,
    "4.4": NETWORK_ERROR, "4.5": SYSTEM_ERROR, "4.6": NETWORK_ERROR, "4.7": EXPIRED, "5.0": SYSTEM_ERROR,
    "5.1": SYSTEM_ERROR, "5.2": SYSTEM_ERROR, "5.3": RATE_LIMITED, "5.4": SYSTEM_ERROR, "5.5": SYSTEM_ERROR,
    "6.0": CONTENT_ERROR, "6.1": CONTENT_ERROR, "6.2": CONTENT_ERROR, "6.3": CONTENT_ERROR,
    "6.4": CONTENT_ERROR, "6.5": CONTENT_ERROR, "7.0": BLOCKED, "7.1": POLICY, "7.2": POLICY, "7.3": POLICY,
    "7.7": AUTH_FAILURE, "7.8": AUTH_FAILURE, "7.9": AUTH_FAILURE, "7.13": SUSPENDED, "7.25": PTR,
    "7.26": AUTH_FAILURE, "7.27": AUTH_FAILURE, "7.23": AUTH_FAILURE, "7.24": AUTH_FAILURE, "7.28": RATE_LIMITED,
}

# the SMTP command the remote server answered (Postfix, Sendmail, Exim, qmail wordings)
_DATA_COMMAND = re.compile(r"(?i)(in reply to (end of )?data command|after end of data|after data|"
                           r"\bdata command\b|during data|>>> data|end of data|in reply to end of data|"
                           r"smtp error from remote mail server after end of data)")
_MAIL_COMMAND = re.compile(r"(?i)(in reply to mail from command|after mail from|>>> mail from|"
                           r"mail from command)")
_RCPT_COMMAND = re.compile(r"(?i)(in reply to rcpt to command|after rcpt to|>>> rcpt to|rcpt to:?\s*<|"
                           r"rcpt to command)")
_EMAIL = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class BounceReport:
    kind: str                     # bounce | delayed | auto_reply | complaint | delivered | unknown
    recipient: str | None = None
    status: str | None = None     # enhanced status code, e.g. 5.1.1
    reason: str = ""              # the server's words (diagnostic line)
    hard: bool = False
    cause: str = ""               # one of REASONS for bounces and delays; "complaint" for complaints

    @property
    def sender_side(self) -> bool:
        """The reason is about our sending domain or server (never suppresses the recipient)."""
        return self.cause in SENDER_SIDE


def classify(text: str, status: str | None = None, smtp_code: str | None = None) -> str:
    """The reason for a diagnostic text, its enhanced status code and SMTP reply code (``REASONS``)."""
    cause = ""
    for reason, pattern in _RULES:
        if pattern.search(text):
            cause = reason
            break
    if cause in ("", SYSTEM_ERROR, EXPIRED, NETWORK_ERROR) and status:
        by_status = _status_reason(status)
        if by_status and (not cause or by_status in HARD or by_status in (MAILBOX_FULL, REJECTED, SUSPENDED,
                                                                          MESSAGE_TOO_BIG)):
            cause = by_status
    if not cause and smtp_code:
        cause = {"552": MAILBOX_FULL, "550": USER_UNKNOWN, "551": HAS_MOVED, "553": USER_UNKNOWN,
                 "554": POLICY, "421": NETWORK_ERROR, "450": MAILBOX_FULL, "452": MAILBOX_FULL}.get(smtp_code, "")
    if status and status.split(".")[1:] in (["1", "7"], ["1", "8"]):
        cause = REJECTED                                    # bad sender address: ours, not the recipient's
    if cause == HOST_UNKNOWN and smtp_command(text) in ("MAIL", "DATA"):
        cause = REJECTED                                    # at MAIL FROM or after the data: our domain
    if cause == USER_UNKNOWN and not (status or "").startswith(("5.1.", "4.1.")):
        # "user unknown" answered to MAIL FROM is about our sender; answered to anything but RCPT TO (the
        # message data, or a command we cannot tell) it is a filter's word, not proof the mailbox is gone
        command = smtp_command(text)
        if command == "MAIL":
            cause = REJECTED
        elif command != "RCPT":
            cause = FILTERED
    return cause or UNDEFINED


def smtp_command(text: str) -> str:
    """The SMTP command the remote server answered, where the notice says (RCPT, MAIL, DATA or "")."""
    found = [(m.start(), name) for name, pattern in (("RCPT", _RCPT_COMMAND), ("MAIL", _MAIL_COMMAND),
                                                     ("DATA", _DATA_COMMAND)) for m in pattern.finditer(text)]
    return max(found)[1] if found else ""


def _status_reason(status: str) -> str:
    klass, subject, detail = status.split(".")
    if subject == "0" and detail == "0":
        return ""
    return _BY_STATUS.get(f"{subject}.{detail}", "")


def is_hard(cause: str, status: str | None) -> bool:
    """Only a reason saying the address is gone is hard, and never on a temporary (4.x.x) status."""
    return cause in HARD and not (status or "").startswith("4")


def is_auto_reply(msg: Message) -> bool:
    """RFC 3834 and the usual vendor headers (parse() looks at the content first: a bounce is never one)."""
    auto = (msg.get("Auto-Submitted") or "").strip().lower()
    if auto.startswith("auto-replied"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Auto-Response-Suppress"):
        return True
    if (msg.get("Precedence") or "").strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.search(str(msg.get("Subject") or "").strip()))


def _report_type(msg: Message) -> str:
    if msg.get_content_type() != "multipart/report":
        return ""
    # a tuple for an RFC 2231-encoded value (DSN generators do not encode it): not read as a report
    report_type = msg.get_param("report-type")
    return report_type.lower() if isinstance(report_type, str) else ""


def _dsn_fields(msg: Message) -> list[dict[str, str]]:
    """Per-recipient blocks of the message/delivery-status part."""
    blocks: list[dict[str, str]] = []
    for part in msg.walk():
        if part.get_content_type() not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            for block in payload:
                # the parts of a parsed message/delivery-status payload are header blocks (Message objects)
                blocks.append({k.lower(): str(v) for k, v in cast(Message, block).items()})
        else:  # some parsers leave it as text
            blocks.extend(_field_blocks(str(payload)))
    return blocks


def _field_blocks(text: str) -> list[dict[str, str]]:
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        fields: dict[str, str] = {}
        for line in chunk.splitlines():
            k, sep, v = line.partition(":")
            if sep and re.fullmatch(r"[A-Za-z-]+", k.strip()):
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
    """The readable text of the mail: text parts decoded by their charset (ISO-2022-JP, KOI8-R, Latin-1 …),
    the delivery-status fields, without the returned original message's body."""
    out = []
    for part in _own_parts(msg):
        ctype = part.get_content_type()
        if part.get_content_maintype() == "text" or ctype in ("message/delivery-status",
                                                               "message/global-delivery-status"):
            out.append(_decode(part))
    return "\n".join(out)


def _own_parts(msg: Message) -> Iterator[Message]:
    """The parts of the notice itself: not those inside an attached message/rfc822."""
    if msg.get_content_type() == "message/rfc822" or msg.get_content_type() == "text/rfc822-headers":
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        if msg.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            yield msg
            return
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, Message):
                yield from _own_parts(sub)
    else:
        yield msg


def _decode(part: Message) -> str:
    if part.is_multipart():  # a parsed delivery-status: header blocks
        return "\n\n".join("\n".join(f"{k}: {v}" for k, v in b.items())
                           for b in cast(list[Message], part.get_payload()))
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or ("iso-2022-jp" if b"\x1b$B" in payload else "utf-8")
    for candidate in (charset, "utf-8", "iso-2022-jp", "latin-1"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeError):
            continue
    return payload.decode("utf-8", "replace")


def parse(raw: bytes) -> BounceReport:
    msg = message_from_bytes(raw, policy=policy.default)
    report_type = _report_type(msg)
    if report_type == "feedback-report" or _is_arf_text(msg):
        return BounceReport(COMPLAINT, _arf_recipient(msg), None, str(msg.get("Subject") or "")[:300], False,
                            COMPLAINT_REASON)
    text = _text_of(msg)
    ses = _ses(text)
    if ses is not None:
        return ses
    blocks = [b for b in _dsn_fields(msg) if "action" in b or "status" in b]
    if not blocks and ("final-recipient" in text.lower() or "original-recipient" in text.lower()):
        blocks = [b for b in _field_blocks(text) if ("action" in b or "status" in b)
                  and ("final-recipient" in b or "original-recipient" in b)]
    for block in blocks:
        report = _from_dsn_block(block, text)
        if report is not None:
            return report
    if _looks_bounce(msg, text):
        return _non_standard(msg, text)
    if is_auto_reply(msg):
        return BounceReport(AUTO_REPLY, None, None, str(msg.get("Subject") or "")[:300], False)
    return _non_standard(msg, text, weak=True)


def _from_dsn_block(block: dict[str, str], text: str) -> BounceReport | None:
    action = block.get("action", "").lower().strip()
    status_m = _STATUS.search(block.get("status", ""))
    status = status_m.group(0) if status_m else None
    diag = block.get("diagnostic-code", "").split(";", 1)[-1].strip()
    recipient = _addr(block.get("final-recipient") or block.get("original-recipient"))
    if action in ("delivered", "relayed", "expanded"):
        return BounceReport(UNKNOWN, recipient, status, diag, False)
    if not (action in ("failed", "delayed") or status and status[0] in "45"):
        return None
    # the diagnostic code says most; the human-readable part helps where it is empty or only a code
    reason_text = diag if re.search(r"[A-Za-z]{4}", diag) else _reason_line(text) or diag
    diag_status_m = _STATUS.search(diag)
    if diag_status_m and (not status or status.endswith(".0.0") or status.split(".")[0] != "5"
                          and diag_status_m.group(1) == "5"):
        status = diag_status_m.group(0) if status is None or status.endswith(".0.0") else status
    code_m = _SMTP_CODE.search(diag)
    cause = classify(f"{diag}\n{_command_hint(text)}" if diag and reason_text == diag else
                     f"{reason_text}\n{_command_hint(text)}", status, code_m.group(1) if code_m else None)
    if cause == UNDEFINED and not diag:
        cause = classify(_significant(text), status)
    if action == "delayed" or (status or "").startswith("4") and action != "failed":
        return BounceReport(DELAYED, recipient, status, reason_text or block.get("status", ""), False,
                            cause if cause != UNDEFINED else EXPIRED)
    return BounceReport(BOUNCE, recipient, status, reason_text or block.get("status", ""),
                        is_hard(cause, status), cause)


def _command_hint(text: str) -> str:
    command = smtp_command(text)
    return {"RCPT": "rcpt to:<", "MAIL": "after mail from", "DATA": "after end of data"}.get(command, "")


def _looks_bounce(msg: Message, text: str) -> bool:
    sender = f"{msg.get('From') or ''} {msg.get('Return-Path') or ''}"
    subject = str(msg.get("Subject") or "")
    if _BOUNCE_BODY.search(text):
        return True
    if _BOUNCE_FROM.search(sender) and (_BOUNCE_SUBJECT.search(subject) or _STATUS.search(text)):
        return True
    return bool(_BOUNCE_SUBJECT.search(subject) and (_STATUS.search(text) or _SMTP_CODE.search(text)))


def _is_arf_text(msg: Message) -> bool:
    """An ARF part, or Microsoft's JMRP complaint (the reported message carries X-HmXmrOriginalRecipient)."""
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            return True
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message) and inner.get("X-HmXmrOriginalRecipient"):
                return True
    return False


def _arf_recipient(msg: Message) -> str | None:
    for part in msg.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            to = (inner.get("X-HmXmrOriginalRecipient") or inner.get("To")) if isinstance(inner, Message) else None
            if not to and isinstance(payload, str):
                m = re.search(r"(?im)^To:\s*(.+)$", payload)
                to = m.group(1) if m else None
            found = _EMAIL.search(str(to or ""))
            if found:
                return found.group(0).lower()
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            found = re.search(r"(?im)^Original-Rcpt-To:\s*<?([^>\s]+)", _decode(part))
            if found:
                return found.group(1).lower()
    return None


def _ses(text: str) -> BounceReport | None:
    """An Amazon SES notification (directly or inside an SNS envelope): bounce, complaint or delivery."""
    start = text.find("{")
    if start < 0 or "notificationType" not in text and "eventType" not in text:
        return None
    data: Any = None
    for candidate in (text[start:], re.sub(r"\r?\n", "", text[start:])):  # notifications folded into lines
        try:
            data = json.JSONDecoder(strict=False).raw_decode(candidate)[0]
            break
        except ValueError:
            continue
    if isinstance(data, dict) and isinstance(data.get("Message"), str):  # SNS envelope
        try:
            data = json.loads(data["Message"])
        except ValueError:
            return None
    if not isinstance(data, dict):
        return None
    kind = str(data.get("notificationType") or data.get("eventType") or "")
    if kind == "Complaint":
        rcpts = data.get("complaint", {}).get("complainedRecipients") or [{}]
        return BounceReport(COMPLAINT, _addr(rcpts[0].get("emailAddress")), None,
                            str(data.get("complaint", {}).get("complaintFeedbackType") or "complaint"), False,
                            COMPLAINT_REASON)
    if kind == "Delivery":
        rcpts = data.get("delivery", {}).get("recipients") or [None]
        return BounceReport(DELIVERED, _addr(rcpts[0]), None, str(data.get("delivery", {}).get("smtpResponse")
                                                                      or ""), False)
    if kind != "Bounce":
        return None
    bounce = data.get("bounce", {})
    rcpt = (bounce.get("bouncedRecipients") or [{}])[0]
    diag = str(rcpt.get("diagnosticCode") or "").split(";", 1)[-1].strip()
    status = rcpt.get("status") if _STATUS.fullmatch(str(rcpt.get("status") or "")) else None
    sub = str(bounce.get("bounceSubType") or "")
    cause = {"NoEmail": USER_UNKNOWN, "MailboxFull": MAILBOX_FULL, "MessageTooLarge": MESSAGE_TOO_BIG,
             "ContentRejected": SPAM, "AttachmentRejected": VIRUS, "Suppressed": ON_HOLD,
             "OnAccountSuppressionList": ON_HOLD}.get(sub) or classify(diag, status)
    if bounce.get("bounceType") == "Transient" and cause in HARD:
        cause = UNDEFINED
    return BounceReport(BOUNCE, _addr(rcpt.get("emailAddress")), status, diag or sub, is_hard(cause, status), cause)


def _non_standard(msg: Message, text: str, weak: bool = False) -> BounceReport:
    from flufl.bounce import all_failures

    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector choking on odd input must not lose the bounce
        temporary, permanent = frozenset(), frozenset()
    significant = _significant(text)
    status_m = _STATUS.search(significant)
    status = status_m.group(0) if status_m and status_m.group(1) in "45" else None
    code_m = _SMTP_CODE.search(significant)
    reason = _reason_line(significant)
    if weak and not (permanent or temporary or status):
        return BounceReport(UNKNOWN, None, None, reason, False)
    cause = classify(f"{significant}\n{_command_hint(text)}", status, code_m.group(1) if code_m else None)
    found = permanent or temporary
    recipient: str | None = None
    if found:
        first = next(iter(found))
        recipient = (first.decode() if isinstance(first, bytes) else str(first)).lower()
    else:
        m = _EMAIL.search(significant)
        recipient = m.group(0).lower() if m else None
    temporary_only = bool(temporary) and not permanent
    if (status or "").startswith("4") or temporary_only and not status or \
            cause == EXPIRED and re.search(r"(?i)will (retry|keep trying)|still (trying|queued)|not yet", text):
        return BounceReport(DELAYED, recipient, status, reason, False, cause if cause != UNDEFINED else EXPIRED)
    return BounceReport(BOUNCE, recipient, status, reason, is_hard(cause, status), cause)


def _significant(text: str) -> str:
    """The notice without its quoted original: up to the first line that starts the returned message."""
    m = re.search(r"(?im)^(-+ ?(original message|this is a copy|below this line|the original message|"
                  r"returned message|message text follows|unsent message)|original message follows|"
                  r"--- below this line|-{3,}.{0,40}(headers|original)|content-type: message/rfc822)", text)
    return text[:m.start()] if m and m.start() > 40 else text


def _reason_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if _STATUS.search(line) or _SMTP_CODE.search(line) or any(p.search(line) for r, p in _RULES
                                                                 if r in HARD):
            return line[:500]
    return (text.strip().splitlines() or [""])[0][:500]
