"""events and person_keys: the tamper-evident log and the per-person data keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Expressions of the generated columns, per dialect.
GENERATED = {
    "postgresql": {
        "data": "(data_json::jsonb)",
        "metadata": "(metadata_json::jsonb)",
        "municipality": "(metadata_json::jsonb ->> 'municipality')",
    },
    "sqlite": {
        "data": "json(data_json)",
        "metadata": "json(metadata_json)",
        "municipality": "json_extract(metadata_json, '$.municipality')",
    },
}


def upgrade() -> None:
    generated = GENERATED[op.get_context().dialect.name]
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    position_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "events",
        # SQLite: INTEGER PRIMARY KEY = the rowid. Positions are assigned by the store
        # (head + 1 under the append lock), never by the database.
        sa.Column("position", position_type, primary_key=True, autoincrement=False),
        # Byte-order collation on PostgreSQL (as SQLite's BINARY) for prefix range reads.
        sa.Column(
            "stream_id",
            sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("stream_type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        # The hashed canonical JSON texts; data, metadata and municipality are generated
        # from them, so the queryable columns can never disagree with what the chain covers.
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("metadata_json", sa.Text(), nullable=False),
        sa.Column("data", json_type, sa.Computed(generated["data"], persisted=True)),
        sa.Column("metadata", json_type, sa.Computed(generated["metadata"], persisted=True)),
        sa.Column(
            "municipality", sa.Text(), sa.Computed(generated["municipality"], persisted=True)
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
        sa.CheckConstraint("position >= 1", name="ck_events_position"),
        sa.CheckConstraint("version >= 1", name="ck_events_version"),
    )
    op.create_index("ix_events_municipality", "events", ["municipality", "position"])
    op.create_index("ix_events_type", "events", ["type", "position"])
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.Text(), primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("person_keys")
    op.drop_index("ix_events_type", table_name="events")
    op.drop_index("ix_events_municipality", table_name="events")
    op.drop_table("events")
