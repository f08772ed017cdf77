"""svckit.work's promises, on crm's real database (``unit`` kit, no broker): events leave only with the commit,
after-commit hooks run after it (a ``first`` one before the others), and a block that fails publishes nothing and
runs no hook; and through a real use case: a corrected address is an event of the commit, not of the call."""

from __future__ import annotations

import pytest

from crm.service import CrmService
from svckit_testing.fakes import Tenant


@pytest.fixture
def kit(unit):
    return unit("crm")


@pytest.fixture
def tenant():
    return Tenant()


def test_events_and_hooks_wait_for_the_commit(kit, tenant):
    work = kit.work(tenant.user)
    ran: list[str] = []
    work.emit("something_happened", {"n": 1})
    work.after_commit(lambda: ran.append("mail"))
    work.after_commit(lambda: ran.append("cache"), first=True)
    assert kit.events.events == [] and ran == []   # nothing leaves before the commit
    work.commit()
    assert kit.events.events == [("something_happened", {"n": 1})]
    assert ran == ["cache", "mail"]
    assert work.emitted == [("something_happened", {"n": 1})] and work.pending == []


def test_a_failed_block_publishes_nothing_and_runs_no_hook(kit, tenant):
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        with kit.work(tenant.user) as work:
            work.emit("never_happened", {})
            work.after_commit(lambda: ran.append("mail"))
            raise RuntimeError("the use case failed")
    assert kit.events.events == [] and ran == []
    with kit.work(tenant.user) as work:   # a block that ends normally commits
        work.emit("happened", {"ok": True})
    assert kit.events.names() == ["happened"]


def test_a_use_case_emits_through_the_work(kit, tenant):
    crm = kit.worker(CrmService, tenant.user)
    c = crm.create_contact({"client_id": tenant.client, "last_name": "Weber",
                            "emails": [{"email": "old@example.com", "primary": True}]})
    assert kit.events.names() == []
    crm.update_contact(c["id"], {"emails": [{"email": "new@example.com", "primary": True}]})
    [payload] = kit.events.of("contact_email_corrected")
    assert payload["contact_id"] == c["id"]
    assert (payload["old_email"], payload["new_email"]) == ("old@example.com", "new@example.com")
