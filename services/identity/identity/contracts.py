"""identity's contract: the RPC input models (validated again on entry: any service may call identity, not only the
gateway) and the models of the answers its HTTP routes give (the gateway imports this module to build its routes
and the OpenAPI document; nothing here imports identity's database or nameko code).

Input models forbid unknown fields; answer models (``Answer``) forbid them too, so an answer that grows a field the
contract does not declare fails the tests that check answers against the contract.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import EmailStr, Field, ValidationInfo, field_validator

from svckit.contracts import Answer
from svckit.validation import Input, Line, invalid

from .i18n import _

Language = Literal["de", "en"]
Right = Literal["full", "read", "hidden"]


def line(max_length: int, min_length: int | None = None) -> Any:
    """A single-line text (svckit ``Line``: no line breaks or control characters, they would reach mail headers)
    with its length checked first, so a length error reads as one."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), *Line.__metadata__]


PersonName = line(100)
FilledPersonName = line(100, min_length=1)  # a change may not blank a name
Salutation = line(20)
AccountOrClientName = line(200, min_length=1)
#: the largest value of a PostgreSQL bigint (ids, cursors): beyond it a query fails instead of finding nothing
MAX_BIGINT = 2 ** 63 - 1


class Changes(Input):
    """A PATCH body: only the fields sent count, and an explicit ``null`` is refused naming the field unless the field
    lists it in ``nullable`` (where null has a meaning, e.g. "no change interval")."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise invalid(_("Must not be null; leave the field out to keep it unchanged."))
        return value


#: the current password, asked again before changes that would let a stolen session take the account over
CurrentPassword = Field(default=None, max_length=1024)


class Credentials(Input):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class ClientInfo(Input):
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class SecondFactor(Input):
    challenge: str = Field(min_length=1, max_length=512)
    code: str = Field(min_length=1, max_length=32)


class Challenge(Input):
    challenge: str = Field(min_length=1, max_length=512)


class Forgot(Input):
    email: str = Field(min_length=1, max_length=254)


class Reset(Input):
    email: str = Field(min_length=3, max_length=254)
    one_time_password: str = Field(min_length=1, max_length=64)
    new_password: str = Field(min_length=1, max_length=1024)


class ChangePassword(Input):
    current_password: str | None = Field(default=None, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class Person(Input):
    email: EmailStr
    first_name: PersonName = ""
    last_name: PersonName = ""
    language: Language | None = None
    salutation: Salutation | None = None


class AccountInput(Input):
    name: AccountOrClientName
    language: Language = "de"


class ClientName(Input):
    name: AccountOrClientName


class Order(Input):
    idempotency_key: str = Field(min_length=1, max_length=200)
    account: AccountInput
    license_manager: Person
    administrator: Person
    seats: int = Field(ge=1, le=100_000)
    clients: list[ClientName] = Field(default_factory=list, max_length=1000)


class NewUser(Person):
    active: bool = False
    two_factor_by_mail: bool = False
    rights: dict[uuid.UUID, Right] = Field(default_factory=dict, max_length=1000)


class UserChanges(Changes):
    """The administrator changes a user; a new e-mail address (the login name, where reset mails go) needs the
    administrator's ``current_password``."""

    nullable = frozenset({"salutation", "current_password"})

    email: EmailStr | None = None
    first_name: FilledPersonName | None = None
    last_name: FilledPersonName | None = None
    salutation: Salutation | None = None
    language: Language | None = None
    two_factor_by_mail: bool | None = None
    current_password: str | None = CurrentPassword


class ProfileChanges(Changes):
    """``PATCH /me``: names cannot be blanked; a salutation can be removed with null."""

    nullable = frozenset({"salutation"})

    first_name: FilledPersonName | None = None
    last_name: FilledPersonName | None = None
    salutation: Salutation | None = None
    language: Language | None = None


class Rights(Input):
    rights: dict[uuid.UUID, Right] = Field(max_length=10_000)


class HandOver(Input):
    role: Literal["license_manager", "administrator"]
    user_id: uuid.UUID


class NewClient(Input):
    name: AccountOrClientName
    description: str = Field(default="", max_length=2000)


class ClientChanges(Changes):
    nullable = frozenset({"description"})  # null clears the description

    name: AccountOrClientName | None = None
    description: str | None = Field(default=None, max_length=2000)


