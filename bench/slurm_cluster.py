"""A real single-node SLURM cluster for bench/cluster.py and the tests (tests/test_cluster.py
wraps :func:`start` in a session fixture), started by ``scripts/slurm_cluster.sh``: Debian's
slurmctld, slurmd, slurm-client and munge, installed by that script when missing; all state in
a temporary directory; the daemons stopped by PID. :class:`Unavailable` means installing is
impossible here (not root, no apt-get, the install failed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "slurm_cluster.sh"


class Unavailable(RuntimeError):
    """SLURM cannot be installed on this machine."""


@dataclass
class Cluster:
    state: Path
    conf: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def run(self, *cmd: str) -> str:
        out = subprocess.run(list(cmd), env=self.env(), capture_output=True, text=True,
                             timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {out.stderr.strip()}")
        return out.stdout

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop", str(self.state)], capture_output=True,
                       text=True, timeout=60)


def install() -> None:
    """The Debian packages, unless present (raises :class:`Unavailable` if impossible)."""
    if all(shutil.which(c) for c in ("slurmctld", "slurmd", "sbatch", "munged")):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Unavailable("SLURM is not installed and this user cannot apt-get install it")
    out = subprocess.run(["bash", str(SCRIPT), "install"], capture_output=True, text=True,
                         timeout=600)
    if out.returncode != 0:
        raise Unavailable(f"installing SLURM failed: {out.stderr.strip()[-500:]}")


def start(state: Path) -> Cluster:
    """Install if needed, start the daemons, wait until the node is idle."""
    install()
    out = subprocess.run(["bash", str(SCRIPT), "start", str(state)], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        subprocess.run(["bash", str(SCRIPT), "stop", str(state)], capture_output=True,
                       timeout=60)
        logs = "".join(p.read_text(errors="replace")[-1500:]
                       for p in sorted((state / "log").glob("*.log")))
        raise RuntimeError(f"the SLURM cluster did not start: {out.stderr.strip()}\n{logs}")
    conf = next(line.split("=", 1)[1] for line in out.stdout.splitlines()
                if line.startswith("SLURM_CONF="))
    return Cluster(state, Path(conf))


# -- helpers shared by bench/cluster.py and tests/test_cluster.py ---------------------------------


def warm_cache(cache: Path) -> Path:
    """A step-cache root with the me5-small conversion done once (tasks then only load it), and
    a second root for reference runs that shares the converted model but no cached steps."""
    from core.models.me5 import build_me5

    build_me5(cache)
    ref = cache.parent / f"{cache.name}-reference"
    ref.mkdir(exist_ok=True)
    if not (ref / "models").exists():
        (ref / "models").symlink_to(cache / "models", target_is_directory=True)
    return ref


def align_keys(cache: Path) -> set[tuple[str, str]]:
    """Every (cache file, key) the alignment step cache holds."""
    import sqlite3

    keys = set()
    for db in sorted((cache / "steps" / "align").glob("*.sqlite")):
        con = sqlite3.connect(db)
        try:
            keys |= {(db.name, k) for (k,) in con.execute("SELECT key FROM entries")}
        finally:
            con.close()
    return keys


def aligned(runs: Path, run_id: str) -> int:
    """Sentences the run's aligner computed (step-cache misses in its manifest)."""
    from core.runs import read_manifest, run_dir

    cache = read_manifest(run_dir(runs, run_id)).get("cache", {})
    return int(cache.get("aligner", {}).get("misses", 0))


def same_run(a_root: Path, b_root: Path, run_id: str, *, tolerance: float = 0.0) -> bool:
    """Byte-identical metrics.json and the same sentence table; with ``tolerance``, floats
    inside the records (alignment and candidate scores) may differ by that much.

    Embedding scores depend in their last digits on the batch a sentence was encoded in and on
    the CPU thread count, so a run computed apart (not from the same step cache) matches only
    with a tolerance (docs/cluster.md)."""
    import json

    from core.runs import read_sentences, run_dir

    if (run_dir(a_root, run_id) / "metrics.json").read_bytes() != \
            (run_dir(b_root, run_id) / "metrics.json").read_bytes():
        return False
    a, b = read_sentences(a_root, run_id), read_sentences(b_root, run_id)
    if not tolerance:
        return a.equals(b)
    scalar = [c for c in a.columns if c != "record"]
    return list(a.columns) == list(b.columns) and a[scalar].equals(b[scalar]) and all(
        _close(json.loads(x), json.loads(y), tolerance) for x, y in zip(a.record, b.record))


def _close(x, y, tol: float) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and abs(x - y) <= tol
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(
            _close(x[k], y[k], tol) for k in x)
    if isinstance(x, list):
        return isinstance(y, list) and len(x) == len(y) and all(
            _close(u, v, tol) for u, v in zip(x, y))
    return x == y


def cancel_first_running(cluster: Cluster, job: str, submission: Path,
                         timeout: float = 120) -> int:
    """``scancel`` the first task of array ``job`` whose Python is running (its log in the
    ``submission`` directory starts with the ``run`` line, written to stderr as the run
    begins); returns its index.

    A task cancelled in the instant SLURM launches it can outlive the cancel: with
    ``proctrack/linuxproc`` the signal finds no process yet, the job is marked CANCELLED and the
    script runs to the end (seen in CI). Waiting for the log makes the cancel hit a process."""
    import time

    from core.cluster.scripts import task_log

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in cluster.run("squeue", "-h", "-r", "-j", job, "-o", "%i|%T").splitlines():
            task, _, state = line.strip().partition("|")
            if state != "RUNNING" or "_" not in task:
                continue
            index = int(task.split("_")[1])
            log = task_log(submission, index, job)
            text = log.read_text(errors="replace") if log.is_file() else ""
            if text.startswith("run "):
                cluster.run("scancel", task)
                return index
        time.sleep(0.05)
    raise RuntimeError(f"no task of job {job} started within {timeout:.0f} s")
