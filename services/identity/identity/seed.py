"""Demo data for ``make run`` (idempotent: running it twice creates nothing twice).

Creates the account "Demo Pressestelle GmbH" with the clients "Konzern" and "Tochtergesellschaft"; the license
manager and administrator ``demo@pressroom.local`` and a second user ``redaktion@pressroom.local`` (read on
Konzern, full on Tochtergesellschaft), both with the demo password below, no forced password change and two-factor
login OFF so the demo login is quick; and the operator ``operator@pressroom.local`` (back office + support) whose
login always asks for a code by mail (it shows up in the development SMTP sink).

The passwords are demo values, printed on purpose: never run this against a production database. The services
need not run: the seed uses identity's use cases on a plain SQLAlchemy session; the events it raises
(account_created, client_created, user_changed) wait in the outbox and are published when identity starts.
Writes the login hint to ``var/demo-login.txt`` (``PRESSROOM_VAR_DIR`` overrides ``var``). ``run()`` returns the
account's ids; ``scripts/seed.py`` hands them to the other seeders as a ``svckit.demo.DemoTenant`` (they never read
identity's tables).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.demo import DEMO_ACCOUNT_NAME, DEMO_LICENSE_MANAGER_EMAIL
from svckit.outbox import OutboxWriter
from svckit.principal import Principal
from svckit.settings import database_url

from .db.models import OneTimePassword, User, outbox
from .domain import passwords
from .usecases import accounts, operators, users
from .work import Work

ACCOUNT = DEMO_ACCOUNT_NAME
DEMO_EMAIL = DEMO_LICENSE_MANAGER_EMAIL
SECOND_EMAIL = "redaktion@pressroom.local"
OPERATOR_EMAIL = "operator@pressroom.local"
DEMO_PASSWORD = "Demo-Pressestelle-2026"
OPERATOR_PASSWORD = "Backoffice-Blick-2026"


class _Discard:
    """No mail during seeding: the demo users get known passwords instead of one-time passwords."""

    def send(self, mail) -> None:
        return None


def _work(session: Session, principal: Principal) -> Work:
    return Work(session, utcnow(), principal, outbox=OutboxWriter(outbox, None, None),
                mailer=_Discard(), invalidator=None)


def _user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()


def _known_password(session: Session, user: User, password: str) -> None:
    """Set the demo password once (no forced change); later runs leave a changed password alone."""
    if user.password_hash is None or user.must_change_password:
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = utcnow()
        user.must_change_password = False
        session.execute(update(OneTimePassword).where(OneTimePassword.user_id == user.id,
                                                      OneTimePassword.used_at.is_(None))
                        .values(used_at=utcnow()))


def seed(session: Session) -> dict:
    billing = Principal.system("billing")
    ids = accounts.create_account(_work(session, billing), {
        "idempotency_key": "demo-seed", "account": {"name": ACCOUNT, "language": "de"}, "seats": 5,
        "license_manager": {"email": DEMO_EMAIL, "first_name": "Dana", "last_name": "Demo", "language": "de",
                            "salutation": "Frau"},
        "administrator": {"email": DEMO_EMAIL, "first_name": "Dana", "last_name": "Demo", "language": "de",
                          "salutation": "Frau"},
        "clients": [{"name": "Konzern"}, {"name": "Tochtergesellschaft"}]})
    konzern, tochter = ids["client_ids"][:2]
    as_account = Principal.system("seed", ids["account_id"])
    if _user(session, SECOND_EMAIL) is None:
        users.create_user(_work(session, as_account), {
            "email": SECOND_EMAIL, "first_name": "Robin", "last_name": "Redaktion", "language": "de",
            "salutation": None, "active": True, "two_factor_by_mail": False,
            "rights": {konzern: "read", tochter: "full"}})
    for email in (DEMO_EMAIL, SECOND_EMAIL):
        _known_password(session, _user(session, email), DEMO_PASSWORD)
    if _user(session, OPERATOR_EMAIL) is None:
        operators.create_operator(_work(session, Principal.system("seed")), {
            "email": OPERATOR_EMAIL, "first_name": "Olaf", "last_name": "Operator", "language": "de",
            "roles": ["back_office", "support"], "password": OPERATOR_PASSWORD, "must_change_password": False})
    session.commit()
    return ids


def hint() -> str:
    return (f"{DEMO_EMAIL} / {DEMO_PASSWORD}  (also {SECOND_EMAIL}; operator: {OPERATOR_EMAIL} / "
            f"{OPERATOR_PASSWORD} at /api/v1/backoffice/auth/login, code by mail in the SMTP sink)")


def run(url: str | None = None, var_dir: str | None = None) -> dict:
    engine = create_engine(url or database_url("identity"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            ids = seed(session)
    finally:
        engine.dispose()
    target = Path(var_dir or os.environ.get("PRESSROOM_VAR_DIR", "var"))
    target.mkdir(parents=True, exist_ok=True)
    (target / "demo-login.txt").write_text(hint() + "\n", encoding="utf-8")
    return ids


if __name__ == "__main__":
    print(run())
