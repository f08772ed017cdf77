from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import users
from .base import WorkEntrypoints, search_text


class UserEntrypoints(WorkEntrypoints):
    @rpc
    def list_users(self, active=None, query=None) -> dict:
        with self.work() as work:
            return users.list_users(work, active if isinstance(active, bool) else None, search_text(query, "q"))

    @rpc
    def get_user(self, user_id) -> dict:
        with self.work() as work:
            return users.get_user(work, user_id)

    @rpc
    def create_user(self, data) -> dict:
        data = parse(contracts.NewUser, data)
        payload = data.model_dump()
        payload["rights"] = {str(k): v for k, v in data.rights.items()}
        with self.work() as work:
            return users.create_user(work, payload)

    @rpc(sensitive_arguments=("changes.current_password",))
    def update_user(self, user_id, changes) -> dict:
        with self.work() as work:
            return users.update_user(work, user_id, contracts.changes(parse(contracts.UserChanges, changes)))

    @rpc
    def activate_user(self, user_id) -> dict:
        with self.work() as work:
            return users.activate_user(work, user_id)

    @rpc
    def deactivate_user(self, user_id) -> dict:
        with self.work() as work:
            return users.deactivate_user(work, user_id)

    @rpc
    def set_user_rights(self, user_id, rights) -> dict:
        data = parse(contracts.Rights, {"rights": rights})
        with self.work() as work:
            return users.set_user_rights(work, user_id, {str(k): v for k, v in data.rights.items()})

    @rpc
    def hand_over_role(self, data) -> dict:
        data = parse(contracts.HandOver, data)
        with self.work() as work:
            return users.hand_over_role(work, data.role, data.user_id)
