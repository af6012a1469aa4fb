"""Reproduce Easy-Label-Projection's released CoNLL-2003 test projections (English → DeepL
de/es/it/nl) from the released word alignments, with :class:`EasyLabelProjector`.

Inputs (under ``--datasets``, default :func:`core.paths.datasets_dir`):

- ``conll2003_deepl/original_gold/en.conll.test.tsv``: English gold (3,684 blocks incl.
  ``-DOCSTART-`` blocks, which are kept so that block k matches alignment line k + 1);
- ``conll2003_deepl/en2<lang>/alignments/DeepL.50000.<aligner>...talp``: the alignments;
- ``conll2003_deepl/en2<lang>/projections/DeepL.50000.<aligner>.test.tsv``: the released target
  words and projected tags (read with IOB repair, so tag sequences compare as entity spans).

For every language × aligner it prints the share of blocks whose whole tag sequence equals the
released one, for our faithful projector and for variants that each undo one quirk of the
original (and, for information, for the paper's heuristic). ``--verbose`` adds outcome counts
and, per variant, the categories of disagreement (how the entity outcomes change) with examples.
The last line is ``min_agreement=<x>``: the lowest agreement of the faithful projector.

    .venv/bin/python bench/reproduce_easy_label_projection.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.labels import spans_to_tags  # noqa: E402
from core.paths import datasets_dir  # noqa: E402
from core.projection.base import Projector, projected_spans  # noqa: E402
from core.projection.easy_label import EasyLabelProjector  # noqa: E402
from core.projection.heuristic import HeuristicProjector  # noqa: E402
from core.readers.conll import read_conll  # noqa: E402
from core.readers.pharaoh import read_pharaoh  # noqa: E402
from core.types import Alignment, Projection, Sentence, Span  # noqa: E402

LANGS = ("de", "es", "it", "nl")
#: aligner name -> the middle part of its alignment file name
ALIGNER_FILES = {
    "awesome": "awesome.test",
    "fast_align": "fast_align.test.grow_diag_final-and",
    "mgiza": "mgiza.test.grow_diag_final-and",
    "simalign": "simalign.test.itermax",
}
FAITHFUL = "easy_label"
#: column name -> projector. The first is the reproduction; each other EasyLabel variant undoes
#: one quirk of the original; the heuristics are the paper's method, for information.
PROJECTORS: dict[str, Projector] = {
    FAITHFUL: EasyLabelProjector(),
    "gap=between": EasyLabelProjector(gap_rule="between"),
    "overlap": EasyLabelProjector(collision_test="overlap"),
    "punct=unicode": EasyLabelProjector(punctuation="unicode"),
    "punct=keep": EasyLabelProjector(punctuation=None),
    "heuristic": HeuristicProjector(),
    "heur-no-ratio": HeuristicProjector(min_ratio=None),
}


def corpus_paths(root: Path, lang: str, aligner: str) -> tuple[Path, Path]:
    base = root / "conll2003_deepl" / f"en2{lang}"
    return (base / "alignments" / f"DeepL.50000.{ALIGNER_FILES[aligner]}.talp",
            base / "projections" / f"DeepL.50000.{aligner}.test.tsv")


def load_pair(root: Path, lang: str, aligner: str, n_blocks: int
              ) -> tuple[list[Sentence], list[Alignment]]:
    """The released target sentences (words + projected tags) and their alignments."""
    talp, tsv = corpus_paths(root, lang, aligner)
    released = read_conll(tsv, lang=lang, keep_docstart=True)
    alignments = read_pharaoh(talp, aligner=aligner)
    if not len(released) == len(alignments) == n_blocks:
        raise SystemExit(f"{lang}/{aligner}: {len(released)} released blocks, "
                         f"{len(alignments)} alignment lines, {n_blocks} English blocks")
    return released, alignments


def project_tags(projector: Projector, src: Sentence, entities: Sequence[Span],
                 alignment: Alignment, tgt: Sentence) -> tuple[list[str], list[Projection]]:
    projections = projector.project(entities, alignment, tgt.words, src_words=src.words)
    return spans_to_tags(projected_spans(projections), len(tgt)), projections


def show_spans(spans: Sequence[Span], words: Sequence[str]) -> str:
    return " ".join(f"[{s.label} {' '.join(words[s.start:s.end])}]@{s.start}" for s in spans) \
        or "(none)"


def category(base: list[Projection], other: list[Projection]) -> str:
    """How entity outcomes change between the faithful projector and a variant."""
    changes = sorted({f"{b.reason.value}→{o.reason.value}" if b.reason != o.reason
                      else f"{b.reason.value}: other span"
                      for b, o in zip(base, other) if b.targets != o.targets})
    return ", ".join(changes) or "same entity spans, different merge/overwrite rendering"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=Path, default=datasets_dir(),
                        help="directory holding conll2003_deepl/ (default: %(default)s)")
    parser.add_argument("--langs", nargs="+", default=list(LANGS), choices=LANGS)
    parser.add_argument("--aligners", nargs="+", default=list(ALIGNER_FILES),
                        choices=list(ALIGNER_FILES))
    parser.add_argument("--limit", type=int, default=None,
                        help="use only the first N blocks (quick runs)")
    parser.add_argument("--examples", type=int, default=2,
                        help="examples per disagreement category with --verbose")
    parser.add_argument("--columns", nargs="+", default=list(PROJECTORS), choices=list(PROJECTORS),
                        help="projectors to compare (the faithful one is always included)")
    parser.add_argument("--verbose", action="store_true",
                        help="outcome counts and disagreement categories with examples")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    gold_path = args.datasets / "conll2003_deepl" / "original_gold" / "en.conll.test.tsv"
    english = read_conll(gold_path, lang="en", keep_docstart=True)
    n_total = len(english)
    english = english[:args.limit]
    entities = [src.spans for src in english]
    n_blocks = len(english)
    columns = [FAITHFUL] + [c for c in args.columns if c != FAITHFUL]
    print(f"English gold: {gold_path} ({n_blocks} of {n_total} blocks, -DOCSTART- blocks included)")
    print("sentence-level exact agreement with the released projections "
          f"(column '{FAITHFUL}' = the reproduction; the others undo one quirk or are the "
          "paper's heuristic)")
    header = f"{'lang':<5}{'aligner':<11}" + "".join(f"{c:>15}" for c in columns)
    print(header)
    print("-" * len(header))

    faithful_scores: list[float] = []
    totals: dict[str, Counter[str]] = {c: Counter() for c in columns}
    reports: list[str] = []
    for lang in args.langs:
        for aligner in args.aligners:
            released, alignments = load_pair(args.datasets, lang, aligner, n_total)
            released, alignments = released[:n_blocks], alignments[:n_blocks]
            agree: Counter[str] = Counter()
            reasons: Counter[str] = Counter()
            cats: dict[str, dict[str, list[str]]] = {c: {} for c in columns}
            for src, ents, tgt, alignment in zip(english, entities, released, alignments):
                if src.id.rsplit(":", 1)[1] != tgt.id.rsplit(":", 1)[1]:
                    raise SystemExit(f"block mismatch: {src.id} vs {tgt.id}")
                gold = list(tgt.labels or ())
                base_tags, base = project_tags(PROJECTORS[FAITHFUL], src, ents, alignment, tgt)
                reasons.update(p.reason.value for p in base)
                for name in columns:
                    if name == FAITHFUL:
                        tags, projections = base_tags, base
                    else:
                        tags, projections = project_tags(PROJECTORS[name], src, ents, alignment,
                                                          tgt)
                    if tags == gold:
                        agree[name] += 1
                        continue
                    if not args.verbose:
                        continue
                    cat = ("faithful projector differs from released" if name == FAITHFUL
                           else category(base, projections))
                    examples = cats[name].setdefault(cat, [])
                    examples.append(
                        f"      {tgt.id}: {' '.join(tgt.words)}\n"
                        f"        released: {show_spans(tgt.spans, tgt.words)}\n"
                        f"        {name + ':':<9} "
                        f"{show_spans(projected_spans(projections), tgt.words)}")
            row = f"{lang:<5}{aligner:<11}"
            for name in columns:
                share = agree[name] / n_blocks
                totals[name]["agree"] += agree[name]
                totals[name]["blocks"] += n_blocks
                row += f"{share:>15.4f}"
            faithful_scores.append(agree[FAITHFUL] / n_blocks)
            print(row, flush=True)
            if args.verbose:
                lines = [f"== {lang}/{aligner}: entity outcomes of '{FAITHFUL}': "
                         + ", ".join(f"{k}={v}" for k, v in reasons.most_common())]
                for name in columns:
                    if not cats[name]:
                        continue
                    lines.append(f"  {name}: {n_blocks - agree[name]} differing blocks")
                    for cat, examples in sorted(cats[name].items(), key=lambda kv: -len(kv[1])):
                        lines.append(f"    {len(examples):>5}  {cat}")
                        lines.extend(examples[:args.examples])
                reports.append("\n".join(lines))
    print("-" * len(header))
    print(f"{'all':<16}" + "".join(
        f"{totals[c]['agree'] / max(1, totals[c]['blocks']):>15.4f}" for c in columns))
    if args.verbose:
        print("\nDisagreement categories (entity outcome of the faithful projector → variant):")
        print("\n".join(reports))
    print(f"time: {time.perf_counter() - t0:.1f}s")
    print(f"min_agreement={min(faithful_scores):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
