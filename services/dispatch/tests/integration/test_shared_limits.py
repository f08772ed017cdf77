"""Per-domain limits across sender processes (Redis): two limiters stand for two sender processes. The rate and the
concurrency hold for both together, with tokens and sending leases taken in batches (one round trip for many mails);
unspent tokens and idle leases go back; a killed sender's slot lapses; without Redis each falls back to its own."""

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


def counted(limiter, script: str) -> list:
    """The answers of one of the limiter's Lua scripts, one per call (= round trip)."""
    calls: list = []
    original = getattr(limiter, script)

    def call(**kw):
        calls.append(original(**kw))
        return calls[-1]
    setattr(limiter, script, call)
    return calls


def test_tokens_are_leased_in_batches_and_the_minute_holds_for_both(two_senders):
    a, b = two_senders(per_minute=40, rate_batch=5)
    trips_a, trips_b = counted(a, "_lease_rate"), counted(b, "_lease_rate")
    sent = {a: 0, b: 0}
    for _ in range(20):                      # the two processes take turns, three mails each
        for sender in (a, b):
            sent[sender] += [sender.wait_seconds("gmail.com") for _ in range(3)].count(0.0)
    assert sent[a] + sent[b] == 40           # never more than the minute allows, for both together
    assert sent[a] >= 15 and sent[b] >= 15
    assert a.wait_seconds("gmail.com") > 59 and b.wait_seconds("gmail.com") > 59
    # 40 tokens in batches of 5: 8 granting round trips, not 40 (the others are refusals once the minute is full)
    assert [int(granted) for granted, _ in trips_a + trips_b if int(granted)] == [5] * 8
    assert a._redis.zcard(f"{a.prefix}rate:gmail.com") == 40


def test_unspent_tokens_go_back_when_their_lifetime_ends(two_senders):
    a, b = two_senders(per_minute=10, rate_batch=5, token_seconds=0.3)
    key = f"{a.prefix}rate:heise.de"
    assert a.wait_seconds("heise.de") == 0.0                          # a leases five and spends one
    assert [b.wait_seconds("heise.de") for _ in range(5)] == [0.0] * 5
    assert b.wait_seconds("heise.de") > 0                             # a sits on four unspent tokens
    assert a._redis.zcard(key) == 10
    with eventlet.Timeout(3):                                         # a's reaper gives them back after 0.3 s
        while a._redis.zcard(key) > 6:
            eventlet.sleep(0.05)
    assert a._redis.zcard(key) == 6
    assert [b.wait_seconds("heise.de") for _ in range(4)] == [0.0] * 4
    assert b.wait_seconds("heise.de") > 59


def test_a_sender_keeps_its_slot_for_its_next_send_and_lets_it_go_when_idle(two_senders):
    a, b = two_senders(concurrency=1, linger=0.3)
    trips = counted(a, "_acquire")
    for _ in range(3):
        with a.slot("gmx.de"):
            pass
    assert len(trips) == 1                    # one lease for three sends in a row
    started = time.monotonic()
    with eventlet.Timeout(3):
        with b.slot("gmx.de"):                # a's lease was idle for 0.3 s, then given back
            waited = time.monotonic() - started
    assert 0.2 < waited < 2.0


def test_sends_at_once_to_a_domain_are_limited_across_senders(two_senders):
    a, b = two_senders(concurrency=2, linger=0.2)   # a keeps a slot it is done with for 0.2 s, then gives it back
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
    assert len(got) == 1 and 0.1 < got[0] - released < 3.0   # free once a's idle lease lingered (not after its 180 s)


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


def test_without_redis_each_sender_keeps_its_own_limits(caplog):
    lost = SharedDomainLimiter("redis://127.0.0.1:1/0", per_minute=2, concurrency=1, backoff=60)
    with eventlet.Timeout(5):                    # no stall
        assert [lost.wait_seconds("web.de") for _ in range(2)] == [0.0, 0.0]
        assert lost.wait_seconds("web.de") > 59  # counted by the process itself
        with lost.slot("web.de"):                # delivery goes on
            pass
    assert "fall back to this process's own" in caplog.text


def test_the_sender_process_shares_its_limits_when_told_to():
    url = "postgresql+psycopg://pressroom@127.0.0.1:5432/pressroom_dispatch"
    shared = domain_limiter(DispatchSettings.load({"DOMAIN_LIMITS_SHARED": "1"}), url)
    assert isinstance(shared, SharedDomainLimiter)
    assert shared.prefix == "pressroom:dispatch:pressroom_dispatch:"   # the senders of one database share them
    assert isinstance(domain_limiter(DispatchSettings.load({}), url), DomainLimiter)
