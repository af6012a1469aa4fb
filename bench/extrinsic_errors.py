"""Where training on projection loses: the test entities its model misses or invents most, and
how often each string occurs as a projected entity in the run it was trained on (the
inspector's exact-string search of the linked training run, for every frequent error at once).

Reads the full extrinsic runs (sentences included) of a runs directory: the committed
``data/runs`` copies are summaries only, so point ``--runs`` at the directory ``python -m core
--runs DIR extrinsic run ...`` wrote.

Usage: ``.venv/bin/python bench/extrinsic_errors.py --runs DIR --lang zul --lang yor [--top 6]``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.extrinsic.pipeline import read_records, training_matches  # noqa: E402
from core.runs import read_manifest, run_dir  # noqa: E402


def test_run_ids(root: Path, lang: str) -> list[str]:
    """Test-prediction runs of training on projection for ``lang`` in ``root``."""
    out = []
    for d in sorted(root.glob(f"extrinsic-*-{lang}-*")):
        man = read_manifest(d) if (d / "manifest.json").is_file() else {}
        if man.get("extrinsic", {}).get("role") == "test predictions" and \
                (d / "sentences.parquet").is_file():
            out.append(d.name)
    return out


def errors(root: Path, test_id: str) -> tuple[dict[str, int], Counter, Counter]:
    """Counts (gold, predicted, correct) and the missed / spurious (words, label) strings."""
    missed: Counter = Counter()
    spurious: Counter = Counter()
    n = {"gold": 0, "predicted": 0, "correct": 0}
    for r in read_records(root, test_id):
        words = r.target.words
        gold = {(s.start, s.end, s.label) for s in (r.gold or ())}
        pred = {(s.start, s.end, s.label) for s in (r.predicted or ())}
        n["gold"] += len(gold)
        n["predicted"] += len(pred)
        n["correct"] += len(gold & pred)
        missed.update((" ".join(words[a:b]), lab) for a, b, lab in gold - pred)
        spurious.update((" ".join(words[a:b]), lab) for a, b, lab in pred - gold)
    return n, missed, spurious


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=Path, required=True)
    ap.add_argument("--lang", action="append", required=True)
    ap.add_argument("--top", type=int, default=6)
    args = ap.parse_args(argv)
    for lang in args.lang:
        ids = test_run_ids(args.runs, lang)
        if not ids:
            print(f"{lang}: no extrinsic test run with sentences in {args.runs}")
            continue
        for test_id in ids:
            data_id = read_manifest(run_dir(args.runs, test_id))["linked_runs"]["training_data"]
            n, missed, spurious = errors(args.runs, test_id)
            print(f"== {lang} {test_id}: gold {n['gold']}, predicted {n['predicted']}, "
                  f"correct {n['correct']}")
            for title, counter in (("missed", missed), ("spurious", spurious)):
                print(f"  most {title} (text, label, times, as an entity in training):")
                for (text, label), count in counter.most_common(args.top):
                    found = len(training_matches(args.runs, data_id, text))
                    print(f"    {text!r:32} {label:4} {count:4}  {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
