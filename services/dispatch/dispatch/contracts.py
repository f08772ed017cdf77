"""The RPC contract of dispatch: input models, validated on entry (any service may call, not only the gateway), and
the answers of the calls the gateway exposes (the OpenAPI document is generated from them).

Only pydantic, the standard library and svckit: the gateway imports this module."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from svckit.contracts import Answer, maybe
from svckit.validation import Input, Line, invalid

from .i18n import _

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s\"<>(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


def check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or ".." in value:
        raise invalid(_("Invalid e-mail address."))
    local, _unused, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _DOMAIN.match(value):
        raise invalid(_("Invalid domain name."))
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(check_email)]
DomainName = Annotated[str, Field(max_length=253), AfterValidator(check_domain)]
#: ids of dispatch's own rows (deliveries, cursors) are PostgreSQL bigints
BIGINT_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
#: a word for a header (the transactional category)
Word = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
ContentType = Annotated[str, Field(max_length=127, pattern=r"^[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+$")]


def _line(max_length: int, min_length: int = 0):
    """A single-line text (names, subjects, file names): anything that may reach a mail header. CR, LF, NUL,
    U+2028/2029/0085 and other control characters are refused (svckit.validation.Line)."""
    return Annotated[Line, Field(min_length=min_length, max_length=max_length)]


class DomainIn(Input):
    domain: DomainName


class DomainUpdate(Input):
    allow_unverified: bool


class RotationIn(Input):
    #: how long the replaced key stays listed (and should stay published) after the new one signs
    grace_days: int = Field(default=7, ge=1, le=90)


class SenderIn(Input):
    from_name: _line(200, 1)
    from_address: Email
    reply_to: Email | None = None
    user_ids: list[str] = Field(default_factory=list, max_length=1000)


class SenderUpdate(Input):
    from_name: _line(200, 1) | None = None
    reply_to: Email | None = None
    user_ids: list[str] | None = Field(default=None, max_length=1000)


class InlineRecipient(Input):
    email: Email
    salutation: _line(40) | None = None
    letter_salutation: _line(200) | None = None
    title: _line(80) | None = None
    first_name: _line(200) | None = None
    last_name: _line(200) | None = None
    organisation: _line(300) | None = None
    position: _line(200) | None = None
    language: Literal["de", "en"] | None = None
    custom: dict[str, Any] = Field(default_factory=dict)


class ListSource(Input):
    type: Literal["list"]
    list_id: str = Field(min_length=1, max_length=64)


class ContactsSource(Input):
    type: Literal["contacts"]
    contact_ids: list[str] = Field(min_length=1, max_length=10_000)


class SelectionSource(Input):
    type: Literal["selection"]
    selection_id: str = Field(min_length=1, max_length=64)


class AddressesSource(Input):
    type: Literal["addresses"]
    recipients: list[InlineRecipient] = Field(min_length=1, max_length=1000)


Source = Annotated[ListSource | ContactsSource | SelectionSource | AddressesSource, Field(discriminator="type")]


class MailingIn(Input):
    client_id: str
    name: _line(200) = ""
    subject: _line(998) = ""
    html: str | None = Field(default=None, max_length=500_000)
    text: str | None = Field(default=None, max_length=500_000)
    sender_id: str | None = None
    lane: Literal["standard", "premium"] = "standard"
    language: Literal["de", "en"] = "de"
    sources: list[Source] = Field(default_factory=list, max_length=50)
    track_opens: bool | None = Field(default=None, description="the open pixel; null: the account's default")
    track_clicks: bool | None = Field(default=None, description="links through the click redirect; null: the "
                                      "account's default")


class MailingUpdate(Input):
    name: _line(200) | None = None
    subject: _line(998) | None = None
    html: str | None = Field(default=None, max_length=500_000)
    text: str | None = Field(default=None, max_length=500_000)
    sender_id: str | None = None
    lane: Literal["standard", "premium"] | None = None
    language: Literal["de", "en"] | None = None
    sources: list[Source] | None = Field(default=None, max_length=50)
    track_opens: bool | None = None     # null: the account's default
    track_clicks: bool | None = None


class AccountSettingsUpdate(Input):
    track_opens: bool | None = None
    track_clicks: bool | None = None


class StartIn(Input):
    scheduled_at: datetime | None = None

    @field_validator("scheduled_at")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise invalid(_("Give the time with a time zone (e.g. 2026-05-01T09:00:00+02:00)."))
        return value


class PreviewIn(Input):
    email: Email | None = None


class TestSendIn(Input):
    to: list[Email] = Field(min_length=1, max_length=5)
    email: Email | None = None  # personalise as this recipient


class AttachmentIn(Input):
    filename: _line(255, 1)
    content_type: ContentType = "application/octet-stream"
    content_b64: str | None = Field(default=None, max_length=20_000_000)
    file_id: str | None = Field(default=None, max_length=64)   # a crm mediacenter file

    @field_validator("filename")
    @classmethod
    def plain_name(cls, value: str) -> str:
        if any(c in value for c in "/\\"):
            raise invalid(_("The file name may not contain paths."))
        return value

    @model_validator(mode="after")
    def one_source(self) -> AttachmentIn:
        if (self.content_b64 is None) == (self.file_id is None):
            raise invalid(_("Give either the content (content_b64) or a mediacenter file (file_id)."))
        return self


class Correction(Input):
    delivery_id: RowId
    email: Email


class ResendIn(Input):
    corrections: list[Correction] = Field(default_factory=list, max_length=10_000)
    corrected_only: bool = True


class SuppressionIn(Input):
    address: str = Field(min_length=3, max_length=320)
    reason: Literal["blacklist"] = "blacklist"

    @field_validator("address")
    @classmethod
    def address_or_domain(cls, value: str) -> str:
        value = value.strip().lower()
        if value.startswith("@"):
            return "@" + check_domain(value[1:])
        return check_email(value).lower()


class PageIn(Input):
    cursor: int | None = Field(default=None, ge=0, le=BIGINT_MAX)
    limit: int = Field(default=100, ge=1, le=1000)
    state: _line(20) | None = None
    q: _line(200) | None = None


class TrackingIn(Input):
    user_agent: str | None = Field(default=None, max_length=1000)
    method: str = Field(default="GET", max_length=10)
    ip: str | None = Field(default=None, max_length=64)
    via: Literal["web", "one_click", "mailto"] | None = None


class TransactionalAttachment(Input):
    filename: _line(255, 1)
    content_type: ContentType
    content_b64: str = Field(max_length=20_000_000)


class TransactionalIn(Input):
    to: Email
    subject: _line(998, 1)
    text: str = Field(min_length=1, max_length=1_000_000)
    html: str | None = Field(default=None, max_length=2_000_000)
    to_name: _line(200) | None = None
    category: Word = "notice"
    account_id: str | None = None
    language: Literal["de", "en"] = "de"
    attachments: list[TransactionalAttachment] = Field(default_factory=list, max_length=20)
    idempotency_key: str = Field(min_length=1, max_length=200)


# --- answers ---------------------------------------------------------------------------------------------------------
# What the use cases return to the gateway (and so to the HTTP client): the gateway documents its routes with these
# models (OpenAPI), and the end-to-end tests validate every answer against that document. Every field the service
# returns is declared; unknown fields are refused (a new field must be added here, or the tests fail).


class DnsRecord(Answer):
    """One record to publish, exactly as the customer enters it (TXT values over 255 octets split in ``strings``;
    the return-path host is a CNAME to our bounce host)."""

    kind: Literal["dkim_rsa", "dkim_ed25519", "spf", "dmarc", "return_path"]
    type: Literal["TXT", "CNAME"]
    name: str
    value: str
    strings: list[str]
    required: bool
    note: str | None = maybe("what to do with an existing record (SPF, DMARC)")


class RecordCheck(Answer):
    ok: bool
    found: list[str] = Field(description="the TXT values found (at most five)")
    problem: str | None = Field(description="null when ok, else e.g. missing, key_mismatch, include_missing, "
                                            "no_spf_record, no_dmarc_record, wrong_target (return path), or a DNS "
                                            "error")
    policy: Literal["none", "quarantine", "reject"] | None = maybe("DMARC only: the record's p (null: no record)")
    subdomain_policy: Literal["none", "quarantine", "reject"] | None = maybe("DMARC only: sp")
    pct: int | None = maybe("DMARC only: pct")
    rua: list[str] | None = maybe("DMARC only: the aggregate-report addresses")


#: the last DNS check: one entry per record kind (``dkim_rsa``, ``dkim_ed25519``, ``spf``, ``dmarc``,
#: ``return_path``) and
#: ``dkim_ok``; empty before the first check
DnsCheck = Annotated[dict[str, RecordCheck | bool], Field(
    description="the last DNS check: per record kind {ok, found, problem}, and dkim_ok; empty before the first check")]


class DkimKey(Answer):
    state: Literal["active", "pending", "retiring"]
    signing: bool
    rsa_selector: str
    ed25519_selector: str
    records: list[DnsRecord] = Field(description="the key's two DKIM records")
    grace_days: int | None = maybe("pending and retiring keys: days the replaced key stays listed")
    check: DnsCheck | None = maybe("pending and retiring keys")
    checked_at: datetime | None = Field(default=None, description="pending and retiring keys (null: never checked)")
    created_at: datetime | None = Field(default=None, description="pending and retiring keys")
    retire_after: datetime | None = Field(default=None, description="retiring keys: deleted after this")


class Rotation(Answer):
    """A rotation under way: the new key's records to publish and its last check."""

    rsa_selector: str
    ed25519_selector: str
    records: list[DnsRecord]
    check: DnsCheck
    checked_at: datetime | None


