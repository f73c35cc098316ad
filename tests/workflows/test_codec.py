"""The payload codec: what the Temporal server stores is ciphertext, and it round-trips."""

from __future__ import annotations

import os

import pytest
from temporalio.api.common.v1 import Payload

from workflows.codec import ENCODING, EncryptionCodec
from workflows.converter import data_converter_for_key


async def test_payloads_round_trip_and_hide_personal_data():
    conv = data_converter_for_key(os.urandom(32))
    [encoded] = await conv.encode([{"name": "山田太郎", "email": "taro@example.jp"}])
    assert encoded.metadata["encoding"] == ENCODING
    assert "山田太郎".encode() not in encoded.SerializeToString()
    assert b"taro@example.jp" not in encoded.SerializeToString()
    [decoded] = await conv.decode([encoded], [dict])
    assert decoded == {"name": "山田太郎", "email": "taro@example.jp"}


async def test_a_payload_encrypted_with_another_key_is_refused():
    codec = EncryptionCodec(os.urandom(32))
    [encoded] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"{}")])
    with pytest.raises(ValueError, match="unknown key id"):
        await EncryptionCodec(os.urandom(32)).decode([encoded])


async def test_old_key_still_decodes_after_rotation():
    old, new = os.urandom(32), os.urandom(32)
    [encoded] = await EncryptionCodec(old).encode([Payload(data=b"x")])
    [decoded] = await EncryptionCodec(new, old_keys=[old]).decode([encoded])
    assert decoded.data == b"x"


async def test_tampered_ciphertext_fails():
    codec = EncryptionCodec(os.urandom(32))
    [encoded] = await codec.encode([Payload(data=b"x")])
    encoded.data = encoded.data[:-1] + bytes([encoded.data[-1] ^ 1])
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        await codec.decode([encoded])


async def test_failure_messages_are_encrypted_too():
    from temporalio.api.failure.v1 import Failure
    from temporalio.exceptions import ApplicationError

    conv = data_converter_for_key(os.urandom(32))
    failure = Failure()
    await conv.encode_failure(ApplicationError("山田太郎 refused", type="RuleViolation"), failure)
    assert "山田太郎".encode() not in failure.SerializeToString()
    err = await conv.decode_failure(failure)
    assert "山田太郎" in str(err)


async def test_an_unencrypted_payload_is_refused_not_passed_through():
    """Issue 10 point 1: a payload that did not come through Ninyo's client (plain JSON
    from ``temporal workflow update execute``) cannot be read."""
    conv = data_converter_for_key(os.urandom(32))
    plain = Payload(metadata={"encoding": b"json/plain"},
                    data=b'{"kind":"ApproveRole","actor":{"id":"mallory","role":"approver"}}')
    with pytest.raises(Exception, match="(?i)encoding"):
        await conv.decode([plain], [dict])
