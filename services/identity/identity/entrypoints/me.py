from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import me, sessions
from .base import WorkEntrypoints


class MeEntrypoints(WorkEntrypoints):
    @rpc
    def get_me(self) -> dict:
        with self.work() as work:
            return me.get_me(work)

    @rpc
    def update_me(self, changes) -> dict:
        with self.work() as work:
            return me.update_me(work, contracts.changes(parse(contracts.ProfileChanges, changes)))

    @rpc
    def list_sessions(self) -> dict:
        with self.work() as work:
            return sessions.list_sessions(work)

    @rpc
    def end_session(self, session_id) -> dict:
        with self.work() as work:
            return sessions.end_session(work, session_id)

    @rpc(sensitive_arguments=("data.current_password",))
    def set_mail_codes(self, data) -> dict:
        data = parse(contracts.MailCodes, data)
        with self.work() as work:
            return me.set_mail_codes(work, data.enabled, data.current_password)

    @rpc
    def start_totp(self) -> dict:
        with self.work() as work:
            return me.start_totp(work)

    @rpc(sensitive_arguments=("data.code", "data.current_password"))
    def confirm_totp(self, data) -> dict:
        data = parse(contracts.TotpConfirmation, data)
        with self.work() as work:
            return me.confirm_totp(work, data.code, data.current_password)

    @rpc(sensitive_arguments=("data.current_password",))
    def disable_totp(self, data) -> dict:
        with self.work() as work:
            return me.disable_totp(work, parse(contracts.Reauthentication, data).current_password)

    @rpc(sensitive_arguments=("data.current_password",))
    def regenerate_backup_codes(self, data) -> dict:
        with self.work() as work:
            return me.regenerate_backup_codes(work, parse(contracts.Reauthentication, data).current_password)