class Alignment(Answer):
    """SPF alignment and the customer's DMARC record, explained (from the last check)."""

    return_path_host: str = Field(description="the custom return-path host (a CNAME to our bounce host)")
    spf_aligned: bool = Field(description="the last check found the CNAME: mailings use a return path at that host")
    dmarc_policy: Literal["none", "quarantine", "reject"] | None = Field(description="null: no DMARC record found")
    dmarc_rua: list[str]
    explanation: list[ProblemText] = Field(description="what it means, sentence by sentence; empty before the "
                                                       "first check")


class SenderDomain(Answer):
    id: uuid.UUID
    domain: str
    dkim_ok: bool
    allow_unverified: bool
    sendable: bool
    checked_at: datetime | None
    check: DnsCheck
    records: list[DnsRecord] = Field(description="the records of the signing key, SPF, DMARC and the return-path "
                                                 "host")
    alignment: Alignment
    created_at: datetime | None
    keys: list[DkimKey] = Field(description="the signing key (active), a rotation's new key (pending) and replaced "
                                            "keys kept for verification until retire_after (retiring)")
    rotation: Rotation | None = Field(description="a rotation under way: the new key's records to publish and its "
                                                  "last check")
    sender_issue: str | None = Field(description="the last sender-side bounce reason (blocked, auth_failure, "
                                                 "reputation, policy, ptr, spam_detected ...) of its mailings")
    sender_issue_at: datetime | None
    sent_30d: int = Field(description="mails sent from this domain's mailings in the last 30 days")
    complaints_30d: int = Field(description="of these, how many drew a complaint")
    complaint_rate_30d: float | None = Field(description="complaints_30d / sent_30d; null without mail sent")


