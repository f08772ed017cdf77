"""Fixtures for identity's tests: the real service on the run's broker and database, the SMTP sink, and helpers
that walk the real login path (codes and one-time passwords are read from the mails in the sink)."""

from __future__ import annotations

import re
import uuid

import pytest

from identity.service import IdentityService
from identity.work import Clock
from svckit.principal import Principal

try:  # the root conftest registers smtpsink.testing; until it does, take the fixture from there directly
    from smtpsink.testing import smtp_sink  # noqa: F401
except ImportError:  # pragma: no cover
    pass

BILLING = Principal.system("billing")
OTP = re.compile(r"(?:Einmal-Passwort|One-time password): (\S+)")
CODE = re.compile(r"^\s+(\d{6})\s*$", re.M)


class Identity:
    """The running identity service, seen from a test."""

    def __init__(self, runner, rpc_as, sink):
        self.runner, self.rpc_as, self.sink = runner, rpc_as, sink
        container = next(iter(runner.containers))
        self.clock: Clock = next(d for d in container.dependencies if isinstance(d, Clock))

    def call(self, method, *args, principal=None, **kwargs):
        with self.rpc_as(principal) as rpc:
            return getattr(rpc.identity, method)(*args, **kwargs)

    # --- accounts and users ------------------------------------------------------------------------------------------
    def create_account(self, name="Pressestelle Müller", seats=5, admin_email=None, manager_email=None,
                       clients=("Konzern", "Tochter"), language="de", key=None):
        tag = uuid.uuid4().hex[:8]
        admin_email = admin_email or f"admin-{tag}@example.com"
        order = {"idempotency_key": key or f"order-{tag}", "account": {"name": name, "language": language},
                 "license_manager": {"email": manager_email or admin_email, "first_name": "Lena",
                                     "last_name": "Lizenz", "language": language},
                 "administrator": {"email": admin_email, "first_name": "Anna", "last_name": "Admin",
                                   "language": language, "salutation": "Frau"},
                 "seats": seats, "clients": [{"name": c} for c in clients]}
        return self.call("create_account", order, principal=BILLING)

    def one_time_password(self, email, nth=-1):
        mails = self.sink.wait_for(1, to=email)
        found = [m for m in self.sink.messages(to=email) if OTP.search(m.text or "")]
        return OTP.search(found[nth].text).group(1)

    def mail_code(self, email, count=1):
        mails = self.sink.wait_for(count, to=email)
        codes = [CODE.search(m.text or "") for m in self.sink.messages(to=email)]
        codes = [c.group(1) for c in codes if c]
        return codes[-1]

    def login(self, email, password, client=None):
        return self.call("login", {"email": email, "password": password}, client or {"ip": "198.51.100.7"})

    def principal(self, token):
        return Principal.from_dict(self.call("authenticate", token)["principal"])

    def first_login(self, email, new_password="Kaffeebohnen-Sommer-42"):
        """Welcome mail -> one-time password -> forced change -> a normal session. Returns (token, principal)."""
        result = self.login(email, self.one_time_password(email))
        assert result["status"] == "authenticated", result
        assert result["restrictions"] == ["password_change_required"]
        fresh = self.call("change_password", {"new_password": new_password},
                          principal=self.principal(result["token"]))
        return fresh["token"], self.principal(fresh["token"])

    def add_user(self, admin, email=None, active=True, rights=None, password="Kaffeebohnen-Sommer-42", **extra):
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        user = self.call("create_user", {"email": email, "first_name": "Ben", "last_name": "Nutzer",
                                         "active": active, "rights": rights or {}, **extra}, principal=admin)
        if active:
            token, principal = self.first_login(email, password)
            return user, token, principal
        return user, None, None


@pytest.fixture
def identity(run_services, rpc_as, smtp_sink) -> Identity:
    runner = run_services(IdentityService, config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port})
    return Identity(runner, rpc_as, smtp_sink)


@pytest.fixture
def tenant(identity):
    """An account with two clients whose administrator (also license manager) has logged in once."""
    ids = identity.create_account()
    admin_email = identity.call("get_user", ids["administrator_id"], principal=Principal.system(
        "test", ids["account_id"]))["email"]
    token, admin = identity.first_login(admin_email)
    return {"ids": ids, "admin_email": admin_email, "admin_token": token, "admin": admin}
