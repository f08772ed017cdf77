"""billing's lifecycle events obeyed by the other real services through the broker: identity and dispatch store the
entitlements (dispatch's recipient limit falls away on day 16), and four weeks after the contract end identity and
dispatch purge the account when billing asks."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.orm import Session

from svckit import entitlements
from svckit.errors import NotFound
from svckit.principal import Principal


def wait_until(check, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


@pytest.fixture
def with_dispatch(suite, run_services, smtp_sink):
    from dispatch.service import DispatchService

    run_services(DispatchService, config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port,
                                          "VERP_DOMAIN": "bounces.pressroom.test",
                                          "PUBLIC_BASE_URL": "http://pressroom.test",
                                          "MAIL_FROM": "no-reply@pressroom.test"},
                 db_services=("dispatch",))
    return suite


def dispatch_sees(databases, account_id):
    table = entitlements.entitlements_table(MetaData())
    with Session(databases.engine("dispatch")) as s:
        return entitlements.load(s, table, account_id)


def test_entitlements_reach_dispatch_and_identity_and_the_purge_is_obeyed(with_dispatch, databases):
    billing, identity = with_dispatch
    account = billing.order(date(2027, 2, 10), seats=5, addons=["pressbase_dach", "premium_dispatch"])["account_id"]

    first = wait_until(lambda: (e := dispatch_sees(databases, account)).version == 1 and e)
    assert first.phase == "starting" and first.max_recipients_per_mailing == 100 and first.premium_dispatch

    billing.run(date(2027, 2, 25))  # day 16: regular
    second = wait_until(lambda: (e := dispatch_sees(databases, account)).version == 2 and e)
    assert second.phase == "regular" and second.max_recipients_per_mailing is None

    # cancelled in the regular phase, ends 31 Dec 2027; purged four weeks later by every service
    billing.set_today(date(2027, 3, 1))
    billing.call("cancel_subscription", principal=billing.license_manager(account))
    billing.run(date(2028, 1, 28))

    def identity_forgot():
        try:
            identity.call("get_account", account, principal=Principal.system("test", account))
        except NotFound:
            return True
        return False
    assert wait_until(identity_forgot)

    def dispatch_forgot():
        with databases.engine("dispatch").connect() as conn:
            return conn.execute(text("SELECT count(*) FROM account_entitlements WHERE account_id = :a"),
                                {"a": account}).scalar() == 0
    assert wait_until(dispatch_forgot)
