"""The custom attributes our components set on spaCy Docs, registered once, here.

Every module that reads or writes one of them imports this module first.
"""

from __future__ import annotations

from spacy.tokens import Doc

# The article's publication date (a ``datetime.date``), set by whoever makes the Doc.
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)
# ``summit_dates``: the date expressions found. The shared default is never mutated; the
# component assigns a new list to every Doc.
if not Doc.has_extension("temporal_expressions"):
    Doc.set_extension("temporal_expressions", default=[])
# ``summit_events``: the upcoming meetings found (a new list per Doc as well).
if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])

DOC_EXTENSIONS = ("published", "temporal_expressions", "events")
