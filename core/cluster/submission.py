"""Submissions: write and submit the scripts, remember the jobs, report states, resubmit.

A submission lives in ``<runs root>/.submissions/<id>/``: ``array.sbatch``, ``merge.sbatch``,
``logs/`` and ``submission.json`` (written atomically after every change) with the cells, the
shard count, every array and merge job submitted, and for each array task the job that ran it
last. A task's state is read from the runs root first (its shard run exists: done), then from
``squeue``/``scontrol``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from core.cache import atomic_write_json, atomic_write_text
from core.cluster import slurm
from core.cluster.plan import choose_shards, describe, plan_cells
from core.cluster.scripts import (Context, JobOptions, array_range, array_script, merge_script,
                                  passed_env, task_log)
from core.errors import ProjectError
from core.paths import REPO_ROOT, cache_dir

SUBMISSIONS = ".submissions"
STATE = "submission.json"


def submissions_dir(runs_root: str | Path) -> Path:
    return Path(runs_root).resolve() / SUBMISSIONS


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _exists(runs_root: Path, run_id: str) -> bool:
    return (runs_root / run_id / "manifest.json").is_file()


def _save(state: dict[str, Any]) -> None:
    atomic_write_json(Path(state["directory"]) / STATE, state)


def load(runs_root: str | Path, submission: str | None = None) -> dict[str, Any]:
    """A submission's state (the latest submitted one when ``submission`` is None)."""
    root = submissions_dir(runs_root)
    if submission is None:
        ids = list_ids(runs_root)
        if not ids:
            raise ProjectError("no submissions yet", path=root,
                               hint="python -m core submit CONFIG --slurm")
        submission = ids[-1]
    path = root / submission / STATE
    if "/" in submission or not path.is_file():
        raise ProjectError(f"no submission {submission!r}", path=root,
                           hint="`python -m core status --all` lists them")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProjectError(f"unreadable submission file ({exc})", path=path) from None


