"""The hot path's SQL, in one place: a login is four round trips (BEGIN, this lookup, the record, COMMIT).

Every round trip through psycopg's cooperative wait and SQLAlchemy costs about 1.5 ms of CPU, as much as 5 % of an
argon2id verification; the benchmark (bench/identity_login.py) holds logins to >= 0.8 of raw argon2 per core.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from .models import Account, LoginFailure, User


@lru_cache(maxsize=8)
def _login_lookup_statement(keys: int):
    """Built once per number of throttle keys (1 or 2): building and keying the statement per call cost as much CPU
    as sending it."""
    fails = [select(func.coalesce(func.array_agg(LoginFailure.at), text("'{}'::timestamptz[]")))
             .where(LoginFailure.key == bindparam(f"key{i}"), LoginFailure.at > bindparam("since"))
             .scalar_subquery() for i in range(keys)]
    anchor = select(text("1 AS one")).subquery()
    return (select(User, Account, *fails).select_from(anchor)
            .outerjoin(User, (func.lower(User.email) == bindparam("email")) & (User.kind == bindparam("kind")))
            .outerjoin(Account, Account.id == User.account_id))


def login_lookup(session: Session, email: str, kind: str, keys: list[str], since: datetime):
    """(user | None, account | None, {key: [failure times]}) in one query; the failures also for unknown users."""
    params = {"email": email, "kind": kind, "since": since, **{f"key{i}": k for i, k in enumerate(keys)}}
    user, account, *found = session.execute(_login_lookup_statement(len(keys)), params).one()
    return user, account, {k: list(v or []) for k, v in zip(keys, found, strict=False)}


RECORD_LOGIN = text("""
WITH new_session AS (
    INSERT INTO sessions (id, token_hash, user_id, account_id, created_at, last_seen_at, expires_at,
                          password_change_required, ip, user_agent)
    VALUES (:session_id, :token_hash, :user_id, :account_id, :now, :now, :expires_at, :pcr, :ip, :user_agent)
    RETURNING id
), audit AS (
    INSERT INTO audit_log (account_id, at, event, actor_kind, actor_id, actor_email, target_user_id, ip, details)
    VALUES (:account_id, :now, 'login_succeeded', :kind, :actor_id, :email, :user_id, :ip,
            CAST(:details AS jsonb))
), seen AS (
    UPDATE users SET last_login_at = :now WHERE id = :user_id
), cleared AS (
    DELETE FROM login_failures WHERE :clear AND key = :email_key
)
SELECT id FROM new_session
""")


def record_login(session: Session, **values) -> None:
    session.execute(RECORD_LOGIN, values)
