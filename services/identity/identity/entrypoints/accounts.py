from __future__ import annotations

from nameko.events import event_handler
from nameko.timer import timer

from svckit import entitlements
from svckit.entrypoints import rpc
from svckit.errors import InvalidInput
from svckit.principal import Principal
from svckit.validation import parse

from .. import contracts
from ..usecases import accounts, login, operators
from .base import WorkEntrypoints, search_text


class AccountEntrypoints(WorkEntrypoints):
    @rpc
    def create_account(self, order) -> dict:
        """billing (service principal) when an order is activated; idempotent per ``idempotency_key``."""
        self.auth.principal.require_operator()  # service principals pass; users and anonymous callers do not
        with self.work() as work:
            return accounts.create_account(work, parse(contracts.Order, order).model_dump())

    @rpc
    def add_client(self, account_id, name) -> dict:
        """billing: an affiliated company joins the subscription."""
        self.auth.principal.require_operator()
        data = parse(contracts.ClientName, {"name": name})
        with self.work() as work:
            return accounts.add_client_for_billing(work, account_id, data.name)

    @rpc
    def get_account(self, account_id) -> dict:
        with self.work() as work:
            return accounts.get_account(work, account_id)

    @rpc
    def get_my_account(self) -> dict:
        with self.work() as work:
            return accounts.my_account(work)

    @rpc
    def update_account_settings(self, changes) -> dict:
        with self.work() as work:
            return accounts.update_settings(work, contracts.changes(parse(contracts.Settings, changes)))

    @rpc
    def list_audit(self, filters=None) -> dict:
        data = parse(contracts.AuditFilter, filters or {})
        with self.work() as work:
            return accounts.account_audit(work, data.model_dump())

    @rpc
    def get_audit_entry(self, entry_id) -> dict:
        with self.work() as work:
            return accounts.get_audit_entry(work, entry_id)

    # --- operators --------------------------------------------------------------------------------------------------
    @rpc(sensitive_arguments=("data.password",))
    def create_operator(self, data) -> dict:
        with self.work() as work:
            return operators.create_operator(work, parse(contracts.NewOperator, data).model_dump())

    @rpc
    def list_accounts(self, query=None) -> dict:
        with self.work() as work:
            return operators.list_accounts(work, search_text(query, "q"))

    @rpc
    def record_operator_action(self, action) -> dict:
        with self.work() as work:
            return operators.record_action(work, parse(contracts.OperatorAction, action).model_dump())

    @rpc
    def list_operator_audit(self, filters=None) -> dict:
        with self.work() as work:
            return operators.operator_audit(work, parse(contracts.AuditFilter, filters or {}).model_dump())

    # --- events and housekeeping ------------------------------------------------------------------------------------
    @event_handler("billing", entitlements.EVENT)
    def on_entitlements_changed(self, payload) -> None:
        with self.auth.acting_as(Principal.system("identity", str(payload.get("account_id")))):
            with self.work() as work:
                accounts.entitlements_changed(work, payload)

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload) -> None:
        try:
            account_id = str(payload["account_id"])
        except (KeyError, TypeError):
            raise InvalidInput() from None
        with self.auth.acting_as(Principal.system("identity", account_id)):
            with self.work() as work:
                accounts.purge_account(work, account_id)

    @timer(interval=3600)
    def housekeeping(self) -> None:
        with self.work() as work:
            login.purge_stale(work)
