"""Projection F1 on Europarl-NER: gold English entities, human translations, target gold.

Runs the intrinsic pipeline (core.pipeline) for every offline aligner x projection method and
language, into a runs root (default ./runs, git-ignored; existing runs are reused), prints a
table with the paper's figures alongside, the dominant error categories of the best setting,
and ends with one summary line:

    best_mean_f1=<mean over --langs of the best aligner x method>

Usage: .venv/bin/python bench/europarl_projection.py --langs de es [--runs DIR]
       [--aligners ...] [--methods ...] [--limit N] [--export DIR]
Any language whose files follow europarl_ner/<lang>-europarl.test.conll02 works.
``--export DIR`` also writes summary-only copies (manifest + metrics.json) of the runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import RunConfig  # noqa: E402
from core.paths import REPO_ROOT, datasets_dir  # noqa: E402
from core.pipeline import execute  # noqa: E402
from core.runs import export_summary, read_run, run_dir  # noqa: E402

from paper_figures import paper_f1  # noqa: E402  (bench/paper_figures.py)

ALIGNERS = ["me5-small:inter", "me5-small:itermax", "me5-small:mwmf", "me5-small:awesome",
            "eflomal", "union(me5-small:itermax,eflomal)",
            "intersection(me5-small:awesome,eflomal)"]
METHODS = ["heuristic", "easy_label", "candidates-ngram-greedy", "candidates-ngram-exact"]


def run_one(cfg: RunConfig, runs: Path, datasets: Path) -> dict:
    rid = cfg.run_id()
    if not run_dir(runs, rid).exists():
        execute(cfg, runs, datasets_root=datasets)
    return read_run(runs, rid).metrics


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", nargs="+", default=["de", "es"])
    ap.add_argument("--aligners", nargs="+", default=ALIGNERS)
    ap.add_argument("--methods", nargs="+", default=METHODS)
    ap.add_argument("--runs", type=Path, default=REPO_ROOT / "runs")
    ap.add_argument("--datasets", type=Path, default=datasets_dir())
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--export", type=Path, default=None,
                    help="write summary-only copies (manifest + metrics.json) here")
    args = ap.parse_args(argv)

    results: dict[tuple[str, str, str], dict] = {}
    for lang in args.langs:
        for aligner in args.aligners:
            for method in args.methods:
                cfg = RunConfig(pipeline="intrinsic", dataset="europarl_ner", lang=lang,
                                aligner=aligner, method=method, limit=args.limit)
                print(f"... {lang} {aligner} {method}", file=sys.stderr, flush=True)
                results[(lang, aligner, method)] = run_one(cfg, args.runs, args.datasets)
                if args.export:
                    export_summary(args.runs, cfg.run_id(), args.export)

    langs = args.langs
    head = f"{'aligner':42} {'method':24} " + " ".join(f"{x:>6}" for x in langs) + "   mean"
    print(head)
    print("-" * len(head))
    means = {}
    for aligner in args.aligners:
        for method in args.methods:
            f1s = [100 * results[(lang, aligner, method)]["overall"]["f1"] for lang in langs]
            means[(aligner, method)] = sum(f1s) / len(f1s)
            print(f"{aligner:42} {method:24} " + " ".join(f"{x:6.1f}" for x in f1s)
                  + f" {means[(aligner, method)]:6.1f}")
    paper = paper_f1("europarl_ner", langs)  # the reported runs in data/runs
    print("\npaper (mBERT; Politov et al. 2025; reported runs in data/runs):")
    for name in ("H-AW", "H-SA", "C-ng-AW", "C-ng-SA"):
        vals = [paper.get((name, lang)) for lang in langs]
        print(f"  {name:8} " + " ".join(f"{v:6.1f}" if v is not None else "     -" for v in vals))
    best = max(means, key=means.get)
    print(f"\nbest: {best[0]} + {best[1]}")
    for lang in langs:
        m = results[(lang, *best)]
        paper_best = max((v for (n, lg), v in paper.items() if lg == lang and n != "MT"),
                         default=None)
        best_text = "-" if paper_best is None else f"{paper_best:.1f}"
        print(f"  {lang}: F1 {100 * m['overall']['f1']:.1f} (paper best {best_text}), "
              f"proj_ratio {100 * m['proj_ratio']:.1f}, gold outcomes {m['outcomes']['gold']}, "
              f"spurious {m['outcomes']['pred']['spurious']}, reasons {m['reasons']}")
        for t, v in sorted(m["per_type"].items()):
            print(f"      {t:5} F1 {100 * v['f1']:.1f}  support {v['support']}")
    print(f"best_mean_f1={means[best]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