class Settings(Changes):
    nullable = frozenset({"password_max_age_days"})  # null switches the change interval off

    password_min_length: int | None = Field(default=None, ge=8, le=128)
    password_max_length: int | None = Field(default=None, ge=64, le=1024)
    password_max_age_days: int | None = Field(default=None, ge=1, le=3650)
    two_factor_required: bool | None = None
    idle_timeout_minutes: int | None = Field(default=None, ge=5, le=1440)
    session_lifetime_hours: int | None = Field(default=None, ge=1, le=720)
    name: AccountOrClientName | None = None
    language: Language | None = None


class AuditFilter(Input):
    event: list[str] | None = Field(default=None, max_length=50)
    user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    cursor: int | None = Field(default=None, ge=1, le=MAX_BIGINT)
    limit: int = Field(default=50, ge=1, le=500)

    @field_validator("event", mode="before")
    @classmethod
    def _split(cls, value):
        return [v for v in value.split(",") if v] if isinstance(value, str) else value


class MailCodes(Input):
    enabled: bool
    current_password: str | None = CurrentPassword  # needed to switch them off


class TotpConfirmation(Input):
    code: str = Field(min_length=1, max_length=32)
    current_password: str | None = CurrentPassword


class Reauthentication(Input):
    current_password: str | None = CurrentPassword


class NewOperator(Input):
    email: EmailStr
    first_name: PersonName = ""
    last_name: PersonName = ""
    language: Language = "de"
    roles: list[Literal["back_office", "support"]] = Field(min_length=1, max_length=2)
    password: str = Field(min_length=1, max_length=1024)
    must_change_password: bool = True


class OperatorAction(Input):
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    status: int
    request_id: str | None = Field(default=None, max_length=64)


def changes(model: Input) -> dict:
    """Only the fields the caller sent (``None`` for max age means: switch the interval off)."""
    return model.model_dump(exclude_unset=True)


# --- incident notes (public status page) -----------------------------------------------------------------------------

Component = Literal["web", "login", "contacts", "mailings", "pressbase", "billing"]


class IncidentText(Input):
    de: str = Field(min_length=1, max_length=4000)
    en: str | None = Field(default=None, max_length=4000)


class IncidentTitle(IncidentText):
    de: str = Field(min_length=1, max_length=200)
    en: str | None = Field(default=None, max_length=200)


class NewIncident(Input):
    severity: Literal["info", "minor", "major"] = "minor"
    components: list[Component] = Field(default_factory=list, max_length=6)
    title: IncidentTitle
    body: IncidentText


class IncidentResolution(Input):
    resolution: IncidentText | None = None


class IncidentFilter(Input):
    state: Literal["open", "resolved", "all"] = "all"
    limit: int = Field(default=50, ge=1, le=200)


# --- answers ---------------------------------------------------------------------------------------------------------

ClientRight = Literal["full", "read"]
TwoFactorMethod = Literal["email", "totp"]


class TwoFactorState(Answer):
    method: TwoFactorMethod | None = Field(description="the second factor asked at login (none: password only)")
    own_choice: Literal["none", "email"] = Field(description="the user's own choice of codes by mail")
    totp: bool = Field(description="an authenticator app is set up")
    required_by_account: bool


class User(Answer):
    """A user of an account (``kind`` user) or one of the vendor's operators (``kind`` operator)."""

    id: uuid.UUID
    kind: Literal["user", "operator"]
    email: str
    first_name: str
    last_name: str
    salutation: str | None
    language: Language
    active: bool
    roles: list[str] = Field(description="license_manager, administrator, user; operators: back_office, support")
    two_factor: TwoFactorState
    last_login_at: datetime | None
    created_at: datetime | None
    account_id: uuid.UUID | None = Field(default=None, description="absent for operators")
    clients: dict[str, ClientRight] | None = Field(
        default=None, description="rights per client id (no entry: hidden); only where the caller may see them")


class AccountRef(Answer):
    id: uuid.UUID
    name: str
    language: Language


class Me(User):
    """The logged-in user with the own account and the current session."""

    account: AccountRef | None = Field(default=None, description="absent for operators")
    session_id: uuid.UUID | None


class Authenticated(Answer):
    status: Literal["authenticated"]
    token: str = Field(description="the session token (also set as the HttpOnly cookie pressroom_session)")
    session_id: uuid.UUID
    expires_at: datetime | None
    idle_timeout_minutes: int
    restrictions: list[Literal["password_change_required"]] = Field(
        description="password_change_required: the session may only change the password first")
    user: User


