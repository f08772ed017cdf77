from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from .. import contracts
from ..usecases import login, passwords, sessions
from .base import WorkEntrypoints


class AuthEntrypoints(WorkEntrypoints):
    @rpc
    def authenticate(self, token, client=None) -> dict:
        """The gateway, on every request: the session's principal as it is now, or Unauthenticated."""
        ceiling = float(self.config.get("AUTH_CACHE_SECONDS", 30))
        return sessions.authenticate(self.work(client), token, ceiling)

    @rpc(sensitive_arguments=("credentials.password",))
    def login(self, credentials, client=None) -> dict:
        """Password step: a session, or a second-factor challenge. Throttled per login name and address."""
        data = parse(contracts.Credentials, credentials)
        return login.login(self.work(client), data.email, data.password, kind="user")

    @rpc(sensitive_arguments=("credentials.password",))
    def operator_login(self, credentials, client=None) -> dict:
        data = parse(contracts.Credentials, credentials)
        return login.login(self.work(client), data.email, data.password, kind="operator")

    @rpc(sensitive_arguments=("data.code",))
    def verify_second_factor(self, data, client=None) -> dict:
        data = parse(contracts.SecondFactor, data)
        return login.verify_second_factor(self.work(client), data.challenge, data.code)

    @rpc
    def resend_code(self, data, client=None) -> dict:
        data = parse(contracts.Challenge, data)
        return login.resend_code(self.work(client), data.challenge)

    @rpc
    def logout(self) -> dict:
        work = self.work()
        result = sessions.logout(work)
        work.commit()
        return result

    @rpc
    def forgot_password(self, data, client=None) -> dict:
        data = parse(contracts.Forgot, data)
        return passwords.forgot_password(self.work(client), data.email)

    @event_handler("identity", passwords.RESET_REQUESTED)
    def on_password_reset_requested(self, payload) -> None:
        """After forgot_password has answered: the lookup, the rate limit, the one-time password and the mail."""
        email = payload.get("email") if isinstance(payload, dict) else None
        if not isinstance(email, str) or not email:
            return
        ip = payload.get("ip")
        with self.auth.acting_as(Principal.system("identity")):
            passwords.send_reset(self.work({"ip": str(ip)[:64]} if ip else None), email)

    @rpc(sensitive_arguments=("data.one_time_password", "data.new_password"))
    def reset_password(self, data, client=None) -> dict:
        data = parse(contracts.Reset, data)
        return passwords.reset_password(self.work(client), data.email, data.one_time_password, data.new_password)

    @rpc(sensitive_arguments=("data.current_password", "data.new_password"))
    def change_password(self, data, client=None) -> dict:
        data = parse(contracts.ChangePassword, data)
        return passwords.change_password(self.work(client), data.current_password, data.new_password)
