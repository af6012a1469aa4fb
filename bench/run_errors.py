"""Where a run goes wrong, entity by entity: the gold entities it misses and the ones it invents
most often. For training on projection (``--lang``), also how often each string occurs as a
projected entity in the run the model was trained on (the inspector's exact-string search of
the linked training run, for every frequent error at once).

Reads the full extrinsic runs (sentences included) of a runs directory: the committed
``data/runs`` copies are summaries only, so point ``--runs`` at the directory ``python -m core
--runs DIR extrinsic run ...`` wrote.

``--run RUN_ID`` does the same for any run with gold (model transfer, projection), without the
training column.

Usage: ``.venv/bin/python bench/run_errors.py --runs DIR --lang zul --lang yor [--top 6]``
or ``... --runs DIR --run ner-mt-europarl_ner-de-0349ba69``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.errors import ProjectError  # noqa: E402
from core.extrinsic.pipeline import read_records  # noqa: E402
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


def training_counts(root: Path, data_id: str) -> Counter:
    """Per entity string (words joined by spaces), the projected training sentences holding it
    as an entity (a sentence counts once per string): the counts of the inspector's exact-string
    search (:func:`core.extrinsic.pipeline.training_matches`), uncapped, in one pass."""
    counts: Counter = Counter()
    for r in read_records(root, data_id):
        counts.update({" ".join(r.target.words[s.start:s.end]) for s in r.predicted})
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=Path, required=True)
    ap.add_argument("--lang", action="append", default=[])
    ap.add_argument("--run", action="append", default=[], help="any run with gold")
    ap.add_argument("--top", type=int, default=6)
    args = ap.parse_args(argv)
    if not args.lang and not args.run:
        ap.error("name at least one --lang or --run")
    for lang in args.lang:
        ids = test_run_ids(args.runs, lang)
        if not ids:
            print(f"{lang}: no extrinsic test run with sentences in {args.runs}")
        for test_id in ids:
            links = read_manifest(run_dir(args.runs, test_id))["linked_runs"]
            report(args.runs, test_id, lang, args.top, links["training_data"])
    for run_id in args.run:
        report(args.runs, run_id, "", args.top, None)
    return 0


def report(root: Path, run_id: str, lang: str, top: int, data_id: str | None) -> None:
    n, missed, spurious = errors(root, run_id)
    trained = training_counts(root, data_id) if data_id else None
    print(f"== {lang} {run_id}: gold {n['gold']}, predicted {n['predicted']}, "
          f"correct {n['correct']}")
    for title, counter in (("missed", missed), ("spurious", spurious)):
        print(f"  most {title} (text, label, times"
              + (", as an entity in training):" if data_id else "):"))
        for (text, label), count in counter.most_common(top):
            found = f"  {trained[text]}" if trained is not None else ""
            print(f"    {text!r:32} {label:4} {count:4}{found}")


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except ProjectError as exc:  # e.g. a summary-only run: say so, no traceback
        raise SystemExit(f"run_errors: {exc}")