class Sender(Answer):
    id: uuid.UUID
    from_name: str
    from_address: str
    reply_to: str | None
    domain_id: uuid.UUID
    user_ids: list[uuid.UUID]
    sendable: bool | None = Field(description="the domain's DKIM record is found or sending without it is allowed")


class AttachmentInfo(Answer):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int


class Mailing(Answer):
    """subject, html and text are templates: {{ letter_salutation }}, {{ first_name }}, {{ last_name }},
    {{ title }}, {{ organisation }}, {{ position }}, {{ custom.<field> }}"""

    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    subject: str
    html: str | None
    text: str | None
    sender_id: uuid.UUID | None
    lane: Literal["standard", "premium"]
    language: Literal["de", "en"]
    sources: list[Source]
    state: Literal["draft", "scheduled", "sending", "finished", "cancelled"]
    total: int
    track_opens: bool | None = Field(description="the open pixel; null: the account's default")
    track_clicks: bool | None = Field(description="links through the click redirect; null: the account's default")
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    attachments: list[AttachmentInfo] = Field(description="empty in lists")


class AccountSettings(Answer):
    """The account's defaults for mailings that do not choose themselves."""

    track_opens: bool = Field(description="the open pixel in mailings")
    track_clicks: bool = Field(description="links through the click redirect (off: links unchanged)")


