"""Wrong second-factor codes are counted per user across challenges and logins (issue 13, point 3): a correct
password starts a new challenge but does not reset the count; after five wrong codes each try waits longer, the
tenth locks the second factor for an hour and the user gets a mail; a correct code resets the count. The
service's clock is moved, nothing sleeps."""

import pytest

from identity.domain import codes
from svckit.errors import InvalidInput, TooManyRequests

PASSWORD = "Kaffeebohnen-Sommer-42"
LOCK_SUBJECT = "Zwei-Faktor-Anmeldung gesperrt"


@pytest.fixture
def user(identity, tenant):
    user, _token, _principal = identity.add_user(tenant["admin"], two_factor_by_mail=True)
    identity.sink.clear()
    return user


class Logins:
    """Fresh logins with the right password; the newest mailed code is read from the sink."""

    def __init__(self, identity, email):
        self.identity, self.email, self.codes = identity, email, 0

    def start(self):
        step = self.identity.login(self.email, PASSWORD)
        assert step["status"] == "second_factor_required" and step["method"] == "email", step
        self.codes += 1
        return step["challenge"], self.identity.mail_code(self.email, count=self.codes)

    def guess(self, challenge, code):
        return self.identity.call("verify_second_factor", {"challenge": challenge, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_codes_across_fresh_logins_back_off_then_lock_with_a_mail(identity, user):
    email = user["email"]
    logins = Logins(identity, email)
    failures = 0
    # three wrong codes in the first login, two in the second: the correct password in between resets nothing
    for per_login in (3, 2):
        challenge, code = logins.start()
        for _ in range(per_login):
            with pytest.raises(InvalidInput) as exc:
                logins.guess(challenge, wrong(code))
            failures += 1
            assert "code" in exc.value.fields
            assert exc.value.extra["attempts_left"] == min(codes.MAX_ATTEMPTS - _ - 1,
                                                            codes.SF_LOCK_AFTER - failures)
    assert failures == codes.SF_FREE
    # from now on every further try waits longer (15, 30, 60, 120, 240 s), each from a fresh login
    waits = []
    while True:
        challenge, code = logins.start()
        with pytest.raises(TooManyRequests) as waiting:  # not even the right code is looked at meanwhile
            logins.guess(challenge, code)
        waits.append(waiting.value.extra["retry_after"])
        assert "reason" not in waiting.value.extra  # a wait, not yet the lockout
        identity.clock.advance(seconds=waiting.value.extra["retry_after"])
        try:
            logins.guess(challenge, wrong(code))
        except TooManyRequests as exc:
            failures += 1
            locked = exc
            break
        except InvalidInput:
            failures += 1
    assert waits == [15, 30, 60, 120, 240]
    assert failures == codes.SF_LOCK_AFTER == 10  # the tenth wrong code locks
    assert locked.extra["reason"] == "second_factor_locked"
    assert locked.extra["retry_after"] == 3600
    # the user is told by mail
    [mail] = [m for m in identity.sink.wait_for(logins.codes + 1, to=email) if m["Subject"] == LOCK_SUBJECT]
    assert "10-mal" in mail.text and "60 Minuten" in mail.text
    # locked: a fresh login with the right password gets no challenge and no code mail ...
    mails_before = len(identity.sink.messages(to=email))
    with pytest.raises(TooManyRequests) as refused:
        identity.login(email, PASSWORD)
    assert refused.value.extra["reason"] == "second_factor_locked" and refused.value.extra["retry_after"] > 3500
    # ... and a challenge still open from before takes not even the right code
    with pytest.raises(TooManyRequests):
        logins.guess(challenge, code)
    assert len(identity.sink.messages(to=email)) == mails_before
    # an hour later the right code logs in and resets the count: the next wrong code is free again
    identity.clock.advance(minutes=61)
    challenge, code = logins.start()
    assert logins.guess(challenge, code)["status"] == "authenticated"
    challenge, code = logins.start()
    with pytest.raises(InvalidInput) as fresh:
        logins.guess(challenge, wrong(code))
    assert fresh.value.extra["attempts_left"] == codes.MAX_ATTEMPTS - 1
    audit = identity.call("list_audit", {"event": "second_factor_locked", "user_id": user["id"]},
                          principal=_admin(identity, user))
    assert [e["details"]["failures"] for e in audit["entries"]] == [10]


def test_a_wrong_code_after_the_lock_lapses_locks_again_within_the_day(identity, user):
    logins = Logins(identity, user["email"])
    for _ in range(codes.SF_LOCK_AFTER):
        challenge, code = logins.start()
        while True:
            try:
                logins.guess(challenge, wrong(code))
            except TooManyRequests as exc:
                if exc.extra.get("reason") == "second_factor_locked":
                    break
                identity.clock.advance(seconds=exc.extra["retry_after"])
                continue
            except InvalidInput:
                pass
            break
    identity.clock.advance(minutes=61)
    challenge, code = logins.start()
    with pytest.raises(TooManyRequests) as again:  # the eleventh wrong code within the day: locked at once
        logins.guess(challenge, wrong(code))
    assert again.value.extra["reason"] == "second_factor_locked"


def _admin(identity, user):
    from svckit.principal import Principal
    return Principal.system("test", user["account_id"])
