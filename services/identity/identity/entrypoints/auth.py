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
        with self.work(client=client) as work:
            return sessions.authenticate(work, token, ceiling)

    @rpc(sensitive_arguments=("credentials.password",))
    def login(self, credentials, client=None) -> dict:
        """Password step: a session, or a second-factor challenge. Throttled per login name and address."""
        data = parse(contracts.Credentials, credentials)
        with self.work(client=client) as work:
            return login.login(work, data.email, data.password, kind="user")

    @rpc(sensitive_arguments=("credentials.password",))
    def operator_login(self, credentials, client=None) -> dict:
        data = parse(contracts.Credentials, credentials)
        with self.work(client=client) as work:
            return login.login(work, data.email, data.password, kind="operator")

    @rpc(sensitive_arguments=("data.code",))
    def verify_second_factor(self, data, client=None) -> dict:
        data = parse(contracts.SecondFactor, data)
        with self.work(client=client) as work:
            return login.verify_second_factor(work, data.challenge, data.code)

    @rpc
    def resend_code(self, data, client=None) -> dict:
        data = parse(contracts.Challenge, data)
        with self.work(client=client) as work:
            return login.resend_code(work, data.challenge)

    @rpc
    def logout(self) -> dict:
        with self.work() as work:
            return sessions.logout(work)

    @rpc
    def forgot_password(self, data, client=None) -> dict:
        data = parse(contracts.Forgot, data)
        with self.work(client=client) as work:
            return passwords.forgot_password(work, data.email)

    @event_handler("identity", passwords.RESET_REQUESTED)
    def on_password_reset_requested(self, payload) -> None:
        """After forgot_password has answered: the lookup, the rate limit, the one-time password and the mail."""
        email = payload.get("email") if isinstance(payload, dict) else None
        if not isinstance(email, str) or not email:
            return
        ip = payload.get("ip")
        with self.auth.acting_as(Principal.system("identity")):
            with self.work(client={"ip": str(ip)[:64]} if ip else None) as work:
                passwords.send_reset(work, email)

    @rpc(sensitive_arguments=("data.one_time_password", "data.new_password"))
    def reset_password(self, data, client=None) -> dict:
        data = parse(contracts.Reset, data)
        with self.work(client=client) as work:
            return passwords.reset_password(work, data.email, data.one_time_password, data.new_password)

    @rpc(sensitive_arguments=("data.current_password", "data.new_password"))
    def change_password(self, data, client=None) -> dict:
        data = parse(contracts.ChangePassword, data)
        with self.work(client=client) as work:
            return passwords.change_password(work, data.current_password, data.new_password)
