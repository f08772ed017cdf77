"""The mailbox-password key ring (crm.keyring).

The newest key encrypts, every key decrypts, the ciphertext names its key.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet

from crm.keyring import KeyRing, key_id
from svckit.errors import Unavailable


def legacy_token(secret: str, plain: str) -> str:
    """What crm stored before the ring: a bare Fernet token under CRM_SECRET_KEY."""
    key = base64.urlsafe_b64encode(hashlib.sha256(("pressroom-crm-mailbox:" + secret).encode()).digest())
    return Fernet(key).encrypt(plain.encode()).decode()


def test_newest_key_encrypts_and_the_ciphertext_names_it():
    ring = KeyRing("key-2", ["key-1"])
    stored = ring.encrypt("geheim")
    assert stored.startswith(f"v1:{key_id('key-2')}:") and "geheim" not in stored
    assert ring.decrypt(stored) == "geheim" and ring.is_current(stored)
    assert "key-2" not in repr(ring) and "key-1" not in repr(ring)


def test_rotation_old_ciphertexts_still_decrypt_until_their_key_is_removed():
    old = KeyRing("key-1").encrypt("geheim")
    rotated = KeyRing("key-2", ["key-1"])
    assert rotated.decrypt(old) == "geheim" and not rotated.is_current(old)
    again = rotated.encrypt(rotated.decrypt(old))
    assert KeyRing("key-2").decrypt(again) == "geheim"
    with pytest.raises(Unavailable):
        KeyRing("key-2").decrypt(old)        # the old key is gone: its ciphertexts are unreadable


def test_tokens_from_before_the_ring_are_read_with_any_key():
    token = legacy_token("key-1", "geheim")
    assert KeyRing("key-1").decrypt(token) == "geheim"
    assert KeyRing("key-2", ["key-1"]).decrypt(token) == "geheim"
    with pytest.raises(Unavailable):
        KeyRing("key-2").decrypt(token)


def test_configuration_and_garbage():
    ring = KeyRing.from_config({"CRM_SECRET_KEY": "key-3", "CRM_SECRET_KEYS_OLD": " key-2 , key-1,"})
    assert ring.ids == [key_id("key-3"), key_id("key-2"), key_id("key-1")]
    with pytest.raises(Unavailable):
        KeyRing("")
    for bad in ("", "v1:00000000:abc", "v1:" + key_id("key-3") + ":not-a-token", "nonsense"):
        with pytest.raises(Unavailable):
            ring.decrypt(bad)
