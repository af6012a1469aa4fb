"""Server-side latency of the app's two heaviest views (no browser, no Streamlit).

**Inspector**: one 80-word sentence pair under 4 aligners. The 4 sentence records are stored
as sentence-table rows (JSON, as in ``sentences.parquet``); timed: parsing the 4 rows
(``record_from_row``), building the whole view with :func:`core.viz.explain.build_inspector_view`
(alignment figure, sentence HTML, "why"/candidate/compare tables) and serialising the figure to
JSON (what Streamlit sends). The sentences are SYNTHETIC (generated words ``w17``/``z17`` with a
few entities) and the 4 alignments are deterministic patterns with noise, projected with the
heuristic method — realistic sizes, not real data.

**Dashboard**: ``--runs`` (default 600) run directories with SYNTHETIC metrics (written with
``core.runs.write_run(rows=None)``, dataset ``synthetic-bench``, random F1 values, 57 languages ×
several aligners/methods) in a temporary directory. Timed, both:

- ``cold``: reading every manifest + metrics file (``core.runs.scan_runs``), the run table
  (:func:`core.viz.dashboard.runs_frame`), every dashboard figure and their JSON;
- ``warm``: what a rerun of the page costs with the table cached (``ui.dashboard`` caches it
  by a fingerprint of the metrics files): the fingerprint (one ``stat`` per file) plus every
  figure and its JSON.

Each number is the median of ``--repeat`` runs after one warm-up. The last line reports the
inspector time and the dashboard's *cold* time (the first page load, the slower of the two):
``inspector_ms=<x> dashboard_ms=<y>``.

Usage: .venv/bin/python bench/app_latency.py [--runs 600] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.records import record_from_row, record_row  # noqa: E402
from core.resources import LANGUAGES  # noqa: E402
from core.runs import scan_runs, write_run  # noqa: E402
from core.types import Alignment, Span  # noqa: E402
from core.userdata import project_sentence  # noqa: E402
from core.viz import dashboard as dash  # noqa: E402

N_WORDS = 80
ALIGNERS = ("me5-small:itermax", "me5-small:inter", "me5-small:mwmf", "eflomal")
METHODS = ("heuristic", "easy_label", "candidates-ngram-greedy")


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (imports, first-call costs)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


# ------------------------------------------------------------------------------- inspector


def synthetic_rows(seed: int = 0) -> list[dict]:
    """4 sentence-table rows: one synthetic 80-word pair, 4 aligners, heuristic projection."""
    rng = random.Random(seed)
    src = [f"w{k}" for k in range(N_WORDS)]
    tgt = [f"z{k}" for k in range(N_WORDS)]
    types = ("PER", "ORG", "LOC", "MISC")
    entities = [Span(s, s + 1 + k % 3, types[k % 4]) for k, s in enumerate(range(3, 76, 9))]
    gold = [Span(s.start + 1, min(s.end + 1, N_WORDS), s.label) for s in entities]
    rows = []
    for a, name in enumerate(ALIGNERS):
        links = set()
        for i in range(N_WORDS):
            j = min(N_WORDS - 1, i + 1 + (a if i % 7 == 0 else 0))
            if rng.random() > 0.1 * a:
                links.add((i, j))
            if rng.random() < 0.05:
                links.add((i, rng.randrange(N_WORDS)))
        alignment = Alignment.of(links, name, scores={lk: round(rng.random(), 3) for lk in links})
        record = project_sentence(src, entities, tgt, aligner_obj=None, method="heuristic",
                                  lang="xx", gold=gold, alignment=alignment)
        rows.append(record_row(record, 0))
    return rows


def inspector_ms(repeat: int) -> float:
    from core.viz.explain import build_inspector_view

    rows = synthetic_rows()

    def build() -> None:
        records = [record_from_row(r) for r in rows]
        view = build_inspector_view(records, list(ALIGNERS), focus="e0")
        view.links.to_json()

    return _median_ms(build, repeat)


# ------------------------------------------------------------------------------- dashboard


def write_synthetic_runs(root: Path, n: int, seed: int = 0) -> int:
    """``n`` reported-style runs (no sentence table) with random, clearly synthetic metrics."""
    rng = random.Random(seed)
    langs = [c for c in LANGUAGES if c != "en"]
    k = 0
    while k < n:
        for lang in langs:
            for aligner in ALIGNERS:
                for method in METHODS:
                    if k >= n:
                        return k
                    f1 = rng.uniform(0.2, 0.9)
                    run = {"kind": "ours", "dataset": "synthetic-bench", "lang": lang,
                           "split": "test", "pipeline": "intrinsic", "aligner": aligner,
                           "method": method, "back_translation": False,
                           "signature": f"synthetic|{lang}|{aligner}|{method}"}
                    gold = {"exact": rng.randint(10, 90), "boundary": rng.randint(0, 20),
                            "wrong_type": rng.randint(0, 10), "missed": rng.randint(0, 30)}
                    metrics = {
                        "overall": {"f1": f1, "precision": f1, "recall": f1},
                        "per_type": {t: {"f1": rng.uniform(0.1, 0.95)}
                                     for t in ("PER", "ORG", "LOC")},
                        "outcomes": {"gold": gold, "pred": {"exact": gold["exact"],
                                                            "spurious": rng.randint(0, 10)}},
                        "reasons": {"projected": rng.randint(50, 120),
                                    "no_aligned_words": rng.randint(0, 20),
                                    "length_ratio": rng.randint(0, 10)},
                        "proj_ratio": rng.uniform(0.6, 1.0), "evaluated": True,
                        "sentences_total": 100, "run": run, "synthetic": True,
                    }
                    write_run(root, f"bench-{k:04d}-{lang}", {"kind": "ours",
                              "synthetic": True}, None, metrics)
                    k += 1
    return k


def dashboard_ms(n: int, repeat: int) -> tuple[float, float, int]:
    from ui.dashboard import fingerprint  # imports streamlit; no Streamlit runtime is needed

    with tempfile.TemporaryDirectory(prefix="app-latency-") as tmp:
        root = Path(tmp)
        written = write_synthetic_runs(root, n)
        cached = {}

        def figures(df) -> None:
            for fig in dash.dashboard_figures(df).values():
                fig.to_json()

        def cold() -> None:
            runs, errors = scan_runs([root])
            assert not errors and len(runs) == written
            df = dash.runs_frame(runs)
            cached["df"] = df
            figures(df)

        def warm() -> None:
            fingerprint([str(root)])
            figures(cached["df"])

        cold_ms = _median_ms(cold, repeat)
        warm_ms = _median_ms(warm, repeat)
    return cold_ms, warm_ms, written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=600, help="synthetic metrics files (>= 500)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    if args.runs < 500:
        ap.error("--runs must be at least 500")
    insp = inspector_ms(args.repeat)
    print(f"inspector: {N_WORDS}-word synthetic pair, {len(ALIGNERS)} aligners: "
          f"{insp:.0f} ms (median of {args.repeat})")
    cold, warm, n = dashboard_ms(args.runs, args.repeat)
    print(f"dashboard: {n} synthetic metrics files: cold (read + table + figures) {cold:.0f} ms, "
          f"warm (fingerprint + figures) {warm:.0f} ms (medians of {args.repeat})")
    print(f"inspector_ms={insp:.0f} dashboard_ms={cold:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
