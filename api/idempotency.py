"""``Idempotency-Key`` on writes: a retried request is answered once, identically.

A pure ASGI middleware, so it covers every write route the same way (including the
refusals: a retried request that was refused with 409 is refused again, without a second
call to Temporal). The key is scoped to the caller, its role and municipalities (the whole
authorisation of the bearer token) and the route (method and path, which names the
object's municipality) — ``scope_key_of`` — so a stored answer is only ever replayed to
the same principal on the same route, i.e. to a request the route already authorised;
anyone else (the same ``sub`` as auditor, or as an officer of another municipality)
reaches the route and its authorisation (403/404). The key is
stored with a hash of the request (method, path, body) and, once the request finished,
the response (status and body) in the table ``idempotency_keys`` of the event store's
database (migration ``eventstore/migrations/versions/0003_idempotency_keys.py``) — so any
API replica answers a retry.

- first request: a row is claimed (primary key = actor + key) before the handler runs;
- same key, same request, finished: the stored response is replayed
  (header ``Idempotent-Replayed: true``);
- same key, same request, still running: 409 ``idempotency_in_progress`` (a claim
  older than ``ABANDONED_AFTER`` — longer than any request may run — was left by a
  replica that died, and is taken over by the retry);
- same key, different request: 422 ``idempotency_key_reused``;
- 5xx responses are not kept (the row is released) so the client may retry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from ninyo.auth import AuthError, Principal, decode_token

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 200
# A request gives up after the gateway's retries (20 s) and the update's own RPC timeout;
# a claim older than this was left by a process that died, and a retry takes it over.
REQUEST_TIMEOUT = timedelta(seconds=30)
ABANDONED_AFTER = REQUEST_TIMEOUT + timedelta(seconds=15)

metadata = sa.MetaData()
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope_key", sa.String(400), primary_key=True),  # scope_key_of(...)
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),  # NULL while in progress
    sa.Column("response_body", sa.LargeBinary, nullable=True),
    sa.Column("content_type", sa.String(100), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


class IdempotencyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> IdempotencyStore:
        return cls(create_async_engine(url, pool_pre_ping=True))

    async def close(self) -> None:
        await self.engine.dispose()

    async def claim(self, scope_key: str, request_hash: str) -> dict | None:
        """Claim the key; ``None`` when claimed now, else the existing row."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    idempotency_keys.insert().values(
                        scope_key=scope_key, request_hash=request_hash,
                        created_at=datetime.now(UTC),
                    )
                )
            return None
        except IntegrityError:
            if await self._take_over_abandoned(scope_key, request_hash):
                return None
            async with self.engine.connect() as conn:
                row = (
                    await conn.execute(
                        sa.select(idempotency_keys).where(idempotency_keys.c.scope_key == scope_key)
                    )
                ).mappings().first()
            return dict(row) if row else {"request_hash": request_hash, "status_code": None}

    async def _take_over_abandoned(self, scope_key: str, request_hash: str) -> bool:
        """A claim left unfinished for ``ABANDONED_AFTER`` (the replica died mid-request) is
        taken over by a retry of the same request, so a key is never blocked for ever."""
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            res = await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope_key == scope_key,
                       idempotency_keys.c.request_hash == request_hash,
                       idempotency_keys.c.status_code.is_(None),
                       idempotency_keys.c.created_at < now - ABANDONED_AFTER)
                .values(created_at=now)
            )
        return res.rowcount == 1

    async def complete(self, scope_key: str, status: int, body: bytes, content_type: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope_key == scope_key)
                .values(status_code=status, response_body=body, content_type=content_type)
            )

    async def release(self, scope_key: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.delete().where(idempotency_keys.c.scope_key == scope_key)
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return v.decode("latin-1")
    return None


async def _send_json(send: Send, status: int, payload: dict, extra: list | None = None) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


def scope_key_of(principal: Principal, method: str, path: str, key: str) -> str:
    """The key's scope: caller (``sub``), role, municipalities, route — hashed (fixed size)."""
    parts = [principal.sub, principal.role.value, ",".join(sorted(principal.municipalities)),
             method, path, key]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class IdempotencyMiddleware:
    """Applies to POST/PUT/PATCH/DELETE requests that carry an ``Idempotency-Key``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            return await self.app(scope, receive, send)
        key = _header(scope, HEADER.encode())
        store: IdempotencyStore | None = getattr(scope["app"].state, "idempotency", None)
        if key is None or store is None:
            return await self.app(scope, receive, send)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return await _send_json(send, 422, error_body(
                "invalid_input", f"Idempotency-Key: 1 to {MAX_KEY_LENGTH} characters",
                "Idempotency-Key"))
        principal = self._principal(scope)
        if principal is None:  # unauthenticated: let the route answer 401, keep nothing
            return await self.app(scope, receive, send)

        # read the whole body (to hash it), then hand it on unchanged
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        digest = hashlib.sha256()
        for part in (scope["method"].encode(), scope["path"].encode(),
                     scope.get("query_string", b""), body):
            digest.update(len(part).to_bytes(8, "big") + part)
        request_hash = digest.hexdigest()
        scope_key = scope_key_of(principal, scope["method"], scope["path"], key)

        existing = await store.claim(scope_key, request_hash)
        if existing is not None:
            if existing["request_hash"] != request_hash:
                return await _send_json(send, 422, error_body(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request",
                    "Idempotency-Key"))
            if existing["status_code"] is None:
                return await _send_json(send, 409, error_body(
                    "idempotency_in_progress",
                    "a request with this Idempotency-Key is still being processed",
                    "Idempotency-Key"))
            payload = existing["response_body"] or b""
            await send({"type": "http.response.start", "status": existing["status_code"],
                        "headers": [(b"content-type", (existing["content_type"] or
                                                       "application/json").encode()),
                                    (b"content-length", str(len(payload)).encode()),
                                    (b"idempotent-replayed", b"true")]})
            await send({"type": "http.response.body", "body": payload})
            return

        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        captured: dict = {"status": 500, "headers": [], "body": []}

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            await store.release(scope_key)
            raise
        status = captured["status"]
        if status >= 500 or status == 401:
            await store.release(scope_key)
            return
        content_type = next((v.decode() for k, v in captured["headers"]
                             if k.lower() == b"content-type"), "application/json")
        await store.complete(scope_key, status, b"".join(captured["body"]), content_type)

    @staticmethod
    def _principal(scope: Scope) -> Principal | None:
        auth = _header(scope, b"authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            return decode_token(scope["app"].state.settings, token.strip())
        except AuthError:
            return None