def list_ids(runs_root: str | Path, *, dry_runs: bool = False) -> list[str]:
    """Submission ids, oldest first (ids start with their UTC time)."""
    root = submissions_dir(runs_root)
    ids = []
    for d in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            state = json.loads((d / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if dry_runs or not state.get("dry_run"):
            ids.append(d.name)
    return ids


# --------------------------------------------------------------------------------- submit


def submit(config: str | Path | None, overrides: Sequence[str], *, runs_root: Path,
           datasets_root: Path, shards: int | None = None,
           options: JobOptions = JobOptions(), dry_run: bool = False) -> dict[str, Any]:
    """Check everything, write the scripts, submit the array and its ``afterok`` merge job.

    Nothing is submitted when a setting is bad (:class:`ProjectError` names it). Shards whose
    run already exists are not submitted; ``dry_run`` writes the scripts and submits nothing.
    """
    options.check()
    cells = plan_cells(config, overrides, datasets_root)
    n = choose_shards(cells, shards)
    runs_root = Path(runs_root).resolve()
    if not dry_run:
        slurm.require("sbatch")
        for opt, part in (("--partition", options.partition),
                          ("--merge-partition", options.merge_partition)):
            if part:
                slurm.check_partition(part, opt)
    todo = [c.index * n + k for c in cells if not _exists(runs_root, c.run_id)
            for k in range(n) if not _exists(runs_root, c.shard_run_id(k, n))]
    if not todo and all(_exists(runs_root, c.run_id) for c in cells):
        raise ProjectError(f"all {len(cells)} run(s) of this config already exist",
                           path=runs_root, setting="submit",
                           hint="delete a run to compute it again")
    sid = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)
    directory = submissions_dir(runs_root) / sid
    (directory / "logs").mkdir(parents=True)
    ctx = Context(sid, directory, runs_root, Path(datasets_root).resolve(),
                  cache_dir().resolve(), Path.cwd(), REPO_ROOT,
                  os.path.abspath(sys.executable), passed_env())
    scripts = {"array": directory / "array.sbatch", "merge": directory / "merge.sbatch"}
    atomic_write_text(scripts["array"], array_script(ctx, cells, n, options))
    atomic_write_text(scripts["merge"], merge_script(ctx, cells, n, options))
    state = {"id": sid, "directory": str(directory), "created": _now(), "engine": "slurm",
             "dry_run": dry_run, "runs_root": str(runs_root), "workdir": str(ctx.workdir),
             "python": ctx.python, "shards": n, "cells": describe(cells),
             "options": dataclasses.asdict(options),
             "scripts": {k: str(v) for k, v in scripts.items()},
             "arrays": [], "merges": [], "tasks": {}}
    _save(state)
    if dry_run:
        return state
    if todo:
        _submit_array(state, todo, options.max_running)
    _submit_merge(state, after_ok=state["arrays"][-1]["job"] if todo else None)
    return state


def _submit_array(state: dict[str, Any], indices: list[int], max_running: int | None) -> str:
    spec = array_range(indices, max_running)
    job = slurm.sbatch(Path(state["scripts"]["array"]), array=spec)
    state["arrays"].append({"job": job, "array": spec, "submitted": _now()})
    state["tasks"].update({str(t): job for t in indices})
    _save(state)
    return job


def _submit_merge(state: dict[str, Any], *, after_ok: str | None,
                  after_any: Sequence[str] = ()) -> str:
    deps = ([f"afterok:{after_ok}"] if after_ok else []) + [f"afterany:{j}" for j in after_any]
    try:
        job = slurm.sbatch(Path(state["scripts"]["merge"]), dependency=",".join(deps) or None)
    except ProjectError:
        if after_ok:  # no array without its merge job
            slurm.scancel([after_ok])
        raise
    state["merges"].append({"job": job, "dependency": ",".join(deps), "submitted": _now()})
    _save(state)
    return job


# --------------------------------------------------------------------------------- status


@dataclass
class Task:
    index: int
    cell: int
    shard: int
    run_id: str
    job: str | None
    state: str          # done, pending, running, failed, missing
    detail: str = ""
    log: str | None = None


@dataclass
class RunStatus:
    run_id: str
    merged: bool
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Report:
    id: str
    state: dict[str, Any]
    runs: list[RunStatus]
    merge_job: str | None
    merge_state: str | None

    def count(self, *states: str) -> int:
        return sum(t.state in states for r in self.runs for t in r.tasks)

    @property
    def active(self) -> bool:
        return self.count("pending", "running") > 0 or self.merge_state in ("pending", "running")

    @property
    def complete(self) -> bool:
        return all(r.merged for r in self.runs)


class _Slurm:
    """One ``squeue`` per report, ``scontrol`` once per job id asked about."""

    def __init__(self) -> None:
        self.queue = slurm.queue()
        self._known: dict[str, dict[str, str]] = {}

    def state(self, job: str, key: str) -> tuple[str, str]:
        if key in self.queue:
            return self.queue[key]
        if job not in self._known:
            self._known[job] = slurm.finished(job)
        return self._known[job].get(key, ""), ""


def _kind(state: str) -> str:
    if state == "PENDING":
        return "pending"
    if state in slurm.ACTIVE_STATES:
        return "running"
    if state in slurm.FAILED_STATES or state == "COMPLETED":
        return "failed"
    return "missing"


def report(runs_root: str | Path, submission: str | None = None,
           sl: _Slurm | None = None) -> Report:
    """Every task's state: done (its run exists), pending, running, failed or missing."""
    state = load(runs_root, submission)
    sl = sl or _Slurm()
    root = Path(state["runs_root"])
    n = state["shards"]
    runs = []
    for cell in state["cells"]:
        merged = _exists(root, cell["run_id"])
        rs = RunStatus(cell["run_id"], merged)
        for k in range(n):
            t = cell["index"] * n + k
            rid = f"{cell['run_id']}.shard-{k}-of-{n}"
            job = state["tasks"].get(str(t))
            task = Task(t, cell["index"], k, rid, job, "done")
            if not merged and not _exists(root, rid):
                raw, reason = sl.state(job, f"{job}_{t}") if job else ("", "")
                task.state = _kind(raw)
                task.detail = raw if raw != "PENDING" or reason in ("", "None") \
                    else f"PENDING: {reason}"
                if raw == "COMPLETED":
                    task.detail = "COMPLETED without writing its run"
                if job:
                    task.log = str(task_log(state["directory"], t, job))
                if _exists(root, rid):  # finished while we asked
                    task.state, task.detail = "done", ""
            rs.tasks.append(task)
        runs.append(rs)
    merge_job = state["merges"][-1]["job"] if state["merges"] else None
    merge_state = None
    if merge_job:
        raw, _ = sl.state(merge_job, merge_job)
        merge_state = {"PENDING": "pending", "COMPLETED": "done"}.get(
            raw, "running" if raw in slurm.ACTIVE_STATES else raw.lower() or "unknown")
    return Report(state["id"], state, runs, merge_job, merge_state)


def reports(runs_root: str | Path, submission: str | None = None, *,
            last: int | None = 1) -> list[Report]:
    ids = [submission] if submission else list_ids(runs_root)[-last if last else 0:]
    if not ids:
        raise ProjectError("no submissions yet", path=submissions_dir(runs_root),
                           hint="python -m core submit CONFIG --slurm")
    slurm.require("squeue")
    sl = _Slurm()
    return [report(runs_root, i, sl) for i in ids]


def wait(runs_root: str | Path, submission: str | None = None, *, timeout: float = 3600,
         interval: float = 2.0) -> Report:
    """Poll until no task or merge job of the submission is pending or running."""
    deadline = time.monotonic() + timeout
    while True:
        rep = reports(runs_root, submission)[0]
        if not rep.active:
            return rep
        if time.monotonic() > deadline:
            raise ProjectError(f"submission {rep.id} still has jobs after {timeout:.0f} s",
                               setting="--timeout")
        time.sleep(interval)


def format_report(rep: Report) -> str:
    st = rep.state
    arrays = ", ".join(a["job"] for a in st["arrays"]) or "-"
    lines = [f"submission {rep.id}: {len(rep.runs)} run(s) x {st['shards']} shard(s); "
             f"array job(s) {arrays}; merge job {rep.merge_job or '-'}"
             + (f" ({rep.merge_state})" if rep.merge_state else "")]
    width = max(len(r.run_id) for r in rep.runs)
    for r in rep.runs:
        counts: dict[str, list[int]] = {}
        for t in r.tasks:
            counts.setdefault(t.state, []).append(t.shard)
        parts = [f"{len(counts.pop('done', []))}/{len(r.tasks)} done"]
        parts += [f"{s}: shard{'s' if len(ks) > 1 else ''} {','.join(map(str, ks))}"
                  for s, ks in sorted(counts.items())]
        lines.append(f"  {r.run_id.ljust(width)}  {'; '.join(parts)}  "
                     f"{'merged' if r.merged else 'not merged'}")
        for t in r.tasks:
            if t.state in ("failed", "missing"):
                lines.append(f"      shard {t.shard}: {t.state}"
                             + (f" ({t.detail})" if t.detail else "")
                             + (f"; log {t.log}" if t.log and Path(t.log).exists() else ""))
    bad = rep.count("failed", "missing")
    if bad:
        lines.append(f"  {bad} shard(s) failed or missing: python -m core submit --resume "
                     f"{rep.id}")
    elif not rep.active and not rep.complete:
        lines.append(f"  all shards done but not every run is merged (merge job "
                     f"{rep.merge_job}: {rep.merge_state}): python -m core submit --resume "
                     f"{rep.id}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------- resume


def resume(runs_root: str | Path, submission: str | None = None) -> tuple[dict[str, Any], int,
                                                                          str]:
    """Resubmit the failed and missing shards of a submission, then a new merge job.

    Shards that are done are not run again; tasks still pending or running are left alone (the
    new merge job also waits for them). Returns the state, the number of tasks resubmitted and
    a sentence saying what was done.
    """
    slurm.require("sbatch")
    rep = reports(runs_root, submission)[0]
    state = rep.state
    if rep.complete:
        return state, 0, f"submission {rep.id}: nothing to resume, every run is merged"
    if rep.merge_state == "running":
        raise ProjectError(f"the merge job {rep.merge_job} of submission {rep.id} is running",
                           setting="--resume", hint="wait: python -m core status --wait")
    redo = [t.index for r in rep.runs for t in r.tasks if t.state in ("failed", "missing")]
    if not redo and rep.merge_state == "pending":
        queued = rep.count("pending", "running")
        return state, 0, (f"submission {rep.id}: nothing to resume, {queued} task(s) queued "
                          f"and merge job {rep.merge_job} waiting for them")
    active = sorted({t.job for r in rep.runs for t in r.tasks
                     if t.state in ("pending", "running") and t.job})
    if rep.merge_job and rep.merge_state == "pending":
        slurm.scancel([rep.merge_job])
    if redo:
        _submit_array(state, redo, state["options"].get("max_running"))
    merge = _submit_merge(state, after_ok=state["arrays"][-1]["job"] if redo else None,
                          after_any=active)
    return state, len(redo), (f"submission {rep.id}: resubmitted {len(redo)} shard(s)"
                              + (f" as array job {state['arrays'][-1]['job']}" if redo else "")
                              + f"; merge job {merge}")
