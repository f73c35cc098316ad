"""notifications_outbox: reminders and notices the workflows sent (OutboxNotifier).

One row per notification, keyed by the id the workflow drew (``workflow.uuid4()``), so a
retried activity stores it once. ``sent_at`` is set by whatever relays the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications_outbox",
        sa.Column("notification_id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("municipality", sa.String(16), nullable=False),
        sa.Column("workflow_id", sa.String(300), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_notifications_outbox_unsent", "notifications_outbox", ["sent_at", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_outbox_unsent", table_name="notifications_outbox")
    op.drop_table("notifications_outbox")
