"""RPC input models: validated again on entry (any service may call identity, not only the gateway)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import EmailStr, Field, field_validator
from svckit.validation import Input

Language = Literal["de", "en"]
Right = Literal["full", "read", "hidden"]
Name = Field(default="", max_length=100)


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
    first_name: str = Name
    last_name: str = Name
    language: Language | None = None
    salutation: str | None = Field(default=None, max_length=20)


class AccountInput(Input):
    name: str = Field(min_length=1, max_length=200)
    language: Language = "de"


class ClientName(Input):
    name: str = Field(min_length=1, max_length=200)


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


class UserChanges(Input):
    email: EmailStr | None = None
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    salutation: str | None = Field(default=None, max_length=20)
    language: Language | None = None
    two_factor_by_mail: bool | None = None


class ProfileChanges(Input):
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    salutation: str | None = Field(default=None, max_length=20)
    language: Language | None = None


class Rights(Input):
    rights: dict[uuid.UUID, Right] = Field(max_length=10_000)


class HandOver(Input):
    role: Literal["license_manager", "administrator"]
    user_id: uuid.UUID


class NewClient(Input):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class ClientChanges(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class Settings(Input):
    password_min_length: int | None = Field(default=None, ge=8, le=128)
    password_max_length: int | None = Field(default=None, ge=64, le=1024)
    password_max_age_days: int | None = Field(default=None, ge=1, le=3650)
    two_factor_required: bool | None = None
    idle_timeout_minutes: int | None = Field(default=None, ge=5, le=1440)
    session_lifetime_hours: int | None = Field(default=None, ge=1, le=720)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    language: Language | None = None


class AuditFilter(Input):
    event: list[str] | None = Field(default=None, max_length=50)
    user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    cursor: int | None = Field(default=None, ge=1)
    limit: int = Field(default=50, ge=1, le=500)

    @field_validator("event", mode="before")
    @classmethod
    def _split(cls, value):
        return [v for v in value.split(",") if v] if isinstance(value, str) else value


class MailCodes(Input):
    enabled: bool


class Code(Input):
    code: str = Field(min_length=1, max_length=32)


class Password(Input):
    password: str | None = Field(default=None, max_length=1024)


class NewOperator(Input):
    email: EmailStr
    first_name: str = Name
    last_name: str = Name
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
