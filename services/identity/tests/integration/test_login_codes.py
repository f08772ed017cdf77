"""Second factor by mail, one-time passwords, forgot password: single use, late is refused (the service's clock is
moved, nothing sleeps), five attempts at most, resends rate-limited."""

import pytest

from svckit.errors import InvalidInput, TooManyRequests, Unauthenticated
from svckit.principal import Principal

PASSWORD = "Kaffeebohnen-Sommer-42"


@pytest.fixture
def mail_2fa_user(identity, tenant):
    user, _token, _principal = identity.add_user(tenant["admin"], two_factor_by_mail=True)
    identity.sink.clear()
    return user


def test_mailed_code_logs_in_once_and_not_late(identity, mail_2fa_user):
    email = mail_2fa_user["email"]
    step = identity.login(email, PASSWORD)
    assert step["status"] == "second_factor_required" and step["method"] == "email"
    code = identity.mail_code(email)
    result = identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    assert result["status"] == "authenticated"
    assert identity.principal(result["token"]).user_id == mail_2fa_user["id"]
    # the same code (and challenge) again: refused
    with pytest.raises(Unauthenticated):
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    # a new login whose code arrives in time but is typed 11 minutes later: refused even though right
    identity.sink.clear()
    step = identity.login(email, PASSWORD)
    code = identity.mail_code(email)
    identity.clock.advance(minutes=11)
    with pytest.raises(InvalidInput) as late:
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    assert "code" in late.value.fields and "abgelaufen" in late.value.fields["code"].de


def test_the_sixth_attempt_fails_even_with_the_right_code(identity, mail_2fa_user):
    email = mail_2fa_user["email"]
    step = identity.login(email, PASSWORD)
    code = identity.mail_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput) as exc:
            identity.call("verify_second_factor", {"challenge": step["challenge"], "code": wrong})
        assert exc.value.extra["attempts_left"] == left
    with pytest.raises(TooManyRequests):  # fifth wrong attempt uses the last one up
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": wrong})
    with pytest.raises(TooManyRequests):  # sixth: the right code no longer helps
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    with pytest.raises(TooManyRequests):  # nor does a fresh code for this challenge
        identity.call("resend_code", {"challenge": step["challenge"]})


def test_resend_is_rate_limited_and_replaces_the_code(identity, mail_2fa_user):
    email = mail_2fa_user["email"]
    step = identity.login(email, PASSWORD)
    first = identity.mail_code(email)
    with pytest.raises(TooManyRequests) as wait:
        identity.call("resend_code", {"challenge": step["challenge"]})
    assert 1 <= wait.value.extra["retry_after"] <= 60
    identity.clock.advance(seconds=61)
    assert identity.call("resend_code", {"challenge": step["challenge"]})["sent"] is True
    second = identity.mail_code(email, count=2)
    if second != first:  # the old code stops working when a new one is sent
        with pytest.raises(InvalidInput):
            identity.call("verify_second_factor", {"challenge": step["challenge"], "code": first})
    assert identity.call("verify_second_factor", {"challenge": step["challenge"], "code": second})["token"]


def test_forgot_password_same_answer_single_use_and_15_minutes(identity, tenant):
    email = tenant["admin_email"]
    known = identity.call("forgot_password", {"email": email})
    otp = identity.one_time_password(email, count=2)  # after the welcome mail
    unknown = identity.call("forgot_password", {"email": "niemand@example.com"})
    malformed_but_valid = identity.call("forgot_password", {"email": "NIEMAND@example.com "})
    assert known == unknown == malformed_but_valid
    assert identity.sink.messages(to="niemand@example.com") == []
    # logging in with it forces a new password before anything else
    result = identity.login(email, otp)
    assert result["restrictions"] == ["password_change_required"]
    # single use
    with pytest.raises(Unauthenticated):
        identity.login(email, otp)
    # a second one, used too late
    identity.clock.advance(minutes=2)
    identity.call("forgot_password", {"email": email})
    late = identity.one_time_password(email, count=3)  # welcome mail, first reset, this one
    assert late != otp
    identity.clock.advance(minutes=16)
    with pytest.raises(InvalidInput) as exc:
        identity.call("reset_password", {"email": email, "one_time_password": late,
                                         "new_password": "Neue-Sonnenblume-77"})
    assert "one_time_password" in exc.value.fields
    with pytest.raises(Unauthenticated):
        identity.login(email, late)


def test_reset_with_one_time_password_sets_the_password_and_ends_sessions(identity, tenant):
    email = tenant["admin_email"]
    identity.call("forgot_password", {"email": email})
    otp = identity.one_time_password(email, count=2)
    assert identity.call("reset_password", {"email": email, "one_time_password": otp,
                                            "new_password": "Neue-Sonnenblume-77"}) == {"changed": True}
    with pytest.raises(Unauthenticated):  # the session from before the reset is gone
        identity.call("authenticate", tenant["admin_token"])
    assert identity.login(email, "Neue-Sonnenblume-77")["status"] == "authenticated"
    with pytest.raises(InvalidInput):  # and the one-time password was single use
        identity.call("reset_password", {"email": email, "one_time_password": otp,
                                         "new_password": "Andere-Sonnenblume-78"})


def test_password_policy_and_history(identity, tenant):
    admin = tenant["admin"]
    cases = {"kurz": "mindestens 10", "passwort123": "verbreitet", "Passwort2024!": "verbreitet"}
    for candidate, fragment in cases.items():
        with pytest.raises(InvalidInput) as exc:
            identity.call("change_password", {"current_password": "Kaffeebohnen-Sommer-42",
                                              "new_password": candidate}, principal=admin)
        assert fragment in exc.value.fields["new_password"].de
    # wrong current password
    with pytest.raises(InvalidInput) as exc:
        identity.call("change_password", {"current_password": "falsch", "new_password": "Neue-Sonnenblume-77"},
                      principal=admin)
    assert "current_password" in exc.value.fields
    # no reuse of the current or the last five
    history = ["Kaffeebohnen-Sommer-42"]
    principal = admin
    for n in range(6):
        new = f"Sonnenblume-{n}-Wiese-{n * 7}"
        fresh = identity.call("change_password", {"current_password": history[-1], "new_password": new},
                              principal=principal)
        principal = identity.principal(fresh["token"])
        history.append(new)
    for old in history[-6:]:  # the current and the last five
        with pytest.raises(InvalidInput) as exc:
            identity.call("change_password", {"current_password": history[-1], "new_password": old},
                          principal=principal)
        assert "kürzlich" in exc.value.fields["new_password"].de
    # six changes ago is allowed again (history[0] is now the sixth before the current)
    identity.call("change_password", {"current_password": history[-1], "new_password": history[0]},
                  principal=principal)


def test_change_interval_forces_a_change_at_next_login(identity, tenant):
    admin = tenant["admin"]
    identity.call("update_account_settings", {"password_max_age_days": 30}, principal=admin)
    identity.clock.advance(days=31)
    result = identity.login(tenant["admin_email"], "Kaffeebohnen-Sommer-42")
    assert result["restrictions"] == ["password_change_required"]
    p = identity.principal(result["token"])
    answer = identity.call("authenticate", result["token"])
    assert answer["restrictions"] == ["password_change_required"]
    fresh = identity.call("change_password", {"new_password": "Neue-Sonnenblume-77"}, principal=p)
    assert fresh["restrictions"] == []
    with pytest.raises(InvalidInput) as exc:
        identity.call("update_account_settings", {"password_min_length": 6}, principal=admin_after(identity, fresh))
    assert "password_min_length" in exc.value.fields


def admin_after(identity, result) -> Principal:
    return identity.principal(result["token"])
