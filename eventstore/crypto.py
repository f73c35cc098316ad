"""Personal data: per-person AES-GCM keys, wrapped by the master key ("crypto-shredding").

The personal fields of an event are taken out of its data and stored together, encrypted
under the person's key, in one reserved entry::

    "$pii": {"person": "<person id>", "fields": ["email", "name"], "ct": "<base64 nonce|ct>"}

The ciphertext's associated data binds it to its event id. Destroying the person's key
(``forget``) leaves the ciphertext in place - so the hash chain still verifies - but makes
it unreadable: reads then show each listed field as :data:`ERASED`.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ERASED = "[erased]"
PII = "$pii"
_NONCE = 12
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _key_aad(person_id: str) -> bytes:
    return b"ninyo/person-key/v1/" + person_id.encode()


def _data_aad(event_id: str) -> bytes:
    return b"ninyo/pii/v1/" + event_id.encode()


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
    """The AEAD of one person's data key (build once, use for all their events)."""
    return AESGCM(key)


def seal(aead: AESGCM, person_id: str, event_id: str, data: dict, fields: list[str]) -> dict:
    """``data`` with ``fields`` moved into one encrypted ``$pii`` entry."""
    out = {k: v for k, v in data.items() if k not in fields}
    nonce = os.urandom(_NONCE)
    plaintext = _dumps({f: data[f] for f in fields}).encode()
    ct = aead.encrypt(nonce, plaintext, _data_aad(event_id))
    out[PII] = {
        "person": person_id,
        "fields": sorted(fields),
        "ct": base64.b64encode(nonce + ct).decode(),
    }
    return out


def sealed_person(data: dict) -> str | None:
    sealed = data.get(PII)
    return sealed["person"] if type(sealed) is dict else None


def unseal(data: dict, event_id: str, ciphers: dict[str, AESGCM | None]) -> dict:
    """``data`` with its personal fields back in clear (``ciphers``: person id -> AEAD, or
    None when the person's key was destroyed: the fields read :data:`ERASED`).

    ``data`` must be the caller's own dict (the store passes the one it just parsed): it is
    changed in place and returned, instead of copied.
    """
    out = data
    sealed = out.pop(PII)
    aead = ciphers.get(sealed["person"])
    if aead is None:
        out.update(dict.fromkeys(sealed["fields"], ERASED))
        return out
    blob = base64.b64decode(sealed["ct"])
    try:
        plain = aead.decrypt(blob[:_NONCE], blob[_NONCE:], _data_aad(event_id))
    except InvalidTag:
        raise ValueError(f"event {event_id}: personal data does not decrypt (altered)") from None
    out.update(json.loads(plain.decode()))
    return out
