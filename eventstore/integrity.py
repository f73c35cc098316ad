"""Verification of the hash chain and signed checkpoints (docs/eventstore.md, "Checkpoints:
the auditor's procedure")."""

from __future__ import annotations

import base64
import contextlib
from hashlib import sha256
from json.encoder import encode_basestring as _q

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from eventstore.canonical import GENESIS, iso_utc
from eventstore.model import Checkpoint, VerifyResult
from eventstore.recorder import Recorder
from eventstore.schema import utcnow


class Integrity:
    """Walks the chain (``verify``) and signs its head (``checkpoint``) with an Ed25519 key."""

    def __init__(self, recorder: Recorder, signing_key: bytes) -> None:
        if len(signing_key) != 32:
            raise ValueError("signing_key: expected 32 bytes (Ed25519 private key)")
        self._recorder = recorder
        self._signer = Ed25519PrivateKey.from_private_bytes(signing_key)
        self.public_key = base64.b64encode(
            self._signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        ).decode()

    async def verify(
        self, checkpoint: Checkpoint | None = None, *, batch_size: int = 5000
    ) -> VerifyResult:
        """Walk the whole log and recompute the chain.

        Returns ``ok`` with the count and head, or the first position whose stored row no
        longer matches (edited, deleted, moved). With ``checkpoint``: also proves that the
        log up to the checkpoint is the one that was signed, even if every hash after an
        edit was recomputed.
        """
        cp_pos = None
        if checkpoint is not None:
            if not checkpoint.signature_valid():
                return VerifyResult(False, 0, 0, GENESIS, None, "checkpoint signature is invalid")
            if checkpoint.public_key != self.public_key:
                return VerifyResult(
                    False, 0, 0, GENESIS, None, "checkpoint was signed by another key"
                )
            cp_pos = checkpoint.position
            if cp_pos == 0 and checkpoint.head_hash != GENESIS:
                return VerifyResult(False, 0, 0, GENESIS, None, "checkpoint of an empty log")

        expected = 1
        prev = GENESIS

        def bad(position: int, reason: str) -> VerifyResult:
            return VerifyResult(False, expected - 1, expected - 1, prev, position, reason)

        # Rows come straight from the driver (no SQLAlchemy result processing), the next
        # batch is fetched while this one is hashed, and the hash input is formatted inline
        # (the same text as canonical.event_hash; a batch shares one recorded_at, so its
        # ISO form is computed once per instant). The stored JSON texts arrive as the UTF-8
        # bytes they are hashed as.
        sha = sha256
        q = _q
        join = b"".join
        event_id_text = self._recorder.event_id_text()
        instant = self._recorder.instant()
        last_at = last_iso = None
        batches = self._recorder.log_rows(batch_size)
        async with contextlib.aclosing(batches):
            async for rows in batches:
                for (position, stream_id, stream_type, version, event_id, type_, sv,
                     recorded_at, prev_hash, stored_hash, data_json, meta_json) in rows:  # fmt: skip
                    if position != expected:
                        return bad(
                            expected,
                            f"event missing: position {expected} is absent (next stored: {position})",
                        )
                    if prev_hash != prev:
                        return bad(position, "prev_hash does not link to the previous event")
                    if recorded_at != last_at:  # a batch shares one instant
                        last_at, last_iso = recorded_at, iso_utc(instant(recorded_at))
                    h = sha(
                        join((
                            f"[{position:d},{q(stream_id)},{q(stream_type)},{version:d},"
                            f'"{event_id_text(event_id)}",{q(type_)},{sv:d},"{last_iso}",'
                            f'"{prev_hash}",'.encode(),
                            data_json, b",", meta_json, b"]",
                        ))
                    ).hexdigest()  # fmt: skip
                    if h != stored_hash:
                        return bad(position, "stored event does not match its hash (altered)")
                    if position == cp_pos and h != checkpoint.head_hash:
                        return bad(
                            position, "hash at the checkpoint differs from the signed head hash"
                        )
                    prev = h
                    expected += 1
        if cp_pos is not None and cp_pos > expected - 1:
            return bad(
                expected,
                f"log ends at position {expected - 1}, before the checkpoint at {cp_pos}",
            )
        return VerifyResult(True, expected - 1, expected - 1, prev)

    async def checkpoint(self, *, verify: bool = True) -> Checkpoint:
        """Sign (position, head hash) of the current head for an auditor to keep.

        By default the whole chain is verified first, so a broken log is never signed
        (raises ``RuntimeError``).
        """
        if verify:
            res = await self.verify()
            if not res.ok:
                raise RuntimeError(
                    f"refusing to sign a checkpoint: {res.reason} "
                    f"(position {res.first_bad_position})"
                )
            position, head = res.head_position, res.head_hash
        else:
            position, head = await self._recorder.head() or (0, GENESIS)
        created = iso_utc(utcnow())
        sig = self._signer.sign(Checkpoint.signed_message(position, head, created))
        return Checkpoint(
            position=position,
            head_hash=head,
            signature=base64.b64encode(sig).decode(),
            public_key=self.public_key,
            created_at=created,
        )
