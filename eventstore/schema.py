"""SQLAlchemy Core tables the store reads and writes (created by migrations/versions/0001)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware UTC instants on both dialects.

    PostgreSQL stores ``timestamptz``; SQLite stores the naive UTC text form, which sorts and
    compares correctly because every value is converted to UTC before binding.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants must be timezone-aware (UTC)")
        if dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        if value.tzinfo is not UTC:
            return value.astimezone(UTC)
        return value


def json_type() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def position_type() -> sa.types.TypeEngine:
    # SQLite: INTEGER PRIMARY KEY is the rowid itself (no second b-tree).
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def stream_id_type() -> sa.types.TypeEngine:
    # Byte order ("C") on PostgreSQL, like SQLite's BINARY: prefix reads are index ranges.
    return sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")


events = sa.Table(
    "events",
    metadata,
    sa.Column("position", position_type(), primary_key=True, autoincrement=False),
    sa.Column("stream_id", stream_id_type(), nullable=False),
    sa.Column("stream_type", sa.Text(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("type", sa.Text(), nullable=False),
    sa.Column("schema_version", sa.Integer(), nullable=False),
    # The hashed canonical JSON texts; the three columns after them are generated from
    # them by the database (DDL: migrations/versions/0001_events.py).
    sa.Column("data_json", sa.Text(), nullable=False),
    sa.Column("metadata_json", sa.Text(), nullable=False),
    sa.Column("data", json_type(), sa.Computed("data_json::jsonb")),
    sa.Column("metadata", json_type(), sa.Computed("metadata_json::jsonb")),
    sa.Column("municipality", sa.Text(), sa.Computed("metadata_json::jsonb ->> 'municipality'")),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    sa.Index("ix_events_municipality", "municipality", "position"),
    sa.Index("ix_events_type", "type", "position"),
)

person_keys = sa.Table(
    "person_keys",
    metadata,
    sa.Column("person_id", sa.Text(), primary_key=True),
    # AES-GCM(master key): nonce || ciphertext of the person's 32-byte data key.
    # NULL once the person is forgotten (the row stays as a tombstone).
    sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("forgotten_at", UTCDateTime(), nullable=True),
)


def utcnow() -> datetime:
    return datetime.now(UTC)
