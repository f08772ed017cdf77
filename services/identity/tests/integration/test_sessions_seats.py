"""Sessions end at once (logout, ending one's own session, password change, deactivation), idle and absolute
limits follow the injected clock; the seat limit holds when two activations race for the last seat."""

import time

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher

from svckit.errors import Conflict, QuotaExceeded, Unauthenticated

PASSWORD = "Kaffeebohnen-Sommer-42"


def test_logout_and_ending_a_session_revoke_at_once(identity, tenant):
    email = tenant["admin_email"]
    second = identity.login(email, PASSWORD)["token"]
    third = identity.login(email, PASSWORD)["token"]
    me = identity.principal(second)
    listed = identity.call("list_sessions", principal=me)["sessions"]
    assert len(listed) == 3 and sum(s["current"] for s in listed) == 1
    assert listed[0]["ip"] == "198.51.100.7"
    third_id = identity.principal(third).session_id
    assert identity.call("end_session", third_id, principal=me) == {"ended": True, "current": False}
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", third)
    identity.call("logout", principal=me)
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", second)
    identity.call("authenticate", tenant["admin_token"])  # the first session is untouched
    # a foreign or unknown session id is not found
    from svckit.errors import NotFound
    with pytest.raises(NotFound):
        identity.call("end_session", third_id, principal=identity.principal(tenant["admin_token"]))


def test_idle_timeout_and_absolute_lifetime(identity, tenant):
    token = tenant["admin_token"]
    identity.clock.advance(minutes=29)
    identity.call("authenticate", token)            # activity
    identity.clock.advance(minutes=29)
    identity.call("authenticate", token)            # still within 30 minutes of the last activity
    identity.clock.advance(minutes=31)
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", token)
    # absolute lifetime: active all the time, still over after 12 hours
    token = identity.login(tenant["admin_email"], PASSWORD)["token"]
    survived = 0
    for _ in range(30):
        identity.clock.advance(minutes=29, seconds=59)
        try:
            identity.call("authenticate", token)
        except Unauthenticated:
            break
        survived += 1
    assert survived == 24  # 24 x 29:59 = 11:59:36 still alive; 12:29:35 over
    # per-account settings change both limits
    admin = identity.principal(identity.login(tenant["admin_email"], PASSWORD)["token"])
    identity.call("update_account_settings", {"idle_timeout_minutes": 5}, principal=admin)
    token = identity.login(tenant["admin_email"], PASSWORD)["token"]
    identity.clock.advance(minutes=6)
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", token)


def test_deactivation_revokes_and_roles_must_be_handed_over_first(identity, tenant):
    admin = tenant["admin"]
    user, token, _ = identity.add_user(admin)
    identity.call("deactivate_user", user["id"], principal=admin)
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", token)
    with pytest.raises(Exception) as exc:  # a deactivated user cannot log in
        identity.login(user["email"], PASSWORD)
    assert "deaktiviert" in exc.value.detail.de
    with pytest.raises(Conflict):  # the administrator cannot be deactivated before handing over
        identity.call("deactivate_user", tenant["ids"]["administrator_id"], principal=admin)
    other, other_token, _ = identity.add_user(admin)
    result = identity.call("hand_over_role", {"role": "administrator", "user_id": other["id"]}, principal=admin)
    assert result["previous_user_id"] == tenant["ids"]["administrator_id"]
    assert "administrator" in identity.principal(other_token).roles           # effective on the next call
    assert "administrator" not in identity.principal(tenant["admin_token"]).roles
    account = identity.call("get_my_account", principal=identity.principal(other_token))
    assert account["administrator_id"] == other["id"]
    assert account["license_manager_id"] == tenant["ids"]["license_manager_id"]


def test_two_activations_racing_for_the_last_seat_exactly_one_wins(identity, tenant):
    admin = tenant["admin"]  # seats: 5; active: the administrator
    for _ in range(3):
        identity.add_user(admin)
    waiting = [identity.add_user(admin, active=False)[0] for _ in range(2)]

    def activate(user_id):
        try:
            return identity.call("activate_user", user_id, principal=admin)
        except QuotaExceeded as exc:
            return exc

    for _ in range(3):  # several rounds; each round two activations race for one seat
        runs = [eventlet.spawn(activate, u["id"]) for u in waiting]
        results = [r.wait() for r in runs]
        winners = [r for r in results if isinstance(r, dict)]
        losers = [r for r in results if isinstance(r, QuotaExceeded)]
        assert len(winners) == 1 and len(losers) == 1
        assert losers[0].extra == {"seats": 5, "active": 5}
        assert "5" in losers[0].detail.de
        listing = identity.call("list_users", principal=admin)
        assert listing["active"] == 5
        identity.call("deactivate_user", winners[0]["id"], principal=admin)


def test_fewer_seats_from_billing_deactivate_nobody_but_block_activation(identity, tenant, amqp_uri):
    admin = tenant["admin"]
    users = [identity.add_user(admin)[0] for _ in range(2)]
    spare = identity.add_user(admin, active=False)[0]
    identity.sink.clear()
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
    payload = {"account_id": tenant["ids"]["account_id"], "version": 3, "phase": "regular", "seats": 2}
    dispatch("billing", "entitlements_changed", payload)
    deadline = time.monotonic() + 10
    while identity.call("get_my_account", principal=admin)["seats"] != 2:
        assert time.monotonic() < deadline, "entitlements_changed was not handled"
        time.sleep(0.05)
    account = identity.call("get_my_account", principal=admin)
    assert account["active_users"] == 3 and account["seats_exceeded"] is True
    assert all(identity.call("get_user", u["id"], principal=admin)["active"] for u in users)
    with pytest.raises(QuotaExceeded):
        identity.call("activate_user", spare["id"], principal=admin)
    [mail] = identity.sink.wait_for(1, to=tenant["admin_email"])
    assert "Lizenzen" in mail["Subject"]
    # an older version arriving late changes nothing; the same event again sends no second mail
    dispatch("billing", "entitlements_changed", {**payload, "version": 2, "seats": 10})
    dispatch("billing", "entitlements_changed", payload)
    time.sleep(0.5)
    assert identity.call("get_my_account", principal=admin)["seats"] == 2
    assert len(identity.sink.messages(to=tenant["admin_email"])) == 1
