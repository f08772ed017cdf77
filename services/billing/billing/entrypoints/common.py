from __future__ import annotations

from typing import Any

from sqlalchemy.orm import sessionmaker

from svckit.errors import Forbidden, InvalidInput, NotFound
from svckit.principal import LICENSE_MANAGER, Principal
from svckit.validation import parse_uuid

from ..domain.catalogue import load
from ..i18n import _

OWN_ACCOUNT_ONLY = _("Not found.")
MAX_OFFSET = 1_000_000


def bounded(value: Any, field: str, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum] (a numeric string is taken too); anything else -> InvalidInput naming
    the field: never clamped silently, never an unbounded integer for the database."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(fields={field: _("A whole number from {lo} to {hi} is expected.").format(
            lo=minimum, hi=maximum)})
    return value


def paging(limit: Any, offset: Any, max_limit: int = 500) -> tuple[int, int]:
    return bounded(limit, "limit", 1, max_limit), bounded(offset, "offset", 0, MAX_OFFSET)


class Base:
    """Helpers shared by the mixins (the dependencies themselves are declared on the service)."""

    @property
    def cat(self):
        return load()

    def stage(self, session, event: str, payload: dict) -> None:
        self.outbox.add(session, event, payload)

    def session_factory(self):
        return sessionmaker(bind=self.db.get_bind(), expire_on_commit=False)

    def license_manager_account(self) -> str:
        p: Principal = self.auth.principal
        account = p.require_account()
        p.require_role(LICENSE_MANAGER)
        return account

    def account_for(self, account_id: Any, operator_roles=("back_office", "support"), own_roles=()) -> str:
        """Operators: any account; users: only their own (another account's is simply not there)."""
        p: Principal = self.auth.principal
        p.require_authenticated()
        if p.is_operator:
            p.require_operator(*operator_roles)
            return str(parse_uuid(account_id, "account_id"))
        if p.is_service and account_id is not None:
            return str(parse_uuid(account_id, "account_id"))
        own = p.require_account()
        if account_id is None:
            if own_roles:
                p.require_role(*own_roles)
            return own
        wanted = str(parse_uuid(account_id, "account_id"))
        if wanted != own:
            raise NotFound(OWN_ACCOUNT_ONLY)
        if own_roles:
            p.require_role(*own_roles)
        return own

    def operator(self, *roles: str) -> Principal:
        p: Principal = self.auth.principal
        p.require_authenticated()
        if not p.is_operator and not p.is_service:
            raise Forbidden(_("Only for the operator's staff."))
        return p.require_operator(*roles)
