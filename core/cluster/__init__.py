"""Runs that outgrow one machine: SLURM job arrays over ``run --shard k/n`` (docs/cluster.md).

``python -m core submit CONFIG --slurm`` checks every run of the config's matrix, writes one
sbatch job array (one task per (run, shard)) and a merge job, and submits them: the merge job
starts ``afterok`` the array and writes each run from its shards. All tasks share the step
cache, so ``submit --resume`` reruns only the failed or missing shards and reuses everything
already computed. ``python -m core status`` reads task states from ``squeue``/``scontrol``.

Modules: :mod:`.plan` (config -> checked cells, shard count), :mod:`.scripts` (the sbatch
scripts), :mod:`.slurm` (the SLURM commands), :mod:`.submission` (state file, submit, status,
resume).
"""

from core.cluster.plan import Cell, choose_shards, plan_cells
from core.cluster.scripts import JobOptions
from core.cluster.submission import (Report, format_report, load, reports, resume, submit,
                                     wait)

__all__ = ["Cell", "JobOptions", "Report", "choose_shards", "format_report", "load",
           "plan_cells", "reports", "resume", "submit", "wait"]
