"""The two sbatch scripts of a submission: the job array and the merge job.

Both are plain, commented bash that a person can read, edit and submit by hand. The array
script maps ``SLURM_ARRAY_TASK_ID`` to (run, shard) as ``t = run * SHARDS + shard`` and runs
``python -m core run --set ... --shard shard/SHARDS``; the merge script runs
``python -m core merge`` for every run whose merged run does not exist yet.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from core.cluster.plan import Cell
from core.errors import ProjectError

#: Passed on to the jobs when set at submit time (models on shared storage, download policy).
PASSED_ENV = ("HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_CACHE",
              "PROJ_ALLOW_DOWNLOAD")
#: An array task's log, in the submission's ``logs/`` (in the script SLURM fills ``%a``, ``%A``).
TASK_LOG = "task-{task}.job-{job}.out"


def task_log(directory: str | Path, task: int | str, job: str) -> Path:
    """The log of array task ``task`` of array job ``job`` of the submission in ``directory``."""
    return Path(directory) / "logs" / TASK_LOG.format(task=task, job=job)


_TIME_RE = re.compile(r"^(\d+-)?\d+(:\d{1,2}){0,2}$")
_MEM_RE = re.compile(r"^\d+[KMGT]?$", re.IGNORECASE)
_NAME_RE = re.compile(r"^[A-Za-z0-9_.,-]+$")


@dataclass(frozen=True)
class JobOptions:
    """What each array task asks SLURM for, plus extra ``#SBATCH`` lines for both scripts."""

    partition: str | None = None
    time: str | None = None
    mem: str | None = None
    cpus: int = 1
    gpus: int = 0
    max_running: int | None = None
    extra: tuple[str, ...] = ()
    merge_partition: str | None = None
    merge_time: str = "1:00:00"

    def check(self) -> "JobOptions":
        """Refuse values sbatch would reject, naming the option."""
        for opt, value in (("--partition", self.partition),
                           ("--merge-partition", self.merge_partition)):
            if value is not None and not _NAME_RE.match(value):
                raise ProjectError(f"bad partition name {value!r}", setting=opt)
        for opt, value in (("--time", self.time), ("--merge-time", self.merge_time)):
            if value is not None and not _TIME_RE.match(value):
                raise ProjectError(f"bad time limit {value!r}", setting=opt,
                                   hint="minutes, HH:MM:SS or D-HH:MM:SS, e.g. 2:00:00")
        if self.mem is not None and not _MEM_RE.match(self.mem):
            raise ProjectError(f"bad memory {self.mem!r}", setting="--mem",
                               hint="a number with an optional K/M/G/T suffix, e.g. 16G")
        if self.cpus < 1:
            raise ProjectError("must be at least 1", setting="--cpus")
        if self.gpus < 0:
            raise ProjectError("must be 0 or more", setting="--gpus")
        if self.max_running is not None and self.max_running < 1:
            raise ProjectError("must be at least 1", setting="--max-running")
        for line in self.extra:
            if "\n" in line or "\r" in line or not sbatch_line(line).startswith("#SBATCH -"):
                raise ProjectError(f"bad extra sbatch line {line!r}", setting="--sbatch",
                                   hint="one option per flag, e.g. --sbatch=--account=nlp")
        return self


def sbatch_line(option: str) -> str:
    """``--account=x`` or ``#SBATCH --account=x`` -> ``#SBATCH --account=x``."""
    option = option.strip()
    return option if option.startswith("#SBATCH") else f"#SBATCH {option}"


@dataclass(frozen=True)
class Context:
    """Where the jobs run and what they see (all absolute, resolved at submit time)."""

    submission: str
    directory: Path       # <runs>/.submissions/<id>
    runs_root: Path
    datasets_root: Path
    cache: Path
    workdir: Path         # the submit directory: relative paths in configs mean what they meant
    repo: Path
    python: str           # sys.executable at submit time (the venv's python, not resolved)
    env: dict[str, str] = field(default_factory=dict)


def array_range(indices: Sequence[int], max_running: int | None = None) -> str:
    """``[0, 1, 2, 5]`` -> ``0-2,5`` (plus ``%N``)."""
    parts: list[str] = []
    ordered = sorted(set(indices))
    start = prev = ordered[0]
    for i in ordered[1:] + [None]:  # type: ignore[list-item]
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ",".join(parts) + (f"%{max_running}" if max_running else "")


