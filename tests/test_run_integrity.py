"""Run-store integrity (issue 7): a run killed (SIGKILL) at random moments leaves nothing or a
complete run, resumes to exactly the uninterrupted result; corrupted files are detected through
the manifest checksums; two writers of one run id are refused. Step-cache entries are verified
in tests/test_stepcache.py, the converted me5 model in tests/test_me5.py.

``kill_and_resume`` and ``corruption_cases`` are shared with ``bench/robustness.py``.
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

import pytest

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
    P.CHUNK = 4
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


# ------------------------------------------------------------------------------- tests


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.slow
def test_killed_runs_leave_nothing_or_a_complete_run_and_resume_exactly(tmp_path) -> None:
    stats = kill_and_resume(tmp_path, kills=20, seed=7)
    assert stats["kills"] == 20
    assert stats["lost"] == 0
    assert stats["metrics_equal"] == 20
    # the kills landed over the whole life of the run, not only after it finished
    assert stats["complete_before_resume"] < 20


def test_stale_temp_dir_of_a_killed_writer_is_ignored_and_cleaned(tmp_path, cache) -> None:
    from core.runs import list_runs, read_run

    driver = write_driver(tmp_path)
    root = tmp_path / "runs"
    run_id = driver.CFG.run_id()
    stale = root / f".{run_id}.abc123.tmp"
    stale.mkdir(parents=True)
    (stale / "metrics.json").write_text("{", "utf-8")  # half-written
    other = root / ".another-run.xyz.tmp"
    other.mkdir()
    assert list_runs([root]) == []  # the listing ignores temp dirs
    path = driver.run(root)
    assert not stale.exists() and other.exists()  # only this run id's leftovers are removed
    assert read_run(root, path.name, verify=True).metrics["sentences_total"] == N_SENTENCES


@pytest.mark.parametrize("case", corruption_cases(), ids=lambda c: c[0])
def test_corruption_is_detected_through_the_manifest(tmp_path, cache, case) -> None:
    driver = write_driver(tmp_path)
    path = driver.run(tmp_path / "runs")
    name, file, damage, reader = case
    message = detect_corruption(tmp_path / "runs", path.name, name, file, damage, reader)
    assert file in message


def test_scan_reports_a_broken_run_instead_of_failing(tmp_path, cache) -> None:
    from core.runs import scan_runs

    driver = write_driver(tmp_path)
    path = driver.run(tmp_path / "runs")
    (path / "metrics.json").write_text("not json", "utf-8")
    runs, errors = scan_runs([tmp_path / "runs"])
    assert runs == [] and len(errors) == 1 and "metrics.json" in str(errors[0])


def test_second_writer_of_the_same_run_is_refused(tmp_path, cache) -> None:
    driver = write_driver(tmp_path)
    root = tmp_path / "runs"
    proc = subprocess.Popen([PYTHON, str(driver.PATH), str(root), "2.0"], env=_env(cache),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # first progress line: the lock is held
        assert line.startswith("progress"), line
        with pytest.raises(ProjectError, match="another process"):
            driver.run(root)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert check_root(root) == ("empty", 0)
