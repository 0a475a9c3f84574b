"""How the NLP modules fit together: Doc attributes registered in one place, the date
component declaring what it sets, and no import cycle between model and pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

import bot.nlp.events  # registers summit_events
import bot.nlp.extensions
import bot.nlp.temporal  # registers summit_dates

NLP = Path(bot.nlp.extensions.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_doc_attributes_are_registered_by_the_extensions_module() -> None:
    for name in bot.nlp.extensions.DOC_EXTENSIONS:
        assert Doc.has_extension(name)


def test_date_component_declares_what_it_assigns_and_needs() -> None:
    meta = Language.get_factory_meta("summit_dates")
    assert meta.assigns == ["doc._.temporal_expressions"]
    assert meta.requires == ["doc._.published"]


def test_event_component_declares_what_it_assigns_and_needs() -> None:
    meta = Language.get_factory_meta("summit_events")
    assert meta.assigns == ["doc._.events"]
    assert meta.requires == ["doc._.published", "doc._.temporal_expressions"]


def test_model_and_pipeline_do_not_import_each_other() -> None:
    model = imported_modules(NLP / "model.py")
    components = imported_modules(NLP / "components.py")
    assert "bot.nlp.pipeline" not in model
    assert not {"bot.nlp.pipeline", "bot.nlp.model"} & components


def test_only_the_extensions_module_registers_doc_attributes() -> None:
    for path in NLP.rglob("*.py"):
        if path != NLP / "extensions.py":
            assert "set_extension" not in path.read_text(encoding="utf-8"), path
