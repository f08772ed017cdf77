"""A mailing to a pressbase selection: recipients come page by page from the real pressbase service (licensed
datasets only), people without an address are left out with the reason, the rest get their personalised mail."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import sendable_sender, wait_until
from pressbase_testing import (  # noqa: F401  (fixtures)
    billing,
    pressbase_db,
    pressbase_service,
    record_id,
    sample,
    tenant,
)
from svckit.errors import NotFound


def test_mailing_to_a_pressbase_selection(run_services, dispatch_config, billing, sample, pressbase_db,  # noqa: F811
                                          tenant, rpc_as, smtp_sink):  # noqa: F811
    run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))
    billing.grant(tenant.account, phase="regular", datasets=("dach",))
    user = tenant.user()
    admin = tenant.user(roles=("administrator",))
    ids = [record_id(pressbase_db, "journalist", j) for j in ("J-1", "J-2", "J-8", "J-9")]
    with rpc_as(user) as rpc:
        sel = rpc.pressbase.create_selection({"name": "Wirtschaft", "kind": "list", "client_id": tenant.full,
                                              "journalist_ids": ids})
    with rpc_as(admin) as rpc:
        sender = sendable_sender(rpc, SimpleNamespace(user_id=user.user_id))
    with rpc_as(user) as rpc:
        m = rpc.dispatch.create_mailing({"client_id": tenant.full, "subject": "Hallo {{ first_name }}",
                                         "text": "{{ letter_salutation }}\n\nUnsere Zahlen.", "sender_id": sender["id"],
                                         "sources": [{"type": "selection", "selection_id": sel["id"]}]})
        vol = rpc.dispatch.get_mailing_volume(m["id"])
        assert vol["left_out_by_reason"].get("invalid_address", 0) + vol["left_out_by_reason"].get(
            "marked_invalid", 0) >= 1                                       # Greta Ohnemail has no address
        started = rpc.dispatch.start_mailing(m["id"])
        wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    assert started["recipients"] == vol["recipients"] >= 2
    anna = smtp_sink.messages(to="anna.mueller@sz.example")
    assert len(anna) == 1 and anna[0].text.startswith("Sehr geehrte Frau Dr. Müller,")
    assert anna[0]["Subject"] == "Hallo Anna"
    with rpc_as(tenant.stranger()) as rpc:                # another account cannot mail that selection
        with pytest.raises(NotFound):
            rpc.dispatch.get_mailing(m["id"])