class SecondFactorRequired(Answer):
    status: Literal["second_factor_required"]
    challenge: str = Field(description="send it back with the code to POST /api/v1/auth/login/second-factor")
    method: TwoFactorMethod
    expires_at: datetime | None


LoginResult = Annotated[Authenticated | SecondFactorRequired, Field(discriminator="status")]


class CodeSent(Answer):
    sent: bool
    sends_left: int
    code_expires_at: datetime | None


class Ended(Answer):
    ended: bool


class SessionEnded(Answer):
    ended: bool
    current: bool = Field(description="the caller's own session ended (the cookie is removed)")


class PasswordChanged(Answer):
    changed: bool


class ForgotAnswer(Answer):
    """What ``forgot_password`` returns: the same message for every address, in both languages."""

    message: dict[Language, str]


class Message(Answer):
    message: str = Field(description="in the caller's language")


class Session(Answer):
    id: uuid.UUID
    created_at: datetime | None
    last_seen_at: datetime | None
    expires_at: datetime | None
    ip: str | None
    user_agent: str | None
    current: bool


class Sessions(Answer):
    sessions: list[Session]


class TotpStart(Answer):
    secret: str
    otpauth_uri: str


class TotpEnabled(Answer):
    enabled: bool
    backup_codes: list[str] = Field(description="single-use; shown once")


class BackupCodes(Answer):
    backup_codes: list[str] = Field(description="single-use; shown once; the old ones stop working")


class Account(Answer):
    id: uuid.UUID
    name: str
    language: Language
    seats: int = Field(ge=0)


class SecuritySettings(Answer):
    password_min_length: int
    password_max_length: int
    password_max_age_days: int | None
    two_factor_required: bool
    idle_timeout_minutes: int
    session_lifetime_hours: int


class AccountDetails(Answer):
    id: uuid.UUID
    name: str
    language: Language
    seats: int
    active_users: int
    seats_exceeded: bool
    license_manager_id: uuid.UUID | None
    administrator_id: uuid.UUID | None
    security: SecuritySettings
    created_at: datetime | None


class HandedOver(Answer):
    role: Literal["license_manager", "administrator"]
    user_id: uuid.UUID
    previous_user_id: uuid.UUID | None


class AuditEntry(Answer):
    id: int
    at: datetime | None
    event: str
    actor_kind: str = Field(description="user, operator, service or anonymous")
    actor_id: str | None
    actor_email: str | None
    target_user_id: uuid.UUID | None
    target_client_id: uuid.UUID | None
    ip: str | None
    details: dict[str, Any]


class AuditPage(Answer):
    entries: list[AuditEntry]
    next_cursor: int | None = Field(description="pass as ``cursor`` for the next (older) page; null: no more")


class UserList(Answer):
    users: list[User]
    seats: int
    active: int
    seats_exceeded: bool


class UserRights(Answer):
    user_id: uuid.UUID
    clients: dict[str, ClientRight]


class Client(Answer):
    id: uuid.UUID
    name: str
    description: str | None
    created_at: datetime | None
    right: Right | None = Field(default=None, description="the caller's right on the client")


class ClientList(Answer):
    clients: list[Client]


class Deleted(Answer):
    deleted: bool


class ClientRights(Answer):
    client_id: uuid.UUID
    rights: dict[str, ClientRight] = Field(description="right per user id (no entry: hidden)")


class MatrixClient(Answer):
    id: uuid.UUID
    name: str


class MatrixUser(Answer):
    id: uuid.UUID
    email: str
    name: str
    active: bool
    rights: dict[str, Right] = Field(description="right per client id")


class RightsMatrix(Answer):
    clients: list[MatrixClient]
    users: list[MatrixUser]


class AccountSummary(Answer):
    id: uuid.UUID
    name: str
    language: Language
    created_at: datetime | None
    seats: int
    active_users: int


class AccountList(Answer):
    accounts: list[AccountSummary]


# --- incident notes: answers (the public status page and the back office; gateway.routes.status) --------------------

class IncidentNote(Answer):
    de: str
    en: str = Field(description="English (the German text when none was given)")


class Incident(Answer):
    id: uuid.UUID
    severity: Literal["info", "minor", "major"]
    components: list[Component]
    title: IncidentNote
    body: IncidentNote
    resolution: IncidentNote | None = Field(description="the closing note, once resolved")
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None


class Incidents(Answer):
    incidents: list[Incident]
