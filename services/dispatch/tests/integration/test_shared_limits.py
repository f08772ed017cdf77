"""Per-domain limits across sender processes (Redis): two limiters stand for two sender processes. The rate and the
concurrency hold for both together; a killed sender's slot lapses; without Redis each falls back to its own."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack

import eventlet
import pytest

from dispatch.engine.smtp import DomainLimiter, SharedDomainLimiter
from dispatch.sender import domain_limiter
from dispatch.settings import DispatchSettings
from svckit.authcache import redis_url


@pytest.fixture
def two_senders():
    prefix = f"pressroom:test{uuid.uuid4().hex[:8]}:dispatch:"

    def make(**kw):
        return (SharedDomainLimiter(redis_url(), prefix=prefix, **kw),
                SharedDomainLimiter(redis_url(), prefix=prefix, **kw))

    yield make
    r = SharedDomainLimiter(redis_url(), prefix=prefix)._redis
    keys = list(r.scan_iter(f"{prefix}*"))
    if keys:
        r.delete(*keys)


def test_the_rate_per_minute_holds_for_all_senders_together(two_senders):
    a, b = two_senders(per_minute=5)
    assert [a.wait_seconds("web.de") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert [b.wait_seconds("web.de") for _ in range(2)] == [0.0, 0.0]
    for sender in (a, b):   # the sixth send in the minute waits, whichever process has it
        wait = sender.wait_seconds("web.de")
        assert 59 < wait <= 60.02
    assert b.wait_seconds("gmx.de") == 0.0   # other domains are counted apart
    # each process alone would have let all ten through
    alone = DomainLimiter(per_minute=5)
    assert [alone.wait_seconds("web.de") for _ in range(5)] == [0.0] * 5


def test_sends_at_once_to_a_domain_are_limited_across_senders(two_senders):
    a, b = two_senders(concurrency=2)
    got = []

    def send_from_b():
        with b.slot("t-online.de"):
            got.append(time.monotonic())

    with ExitStack() as stack:
        stack.enter_context(a.slot("t-online.de"))
        second = ExitStack()
        second.enter_context(a.slot("t-online.de"))
        waiting = eventlet.spawn(send_from_b)
        eventlet.sleep(0.3)
        assert got == []                       # both slots are taken by the other sender
        with b.slot("freenet.de"):             # another domain is not held up
            pass
        released = time.monotonic()
        second.close()                         # one of a's sends ends
        with eventlet.Timeout(5):
            waiting.wait()
    assert len(got) == 1 and got[0] - released < 1.0


def test_a_send_that_fails_gives_its_slot_back(two_senders):
    a, b = two_senders(concurrency=1)
    with pytest.raises(OSError):
        with a.slot("gmx.net"):
            raise OSError("the relay hung up")
    with eventlet.Timeout(1):   # free at once, not after the lease
        with b.slot("gmx.net"):
            pass


def test_a_killed_senders_slot_lapses(two_senders):
    a, b = two_senders(concurrency=2, lease_seconds=0.3)
    key = f"{a.prefix}sending:arcor.de"
    a._acquire(keys=[key], args=[2, "busy-sender", 60_000])          # a live send (long lease) keeps the key alive
    a._acquire(keys=[key], args=[2, "killed-sender", a.lease_ms])    # never released
    started = time.monotonic()
    with eventlet.Timeout(5):
        with b.slot("arcor.de"):
            waited = time.monotonic() - started
    assert 0.1 < waited < 2.0                                         # the lapsed lease was cleared by its time
    assert a._redis.zscore(key, "busy-sender") is not None


def test_without_redis_each_sender_keeps_its_own_limits():
    lost = SharedDomainLimiter("redis://127.0.0.1:1/0", per_minute=2, concurrency=1, backoff=60)
    assert [lost.wait_seconds("web.de") for _ in range(2)] == [0.0, 0.0]
    assert lost.wait_seconds("web.de") > 59      # counted by the process itself
    with lost.slot("web.de"):                    # delivery goes on
        pass


def test_the_sender_process_shares_its_limits_when_told_to():
    url = "postgresql+psycopg://pressroom@127.0.0.1:5432/pressroom_dispatch"
    shared = domain_limiter(DispatchSettings.load({"DOMAIN_LIMITS_SHARED": "1"}), url)
    assert isinstance(shared, SharedDomainLimiter)
    assert shared.prefix == "pressroom:dispatch:pressroom_dispatch:"   # the senders of one database share them
    assert isinstance(domain_limiter(DispatchSettings.load({}), url), DomainLimiter)
