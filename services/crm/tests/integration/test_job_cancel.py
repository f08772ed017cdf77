"""crm's cancel_job: a queued job is cancelled and never runs; only who may see the job and write to its client may
cancel it; a finished job stays as it is. (Cancelling a running job at a progress point: svckit's tests.)"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from crm_testing import wait_for
from svckit import deps
from svckit.errors import Forbidden, NotFound
from svckit.jobs import JobRunner


def _job(crm_db, principal, client_id, kind="export", state="queued") -> str:
    job_id = uuid.uuid4()
    with crm_db.begin() as conn:
        conn.execute(text("INSERT INTO jobs (id, account_id, client_id, user_id, kind, params, principal, state) "
                          "VALUES (:i, :a, :c, :u, :k, '{}'::jsonb, CAST(:p AS jsonb), :s)"),
                     {"i": job_id, "a": principal.account_id, "c": client_id, "u": principal.user_id, "k": kind,
                      "p": '{"kind": "user"}', "s": state})
    return str(job_id)


@pytest.fixture
def paused(crm_service):
    """The job loop stops claiming, so queued jobs stay queued for the test."""
    runner = deps.find(next(iter(crm_service.containers)), JobRunner)
    runner._running = False
    runner.poke()
    wait_for(lambda: runner._loop_gt.dead, what="the job loop to stop")
    return runner


def test_cancel_a_queued_job(paused, tenant, rpc_as, crm_db):
    user = tenant.user()
    job_id = _job(crm_db, user, tenant.full)
    with rpc_as(tenant.stranger()) as rpc, pytest.raises(NotFound):
        rpc.crm.cancel_job(job_id)
    with rpc_as(tenant.user()) as rpc, pytest.raises(NotFound):   # another user of the account, no admin
        rpc.crm.cancel_job(job_id)
    with rpc_as(user) as rpc:
        view = rpc.crm.cancel_job(job_id)
        assert view["state"] == "cancelled" and view["finished_at"]
        assert rpc.crm.get_job(job_id)["state"] == "cancelled"
        done = _job(crm_db, user, tenant.full, state="done")
        assert rpc.crm.cancel_job(done)["state"] == "done"
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT cancel_requested FROM jobs WHERE id = :i"), {"i": job_id}).scalar()
        assert not conn.execute(text("SELECT cancel_requested FROM jobs WHERE id = :i"), {"i": done}).scalar()


def test_cancel_needs_write_access_to_the_jobs_client(paused, tenant, rpc_as, crm_db):
    admin = tenant.admin()
    job_id = _job(crm_db, admin, tenant.read)
    with rpc_as(admin) as rpc:
        with pytest.raises(Forbidden):
            rpc.crm.cancel_job(job_id)
        assert rpc.crm.get_job(job_id)["state"] == "queued"
