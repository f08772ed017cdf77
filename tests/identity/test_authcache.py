"""The principal cache's protocol against the real Redis: an answer stored under an old generation is never used,
including the race where identity commits a change while the gateway is still asking."""

import uuid

from svckit.authcache import Invalidator, PrincipalCache


def test_generation_protocol_and_the_race():
    prefix = f"pressroom:test{uuid.uuid4().hex[:8]}:"
    cache, identity = PrincipalCache(key_prefix=prefix), Invalidator(key_prefix=prefix)
    token = uuid.uuid4().hex
    answer, gen = cache.lookup(token)
    assert answer is None and gen == 0
    cache.store(token, gen, {"principal": {"kind": "user", "clients": {"c": "full"}}}, ttl=30)
    assert cache.lookup(token) == ({"principal": {"kind": "user", "clients": {"c": "full"}}}, 0)
    # identity commits a change (e.g. rights) and bumps: the entry is stale at once
    assert identity.bump([bytes.fromhex(token)]) is True
    answer, gen = cache.lookup(token)
    assert answer is None and gen == 1
    # the race: the gateway noted generation 1, asked identity and got the OLD rights; meanwhile identity
    # committed again and bumped; the late store under generation 1 must never be served
    identity.bump([token])
    cache.store(token, gen, {"principal": {"kind": "user", "clients": {"c": "full"}}}, ttl=30)
    assert cache.lookup(token) == (None, 2)
    cache._r().delete(f"{prefix}p:{token}", f"{prefix}g:{token}")


def test_redis_down_means_asking_identity_every_time():
    cache = PrincipalCache(url="redis://127.0.0.1:1/0", key_prefix="pressroom:nowhere:", backoff=60)
    assert cache.lookup("ab" * 32) == (None, None)      # no exception, no caching
    cache.store("ab" * 32, 0, {"principal": {}}, ttl=30)  # a no-op
    assert cache.available is False
    assert Invalidator(url="redis://127.0.0.1:1/0").bump([b"\x01"]) is False


def test_a_gateway_keeps_answers_it_has_seen_and_still_checks_the_generation_every_time():
    prefix = f"pressroom:test{uuid.uuid4().hex[:8]}:"
    one, other, identity = (PrincipalCache(key_prefix=prefix), PrincipalCache(key_prefix=prefix),
                            Invalidator(key_prefix=prefix))
    token = uuid.uuid4().hex
    answer = {"principal": {"kind": "user", "clients": {"c": "read"}}}
    one.store(token, one.lookup(token)[1], answer, ttl=30)
    assert other.lookup(token) == (answer, 0)  # another gateway process finds it in Redis
    one._r().delete(f"{prefix}p:{token}")
    # both now answer from memory (the Redis entry is gone) ...
    assert one.lookup(token) == (answer, 0) and other.lookup(token) == (answer, 0)
    # ... but only while the generation in Redis is the one they read it under
    identity.bump([token])
    assert one.lookup(token) == (None, 1) and other.lookup(token) == (None, 1)
    # after a change another gateway's fresh answer is picked up from Redis, not asked for again
    newer = {"principal": {"kind": "user", "clients": {}}}
    other.store(token, 1, newer, ttl=30)
    assert one.lookup(token) == (newer, 1)
    # an answer is never kept past the TTL identity gave it
    one._local[token] = (1, 0.0, answer)
    one._r().delete(f"{prefix}p:{token}")
    assert one.lookup(token) == (None, 1)
    one._r().delete(f"{prefix}g:{token}")


def test_memory_holds_at_most_its_limit():
    prefix = f"pressroom:test{uuid.uuid4().hex[:8]}:"
    cache = PrincipalCache(key_prefix=prefix, local_entries=3)
    tokens = [uuid.uuid4().hex for _ in range(5)]
    for t in tokens:
        cache.store(t, 0, {"principal": {"kind": "user"}}, ttl=5)
    assert list(cache._local) == tokens[2:]
    cache._r().delete(*[f"{prefix}p:{t}" for t in tokens])


def test_an_answer_kept_in_memory_is_not_used_once_redis_has_lost_the_generation():
    """Redis restarted without its data (or evicted the key): the generation would read as 0 again, so an answer
    a gateway keeps from before cannot be told from a current one; it asks identity instead."""
    prefix = f"pressroom:test{uuid.uuid4().hex[:8]}:"
    cache, identity = PrincipalCache(key_prefix=prefix), Invalidator(key_prefix=prefix)
    token = uuid.uuid4().hex
    old = {"principal": {"kind": "user", "clients": {"c": "full"}}}
    cache.store(token, cache.lookup(token)[1], old, ttl=30)
    assert cache.lookup(token) == (old, 0)
    identity.bump([token])   # rights changed: generation 1 ...
    cache._r().delete(f"{prefix}g:{token}", f"{prefix}p:{token}")   # ... and then Redis lost everything
    assert cache.lookup(token) == (None, 0)
    # the fresh answer creates the key again and is used from then on
    new = {"principal": {"kind": "user", "clients": {"c": "read"}}}
    cache.store(token, 0, new, ttl=30)
    assert cache.lookup(token) == (new, 0)
    identity.bump([token])
    assert cache.lookup(token) == (None, 1)
    cache._r().delete(f"{prefix}g:{token}", f"{prefix}p:{token}")
