"""An account's dispatch defaults: open and click tracking for mailings that do not choose themselves."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from svckit.principal import ADMINISTRATOR
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import contracts
from ..db.models import AccountSettings

DEFAULTS = {"track_opens": True, "track_clicks": True}   # an account without a row


def get(work: Work) -> dict:
    account = parse_uuid(work.principal.require_account(), "account_id")
    row = work.session.get(AccountSettings, account)
    return {"track_opens": row.track_opens, "track_clicks": row.track_clicks} if row else dict(DEFAULTS)


def update(work: Work, inp: contracts.AccountSettingsUpdate) -> dict:
    p = work.principal
    p.require_role(ADMINISTRATOR)
    account = parse_uuid(p.require_account(), "account_id")
    values = {**get(work), **{k: v for k, v in inp.model_dump(exclude_unset=True).items() if v is not None}}
    work.session.execute(insert(AccountSettings).values(account_id=account, **values).on_conflict_do_update(
        index_elements=["account_id"], set_={**values, "updated_at": func.now()}))
    work.session.flush()
    return values
