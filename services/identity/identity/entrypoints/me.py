from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import me, sessions
from .base import WorkEntrypoints


class MeEntrypoints(WorkEntrypoints):
    @rpc
    def get_me(self) -> dict:
        return me.get_me(self.work())

    @rpc
    def update_me(self, changes) -> dict:
        return me.update_me(self.work(), contracts.changes(parse(contracts.ProfileChanges, changes)))

    @rpc
    def list_sessions(self) -> dict:
        return sessions.list_sessions(self.work())

    @rpc
    def end_session(self, session_id) -> dict:
        work = self.work()
        result = sessions.end_session(work, session_id)
        work.commit()
        return result

    @rpc(sensitive_arguments=("data.current_password",))
    def set_mail_codes(self, data) -> dict:
        data = parse(contracts.MailCodes, data)
        return me.set_mail_codes(self.work(), data.enabled, data.current_password)

    @rpc
    def start_totp(self) -> dict:
        return me.start_totp(self.work())

    @rpc(sensitive_arguments=("data.code", "data.current_password"))
    def confirm_totp(self, data) -> dict:
        data = parse(contracts.TotpConfirmation, data)
        return me.confirm_totp(self.work(), data.code, data.current_password)

    @rpc(sensitive_arguments=("data.current_password",))
    def disable_totp(self, data) -> dict:
        return me.disable_totp(self.work(), parse(contracts.Reauthentication, data).current_password)

    @rpc(sensitive_arguments=("data.current_password",))
    def regenerate_backup_codes(self, data) -> dict:
        return me.regenerate_backup_codes(self.work(), parse(contracts.Reauthentication, data).current_password)
