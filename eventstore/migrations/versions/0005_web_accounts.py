"""web_users, web_sessions: the screens' local accounts and sign-in sessions (web/accounts.py).

- ``web_users``: one row per account — argon2id hash (never the password), role and the
  municipalities it works for (comma-separated 6-digit codes, like a token's claim), the
  lock-out counter (``failed_attempts``, ``locked_until``) and ``disabled_at``.
- ``web_sessions``: one row per signed-in browser; the cookie carries a random token and
  only its SHA-256 is stored here (a leaked table signs nobody in), with the session's
  CSRF token and its expiry.

Revision ID: 0005_web_accounts
Revises: 0004_mail_delivery
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_web_accounts"
down_revision = "0004_mail_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("municipalities", sa.String(700), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_username", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
