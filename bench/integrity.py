"""Run-store integrity harness (issue 7): a driver that runs the intrinsic pipeline on the demo
corpus with a fake aligner, the kill-and-resume loop (SIGKILL at seeded random moments, then
resume and compare) and the corruption cases detected through the manifest checksums.
``tests/test_run_integrity.py`` asserts on them; ``bench/robustness.py`` reports them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from core.errors import ProjectError
from core.paths import REPO_ROOT

PYTHON = sys.executable
N_SENTENCES = 66  # the whole demo corpus

#: The driver: the intrinsic pipeline on the demo corpus with a fake aligner (no models), in
#: chunks of 4 sentences, sleeping ``sleep`` seconds per chunk so that a kill can land anywhere.
DRIVER = '''
import sys, time
sys.path.insert(0, {repo!r})
import core.pipeline as P
import core.pipeline.runner as R
from core.config import RunConfig
from core.types import Alignment

class MatchAligner:
    name = "match"
    signature = "match-v1"
    def align(self, pairs):
        return [Alignment.of([(i, j) for i, s in enumerate(src) for j, t in enumerate(tgt)
                              if s.lower() == t.lower()], self.name) for src, tgt in pairs]

CFG = RunConfig(pipeline="intrinsic", dataset="demo", lang="pt", name="integrity")

def run(root, sleep=0.0, verbose=False):
    R.CHUNK = 4
    def progress(step, done, total):
        if verbose:
            print("progress", done, total, flush=True)
        time.sleep(sleep)
    return P.execute(CFG, root, components=P.Components(aligner=MatchAligner()),
                     progress=progress)

if __name__ == "__main__":
    run(sys.argv[1], float(sys.argv[2]), verbose=True)
    print("done", flush=True)
'''


def write_driver(directory: Path) -> Any:
    """Write the driver to ``directory/driver.py`` and import it (for in-process resumes)."""
    path = directory / "driver.py"
    path.write_text(DRIVER.format(repo=str(REPO_ROOT)), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"integrity_driver_{id(path)}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.PATH = path
    return mod


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PROJ_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}


def check_root(root: Path) -> tuple[str, int]:
    """``("empty", 0)`` or ``("complete", lost)`` — anything else fails. ``lost`` counts
    sentences missing or duplicated in a complete run."""
    from core.runs import read_run, read_sentences, verify_run

    if not root.exists():
        return "empty", 0
    runs = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert len(runs) <= 1, runs
    if not runs:
        return "empty", 0
    verify_run(runs[0])
    read_run(root, runs[0].name, verify=True)
    idx = list(read_sentences(root, runs[0].name)["index"])
    lost = len(set(range(N_SENTENCES)) ^ set(idx)) + (len(idx) - len(set(idx)))
    return "complete", lost


def kill_and_resume(work: Path, *, kills: int = 20, seed: int = 7,
                    chunk_sleep: float = 0.03) -> dict[str, Any]:
    """SIGKILL the driver ``kills`` times at seeded random moments, each into a fresh runs root
    sharing one step cache; after each kill check the root, then resume in-process and compare
    with an uninterrupted run. Returns counts (kills, complete_before_resume, lost, stale
    temps removed, resumed metrics equal)."""
    from core.runs import read_run, read_sentences

    work.mkdir(parents=True, exist_ok=True)
    driver = write_driver(work)
    ref_cache, cache = work / "ref-cache", work / "cache"
    old = os.environ.get("PROJ_CACHE")
    try:
        os.environ["PROJ_CACHE"] = str(ref_cache)
        ref_path = driver.run(work / "reference")
        reference = read_run(work / "reference", ref_path.name).metrics
        # time a full subprocess run to place the kills over its whole life
        t0 = time.monotonic()
        subprocess.run([PYTHON, str(driver.PATH), str(work / "timing"), str(chunk_sleep)],
                       env=_env(work / "timing-cache"), check=True, capture_output=True,
                       timeout=120)
        duration = time.monotonic() - t0
        rng = random.Random(seed)
        stats = {"kills": 0, "complete_before_resume": 0, "lost": 0, "stale_temps": 0,
                 "metrics_equal": 0}
        os.environ["PROJ_CACHE"] = str(cache)
        for k in range(kills):
            root = work / f"runs-{k}"
            proc = subprocess.Popen([PYTHON, str(driver.PATH), str(root), str(chunk_sleep)],
                                    env=_env(cache), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.4, 1.05) * duration)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            stats["kills"] += 1
            state, lost = check_root(root)
            stats["lost"] += lost
            if state == "complete":
                stats["complete_before_resume"] += 1
                run_id = next(p.name for p in root.iterdir() if not p.name.startswith("."))
            else:
                stats["stale_temps"] += len(list(root.glob(".*.tmp"))) if root.exists() else 0
                run_id = driver.run(root).name
                assert not list(root.glob(".*.tmp")), "stale temporary run directory left"
            idx = list(read_sentences(root, run_id)["index"])
            stats["lost"] += len(set(range(N_SENTENCES)) ^ set(idx)) + len(idx) - len(set(idx))
            stats["metrics_equal"] += read_run(root, run_id).metrics == reference
        return stats
    finally:
        if old is None:
            os.environ.pop("PROJ_CACHE", None)
        else:
            os.environ["PROJ_CACHE"] = old


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_metrics(path: Path) -> None:
    m = json.loads(path.read_text("utf-8"))
    m["sentences_total"] = int(m["sentences_total"]) + 1
    path.write_text(json.dumps(m), encoding="utf-8")


def corruption_cases() -> list[tuple[str, str, Callable[[Path], None], str]]:
    """``(name, file, damage, reader)``: reader is ``verify``, ``read_run`` or ``sentences``."""
    return [
        ("parquet-byte-flip", "sentences.parquet", _flip, "sentences"),
        ("parquet-truncated", "sentences.parquet",
         lambda p: p.write_bytes(p.read_bytes()[:100]), "sentences"),
        ("parquet-deleted", "sentences.parquet", lambda p: p.unlink(), "verify"),
        ("metrics-value-edited", "metrics.json", _edit_metrics, "read_run"),
        ("metrics-not-json", "metrics.json", lambda p: p.write_text("{", "utf-8"), "read_run"),
        ("metrics-byte-flip", "metrics.json", _flip, "verify"),
    ]


def detect_corruption(root: Path, run_id: str, name: str, file: str,
                      damage: Callable[[Path], None], reader: str) -> str:
    """Damage a copy of a run and return the ProjectError message the reader raises."""
    import shutil

    from core.runs import read_run, read_sentences, verify_run

    target = root / f"{run_id}-{name}"
    shutil.copytree(root / run_id, target)
    damage(target / file)
    try:
        if reader == "verify":
            verify_run(target)
        elif reader == "read_run":
            read_run(root, target.name, verify=True)
        else:
            read_sentences(root, target.name)
    except ProjectError as exc:
        return str(exc)
    raise AssertionError(f"{name}: corruption of {file} not detected")
