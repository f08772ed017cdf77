"""Principal tokens: key ring (key id in the token, old keys accepted, removed or unknown ones refused), expiry,
the refresh a long worker gets, the production start check, and the MAC of the principal cache's entries."""

from __future__ import annotations

import json
import time

import pytest

from svckit import authcache, settings
from svckit import principal as p
from svckit.rpc import refresh_principal

NEW = "k2:" + "n" * 40
OLD = "k1:" + "o" * 40
RING = f"{NEW},{OLD}"


def _user(**kw) -> p.Principal:
    return p.Principal(**{"kind": "user", "account_id": "acc-1", "user_id": "u-1", "roles": ("user",),
                          "clients": {"c": "full"}, "lang": "en", **kw})


def test_the_first_key_signs_and_the_token_names_it():
    token = p.encode(_user(), RING)
    kid, sig, body = token.split(".", 2)
    assert kid == "k2"
    data = json.loads(body)
    assert data["exp"] - time.time() == pytest.approx(settings.DEFAULT_PRINCIPAL_TOKEN_TTL, abs=5)
    assert p.decode(token, RING) == _user()


def test_a_token_signed_with_an_old_key_of_the_ring_is_accepted():
    old_token = p.encode(_user(), OLD)          # a process that still signs with the old key
    assert old_token.startswith("k1.")
    assert p.decode(old_token, RING) == _user()  # the rotated ring keeps accepting it


def test_a_removed_or_unknown_key_id_is_refused():
    old_token = p.encode(_user(), OLD)
    assert p.decode(old_token, NEW).kind == "anonymous"                        # k1 removed from the ring
    assert p.decode(p.encode(_user(), "k9:" + "x" * 40), RING).kind == "anonymous"  # never in the ring
    # the right key id with another secret, and a key id swapped for another one of the ring
    assert p.decode(p.encode(_user(), "k1:" + "z" * 40), RING).kind == "anonymous"
    assert p.decode("k2" + old_token[2:], RING).kind == "anonymous"


def test_an_expired_token_is_refused():
    token = p.encode(_user(), RING, ttl=60, now=time.time() - 61)
    assert p.decode(token, RING).kind == "anonymous"
    assert p.verify(token, RING)[0] == _user()  # its signature is fine: only its time is up
    assert p.decode(p.encode(_user(), RING, ttl=60), RING) == _user()


def test_the_expiry_cannot_be_changed_or_dropped():
    token = p.encode(_user(), RING, ttl=1, now=time.time() - 10)
    kid, sig, body = token.split(".", 2)
    data = json.loads(body)
    later = json.dumps({**data, "exp": data["exp"] + 3600}, separators=(",", ":"), sort_keys=True)
    assert p.decode(f"{kid}.{sig}.{later}", RING).kind == "anonymous"
    without = {k: v for k, v in data.items() if k != "exp"}
    body = json.dumps(without, separators=(",", ":"), sort_keys=True)
    key = p.KeyRing.parse(RING).keys[kid]
    assert p.decode(f"{kid}.{p._sig(key, kid + '.' + body)}.{body}", RING).kind == "anonymous"
    # the format before key rings (signature.json, no expiry) is not accepted either
    assert p.decode(f"{sig}.{body}", RING).kind == "anonymous"


def test_service_principals_live_longer_than_a_users():
    system = p.Principal.system("crm", account_id="acc-1")
    exp = json.loads(p.encode(system, RING).split(".", 2)[2])["exp"]
    assert exp - time.time() == pytest.approx(settings.DEFAULT_PRINCIPAL_SERVICE_TOKEN_TTL, abs=5)


def test_a_plain_secret_is_a_ring_of_one_key_and_a_ring_is_validated():
    ring = p.KeyRing.parse("just-one-secret-without-key-id")
    assert list(ring.keys) == ["0"] and ring.signing == "0"
    assert p.encode(_user(), "just-one-secret-without-key-id").startswith("0.")
    with pytest.raises(ValueError, match="twice"):
        p.KeyRing.parse(f"{NEW},{NEW}")
    assert "n" * 40 not in repr(p.KeyRing.parse(RING))


