"""The SLURM commands the cluster module uses: sbatch, squeue, scontrol, scancel, sinfo.

Job states come from ``squeue`` (queued and running jobs) and ``scontrol show job`` (finished
jobs, kept for ``MinJobAge`` seconds); ``sacct`` is not used because it needs the accounting
database, which many clusters and all test clusters lack.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from core.errors import ProjectError

#: SLURM job states that mean "this task will not produce its run".
FAILED_STATES = frozenset({"FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                           "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT"})
ACTIVE_STATES = frozenset({"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
                           "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED",
                           "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"})


def require(command: str = "sbatch") -> str:
    path = shutil.which(command)
    if path is None:
        raise ProjectError(f"`{command}` not found: this machine is not a SLURM submit host",
                           setting="--slurm", hint="run on the cluster's login node" + (
                               ", or use --dry-run to only write the scripts"
                               if command == "sbatch" else ""))
    return path


def _run(cmd: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess:
    require(cmd[0])
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise ProjectError(f"`{' '.join(cmd)}` did not answer in 120 s",
                           setting="--slurm") from None
    if check and out.returncode != 0:
        msg = (out.stderr or out.stdout).strip().splitlines()
        raise ProjectError(f"`{' '.join(cmd)}` failed: {msg[-1] if msg else out.returncode}",
                           setting="--slurm")
    return out


def sbatch(script: Path, *, array: str | None = None, dependency: str | None = None) -> str:
    """Submit ``script``; returns the job id. ``array`` overrides the script's ``--array``."""
    cmd = ["sbatch", "--parsable"]
    if array is not None:
        cmd.append(f"--array={array}")
    if dependency:
        cmd += [f"--dependency={dependency}", "--kill-on-invalid-dep=yes"]
    out = _run(cmd + [str(script)])
    job = out.stdout.strip().split(";")[0]
    if not job.isdigit():
        raise ProjectError(f"sbatch printed no job id: {out.stdout.strip()!r}", setting="--slurm")
    return job


def scancel(job_ids: Sequence[str]) -> None:
    if job_ids:
        _run(["scancel", *job_ids], check=False)


def check_partition(name: str, option: str) -> None:
    out = _run(["sinfo", "-h", "-p", name, "-o", "%P"], check=False)
    if out.returncode != 0 or not out.stdout.strip():
        raise ProjectError(f"no partition {name!r} on this cluster", setting=option,
                           hint="`sinfo -s` lists the partitions")


def queue() -> dict[str, tuple[str, str]]:
    """Your queued and running jobs: ``"123_4"`` (array task) or ``"123"`` -> (state, reason)."""
    out = _run(["squeue", "--me", "-h", "-r", "-o", "%i|%T|%r"])
    jobs = {}
    for line in out.stdout.splitlines():
        parts = line.strip().split("|")
        if len(parts) == 3:
            jobs[parts[0]] = (parts[1], parts[2])
    return jobs


def finished(job_id: str) -> dict[str, str]:
    """States SLURM still remembers for a job (``scontrol show job``): the job's own state
    under ``job_id``, an array's tasks under ``"<id>_<task>"``. Empty once it forgot the job."""
    out = _run(["scontrol", "-o", "show", "job", job_id], check=False)
    states = {}
    if out.returncode != 0:
        return states
    for line in out.stdout.splitlines():
        fields = dict(x.split("=", 1) for x in line.split() if "=" in x)
        state = fields.get("JobState", "")
        task = fields.get("ArrayTaskId")
        if task is None:
            states[fields.get("JobId", job_id)] = state
        elif task.isdigit():  # a pending remainder shows as a range; squeue lists those
            states[f"{fields.get('ArrayJobId', job_id)}_{task}"] = state
    return states
