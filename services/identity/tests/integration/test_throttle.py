"""Failed logins: growing delays per login name and per client address, at most 100 per hour per account, a mail
to the user when it looks like an attack; unknown addresses are throttled exactly like known ones."""

import pytest
from sqlalchemy import text

from svckit.errors import TooManyRequests, Unauthenticated
from svckit.principal import Principal

PASSWORD = "Kaffeebohnen-Sommer-42"


def fail(identity, email, ip="203.0.113.9"):
    with pytest.raises(Unauthenticated):
        identity.login(email, "falsch-falsch-falsch", {"ip": ip})


def test_growing_delays_then_success_clears_them(identity, tenant):
    email = tenant["admin_email"]
    for _ in range(5):
        fail(identity, email)
    waits = []
    for _ in range(3):
        with pytest.raises(TooManyRequests) as exc:  # even the right password waits: nothing is tried meanwhile
            identity.login(email, PASSWORD, {"ip": "203.0.113.9"})
        waits.append(exc.value.extra["retry_after"])
        identity.clock.advance(seconds=exc.value.extra["retry_after"])
        fail(identity, email)
    assert waits == sorted(waits) and waits[-1] > waits[0]       # growing
    identity.clock.advance(seconds=120)
    assert identity.login(email, PASSWORD)["status"] == "authenticated"
    fail(identity, email)                                          # after a success the counter starts again
    fail(identity, email)
    audit = identity.call("list_audit", {"event": "login_failed,login_throttled"}, principal=tenant["admin"])
    assert {e["event"] for e in audit["entries"]} == {"login_failed", "login_throttled"}


def test_unknown_address_is_throttled_like_a_known_one(identity, tenant):
    for _ in range(5):
        fail(identity, "niemand@example.com")
    with pytest.raises(TooManyRequests):
        identity.login("niemand@example.com", PASSWORD)


def test_per_address_throttling_across_login_names(identity, tenant):
    for n in range(20):
        fail(identity, f"probe{n}@example.com", ip="192.0.2.66")
    with pytest.raises(TooManyRequests):  # the address is slowed down, whichever name it tries next
        identity.login(tenant["admin_email"], PASSWORD, {"ip": "192.0.2.66"})
    assert identity.login(tenant["admin_email"], PASSWORD, {"ip": "192.0.2.1"})["status"] == "authenticated"


def test_at_most_100_failures_per_hour_and_the_user_is_told(identity, tenant, databases):
    email = tenant["admin_email"]
    identity.sink.clear()

    def attempt(n):
        while True:
            try:
                fail(identity, email, ip=f"10.0.{n // 200}.{n % 200}")  # a botnet: every attempt from elsewhere
                return
            except TooManyRequests as exc:
                identity.clock.advance(seconds=exc.extra["retry_after"])

    for n in range(10):  # ten real failures within the hour: the user is told once
        attempt(n)
    # 89 more failures in the same hour (written directly: 89 argon2 checks would only make the test slow) ...
    with databases.engine("identity").begin() as conn:
        conn.execute(text("INSERT INTO login_failures (key, at) SELECT :k, now() + make_interval(secs => :offset) "
                          "FROM generate_series(1, 89)"),
                     {"k": f"email:{email}", "offset": identity.clock.offset.total_seconds()})
    attempt(99)  # ... and the hundredth through the service
    identity.clock.advance(seconds=31)  # the growing delay alone (capped at 30 s) would allow another try now
    with pytest.raises(TooManyRequests) as exc:
        identity.login(email, PASSWORD, {"ip": "10.9.9.9"})
    assert exc.value.extra["retry_after"] > 31  # the hourly ceiling does not
    # exactly one warning mail for the hour
    [mail] = identity.sink.wait_for(1, to=email)
    assert "Anmeldeversuche" in mail["Subject"]
    assert "10 fehlgeschlagene" in mail.text
    as_service = Principal.system("test", tenant["ids"]["account_id"])
    events = identity.call("list_audit", {"event": "login_attack_suspected"}, principal=as_service)["entries"]
    assert len(events) == 1
