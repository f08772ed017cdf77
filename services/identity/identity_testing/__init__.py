"""Test helpers for identity (used by services/identity/tests and tests/identity): the running service seen from
a test, walking the real login path (codes and one-time passwords are read from the mails in the SMTP sink).

``pytest_plugins``-free: conftests import :func:`make_identity` and define their own fixtures.
"""

from __future__ import annotations

import re
import time
import uuid

from identity.service import IdentityService
from svckit.clock import Clock, clock_of
from svckit.principal import Principal

BILLING = Principal.system("billing")
OTP = re.compile(r"(?:Einmal-Passwort|One-time password): (\S+)")
CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


class Identity:
    """The running identity service, seen from a test."""

    def __init__(self, runner, rpc_as, sink):
        self.runner, self.rpc_as, self.sink = runner, rpc_as, sink
        container = next(iter(runner.containers))
        self.clock: Clock = clock_of(container)

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

    def _wait(self, email, pattern, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.sink.messages(to=email) if pattern.search(m.text or "")]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"expected {count} mails to {email}, got {len(found)}"
                # newest last: the sink lists newest first
                ordered = sorted(found, key=lambda m: m.received_at.timestamp() if m.received_at else 0)
                return pattern.search(ordered[-1].text).group(1)
            time.sleep(0.05)

    def one_time_password(self, email, count=1):
        """The one-time password of the newest of at least ``count`` mails that carry one."""
        return self._wait(email, OTP, count)

    def mail_code(self, email, count=1):
        return self._wait(email, CODE, count)

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


def make_identity(run_services, rpc_as, smtp_sink, *extra_services) -> Identity:
    runner = run_services(IdentityService, *extra_services,
                          config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port})
    return Identity(runner, rpc_as, smtp_sink)


def make_tenant(identity: Identity, **kwargs) -> dict:
    """An account with two clients whose administrator (also license manager) has logged in once."""
    ids = identity.create_account(**kwargs)
    admin_email = identity.call("get_user", ids["administrator_id"], principal=Principal.system(
        "test", ids["account_id"]))["email"]
    token, admin = identity.first_login(admin_email)
    return {"ids": ids, "admin_email": admin_email, "admin_token": token, "admin": admin}
