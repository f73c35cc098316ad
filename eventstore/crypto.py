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
import json.encoder
import os
from binascii import a2b_base64

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


# ---------------------------------------------------------------- the JSON-text fast path
# A stored data text is canonical JSON (sorted keys), so a sealed entry is its first key:
# '{"$pii":{...}' followed by ',' and the other fields, or by '}'. Readers that validate the
# JSON text themselves (``EventStore.read_decoded``) get the personal fields spliced back in
# as text, without parsing and re-encoding the rest of the event.
_SEALED_PREFIX = '{"' + PII + '":{'
_raw_decode = json.JSONDecoder().raw_decode
_quote = json.encoder.encode_basestring
_CT_AT = len(_SEALED_PREFIX) + len('"ct":"')
_FIELDS = '","fields":['
_PERSON = ',"person":"'


def sealed_entry(data_json: str) -> tuple[dict, int] | None:
    """The sealed entry of a stored data text and where it ends, or None (not sealed, or a
    text this fast path leaves to :func:`unseal`).

    The entry's canonical layout is ``{"ct":"<base64>","fields":["a","b"],"person":"<id>"}``
    (sorted keys); it is sliced out with ``str.find`` when nothing in it needs unescaping,
    else parsed as JSON."""
    if not data_json.startswith(_SEALED_PREFIX):
        return None
    find = data_json.find
    ct_end = find('"', _CT_AT)
    if data_json.startswith('"ct":"', _CT_AT - 6) and data_json.startswith(_FIELDS, ct_end):
        f0 = ct_end + len(_FIELDS)
        f1 = find("]", f0)
        if f1 > f0 and data_json.startswith(_PERSON, f1 + 1):
            p0 = f1 + 1 + len(_PERSON)
            p1 = find('"', p0)
            names = data_json[f0 + 1 : f1 - 1]
            person = data_json[p0:p1]
            if (
                p1 > p0
                and data_json[f0] == data_json[f1 - 1] == '"'
                and data_json.startswith("}", p1 + 1)
                and "\\" not in names
                and "\\" not in person
            ):
                end = p1 + 2
                if data_json[end] in ",}":
                    sealed = {
                        "ct": data_json[_CT_AT:ct_end],
                        "fields": names.split('","'),
                        "person": person,
                    }
                    return sealed, end
    sealed, end = _raw_decode(data_json, len(_SEALED_PREFIX) - 1)
    if type(sealed) is not dict or data_json[end] not in ",}":
        return None
    return sealed, end


def unseal_text(
    data_json: str,
    sealed: dict,
    end: int,
    event_id: str,
    ciphers: dict[str, AESGCM | None],
    erased_json: str,
) -> str:
    """``data_json`` (whose sealed entry :func:`sealed_entry` found) with the personal fields
    in clear, as JSON text; erased fields (destroyed key) are ``erased_json``."""
    rest = data_json[end + 1 : -1]
    aead = ciphers.get(sealed["person"])
    if aead is None:
        fields = ",".join(f"{_quote(f)}:{erased_json}" for f in sealed["fields"])
    else:
        blob = a2b_base64(sealed["ct"])
        try:
            plain = aead.decrypt(blob[:_NONCE], blob[_NONCE:], _data_aad(event_id))
        except InvalidTag:
            raise ValueError(
                f"event {event_id}: personal data does not decrypt (altered)"
            ) from None
        fields = plain.decode()[1:-1]
    return f"{{{fields},{rest}}}" if rest else f"{{{fields}}}"
