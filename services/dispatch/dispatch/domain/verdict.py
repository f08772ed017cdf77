"""The pre-send verdict: a mailing's sending set-up against the bulk-sender rules of the big mailbox providers
(Gmail, Yahoo, Microsoft: authenticated and aligned, DMARC published, one-click unsubscribe, complaints under 0.3 %).

Pure rules over :class:`Inputs` (computed by ``usecases.mailings.verdict_inputs``). Each rule gives one
:class:`Reason` with a light: ``green`` (fine), ``amber`` (sends, but mailbox providers may file or throttle the
mail) or ``red`` (the start is refused). The verdict's light is the worst of its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from svckit.i18n import Text

from ..i18n import _

GREEN, AMBER, RED = "green", "amber", "red"
_ORDER = {GREEN: 0, AMBER: 1, RED: 2}

COMPLAINT_RED = 0.003     # 0.3 %: the providers' hard limit for bulk senders
COMPLAINT_AMBER = 0.001   # 0.1 %: what Google asks senders to stay under
SUPPRESSED_AMBER = 0.10   # a tenth of the chosen addresses suppressed: the list is likely stale

DKIM_ALIGNED = _("DKIM: the sender domain {domain} is verified; mail is signed with its published key (aligned).")
UNVERIFIED_ALLOWED = _("Unverified domain: the DKIM key of {domain} is not found in DNS; the administrator allowed "
                       "sending anyway, but mailbox providers may reject or file the mail as spam.")
UNVERIFIED = _("Unverified domain: the DKIM key of {domain} is not found in DNS. Please publish and check it.")
SPF_ALIGNED = _("SPF: the return path {host} belongs to the sender domain (aligned).")
SPF_NOT_ALIGNED = _("SPF: the return path {host} is ours, so SPF passes but is not aligned; DMARC rests on DKIM.")
SPF_NOT_ALIGNED_NO_DKIM = _("SPF: the return path {host} is ours and not aligned, and DKIM is not verified either: "
                            "DMARC cannot pass.")
DMARC_OK = _("DMARC: the sender domain publishes a DMARC record.")
DMARC_MISSING = _("DMARC: no DMARC record found for the sender domain (required for bulk senders).")
DMARC_UNCHECKED = _("DMARC: the sender domain's DNS has not been checked yet.")
UNSUB_OK = _("One-click unsubscribe (RFC 8058) is in every mail.")
UNSUB_MISSING = _("One-click unsubscribe is missing (required for bulk senders).")
COMPLAINTS_NONE = _("Complaints: no mail sent in the last 30 days to measure a complaint rate.")
COMPLAINTS_OK = _("Complaints: {rate} % of the last 30 days' mails (limit 0.3 %).")
COMPLAINTS_HIGH = _("Complaints: {rate} % of the last 30 days' mails; mailbox providers ask for less than 0.1 %.")
COMPLAINTS_RED = _("Complaints: {rate} % of the last 30 days' mails, at or above the providers' limit of 0.3 %. "
                   "Please clean the lists before sending again.")
SUPPRESSED_OK = _("Suppressed: {share} % of the chosen addresses are on the suppression list.")
SUPPRESSED_HIGH = _("Suppressed: {share} % of the chosen addresses are on the suppression list; the lists look "
                    "stale, please clean them.")


@dataclass(frozen=True)
class Inputs:
    domain: str                  # the sender domain
    dkim_ok: bool                # its DKIM record found in DNS as published by us
    allow_unverified: bool       # the administrator allowed sending without it
    return_path: str             # the host of the envelope sender (VERP)
    spf_aligned: bool            # that host is the sender domain or below it
    dmarc_ok: bool | None        # the last DNS check found a DMARC record (None: never checked)
    one_click_unsubscribe: bool  # List-Unsubscribe + List-Unsubscribe-Post in every mail
    sent: int                    # the account's mails sent in the last 30 days
    complaints: int              # complaints about them
    recipients: int              # the addresses the mailing would send to
    suppressed: int              # the chosen addresses left out as suppressed


@dataclass(frozen=True)
class Reason:
    code: str
    light: str
    message: Text


@dataclass(frozen=True)
class Verdict:
    light: str
    reasons: list[Reason]

    @property
    def refused(self) -> bool:
        return self.light == RED

    def blocking(self) -> list[Reason]:
        return [r for r in self.reasons if r.light == RED]


def _pct(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") or "0"


def dkim(i: Inputs) -> Reason:
    if i.dkim_ok:
        return Reason("dkim_aligned", GREEN, DKIM_ALIGNED.format(domain=i.domain))
    if i.allow_unverified:
        return Reason("unverified_domain", AMBER, UNVERIFIED_ALLOWED.format(domain=i.domain))
    return Reason("unverified_domain", RED, UNVERIFIED.format(domain=i.domain))


def spf(i: Inputs) -> Reason:
    if i.spf_aligned:
        return Reason("spf_aligned", GREEN, SPF_ALIGNED.format(host=i.return_path))
    if i.dkim_ok:
        return Reason("spf_not_aligned", GREEN, SPF_NOT_ALIGNED.format(host=i.return_path))
    return Reason("spf_not_aligned", AMBER, SPF_NOT_ALIGNED_NO_DKIM.format(host=i.return_path))


def dmarc(i: Inputs) -> Reason:
    if i.dmarc_ok:
        return Reason("dmarc_present", GREEN, DMARC_OK)
    if i.dmarc_ok is None:
        return Reason("dmarc_unchecked", AMBER, DMARC_UNCHECKED)
    return Reason("dmarc_missing", AMBER, DMARC_MISSING)


def unsubscribe(i: Inputs) -> Reason:
    if i.one_click_unsubscribe:
        return Reason("one_click_unsubscribe", GREEN, UNSUB_OK)
    return Reason("one_click_unsubscribe_missing", RED, UNSUB_MISSING)


def complaint_rate(i: Inputs) -> Reason:
    if i.sent <= 0:
        return Reason("complaint_rate", GREEN, COMPLAINTS_NONE)
    rate = i.complaints / i.sent
    if rate >= COMPLAINT_RED:
        return Reason("complaint_rate_too_high", RED, COMPLAINTS_RED.format(rate=_pct(rate)))
    if rate >= COMPLAINT_AMBER:
        return Reason("complaint_rate_high", AMBER, COMPLAINTS_HIGH.format(rate=_pct(rate)))
    return Reason("complaint_rate", GREEN, COMPLAINTS_OK.format(rate=_pct(rate)))


def suppressed_share(i: Inputs) -> Reason:
    chosen = i.recipients + i.suppressed
    share = i.suppressed / chosen if chosen else 0.0
    if share >= SUPPRESSED_AMBER:
        return Reason("suppressed_share_high", AMBER, SUPPRESSED_HIGH.format(share=_pct(share)))
    return Reason("suppressed_share", GREEN, SUPPRESSED_OK.format(share=_pct(share)))


RULES = (dkim, spf, dmarc, unsubscribe, complaint_rate, suppressed_share)


def verdict(i: Inputs) -> Verdict:
    reasons = [rule(i) for rule in RULES]
    light = max((r.light for r in reasons), key=_ORDER.__getitem__)
    return Verdict(light, reasons)
