"""Delivery retries: ``digest_deliveries.next_attempt_at``, and a check on ``status``.

A failed digest delivery is retried at ``next_attempt_at`` while the grace period lasts; the
status column only holds the values of ``DeliveryStatus``.

Revision ID: 0002_delivery
Revises: 0001_initial
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain.delivery import DeliveryStatus

revision: str = "0002_delivery"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_CHECK = "status IN ({})".format(", ".join(f"'{status.value}'" for status in DeliveryStatus))


def upgrade() -> None:
    with op.batch_alter_table("digest_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint("status", STATUS_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("digest_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_digest_deliveries_status"), type_="check")
        batch_op.drop_column("next_attempt_at")
