"""pressbase's cancel_job: a queued job is cancelled and never runs; only who may see the job and write to its client
may cancel it (operators: the account-less feed imports); a finished job stays as it is. (Cancelling a running job
at a progress point: svckit's tests.)"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

from pressbase_testing import operator, wait_for
from svckit import deps
from svckit.errors import Forbidden, NotFound
from svckit.jobs import JobRunner


def _job(db, principal, client_id=None, kind="export", state="queued") -> str:
    job_id = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(text("INSERT INTO jobs (id, account_id, client_id, user_id, kind, params, principal, state) "
                          "VALUES (:i, :a, :c, :u, :k, '{}'::jsonb, CAST(:p AS jsonb), :s)"),
                     {"i": job_id, "a": principal.account_id, "c": client_id, "u": principal.user_id, "k": kind,
                      "p": json.dumps(principal.to_dict()), "s": state})
    return str(job_id)


@pytest.fixture
def paused(pressbase_service):
    """The job loop stops claiming, so queued jobs stay queued for the test."""
    container = next(c for c in pressbase_service.containers if c.service_name == "pressbase")
    runner = deps.find(container, JobRunner)
    runner._running = False
    runner.poke()
    wait_for(lambda: runner._loop_gt.dead, what="the job loop to stop")
    return runner


def test_cancel_a_queued_job_with_the_rights_to_it(paused, tenant, rpc_as, pressbase_db):
    user = tenant.user()
    job_id = _job(pressbase_db, user, tenant.full)
    on_read = _job(pressbase_db, user, tenant.read)
    with rpc_as(tenant.stranger()) as rpc, pytest.raises(NotFound):
        rpc.pressbase.cancel_job(job_id)
    with rpc_as(tenant.user()) as rpc, pytest.raises(NotFound):   # another user of the account, no admin
        rpc.pressbase.cancel_job(job_id)
    with rpc_as(operator()) as rpc, pytest.raises(NotFound):      # operators see account-less jobs only
        rpc.pressbase.cancel_job(job_id)
    with rpc_as(user) as rpc:
        with pytest.raises(Forbidden):
            rpc.pressbase.cancel_job(on_read)
        assert rpc.pressbase.get_job(on_read)["state"] == "queued"
        view = rpc.pressbase.cancel_job(job_id)
        assert view["state"] == "cancelled" and view["finished_at"]
        assert rpc.pressbase.get_job(job_id)["state"] == "cancelled"
        done = _job(pressbase_db, user, tenant.full, state="done")
        assert rpc.pressbase.cancel_job(done)["state"] == "done"


def test_operators_cancel_a_queued_feed_import(paused, rpc_as, pressbase_db):
    op = operator()
    job_id = _job(pressbase_db, op, kind="feed_import")
    with rpc_as(op) as rpc:
        assert rpc.pressbase.cancel_job(job_id)["state"] == "cancelled"
