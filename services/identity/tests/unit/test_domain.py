"""Pure rules: no database, no broker; time is an argument."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from identity.domain import codes, passwords, seats, sessions, throttle

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# --- passwords -----------------------------------------------------------------------------------------------------

def test_argon2id_with_owasp_parameters():
    h = passwords.hash_password("Kaffeebohnen-Sommer-42")
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(h, "Kaffeebohnen-Sommer-42")
    assert not passwords.verify_password(h, "kaffeebohnen-sommer-42")
    assert not passwords.verify_password(None, "anything")          # unknown user: dummy hash, False
    assert not passwords.verify_password("not-a-hash", "anything")


@pytest.mark.parametrize("candidate,reason", [
    ("kurz12", passwords.too_short(12)), ("password123", passwords.COMMON), ("Passwort2024!", passwords.COMMON),
    ("!!sommer2026", passwords.COMMON), ("aaaaaaaaaaaa", passwords.ONE_KIND), ("x" * 129, passwords.too_long(128)),
    ("anna.admin-geheim!", passwords.PERSONAL),
])
def test_policy_rejects_with_a_reason(candidate, reason):
    problem = passwords.policy_problem(candidate, passwords.Policy(), "anna.admin@example.com", ("Anna", "Admin"))
    assert problem is not None
    assert problem.en.split("{")[0][:20] == reason.en.split("{")[0][:20]
    assert problem.de and problem.en


def test_policy_accepts_a_good_passphrase_and_respects_account_lengths():
    assert passwords.policy_problem("Kaffeebohnen-Sommer-42", passwords.Policy()) is None
    assert passwords.policy_problem("Kaffee-42x", passwords.Policy(min_length=12)) is not None
    assert "12" in passwords.policy_problem("Kaffee-42x", passwords.Policy(min_length=12)).de


def test_bundled_list_is_reasonably_sized_and_includes_german_favourites():
    words = passwords.common_passwords()
    assert 10_000 <= len(words) <= 40_000
    assert {"passwort", "hallo123", "qwertz", "123456789"} <= words


def test_password_interval_is_off_by_default_and_expires_when_set():
    changed = NOW - timedelta(days=91)
    assert not passwords.expired(changed, None, NOW)
    assert passwords.expired(changed, 90, NOW)
    assert not passwords.expired(NOW - timedelta(days=89), 90, NOW)


def test_one_time_passwords_are_random_and_typeable():
    otps = {passwords.new_one_time_password() for _ in range(50)}
    assert len(otps) == 50
    assert all(len(o) == 14 and o.count("-") == 2 for o in otps)


# --- codes ---------------------------------------------------------------------------------------------------------

def state(attempts=0, code_age=timedelta(), used=False):
    return codes.ChallengeState(attempts, NOW - code_age + codes.CODE_TTL, NOW - code_age + codes.CHALLENGE_TTL,
                                used)


def test_code_rules():
    assert codes.code_outcome(state(), True, NOW) == codes.OK
    assert codes.code_outcome(state(), False, NOW) == codes.WRONG
    assert codes.code_outcome(state(code_age=timedelta(minutes=10)), True, NOW) == codes.EXPIRED  # late
    assert codes.code_outcome(state(used=True), True, NOW) == codes.USED                          # reuse
    assert codes.code_outcome(state(attempts=5), True, NOW) == codes.EXHAUSTED                    # 6th attempt
    assert codes.code_outcome(state(attempts=4), True, NOW) == codes.OK                           # 5th attempt


def test_resend_is_rate_limited():
    assert codes.resend_wait(None, 0, NOW) == 0
    assert codes.resend_wait(NOW - timedelta(seconds=20), 1, NOW) == 40
    assert codes.resend_wait(NOW - timedelta(seconds=61), 1, NOW) == 0
    assert codes.resend_wait(NOW - timedelta(hours=1), codes.MAX_SENDS, NOW) is None


def test_codes_are_six_digits_and_hashes_bind_the_challenge():
    assert all(len(codes.new_code()) == 6 and codes.new_code().isdigit() for _ in range(20))
    assert codes.code_hash("a", "123456") != codes.code_hash("b", "123456")


def test_wrong_second_factor_codes_back_off_then_lock_and_a_day_clears_them():
    count = codes.SecondFactorCount(0, None, None)
    now = NOW
    waits = []
    for n in range(1, codes.SF_LOCK_AFTER + 1):
        wait, locked = codes.second_factor_wait(count, now)
        assert not locked
        waits.append(wait)
        now += timedelta(seconds=wait)
        count = codes.second_factor_failed(count, now)
        assert count.failures == n and count.failed_at == now
    assert waits == [0, 0, 0, 0, 0, 15, 30, 60, 120, 240]
    assert count.locked_until == now + timedelta(hours=1)  # the tenth locks
    assert codes.second_factor_wait(count, now + timedelta(minutes=59)) == (60.0, True)
    later = now + timedelta(minutes=61)
    assert codes.second_factor_wait(count, later) == (0.0, False)
    again = codes.second_factor_failed(count, later)  # within the day every further wrong code locks again
    assert again.failures == 11 and again.locked_until == later + timedelta(hours=1)
    # a day without a wrong code: the count starts again
    fresh = codes.second_factor_failed(count, now + timedelta(hours=24))
    assert fresh.failures == 1 and fresh.locked_until is None
    assert codes.second_factor_wait(count, now + timedelta(hours=24)) == (0.0, False)


def test_totp_single_use_and_drift():
    secret = codes.new_totp_secret()
    totp = pyotp.TOTP(secret)
    now_code = totp.at(NOW)
    step = codes.totp_counter(secret, now_code, NOW, None)
    assert step is not None
    assert codes.totp_counter(secret, now_code, NOW, step) is None          # the same code again: refused
    assert codes.totp_counter(secret, totp.at(NOW - timedelta(seconds=30)), NOW, None) == step - 1  # drift
    assert codes.totp_counter(secret, totp.at(NOW - timedelta(minutes=5)), NOW, None) is None
    assert codes.totp_counter(secret, "12345x", NOW, None) is None


def test_backup_codes():
    fresh = codes.new_backup_codes()
    assert len(set(fresh)) == codes.BACKUP_CODES
    assert all(codes.looks_like_backup_code(c) for c in fresh)
    assert not codes.looks_like_backup_code("123456")


# --- sessions --------------------------------------------------------------------------------------------------------

def test_session_idle_and_absolute_limits():
    created = NOW - timedelta(hours=1)
    expires = sessions.expires_at(created, 12)
    assert sessions.end_reason(None, NOW - timedelta(minutes=29), expires, 30, NOW) is None
    assert sessions.end_reason(None, NOW - timedelta(minutes=30), expires, 30, NOW) == sessions.IDLE
    assert sessions.end_reason(None, NOW, expires, 30, created + timedelta(hours=12)) == sessions.EXPIRED
    assert sessions.end_reason(NOW, NOW, expires, 30, NOW) == sessions.REVOKED


def test_cache_never_outlives_the_session():
    assert sessions.cache_seconds(NOW + timedelta(hours=5), 30, NOW, 30) == 30
    assert sessions.cache_seconds(NOW + timedelta(seconds=7), 30, NOW, 30) == 7
    assert sessions.cache_seconds(NOW - timedelta(seconds=7), 30, NOW, 30) == 0


# --- throttling and seats ---------------------------------------------------------------------------------------------

def test_growing_delays_after_free_attempts():
    rule = throttle.EMAIL_RULE
    fails = [NOW - timedelta(seconds=1)] * (rule.free - 1)
    assert throttle.wait_seconds(fails, rule, NOW) == 0
    delays = [throttle.delay_after(n, rule) for n in range(rule.free, rule.free + 6)]
    assert delays == sorted(delays) and delays[0] == 1 and delays[-1] == min(rule.cap, 32)
    assert throttle.wait_seconds([NOW] * (rule.free + 2), rule, NOW) == 4


def test_hourly_ceiling_of_100_failures_per_account():
    rule = throttle.EMAIL_RULE
    fails = [NOW - timedelta(minutes=59, seconds=30)] + [NOW - timedelta(minutes=30)] * 99
    assert throttle.wait_seconds(fails, rule, NOW) == pytest.approx(30)   # the oldest leaves the window in 30 s
    assert throttle.wait_seconds(fails[:99], rule, NOW) < 31                # below the ceiling: growing delay only
    assert throttle.wait_seconds(fails, rule, NOW + timedelta(seconds=31)) <= rule.cap


def test_keys_do_not_depend_on_existence():
    assert throttle.email_key(" Anna@Example.com ") == "email:anna@example.com"
    assert throttle.ip_key(None) is None


def test_seats():
    assert seats.can_activate(4, 5) and not seats.can_activate(5, 5)
    assert seats.over_limit(6, 5) and not seats.over_limit(5, 5)
