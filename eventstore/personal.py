"""Personal data: which fields are personal (plan), sealing them on append, unsealing them
on read, and erasure (``forget``). The cipher format is :mod:`eventstore.crypto`'s.

Person keys this process created or loaded are cached **for encryption only**; every read
fetches the wrapped keys of the persons it meets, so ``forget`` takes effect at once for
readers everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import crypto
from eventstore.model import ForgottenPersonError, PersonalFields, normalise_personal
from eventstore.recorder import Recorder
from eventstore.schema import person_keys, utcnow

_CACHE_SIZE = 50_000  # person keys cached for encryption
_QUOTED_PII = f'"{crypto.PII}"'

#: (index in the batch, person id, personal fields present) per event carrying personal data
Plan = list[tuple[int, str, list[str]]]


class PersonalData:
    """Seals, unseals and forgets the personal fields declared per event type."""

    def __init__(
        self, recorder: Recorder, master_key: bytes, personal: Mapping[str, Any] | None
    ) -> None:
        self._recorder = recorder
        self._master = crypto.MasterKey(master_key)
        self.fields: dict[str, PersonalFields] = normalise_personal(personal)
        self._key_cache: dict[str, bytes] = {}  # person id -> data key (encryption only)

    # ------------------------------------------------------------------ append
    def plan(self, prepared: list) -> Plan:
        """(index, person key id, fields) for each prepared event carrying personal data.

        The person key id is scoped by the event's municipality (``metadata.municipality``):
        ``person_key_id("062049", "pf-01")`` — applicant ``pf-01`` of one municipality is
        never another's (issue 10 point 5). Events without a municipality keep the bare id.
        """
        return [(i, person_key_id(prepared[i][3], person), fields)
                for i, person, fields in self._plan(prepared)]

    def _plan(self, prepared: list) -> Plan:
        """(index, person id, fields) for each prepared event carrying personal data."""
        if not self.fields:
            return []
        plan = []
        for i, (ev, data, _meta, _muni) in enumerate(prepared):
            spec = self.fields.get(ev.type)
            if spec is None:
                continue
            fields = [f for f in spec.fields if data.get(f) is not None]
            if not fields:
                continue
            person = data.get(spec.subject)
            if not isinstance(person, str) or not person:
                raise ValueError(
                    f"events[{i}].data.{spec.subject}: the id of the person whose data "
                    f"{fields} is, required as a non-empty string"
                )
            plan.append((i, person, fields))
        return plan

    async def seal(
        self, prepared: list, plan: Plan, conn: AsyncConnection | None = None
    ) -> tuple[list[dict], dict[str, bytes], list[dict]]:
        """The stored form of each event's data (personal fields encrypted), the data keys
        used that are not cached yet (give them to :meth:`remember` after the commit), and
        the rows of the new person keys to insert with the events.

        Without ``conn`` (the optimistic append) an uncached person gets a new key without
        a look-up: inserting its row fails if the person has a key or a tombstone, and the
        append retries under the lock. With ``conn`` (under the lock) the keys are looked
        up first, and a forgotten person is refused (:class:`ForgottenPersonError`).
        """
        datas = [data for _ev, data, _meta, _muni in prepared]
        if not plan:
            return datas, {}, []
        cache = self._key_cache
        persons = sorted({p for _, p, _ in plan} - cache.keys())
        fresh: dict[str, bytes] = {}
        new_rows: list[dict] = []
        if persons:
            found = {} if conn is None else await self._recorder.person_keys(persons, conn)
            now = utcnow()
            for p in persons:
                if p in found:
                    if found[p] is None:
                        raise ForgottenPersonError(p)
                    fresh[p] = self._master.unwrap(p, found[p])
                else:
                    fresh[p], wrapped = self._master.new_wrapped_key(p)
                    new_rows.append({"person_id": p, "wrapped_key": wrapped, "created_at": now})
        aeads = {p: crypto.cipher(fresh.get(p) or cache[p]) for p in {p for _, p, _ in plan}}
        for i, person, fields in plan:
            eid = str(prepared[i][0].event_id)
            datas[i] = crypto.seal(aeads[person], person, eid, datas[i], fields)
        return datas, fresh, new_rows

    def remember(self, fresh: dict[str, bytes]) -> None:
        """After a commit: cache the data keys stored or loaded (for encryption only)."""
        if fresh:
            if len(self._key_cache) + len(fresh) > _CACHE_SIZE:
                self._key_cache.clear()
            self._key_cache.update(fresh)

    # ------------------------------------------------------------------ read
    async def ciphers(
        self, persons: set[str], wrapped: Mapping[str, bytes | None] | None = None
    ) -> dict[str, AESGCM | None]:
        """person id -> the cipher of their data key, or None when it was destroyed (their
        fields then read :data:`~eventstore.crypto.ERASED`). One look-up for all, unless
        the ``wrapped`` keys came with the rows."""
        if not persons:
            return {}
        if wrapped is None:
            wrapped = await self._recorder.person_keys(sorted(persons))
        unwrap, cipher = self._master.unwrap, crypto.cipher
        return {
            pid: None if key is None else cipher(unwrap(pid, key))
            for pid, key in wrapped.items()
            if pid in persons
        }

    async def unseal(self, datas: Sequence[dict], event_ids: Sequence[Any]) -> None:
        """Put the personal fields of parsed stored data back in clear, in place (or mark
        them erased): one key look-up per call, one cipher per person."""
        sealed = crypto.sealed_person
        persons = {p for data in datas if (p := sealed(data)) is not None}
        if not persons:
            return
        ciphers = await self.ciphers(persons)
        unseal, pii = crypto.unseal, crypto.PII
        for data, event_id in zip(datas, event_ids, strict=True):
            if pii in data:
                unseal(data, str(event_id), ciphers)

    async def unseal_texts(
        self,
        texts: Sequence[str],
        event_ids: Sequence[Any],
        erased_json: str,
        wrapped: Mapping[str, bytes | None] | None = None,
    ) -> list[str | dict]:
        """Each stored data text with the personal fields in clear: as JSON text (the fields
        spliced in, nothing else parsed), or - for a text whose sealed entry is not where
        canonical JSON puts it - parsed. Erased fields are ``erased_json``. One key
        look-up for the whole batch, one cipher per person."""
        entry = crypto.sealed_entry
        entries = [entry(t) for t in texts]
        odd = [
            i for i, (t, e) in enumerate(zip(texts, entries, strict=True))
            if e is None and _QUOTED_PII in t
        ]  # fmt: skip
        persons = {e[0]["person"] for e in entries if e is not None}
        parsed = {i: json.loads(texts[i]) for i in odd}
        persons.update(p for d in parsed.values() if (p := crypto.sealed_person(d)) is not None)
        if not persons:
            return list(texts)
        ciphers = await self.ciphers(persons, wrapped)
        unseal_text = crypto.unseal_text
        out: list[str | dict] = [
            t if e is None else unseal_text(t, e[0], e[1], str(eid), ciphers, erased_json)
            for t, e, eid in zip(texts, entries, event_ids, strict=True)
        ]
        erased = json.loads(erased_json)
        for i, data in parsed.items():
            if crypto.PII in data:
                sealed = data[crypto.PII]
                crypto.unseal(data, str(event_ids[i]), ciphers)
                if ciphers.get(sealed["person"]) is None:
                    data.update(dict.fromkeys(sealed["fields"], erased))
            out[i] = data
        return out

    # ------------------------------------------------------------------ erasure

    async def forget(self, person_id: str) -> None:
        """Destroy the person's data key: their personal fields read as ``"[erased]"``.

        The events themselves (and so the hash chain) are untouched. A tombstone stays, and
        later appends of personal data for this person are refused.
        """
        if not isinstance(person_id, str) or not person_id:
            raise ValueError("person_id: must be a non-empty string")
        recorder = self._recorder
        async with recorder.local_lock, recorder.transaction() as conn:
            ids = [person_id]
            if ":" not in person_id:  # a bare id: that id in every municipality (admin, tests)
                K = person_keys
                rows = await conn.execute(sa.select(K.c.person_id).where(
                    K.c.person_id.endswith(f":{person_id}", autoescape=True)))
                ids += [r[0] for r in rows]
            for pid in ids:
                await recorder.destroy_key(conn, pid, utcnow())
                self._key_cache.pop(pid, None)
        # Best effort: see docs/eventstore.md for what remains.
        await recorder.reclaim()


def person_key_id(municipality: str | None, person_id: str) -> str:
    """The id a person's data key is kept under: scoped by the municipality that holds
    the data (``"062049:pf-01"``), so two municipalities' ``pf-01`` are two people."""
    return f"{municipality}:{person_id}" if municipality else person_id
