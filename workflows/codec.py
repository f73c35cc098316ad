"""A PayloadCodec that encrypts every Temporal payload with AES-256-GCM.

Workflow inputs, update arguments, activity results and failure details can carry an
applicant's personal data; the Temporal server (and anyone reading its database or
its UI) only ever sees ciphertext. The key comes from ``NINYO_PAYLOAD_KEY`` (32 bytes,
base64) via ``Settings.key("payload_key")``; the key id travels in the payload's
metadata so that a key rotation can decode old histories with the old key.

A payload that is not encrypted (``temporal workflow update execute --input '{...}'``
against the frontend) is refused (issue 10 point 1): it decodes to a payload of the
encoding ``binary/ninyo-refused-unencrypted`` that no converter reads, so the update or
query carrying it is rejected and nothing is recorded. (``refuse_plain=False`` passes
such payloads through, for tools reading histories written before encryption.)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
REFUSED = b"binary/ninyo-refused-unencrypted"
_NONCE_SIZE = 12


def key_id(key: bytes) -> str:
    """A short, non-secret fingerprint of a key (first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(key).hexdigest()[:16]


class EncryptionCodec(PayloadCodec):
    """Encrypts the serialized payload (data + metadata) as one AES-GCM message.

    ``key`` encrypts; ``old_keys`` only decrypt (key rotation). The key id is bound
    into the ciphertext as associated data, so a payload cannot be moved between keys.
    """

    def __init__(self, key: bytes, old_keys: Iterable[bytes] = (), *,
                 refuse_plain: bool = True) -> None:
        if len(key) != 32:
            raise ValueError("payload key must be 32 bytes (AES-256)")
        self._key_id = key_id(key)
        self._refuse_plain = refuse_plain
        self._ciphers: Mapping[str, AESGCM] = {
            key_id(k): AESGCM(k) for k in (*old_keys, key)
        }

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_SIZE)
        kid = self._key_id.encode()
        sealed = self._ciphers[self._key_id].encrypt(nonce, payload.SerializeToString(), kid)
        return Payload(
            metadata={"encoding": ENCODING, "encryption-key-id": kid},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding", b"") != ENCODING:
            if self._refuse_plain:  # not through Ninyo's client: unreadable, so refused
                return Payload(metadata={"encoding": REFUSED})
            return payload
        kid = payload.metadata.get("encryption-key-id", b"").decode()
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise ValueError(f"payload encrypted with unknown key id {kid!r}")
        nonce, sealed = payload.data[:_NONCE_SIZE], payload.data[_NONCE_SIZE:]
        return Payload.FromString(cipher.decrypt(nonce, sealed, kid.encode()))