def _preamble(ctx: Context) -> list[str]:
    q = shlex.quote
    lines = ["set -euo pipefail", f"cd {q(str(ctx.workdir))}",
             f"export PYTHONPATH={q(str(ctx.repo))}${{PYTHONPATH:+:$PYTHONPATH}}",
             f"export PROJ_RUNS={q(str(ctx.runs_root))}",
             f"export PROJ_CACHE={q(str(ctx.cache))}  # the step cache all tasks share",
             f"export PROJ_DATASETS={q(str(ctx.datasets_root))}"]
    lines += [f"export {k}={q(v)}" for k, v in sorted(ctx.env.items())]
    lines += ["# torch threads: the CPUs SLURM gave this job, not every core of the node",
              "export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}"]
    lines += [f"PY={q(ctx.python)}",
              "# -P: import core from PYTHONPATH (this checkout), never from the working directory",
              'CORE=("$PY" -P -m core --runs "$PROJ_RUNS" --datasets "$PROJ_DATASETS")']
    return lines


def _resources(opts: JobOptions, *, merge: bool) -> list[str]:
    out = []
    partition = (opts.merge_partition or opts.partition) if merge else opts.partition
    if partition:
        out.append(f"#SBATCH --partition={partition}")
    time = opts.merge_time if merge else opts.time
    if time:
        out.append(f"#SBATCH --time={time}")
    if not merge:
        out.append(f"#SBATCH --cpus-per-task={opts.cpus}")
        if opts.mem:
            out.append(f"#SBATCH --mem={opts.mem}")
        if opts.gpus:
            out.append(f"#SBATCH --gres=gpu:{opts.gpus}")
    out += [sbatch_line(x) for x in opts.extra]
    return out


def array_script(ctx: Context, cells: Sequence[Cell], shards: int, opts: JobOptions) -> str:
    """One task per (run, shard); task t runs shard t % SHARDS of run t / SHARDS."""
    n = len(cells) * shards
    lines = [
        "#!/bin/bash",
        f"# Projection runs as a SLURM job array, written by `python -m core submit` "
        f"(submission {ctx.submission}).",
        f"# {len(cells)} run(s) x {shards} shard(s) = {n} task(s): task t runs shard "
        f"t % {shards} of run t / {shards}.",
        "# Every task shares the step cache: a resubmitted task reuses what an earlier attempt",
        "# computed. Edit freely; submit by hand with",
        f"#   sbatch {shlex.quote(str(ctx.directory / 'array.sbatch'))}",
        f"#SBATCH --job-name=proj-{ctx.submission}",
        f"#SBATCH --array={array_range(range(n), opts.max_running)}",
        f"#SBATCH --output={task_log(ctx.directory, '%a', '%A')}",
        *_resources(opts, merge=False),
        "",
        *_preamble(ctx),
        f"SHARDS={shards}",
        "t=${SLURM_ARRAY_TASK_ID:?run this script with sbatch --array}",
        "case $((t / SHARDS)) in",
    ]
    for c in cells:
        lines.append(f"  {c.index}) RUN=({' '.join(shlex.quote(a) for a in c.args)}) ;;"
                     f"  # {c.run_id}")
    lines += ['  *) echo "array task $t names no run" >&2; exit 2 ;;', "esac",
              'exec "${CORE[@]}" run "${RUN[@]}" --shard "$((t % SHARDS))/$SHARDS"', ""]
    return "\n".join(lines)


def merge_script(ctx: Context, cells: Sequence[Cell], shards: int, opts: JobOptions) -> str:
    """Merges each run's shards into the run an unsharded ``run`` would have written."""
    lines = [
        "#!/bin/bash",
        f"# Merge job of submission {ctx.submission}: writes each run from its {shards} shard "
        "run(s).",
        "# `merge` refuses, naming the shard, while a shard run is missing. Runs already merged",
        "# are skipped. Submitted after the array with --dependency=afterok:<array job id>.",
        f"#SBATCH --job-name=proj-{ctx.submission}-merge",
        f"#SBATCH --output={ctx.directory / 'logs'}/merge.job-%j.out",
        *_resources(opts, merge=True),
        "",
        *_preamble(ctx),
        f"SHARDS={shards}",
        "status=0",
        "merge() {  # merge RUN_ID: from its shard runs RUN_ID.shard-K-of-SHARDS, K = 0..SHARDS-1",
        '  if [ -d "$PROJ_RUNS/$1" ]; then echo "$1: already merged"; return 0; fi',
        "  local shards=() k",
        '  for ((k = 0; k < SHARDS; k++)); do shards+=("$1.shard-$k-of-$SHARDS"); done',
        '  "${CORE[@]}" merge "${shards[@]}" || status=1',
        "}",
    ]
    lines += [f"merge {shlex.quote(c.run_id)}" for c in cells]
    lines += ['exit "$status"', ""]
    return "\n".join(lines)


def passed_env() -> dict[str, str]:
    return {k: os.environ[k] for k in PASSED_ENV if os.environ.get(k)}
