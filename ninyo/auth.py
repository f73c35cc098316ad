"""Bearer tokens and who may do what (authentication and authorisation).

Tokens are JWTs signed with ONE fixed algorithm, HS256, under the secret
``settings.key("jwt_secret")``. Decoding accepts ``algorithms=["HS256"]``
only, so an ``alg: none`` token, a token signed with another key or another algorithm,
an expired token or one without the required claims is refused with 401.

Claims: ``sub`` (the actor recorded in every event's metadata), ``role``
(``hr_officer | approver | auditor | admin | coordinator``), ``municipalities`` (全国地方公共団体コード,
6 digits) and ``exp``.

Scope rules (docs/api.md):
- an object of a municipality not in the token answers 404 — its existence is not leaked;
- a write by a role that may not perform it answers 403 (auditors write nothing);
- the role check comes first, so a 403 says nothing about whether the object exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from ninyo.settings import Settings

ALGORITHM = "HS256"
ISSUER = "ninyo"
_MUNICIPALITY_CODE = re.compile(r"[0-9]{6}", re.ASCII)


class Role(StrEnum):
    hr_officer = "hr_officer"  # 人事・DX担当職員
    approver = "approver"  # CIO (副市長) / 首長
    auditor = "auditor"  # 監査委員・監査担当 — reads, never writes
    admin = "admin"  # system administrator: checkpoints and verification
    # 広域調整: a prefecture or a central city supporting a region (§6, 参考4.4-⑱); its
    # token's municipalities are its region. Reads the region's progress, never personal data.
    coordinator = "coordinator"


class AuthError(Exception):
    """A token that cannot be trusted (-> 401)."""


class Forbidden(Exception):
    """An authenticated actor whose role may not do this (-> 403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    """The object does not exist *for this actor* (-> 404; other municipalities too)."""

    def __init__(self, message: str = "not found") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Principal:
    """The authenticated actor of a request."""

    sub: str
    role: Role
    municipalities: frozenset[str]

    def metadata(self, municipality: str | None = None) -> dict[str, str]:
        """Event metadata naming who acted (recorded with every write)."""
        meta = {"actor": self.sub, "role": self.role.value}
        if municipality:
            meta["municipality"] = municipality
        return meta

    def require_role(self, *roles: Role, action: str) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value} may not {action} (allowed: {allowed})")

    def require_municipality(self, municipality: str, what: str = "object") -> None:
        """Another municipality's objects are answered as absent (404), never 403."""
        if municipality not in self.municipalities:
            raise NotFound(f"{what} not found")


def _key(settings: Settings) -> bytes:
    return settings.key("jwt_secret")  # never a dev secret in production


def create_token(
    settings: Settings,
    *,
    sub: str,
    role: Role | str,
    municipalities: list[str] | tuple[str, ...],
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """Sign a bearer token (HS256)."""
    role = Role(role)
    if not sub.strip():
        raise ValueError("sub: must not be empty")
    for code in municipalities:
        if not _MUNICIPALITY_CODE.fullmatch(code):
            raise ValueError(f"municipality: {code!r} is not a 6-digit municipality code")
    if ttl <= timedelta(0):
        raise ValueError("ttl: must be positive")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": sub,
        "role": role.value,
        "municipalities": sorted(set(municipalities)),
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, _key(settings), algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str) -> Principal:
    """Verify signature (HS256 only), expiry and claims; raise :class:`AuthError`."""
    try:
        claims = jwt.decode(
            token,
            _key(settings),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    sub = claims.get("sub")
    munis = claims.get("municipalities", [])
    try:
        role = Role(claims.get("role"))
    except ValueError as exc:
        raise AuthError("invalid token: unknown role") from exc
    if not isinstance(sub, str) or not sub.strip():
        raise AuthError("invalid token: empty sub")
    if not isinstance(munis, list) or not all(
        isinstance(m, str) and _MUNICIPALITY_CODE.fullmatch(m) for m in munis
    ):
        raise AuthError("invalid token: municipalities must be a list of 6-digit codes")
    return Principal(sub=sub, role=role, municipalities=frozenset(munis))