class PreviewRecipient(Answer):
    email: str | None
    first_name: str | None
    last_name: str | None
    contact_id: str | None


class Preview(Answer):
    recipient: PreviewRecipient = Field(description="the recipient shown (a sample one without recipients)")
    subject: str
    html: str | None
    text: str


class QueuedTests(Answer):
    queued: int
    to: list[str]


class LeftOut(Answer):
    """A recipient left out, and why (invalid_address, marked_invalid, duplicate, or a suppression reason)."""

    email: str
    contact_id: str | None
    pressbase_id: str | int | None
    name: str
    reason: str


class SampleRecipient(Answer):
    email: str
    name: str


class ProblemText(Answer):
    de: str
    en: str


class StartProblem(Answer):
    code: str
    field: str | None
    message: ProblemText
    limit: int | None = maybe("the recipient limit")


class PresendReason(Answer):
    code: str = Field(description="dkim_aligned, unverified_domain, spf_aligned, spf_not_aligned, dmarc_present, "
                                  "dmarc_missing, dmarc_unchecked, one_click_unsubscribe(_missing), "
                                  "complaint_rate(_high, _too_high), suppressed_share(_high)")
    light: Literal["green", "amber", "red"]
    message: ProblemText


class PresendVerdict(Answer):
    light: Literal["green", "amber", "red"] = Field(description="the worst light of the reasons; red: the start is "
                                                                "refused")
    reasons: list[PresendReason]


class Volume(Answer):
    recipients: int
    left_out: int
    left_out_by_reason: dict[str, int]
    left_out_detail: list[LeftOut] = Field(description="at most 1000")
    bytes_per_mail: int
    total_bytes: int
    max_recipients: int | None
    premium_allowed: bool
    within_limit: bool
    sample: list[SampleRecipient] = Field(description="the first 200 recipients (for a preview as one of them)")
    problems: list[StartProblem] = Field(description="what would stop the start now, with the message the start "
                                                     "would give (missing subject/body/sender, DKIM, no recipients, "
                                                     "premium or recipient limit)")
    verdict: PresendVerdict = Field(description="the pre-send verdict against the mailbox providers' bulk-sender "
                                                "rules (docs/deliverability.md)")


class StartResult(Answer):
    mailing: Mailing
    recipients: int
    left_out: int
    left_out_by_reason: dict[str, int]
    left_out_detail: list[LeftOut] = Field(description="at most 1000")


class CancelResult(Answer):
    mailing: Mailing
    cancelled: int = Field(description="recipients not sent to")


class Counts(Answer):
    total: int
    sent: int
    delivered: int
    deferred: int
    queued: int
    bounced_hard: int
    bounced_soft: int
    cancelled: int


class Progress(Counts):
    state: Literal["draft", "scheduled", "sending", "finished", "cancelled"]
    done: int


class ProviderFigures(Answer):
    provider: Literal["gmail", "outlook", "gmx_webde", "t_online", "yahoo", "other"]
    delivered: int
    deferred: int
    bounced: int
    complaints: int


