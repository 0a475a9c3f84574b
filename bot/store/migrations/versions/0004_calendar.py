"""The calendar: event identities (UID) and change counts (SEQUENCE), chats' calendar tokens,
immediate alerts of changes (a chat's switch, and one claimed row per alert), and the
heartbeats of recurring jobs.

Revision ID: 0004_calendar
Revises: 0001_initial
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain.calendar import event_identity
from bot.store.merge import summit_key

revision: str = "0004_calendar"
down_revision: str | None = "0003_feeds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("uid", sa.String(length=64), nullable=True))
    op.add_column("events", sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
    op.add_column("chats", sa.Column("calendar_token", sa.String(length=64), nullable=True))
    op.add_column(
        "chats", sa.Column("alerts", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("chats", sa.Column("alerts_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.chat_id"],
            name=op.f("fk_alert_deliveries_chat_id_chats"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_alert_deliveries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "chat_id", "event_id", "sequence", name=op.f("uq_alert_deliveries_chat_id")
        ),
    )
    op.create_index(
        op.f("ix_alert_deliveries_event_id"), "alert_deliveries", ["event_id"], unique=False
    )
    op.create_table(
        "heartbeats",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_heartbeats")),
    )
    _backfill_identities()
    op.create_index(op.f("ix_events_uid"), "events", ["uid"], unique=True)
    op.create_index(op.f("ix_chats_calendar_token"), "chats", ["calendar_token"], unique=True)


def _backfill_identities() -> None:
    """Stored events get the identity of their earliest report, and a change count."""
    conn = op.get_bind()
    events = sa.table(
        "events", sa.column("id"), sa.column("uid"), sa.column("sequence"), sa.column("changes",
        sa.JSON())
    )  # fmt: skip
    mentions = sa.table(
        "mentions",
        sa.column("event_id"),
        sa.column("article_id"),
        sa.column("published", sa.Date()),
        sa.column("participants", sa.JSON()),
        sa.column("summit"),
        sa.column("date", sa.Date()),
    )
    earliest: dict[int, tuple[object, ...]] = {}
    rows = conn.execute(
        sa.select(mentions).order_by(
            mentions.c.event_id, mentions.c.published.desc(), mentions.c.article_id.desc()
        )
    )
    for row in rows:
        earliest[row.event_id] = tuple(row)  # the last one seen per event is the earliest
    used: set[str] = set()
    for event_id, changes in conn.execute(sa.select(events.c.id, events.c.changes)):
        first = earliest.get(event_id)
        if first is None:
            continue
        _, _, published, participants, summit, date = first
        skey = summit_key(summit)  # type: ignore[arg-type]
        salts = ["", date.isoformat() if date else "-"]  # type: ignore[attr-defined]
        salts += [str(n) for n in range(2, 1000)]
        for salt in salts:
            uid = event_identity(participants or [], skey, published, salt)  # type: ignore[arg-type]
            if uid not in used:
                break
        used.add(uid)
        conn.execute(
            sa.update(events)
            .where(events.c.id == event_id)
            .values(uid=uid, sequence=len(changes or []))
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_chats_calendar_token"), table_name="chats")
    op.drop_index(op.f("ix_events_uid"), table_name="events")
    op.drop_table("heartbeats")
    op.drop_index(op.f("ix_alert_deliveries_event_id"), table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("alerts_since")
        batch.drop_column("alerts")
        batch.drop_column("calendar_token")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("sequence")
        batch.drop_column("uid")
