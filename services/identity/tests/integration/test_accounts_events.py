"""create_account from billing (idempotent), the events identity publishes, account purge, operators, TOTP."""

import time

import pyotp
import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher

from identity_testing import BILLING
from svckit.errors import Forbidden, InvalidInput, Unauthenticated
from svckit.principal import Principal

RECEIVED: list = []


class Listener:
    name = "listener"

    @event_handler("identity", "account_created")
    def account_created(self, payload):
        RECEIVED.append(("account_created", payload))

    @event_handler("identity", "client_created")
    def client_created(self, payload):
        RECEIVED.append(("client_created", payload))

    @event_handler("identity", "client_deleted")
    def client_deleted(self, payload):
        RECEIVED.append(("client_deleted", payload))

    @event_handler("identity", "user_changed")
    def user_changed(self, payload):
        RECEIVED.append(("user_changed", payload))

    @event_handler("identity", "account_purged")
    def account_purged(self, payload):
        RECEIVED.append(("account_purged", payload))


def wait_for(kind, predicate=lambda p: True, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for k, p in RECEIVED if k == kind and predicate(p)]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {kind} event; got {RECEIVED}")


def test_create_account_is_idempotent_and_announced(identity, run_services):
    RECEIVED.clear()
    run_services(Listener)
    first = identity.create_account(name="Stadtwerke Nord", key="order-4711", clients=(), admin_email="a@nord.example",
                                    manager_email="l@nord.example")
    again = identity.create_account(name="Stadtwerke Nord", key="order-4711", clients=(),
                                    admin_email="a@nord.example", manager_email="l@nord.example")
    assert first == again
    assert len(first["client_ids"]) == 1  # a default client named after the account
    [created] = wait_for("account_created")
    assert created["account_id"] == first["account_id"] and created["name"] == "Stadtwerke Nord"
    [client] = wait_for("client_created")
    assert client == {"account_id": first["account_id"], "client_id": first["client_ids"][0],
                      "name": "Stadtwerke Nord"}
    changed = wait_for("user_changed")
    assert {c["user_id"] for c in changed} == {first["license_manager_id"], first["administrator_id"]}
    # both got exactly one first-login mail
    for email in ("a@nord.example", "l@nord.example"):
        assert len(identity.sink.wait_for(1, to=email)) == 1
    time.sleep(0.3)
    assert len([k for k, _ in RECEIVED if k == "account_created"]) == 1
    # only services (and operators) may create accounts; bad orders name the field
    with pytest.raises(InvalidInput) as exc:
        identity.call("create_account", {"idempotency_key": "x", "account": {"name": ""}, "seats": 0},
                      principal=BILLING)
    assert {"account.name", "seats", "license_manager", "administrator"} <= set(exc.value.fields)
    admin = identity.first_login("a@nord.example")[1]
    with pytest.raises(Forbidden):  # a user cannot create accounts or add clients the billing way
        identity.call("create_account", {"idempotency_key": "order-4712"}, principal=admin)
    with pytest.raises(Forbidden):
        identity.call("add_client", first["account_id"], "Nebenbei", principal=admin)
    # billing adds an affiliated company as a client
    added = identity.call("add_client", first["account_id"], "Tochter Süd", principal=BILLING)
    assert {c["name"] for c in identity.call("list_clients", principal=admin)["clients"]} == {
        "Stadtwerke Nord", "Tochter Süd"}
    assert wait_for("client_created", lambda p: p["client_id"] == added["client_id"])


def test_purge_deletes_everything_and_reports(identity, tenant, run_services, amqp_uri, databases):
    RECEIVED.clear()
    run_services(Listener)
    account_id = tenant["ids"]["account_id"]
    token = tenant["admin_token"]
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
    for _ in range(2):  # delivered twice: idempotent
        dispatch("billing", "account_purge_requested", {"account_id": account_id, "requested_at": "2026-01-01"})
    reports = wait_for("account_purged", lambda p: p["account_id"] == account_id)
    assert reports[0] == {"service": "identity", "account_id": account_id}
    with pytest.raises(Unauthenticated):
        identity.call("authenticate", token)
    from sqlalchemy import text
    with databases.engine("identity").connect() as conn:
        for table in ("accounts", "users", "clients", "client_rights", "sessions", "audit_log"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_totp_with_single_use_backup_codes(identity, tenant):
    admin, email = tenant["admin"], tenant["admin_email"]
    setup = identity.call("start_totp", principal=admin)
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    with pytest.raises(InvalidInput):
        identity.call("confirm_totp", {"code": "000000" if totp.now() != "000000" else "111111",
                                       "current_password": "Kaffeebohnen-Sommer-42"}, principal=admin)
    backup = identity.call("confirm_totp", {"code": totp.now(), "current_password": "Kaffeebohnen-Sommer-42"},
                           principal=admin)["backup_codes"]
    assert len(backup) == 10
    step = identity.login(email, "Kaffeebohnen-Sommer-42")
    assert step["method"] == "totp"
    identity.clock.advance(seconds=30)  # the next time step: the confirmation's code is spent
    code = totp.at(identity.clock.now())
    assert identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})["token"]
    step = identity.login(email, "Kaffeebohnen-Sommer-42")
    with pytest.raises(InvalidInput):  # the same TOTP code twice: refused
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    assert identity.call("verify_second_factor", {"challenge": step["challenge"], "code": backup[0]})["token"]
    step = identity.login(email, "Kaffeebohnen-Sommer-42")
    with pytest.raises(InvalidInput):  # a backup code is single use
        identity.call("verify_second_factor", {"challenge": step["challenge"], "code": backup[0]})
    assert identity.call("verify_second_factor", {"challenge": step["challenge"], "code": backup[1]})["token"]


def test_operators_log_in_with_a_mailed_code_and_are_audited(identity, tenant):
    with pytest.raises(Forbidden):
        identity.call("create_operator", {"email": "x@pressroom.example", "roles": ["support"],
                                          "password": "Betreiber-Passwort-2026"}, principal=tenant["admin"])
    identity.call("create_operator", {"email": "ops@pressroom.example", "roles": ["back_office"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    with pytest.raises(Unauthenticated):  # operators do not log in through the customers' login
        identity.login("ops@pressroom.example", "Betreiber-Passwort-2026")
    step = identity.call("operator_login", {"email": "ops@pressroom.example", "password": "Betreiber-Passwort-2026"})
    assert step["status"] == "second_factor_required" and step["method"] == "email"
    code = identity.mail_code("ops@pressroom.example")
    session = identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    operator = identity.principal(session["token"])
    assert operator.kind == "operator" and operator.roles == ("back_office",) and operator.account_id is None
    accounts = identity.call("list_accounts", principal=operator)["accounts"]
    assert tenant["ids"]["account_id"] in {a["id"] for a in accounts}
    with pytest.raises(Forbidden):  # an operator is not a user of any account
        identity.call("list_users", principal=operator)
    with pytest.raises(Forbidden):
        identity.call("list_accounts", principal=tenant["admin"])
    audit = identity.call("list_operator_audit", principal=operator)["entries"]
    assert {"login_succeeded", "operator_listed_accounts", "operator_created"} <= {e["event"] for e in audit}