def test_a_long_worker_keeps_its_principal_but_an_expired_one_is_not_revived():
    ring = p.KeyRing.parse(RING)
    started = time.time()
    fresh = p.encode(_user(), ring)
    data = {p.CONTEXT_KEY: fresh}
    assert refresh_principal(data, ring, started) is False and data[p.CONTEXT_KEY] == fresh  # plenty of time left
    # the worker has run for four minutes of a five-minute token: it is minted afresh, same content
    ageing = p.encode(_user(), ring, now=started - 240)
    data = {p.CONTEXT_KEY: ageing}
    assert refresh_principal(data, ring, started) is True
    assert p.verify(data[p.CONTEXT_KEY], ring)[1] > p.verify(ageing, ring)[1]
    assert p.decode(data[p.CONTEXT_KEY], ring) == _user()
    # a token that had expired before the worker started stays expired (a replayed message gets nothing)
    replayed = p.encode(_user(), ring, now=started - 400)
    data = {p.CONTEXT_KEY: replayed}
    assert refresh_principal(data, ring, started) is False and data[p.CONTEXT_KEY] == replayed
    # nor is anything minted from a forged token
    data = {p.CONTEXT_KEY: p.encode(_user(), "k2:" + "f" * 40, now=started - 240)}
    assert refresh_principal(data, ring, started) is False


@pytest.mark.parametrize("value, message", [
    (None, "PRINCIPAL_SECRET is not set"),
    ("", "PRINCIPAL_SECRET is not set"),
    (settings.DEV_PRINCIPAL_SECRET, "PRINCIPAL_SECRET is the development default"),
    ("short", "PRINCIPAL_SECRET is shorter than 16 characters"),
    (f"k2:{'n' * 40},k1:{settings.DEV_PRINCIPAL_SECRET}", "PRINCIPAL_SECRET (key k1) is the development default"),
    (f"k2:{'n' * 40},k2:{'m' * 40}", "twice"),
])
def test_a_production_start_refuses_a_missing_or_development_secret(monkeypatch, value, message):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    with pytest.raises(settings.ConfigurationError) as exc:
        settings.check_principal_secret(value)
    assert message in str(exc.value) and "refusing to start" in str(exc.value)
    if value is not None:
        monkeypatch.setenv("PRINCIPAL_SECRET", value)
    else:
        monkeypatch.delenv("PRINCIPAL_SECRET", raising=False)
    with pytest.raises(settings.ConfigurationError):
        settings.principal_secret()


def test_production_accepts_real_secrets_and_development_accepts_anything(monkeypatch):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    settings.check_principal_secret("a" * 64)
    settings.check_principal_secret(RING)
    monkeypatch.setenv("PRESSROOM_ENV", "development")
    settings.check_principal_secret(settings.DEV_PRINCIPAL_SECRET)
    monkeypatch.delenv("PRESSROOM_ENV")
    assert settings.is_production() is False
    settings.check_principal_secret("short")


def test_cache_entries_carry_a_mac_that_covers_every_part():
    key, other = authcache.cache_key(RING), authcache.cache_key(OLD)
    assert key != other and key == authcache.cache_key(RING)
    assert authcache.cache_key(RING, explicit="x" * 32) != key
    token_hex, exp = "ab" * 32, float(round(time.time() + 30, 3))
    answer = {"principal": {"kind": "user", "account_id": "a"}, "cache_seconds": 30}
    raw = authcache.seal(key, token_hex, 3, exp, answer)
    assert authcache.unseal(key, token_hex, raw) == (3, exp, answer)
    assert authcache.unseal(other, token_hex, raw) is None              # another key
    assert authcache.unseal(key, "cd" * 32, raw) is None                # moved to another token
    data = json.loads(raw)
    for change in ({"gen": 4}, {"exp": exp + 3600}, {"answer": data["answer"].replace('"user"', '"operator"')},
                   {"mac": None}):
        assert authcache.unseal(key, token_hex, json.dumps({**data, **change})) is None, change
    assert authcache.unseal(key, token_hex, json.dumps({k: v for k, v in data.items() if k != "mac"})) is None
    assert authcache.unseal(key, token_hex, raw, now=exp + 1) is None   # past its signed expiry
    assert authcache.unseal(key, token_hex, b"{not json") is None


def test_production_wants_a_password_in_redis_url(monkeypatch):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    for url in ("redis://redis:6379/0", "redis://:@redis:6379/0", "redis://:dev-only-redis-password@redis:6379/0"):
        with pytest.raises(settings.ConfigurationError, match="refusing to start"):
            settings.check_redis_url(url)
    settings.check_redis_url("redis://:" + "p" * 48 + "@redis:6379/0")
    settings.check_redis_url("rediss://pressroom:" + "p" * 48 + "@cache.example.com:6380/0")
    monkeypatch.setenv("PRESSROOM_ENV", "development")
    settings.check_redis_url("redis://127.0.0.1:6379/0")
