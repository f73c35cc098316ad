"""Personal data: per-person AES-GCM keys, wrapped by the master key ("crypto-shredding").

A personal field is stored as ``{"$pii": base64(nonce || ciphertext), "$person": person_id}``.
The ciphertext's associated data binds it to its event id and field name. Destroying the
person's key (``forget``) leaves the ciphertext in place - so the hash chain still verifies -
but makes it unreadable; reads then show :data:`ERASED`.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ERASED = "[erased]"
MARK = "$pii"
PERSON = "$person"
_NONCE = 12


def _key_aad(person_id: str) -> bytes:
    return b"ninyo/person-key/v1/" + person_id.encode()


def _field_aad(event_id: str, field: str) -> bytes:
    return f"ninyo/field/v1/{event_id}/{field}".encode()


class MasterKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("master_key: expected 32 bytes")
        self._aead = AESGCM(key)

    def new_wrapped_key(self, person_id: str) -> tuple[bytes, bytes]:
        """A fresh data key: (raw key, wrapped form to store)."""
        raw = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE)
        return raw, nonce + self._aead.encrypt(nonce, raw, _key_aad(person_id))

    def unwrap(self, person_id: str, wrapped: bytes) -> bytes:
        return self._aead.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], _key_aad(person_id))


def cipher(key: bytes) -> AESGCM:
    """The AEAD of one person's data key (build once, use for all their fields)."""
    return AESGCM(key)


def encrypt_field(aead: AESGCM, person_id: str, event_id: str, field: str, value: Any) -> dict:
    nonce = os.urandom(_NONCE)
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    ct = aead.encrypt(nonce, plaintext, _field_aad(event_id, field))
    return {MARK: base64.b64encode(nonce + ct).decode(), PERSON: person_id}


def is_encrypted(value: Any) -> bool:
    return type(value) is dict and MARK in value


def encrypted_persons(data: dict) -> set[str]:
    return {v[PERSON] for v in data.values() if type(v) is dict and MARK in v}


def decrypt_data(data: dict, event_id: str, ciphers: dict[str, AESGCM | None]) -> dict:
    """Decrypt the marked fields of ``data`` (``ciphers``: person id -> AEAD, or None when
    the person's key was destroyed)."""
    out = dict(data)
    for field, value in data.items():
        if type(value) is not dict or MARK not in value:
            continue
        aead = ciphers.get(value[PERSON])
        if aead is None:
            out[field] = ERASED
            continue
        blob = base64.b64decode(value[MARK])
        try:
            plain = aead.decrypt(blob[:_NONCE], blob[_NONCE:], _field_aad(event_id, field))
        except InvalidTag:
            raise ValueError(
                f"event {event_id}: field {field!r} does not decrypt (ciphertext altered)"
            ) from None
        out[field] = json.loads(plain)
    return out
