"""The domain: plain dataclasses with no telegram, sqlalchemy or spacy imports."""

from bot.domain.models import (
    Article,
    Event,
    Precision,
    Status,
    TemporalExpression,
    Tense,
)

__all__ = ["Article", "Event", "Precision", "Status", "TemporalExpression", "Tense"]
