"""Every date rule's own examples: the rule with that id gives the expected value.

The rules carry their examples (``bot.nlp.temporal.rules``), as HeidelTime's rule files do;
this test reads them, so a rule cannot be added without phrases that show what it covers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.nlp.temporal import RULES, Example, Rule, resolve_with_rules

if TYPE_CHECKING:
    from spacy.language import Language

CASES = [
    pytest.param(rule, example, id=f"{rule.id}: {example.text}")
    for rule in RULES
    for example in rule.examples
]


def test_rule_ids_are_unique_and_every_rule_has_examples() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule.examples for rule in RULES)


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(nlp: Language, rule: Rule, example: Example) -> None:
    doc = nlp.make_doc(example.text)
    doc._.published = example.published
    doc = nlp(doc)
    found = [(r.id, e.value) for r, e in resolve_with_rules(doc, example.published)]
    assert (rule.id, example.value) in found, found
    # The component's expressions name the rule that found them, for `summit-bot dates`.
    assert [(e.rule, e.value) for e in doc._.temporal_expressions] == found