class SenderIssue(Answer):
    """A sender-side bounce (blocked, auth_failure, reputation, policy, ptr, spam_detected ...): about our sending
    domain, not the recipient's address."""

    domain: str
    reason: str = Field(description="one of dispatch.domain.bounce.SENDER_SIDE")
    at: datetime | None


class Report(Counts):
    """Sent, delivered, deferred, bounced (hard/soft), opened, clicked, unsubscribed; scanner hits apart."""

    mailing_id: uuid.UUID
    state: Literal["draft", "scheduled", "sending", "finished", "cancelled"]
    subject: str
    lane: Literal["standard", "premium"]
    left_out: int
    opened: int
    clicked: int
    unsubscribed: int
    machine_opens: int
    machine_clicks: int
    opens_total: int
    clicks_total: int
    complaints: int = Field(description="recipients who marked the mail as spam (ARF report, provider complaint)")
    complaint_rate: float | None = Field(description="complaints per mail sent (0.003 = 0.3 %); null before any")
    by_provider: list[ProviderFigures] = Field(description="delivered/deferred/bounced/complaints per receiving "
                                                           "provider (gmail, outlook, gmx_webde, t_online, yahoo, "
                                                           "other), providers without a recipient left out")
    sender_issue: SenderIssue | None = Field(description="the last sender-side bounce reason of the sending domain")


class RecipientRow(Answer):
    id: int
    email: str
    contact_id: str | None
    state: str
    bounce: Literal["hard", "soft"] | None
    attempts: int
    last_code: int | None
    last_reply: str | None
    sent_at: datetime | None
    final_at: datetime | None
    next_attempt_at: datetime
    opens: int
    clicks: int


class RecipientPage(Answer):
    items: list[RecipientRow]
    next_cursor: int | None


class TimelineEvent(Answer):
    kind: str
    machine: bool
    at: datetime
    detail: dict[str, Any] = Field(description="what the event carries (reply code, user agent, URL ...); open")


class Timeline(Answer):
    id: int
    email: str
    state: str
    events: list[TimelineEvent]


class Undeliverable(Answer):
    id: int
    email: str
    contact_id: str | None
    state: Literal["failed", "bounced"]
    bounce: Literal["hard", "soft"] | None
    last_code: int | None
    last_reply: str | None
    final_at: datetime | None
    corrected_email: str | None
    resent: bool


class Skipped(Answer):
    delivery_id: int
    email: str
    reason: str


class ResendResult(Answer):
    resent: int
    skipped: list[Skipped]
    emails: list[str]


class ReportExport(Answer):
    """The Excel report of a mailing, made as a job: poll it, then download."""

    id: uuid.UUID
    mailing_id: uuid.UUID
    state: Literal["running", "done", "failed"]
    done: int
    total: int
    filename: str | None
    error: dict[str, Any] | None = Field(description="why it failed (open)")


class SuppressionMailing(Answer):
    id: uuid.UUID
    name: str


class SuppressionDetail(Answer):
    status: str | None = maybe("the SMTP status of a bounce")
    reason: str | None = maybe("the relay's reply")
    via: str | None = maybe("how an unsubscribe came: web, one_click, mailto")
    by: str | None = maybe("the user who added a blacklist entry")


class Suppression(Answer):
    id: int
    address: str = Field(description="an address, `@domain`, or `#...` (the hash that stays of an erased person)")
    reason: Literal["blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint"]
    scope: Literal["account", "client"]
    client_id: uuid.UUID | None
    mailing: SuppressionMailing | None = Field(description="the mailing the entry came from, only for users who "
                                                           "can see its client")
    detail: SuppressionDetail
    created_at: datetime


class SuppressionPage(Answer):
    items: list[Suppression]
    next_cursor: int | None


class SuppressionAdded(Answer):
    address: str
    reason: Literal["blacklist"]
    scope: Literal["account"]
    created: bool = Field(description="whether the account-wide entry is new")
