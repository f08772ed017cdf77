"""Recipients for dispatch: a list or a set of contacts, streamed in pages by id cursor (docs/contracts.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput
from svckit.principal import Principal
from svckit.validation import parse, parse_uuid
from svckit.work import Work

from ..contracts import RecipientSource
from ..db import contacts as repo
from ..db.models import Contact, ContactEmail
from ..domain import salutation
from ..i18n import _
from .common import Scope, decode_cursor, encode_cursor
from .contacts import person_of
from .lists import member_source, visible_list

RECIPIENT_COLUMNS = (Contact.id, Contact.client_id, Contact.kind, Contact.gender, Contact.title, Contact.first_name,
                     Contact.last_name, Contact.org_name, Contact.organisation, Contact.position, Contact.language,
                     Contact.country, Contact.informal, Contact.letter_salutation, Contact.custom)
LIMIT = _("The limit must be between 1 and 1000.")


def recipient(c: Contact | Row[Any], email: str | None, state: str | None) -> dict[str, Any]:
    return {"contact_id": str(c.id), "client_id": str(c.client_id), "email": email,
            "email_valid": bool(email) and state != "invalid",
            "salutation": salutation.salutation_word(c.gender, c.language),
            "letter_salutation": salutation.letter_salutation(person_of(c)),
            "gender": c.gender, "title": c.title, "first_name": c.first_name, "last_name": c.last_name,
            "organisation": c.org_name if c.kind == "organisation" else c.organisation, "position": c.position,
            "language": c.language, "country": c.country, "custom": dict(c.custom or {})}


def source_query(session: Session, principal: Principal, source: Any):
    """(FROM without the e-mail join, WHERE parts, keyset column) of a recipient source."""
    src = parse(RecipientSource, source, prefix="source")
    if src.list_id is not None:
        return member_source(visible_list(session, principal, src.list_id), base=Contact.__table__)
    scope = Scope(principal)
    conds = repo.conditions(scope.account_id, scope.clients, None)
    assert src.contact_ids is not None, "RecipientSource has exactly one of list_id, contact_ids"
    conds.append(Contact.id.in_(list(dict.fromkeys(src.contact_ids))))
    return Contact.__table__, conds, Contact.id


def resolve(work: Work, source: Any, cursor: str | None, limit: Any) -> dict:
    session, principal = work.session, work.principal
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise InvalidInput(fields={"limit": LIMIT}) from None
    if not 1 <= limit <= 1000:
        raise InvalidInput(fields={"limit": LIMIT})
    from_, conds, key = source_query(session, principal, source)
    after = decode_cursor(cursor, 1)
    if after:
        conds.append(key > parse_uuid(after[0], "cursor"))
    # two steps, each one index range: the page's ids in key order, then their columns and primary addresses
    # (joining everything in one statement let the planner merge-join from the start of the table on every page)
    ids = session.execute(select(key).select_from(from_).where(*conds).order_by(key).limit(limit + 1)).scalars().all()
    more = len(ids) > limit
    ids = ids[:limit]
    if not ids:
        return {"recipients": [], "next_cursor": None}
    # only the columns a recipient needs (no ORM objects: this runs for every 1,000 of a big mailing)
    rows = {r.id: r for r in session.execute(select(*RECIPIENT_COLUMNS, ContactEmail.email, ContactEmail.state)
                                             .select_from(repo.primary_email_join()).where(Contact.id.in_(ids)))}
    return {"recipients": [recipient(rows[i], rows[i].email, rows[i].state) for i in ids if i in rows],
            "next_cursor": encode_cursor(ids[-1]) if more else None}
