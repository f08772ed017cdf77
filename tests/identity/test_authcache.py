"""The principal cache's protocol against the real Redis: an answer stored under an old generation is never used,
including the race where identity commits a change while the gateway is still asking."""

import hashlib
import json
import time
import uuid

from svckit.authcache import Invalidator, PrincipalCache, seal


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


# --- the cache cannot be forged: entries are authenticated with a key Redis does not hold -----------------------------

P = "/api/v1"


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _keys(token):
    from svckit.authcache import prefix

    h = hashlib.sha256(token.encode()).hexdigest()
    return h, f"{prefix()}p:{h}", f"{prefix()}g:{h}"


def _redis():
    import redis

    from svckit.authcache import redis_url

    return redis.Redis.from_url(redis_url())


def _cached_answer(token) -> dict:
    """identity's answer for a real session, as the gateway stored it in Redis."""
    _, p_key, _ = _keys(token)
    return json.loads(json.loads(_redis().get(p_key))["answer"])


def test_forged_cache_entries_do_not_make_a_session(gateway, identity, tenant):
    """Writing the two keys into Redis (the old attack: any string became a session of the administrator) or an
    entry sealed with a guessed key: the gateway asks identity, which knows no such token -> 401."""
    api = gateway()
    assert api.simulate_get(f"{P}/me", headers=_bearer(tenant["admin_token"])).status_code == 200
    stolen = _cached_answer(tenant["admin_token"])
    assert stolen["principal"]["user_id"] == tenant["ids"]["administrator_id"]
    r = _redis()
    forged_token = "never-issued-" + uuid.uuid4().hex
    token_hex, p_key, g_key = _keys(forged_token)
    exp = time.time() + 30
    # the entry as the gateway wrote it before (no MAC) ...
    r.set(g_key, 1, ex=60)
    r.set(p_key, json.dumps({"gen": 1, "exp": exp, "answer": stolen}), ex=60)
    resp = api.simulate_get(f"{P}/me", headers=_bearer(forged_token))
    assert resp.status_code == 401, resp.json
    # ... and in today's format, sealed with a key the attacker made up (also: a fresh gateway process)
    r.set(g_key, 1, ex=60)
    r.set(p_key, seal(b"guessed" * 4, token_hex, 1, float(round(exp, 3)), stolen), ex=60)
    resp = gateway().simulate_get(f"{P}/me", headers=_bearer(forged_token))
    assert resp.status_code == 401, resp.json
    r.delete(p_key, g_key)


def test_a_tampered_cache_entry_is_refused_and_identity_answers(gateway, identity, tenant):
    """A real session's entry altered in Redis (here: made the administrator of another user) is not used; the
    request is answered with identity's own answer."""
    admin = _bearer(tenant["admin_token"])
    api = gateway()
    maria = api.simulate_post(f"{P}/users", json={"email": "maria@example.com", "first_name": "Maria",
                                                  "last_name": "Muster", "active": True}, headers=admin)
    assert maria.status_code == 201, maria.json
    assert api.simulate_get(f"{P}/me", headers=admin).json["email"] == tenant["admin_email"]
    token_hex, p_key, g_key = _keys(tenant["admin_token"])
    r = _redis()
    entry = json.loads(r.get(p_key))
    answer = json.loads(entry["answer"])
    answer["principal"]["user_id"] = maria.json["id"]
    # the answer changed, the MAC kept: a new gateway process (nothing in its memory) must not believe it
    r.set(p_key, json.dumps({**entry, "answer": json.dumps(answer, separators=(",", ":"), sort_keys=True)}), ex=30)
    me = gateway().simulate_get(f"{P}/me", headers=admin)
    assert me.status_code == 200 and me.json["email"] == tenant["admin_email"], me.json
    # the generation and expiry are covered too: an entry moved to a newer generation is not used either
    entry = json.loads(r.get(p_key))
    r.incr(g_key)
    r.set(p_key, json.dumps({**entry, "gen": entry["gen"] + 1,
                             "answer": json.dumps(answer, separators=(",", ":"), sort_keys=True)}), ex=30)
    me = gateway().simulate_get(f"{P}/me", headers=admin)
    assert me.status_code == 200 and me.json["email"] == tenant["admin_email"], me.json
    # what the gateways keep in memory is only what they verified: identity's own answer
    cache = PrincipalCache()
    found, _ = cache.lookup(token_hex)
    assert found is not None and found["principal"]["user_id"] == tenant["ids"]["administrator_id"]
