"""Per-account typed custom fields (administrators define them; every client of the account uses them)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from svckit.errors import Conflict, NotFound
from svckit.principal import ADMINISTRATOR, LICENSE_MANAGER
from svckit.work import Work

from ..contracts import CustomFieldIn
from ..db.models import Contact, CustomField
from ..i18n import _
from .common import NOT_FOUND

EXISTS = _("A custom field with this key exists already.")


def serialise(d: CustomField) -> dict:
    return {"key": d.key, "label_de": d.label_de, "label_en": d.label_en, "type": d.type, "choices": d.choices}


def all_fields(work: Work) -> list[dict]:
    session, principal = work.session, work.principal
    account = uuid.UUID(principal.require_account())
    return [serialise(d) for d in session.scalars(select(CustomField).where(CustomField.account_id == account)
                                                  .order_by(CustomField.key))]


def create(work: Work, data: CustomFieldIn) -> dict:
    session, principal = work.session, work.principal
    principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    account = uuid.UUID(principal.require_account())
    d = CustomField(id=uuid.uuid4(), account_id=account, **data.model_dump())
    session.add(d)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(EXISTS, fields={"key": EXISTS}) from None
    return serialise(d)


def delete_field(work: Work, key: str) -> None:
    """Removes the definition and the values stored under it on every contact of the account."""
    session, principal = work.session, work.principal
    principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    account = uuid.UUID(principal.require_account())
    d = session.scalar(select(CustomField).where(CustomField.account_id == account, CustomField.key == str(key)[:60]))
    if d is None:
        raise NotFound(NOT_FOUND["custom_field"])
    session.execute(update(Contact).where(Contact.account_id == account, Contact.custom.has_key(d.key))
                    .values(custom=Contact.custom - d.key))
    session.delete(d)
    session.flush()
