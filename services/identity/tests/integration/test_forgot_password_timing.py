"""Forgot password takes the same time for known and unknown addresses (issue 13, point 11): the reply only queues
the request, with exactly the same statements for every address; the lookup, the one-time password and the mail
come afterwards, in identity's handler of its own event. Checked on the code path (the statements each reply runs
and what it sends), not with a stopwatch."""

import re
from datetime import UTC, datetime

from sqlalchemy import event, select

from identity.db.models import OneTimePassword, User, outbox
from identity.usecases import passwords
from identity.work import Work
from svckit.outbox import OutboxWriter
from svckit.principal import Principal


class Mailer:
    """Records what would be sent."""

    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail)


def reply_to(session, email, mailer):
    """Run forgot_password's reply on ``session``; returns the statements it ran and the events it queued."""
    statements = []

    def record(conn, cursor, statement, params, context, executemany):
        statements.append(re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement))  # the test's savepoints

    conn = session.connection()
    event.listen(conn, "before_cursor_execute", record)
    try:
        work = Work(session, datetime.now(UTC), Principal.anonymous(), OutboxWriter(outbox, None, None), mailer,
                    client={"ip": "192.0.2.5"})
        answer = passwords.forgot_password(work, email)
    finally:
        event.remove(conn, "before_cursor_execute", record)
    return answer, statements


def test_the_reply_runs_the_same_statements_for_known_and_unknown_addresses(identity, tenant, db_session):
    session = db_session("identity")
    mailer = Mailer()
    known, known_sql = reply_to(session, tenant["admin_email"], mailer)
    unknown, unknown_sql = reply_to(session, "niemand@example.com", mailer)
    assert known == unknown
    assert known_sql == unknown_sql and known_sql  # the same statements, in the same order
    assert mailer.sent == []  # nothing is sent before the reply
    admin = session.execute(select(User).where(User.email == tenant["admin_email"])).scalar_one()
    assert session.execute(select(OneTimePassword).where(OneTimePassword.user_id == admin.id,
                                                         OneTimePassword.purpose == "reset")).first() is None
    queued = session.execute(select(outbox.c.event_type, outbox.c.payload)
                             .where(outbox.c.event_type == passwords.RESET_REQUESTED)
                             .order_by(outbox.c.id)).all()
    assert [row.payload["email"] for row in queued] == [tenant["admin_email"], "niemand@example.com"]
    assert {frozenset(row.payload) for row in queued} == {frozenset({"email", "ip", "requested_at"})}
    # afterwards (the event handler): a one-time password by mail for the known address only
    work = Work(session, datetime.now(UTC), Principal.system("identity"), None, mailer, client={"ip": "192.0.2.5"})
    assert passwords.send_reset(work, tenant["admin_email"]) is True
    assert passwords.send_reset(work, "niemand@example.com") is False
    assert [m.to for m in mailer.sent] == [tenant["admin_email"]]
    assert "Einmal-Passwort" in mailer.sent[0].text


def test_the_mail_arrives_after_the_reply_through_the_event(identity, tenant):
    email = tenant["admin_email"]
    welcome_and_reset = 2
    assert identity.call("forgot_password", {"email": email}) == identity.call(
        "forgot_password", {"email": "niemand@example.com"})
    otp = identity.one_time_password(email, count=welcome_and_reset)
    assert identity.login(email, otp)["restrictions"] == ["password_change_required"]
    assert identity.sink.messages(to="niemand@example.com") == []
    # the audit entry names the (anonymous) requester's address, as before
    audit = identity.call("list_audit", {"event": "password_reset_requested"},
                          principal=Principal.system("test", tenant["ids"]["account_id"]))["entries"]
    assert [(e["actor_kind"], e["actor_email"]) for e in audit] == [("anonymous", email)]
