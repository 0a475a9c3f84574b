"""The view model of an event lives in ``bot.domain.calendar``; imported here by older names."""

from bot.domain.calendar import EventView, SourceLink

__all__ = ["EventView", "SourceLink"]
