"""Feed entries whose page keeps failing, retried with back-off (issue 8).

Revision ID: 0003_feeds
Revises: 0001_initial
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_feeds"
down_revision: str | None = "0002_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_entry_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_feed_entry_failures_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_entry_failures")),
        sa.UniqueConstraint("feed_id", "url", name=op.f("uq_feed_entry_failures_feed_id")),
    )
    with op.batch_alter_table("feed_entry_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feed_entry_failures_feed_id"), ["feed_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_entry_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_entry_failures_feed_id"))
    op.drop_table("feed_entry_failures")
