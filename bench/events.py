"""Event extraction on the dev set: P/R/F1, date and strict figures, and the misses by kind.

Runs the extractor on ``../shared/corpus/dev/d*.txt`` (and the seed), scores it with
``../shared/eval/score.py`` for the old articles d01–d14, the new d15–d42 and all of them,
then lists what went wrong grouped by kind: gatherings and meetings missed, dates missing or
wrong, statuses wrong, events that are not in the gold.

    python bench/events.py [--quiet]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.articles import read_article_file
from bot.nlp.pipeline import Extractor
from bot.settings import get_settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "corpus" / "dev"
SEED = SHARED / "corpus" / "000_d2c230fae8be8e2f.txt"


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {SHARED / 'eval' / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(extractor: Extractor, files: list[Path]) -> list[dict[str, Any]]:
    articles = [read_article_file(path) for path in files]
    return [
        {
            "file": path.name,
            "published": analysis.article.published.isoformat(),
            "events": [event.to_json() for event in analysis.events],
        }
        for path, analysis in zip(files, extractor.analyse(articles), strict=True)
    ]


def figures(result: dict[str, Any]) -> str:
    return (
        f"P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"date {result['date_accuracy']:.3f}  status {result['status_accuracy']:.3f}  "
        f"strict F1 {result['strict_f1']:.3f}  ({result['matched']}/{result['gold_events']} gold, "
        f"{result['predicted_events']} predicted)"
    )


def kinds(
    scorer: ModuleType, gold: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """The scorer's verbose lines, each filed under what went wrong."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    gold_by_file = {doc["file"]: doc for doc in gold}
    for pred in preds:
        doc = gold_by_file.get(pred["file"])
        if doc is None:
            continue
        golds = scorer.upcoming(doc.get("events"))
        found = scorer.upcoming(pred["events"])
        pairs = scorer.match(golds, found)
        for g, p in pairs:
            if not scorer.date_agrees(g, p):
                kind = "date missing" if p.get("date") is None else "date wrong"
                who = g.get("participants")
                by_kind[kind].append(
                    f"{doc['file']}: gold {g.get('date')} pred {p.get('date')} {who}"
                )
            if g.get("status") != (p.get("status") or "scheduled"):
                who = g.get("participants")
                statuses = f"gold {g.get('status')} pred {p.get('status')}"
                by_kind["status wrong"].append(f"{doc['file']}: {statuses} {who}")
        matched_g = {id(g) for g, _ in pairs}
        matched_p = {id(p) for _, p in pairs}
        for g in golds:
            if id(g) not in matched_g:
                kind = "missed gathering" if g.get("summit") else "missed meeting"
                evidence = (g.get("evidence") or "")[:110]
                by_kind[kind].append(
                    f"{doc['file']}: {g.get('participants')} {g.get('summit')} ({evidence})"
                )
        for p in found:
            if id(p) not in matched_p:
                what = f"{p.get('participants')} {p.get('summit')} {p.get('date')}"
                by_kind["extra"].append(f"{doc['file']}: {what} {p.get('status')}")
    return by_kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    args = parser.parse_args()
    scorer = load_scorer()
    gold = json.loads((DEV / "gold.json").read_text())
    files = sorted(DEV.glob("d*.txt"))
    extractor = Extractor(get_settings().spacy_model)
    preds = predict(extractor, files)

    def subset(first: int, last: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        names = {f"d{n:02d}.txt" for n in range(first, last + 1)}
        return [g for g in gold if g["file"] in names], [p for p in preds if p["file"] in names]

    with contextlib.redirect_stdout(io.StringIO()):
        rows = [
            ("d01-d14", scorer.score(*subset(1, 14))),
            ("d15-d42", scorer.score(*subset(15, 42))),
            ("all", scorer.score(gold, preds)),
        ]
    for label, result in rows:
        print(f"{label:8s} {figures(result)}")
    seed_gold = json.loads((SEED.parent / "gold.json").read_text())
    with contextlib.redirect_stdout(io.StringIO()):
        seed = scorer.score(seed_gold, predict(extractor, [SEED]))
    print(f"{'seed':8s} {figures(seed)}")
    if not args.quiet:
        for kind, lines in sorted(kinds(scorer, gold, preds).items()):
            print(f"\n{kind} ({len(lines)})")
            for line in lines:
                print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
