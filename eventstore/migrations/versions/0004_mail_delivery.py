"""notifications_outbox gets delivery state: the SMTP delivery worker's attempts, backoff,
lease, last error and final status (sent / failed), and attachments.

A row stays queued until it is sent (``sent_at``) or fails permanently (``failed_at``,
an SMTP 5xx answer); while the server is down it is retried with backoff, never dropped.

Revision ID: 0004_mail_delivery
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_mail_delivery"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications_outbox") as t:
        t.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        t.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("attachments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications_outbox") as t:
        for col in ("attachments", "failed_at", "last_error", "lease_until", "next_attempt_at",
                    "attempts"):
            t.drop_column(col)
