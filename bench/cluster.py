"""A demo matrix on a real single-node SLURM cluster: submit, kill a task, resume, compare.

Starts a cluster with ``scripts/slurm_cluster.sh`` (installs Debian's SLURM and munge when
missing; state in a temporary directory; daemons stopped by PID at the end), then, with a
fresh step cache shared by every job:

1. ``python -m core submit --set "lang=[de;es]" --shards 4 --max-running 2 --slurm``: two
   intrinsic demo runs (me5-small itermax, heuristic) as one job array of 8 tasks plus a merge
   job that waits for the array (``afterok``);
2. ``scancel`` of the first task seen running; the merge job is then never started;
3. ``python -m core submit --resume``: only the cancelled task is resubmitted, with a new merge;
4. each merged run is compared with the unsharded run: over the same step cache it must be
   identical (sentence table and metrics.json byte for byte); computed apart, with its own
   cache, the metrics must be identical and the scores equal to 1e-5 (embedding scores vary in
   their last digits with batch composition and thread count).

``recomputed_sentences`` counts the alignments the resubmitted task computed beyond those the
step cache did not hold yet (step-cache misses in its manifest minus new cache keys): 0 means
nothing was aligned twice. ``wall_s`` runs from the first submit to the last merge.

Usage: .venv/bin/python bench/cluster.py [--langs de es] [--shards 4]
Last line: ``slurm_tasks=<n> merged_identical=<0|1> resubmitted=<n> recomputed_sentences=<n>
wall_s=<x>``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import cluster  # noqa: E402
from core.config import RunConfig  # noqa: E402
from core.pipeline import execute  # noqa: E402
from bench.slurm_cluster import (aligned, align_keys, cancel_first_running,  # noqa: E402
                                 same_run, start, warm_cache)


def core(runs: Path, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "core", "--runs", str(runs), *args], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"python -m core {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout.strip()


def reference(lang: str, cache: Path, root: Path) -> Path:
    os.environ["PROJ_CACHE"] = str(cache)
    return execute(RunConfig(dataset="demo", lang=lang), root).parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", nargs="+", default=["de", "es"])
    ap.add_argument("--shards", type=int, default=4)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    t0 = time.monotonic()
    slurm = start(work / "slurm")
    print(f"cluster up in {time.monotonic() - t0:.1f} s ({slurm.conf})")
    os.environ["SLURM_CONF"] = str(slurm.conf)
    try:
        cache = work / "cache"
        ref_cache = warm_cache(cache)
        os.environ["PROJ_CACHE"] = str(cache)
        runs = work / "runs"
        t0 = time.monotonic()
        print(core(runs, "submit", "--set", "dataset=demo", "--set",
                   f"lang=[{';'.join(args.langs)}]", "--shards", str(args.shards),
                   "--max-running", "2", "--slurm"))
        state = cluster.load(runs)
        cancelled = cancel_first_running(slurm, state["arrays"][0]["job"],
                                         Path(state["directory"]))
        print(f"scancel {state['arrays'][0]['job']}_{cancelled}")
        cluster.wait(runs, timeout=1800, interval=0.5)
        print(core(runs, "status"))
        before = align_keys(cache)
        print(core(runs, "submit", "--resume"))
        rep = cluster.wait(runs, timeout=1800, interval=0.5)
        wall = time.monotonic() - t0
        print(core(runs, "status"))
        state = cluster.load(runs)
        resubmitted = [int(t) for t, job in state["tasks"].items()
                       if job == state["arrays"][-1]["job"]] if len(state["arrays"]) > 1 else []
        n = state["shards"]
        computed = sum(aligned(runs, f"{state['cells'][t // n]['run_id']}.shard-{t % n}-of-{n}")
                       for t in resubmitted)
        new_keys = len(align_keys(cache) - before)
        recomputed = computed - new_keys
        print(f"resubmitted task(s) {resubmitted}: aligned {computed} sentence(s), "
              f"{new_keys} new in the step cache")
        identical = rep.complete
        for cell, lang in zip(state["cells"], args.langs):
            rid = cell["run_id"]
            exact = same_run(reference(lang, cache, work / "same-cache"), runs, rid)
            close = same_run(reference(lang, ref_cache, work / "apart"), runs, rid,
                             tolerance=1e-5)
            print(f"{rid}: identical to the unsharded run over the same cache: {exact}; "
                  f"to one computed apart (scores to 1e-5): {close}")
            identical = identical and exact and close
        print(f"slurm_tasks={len(state['cells']) * n} merged_identical={int(identical)} "
              f"resubmitted={len(resubmitted)} recomputed_sentences={recomputed} "
              f"wall_s={wall:.1f}")
    finally:
        slurm.stop()


if __name__ == "__main__":
    main()
