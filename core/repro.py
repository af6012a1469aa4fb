"""Reproducibility as a command: re-run the committed configs and compare with ``data/runs``.

``python -m core runs check`` expands every ``configs/*.toml`` (the configs behind the committed
demo runs), runs each config into a temporary runs root and compares the fresh run with the
committed run of the same id:

- the sentence table, row by row (every column, the full ``record`` JSON included);
- ``metrics.json``, key by key.

A run is ``identical`` when both match exactly; ``close`` when every word, label, link, span,
count and reason matches and floats (alignment scores) differ by no more than
:data:`FLOAT_TOLERANCE` relative, the float32 noise of running the encoder on another CPU;
``different`` otherwise. The detail names the metrics keys, the sentence columns and record
fields that differ, how many sentences and the first differing sentence id. ``missing``: no
committed run has that id; ``error``: the config could not run. ``different``, ``missing`` and
``error`` fail the check.
Committed runs with a sentence table that no config produces are listed as ``uncovered``.

Model steps go through the usual step cache (:mod:`core.stepcache`), so a machine that already
ran the configs re-uses its cached translations, tags and alignments; point ``$PROJ_CACHE`` at an
empty directory to recompute everything.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from core.errors import ProjectError
from core.paths import REPO_ROOT

CONFIGS_DIR = REPO_ROOT / "configs"
COMMITTED_RUNS = REPO_ROOT / "data" / "runs"
#: Relative (and absolute) tolerance under which two floats count as float noise. Alignment
#: scores computed by the float32 encoder on another machine differ by up to ~1e-7 (similarity)
#: and ~1.3e-6 (AWESoME's softmax probabilities) relative; 1e-5 leaves a margin while links,
#: spans and every count must still match exactly.
FLOAT_TOLERANCE = 1e-5

STATUSES = ("identical", "close", "different", "missing", "error", "uncovered")


@dataclass(frozen=True)
class RunCheck:
    """The outcome for one run id: ``status`` is one of :data:`STATUSES`."""

    run_id: str
    config: str
    status: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        """Every status but ``identical`` and ``uncovered`` makes the check fail."""
        return self.status in ("different", "missing", "error")


def planned_runs(configs_dir: str | Path = CONFIGS_DIR, only: str | None = None
                 ) -> list[tuple[Path, Any]]:
    """``(config file, RunConfig)`` for every run the configs expand to, in file order.

    ``only`` is a glob (``demo-pt-*``, ``*easy_label*``) matched against the run id and against
    the config file's stem (``demo-intrinsic-ner``).
    """
    from core.config import configs_from

    configs_dir = Path(configs_dir)
    files = sorted(configs_dir.glob("*.toml"))
    if not files:
        raise ProjectError("no *.toml configs here", path=configs_dir)
    out = []
    for path in files:
        for cfg in configs_from(path):
            if only is None or fnmatch(cfg.run_id(), only) or fnmatch(path.stem, only):
                out.append((path, cfg))
    if only is not None and not out:
        raise ProjectError(f"no run or config matches {only!r}", setting="--only",
                           hint=f"config files: {', '.join(p.stem for p in files)}")
    return out


def _plain(value: Any) -> Any:
    """A JSON-like, comparable version of a parquet cell (arrays -> lists, NaN -> None)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def close(a: Any, b: Any) -> bool:
    """Equal except for floats within :data:`FLOAT_TOLERANCE` (relative): float32 noise."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a == b


def diff_metrics(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level keys of ``metrics.json`` whose values differ."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def diff_sentences(old_rows: Sequence[dict[str, Any]], new_rows: Sequence[dict[str, Any]]
                   ) -> dict[str, Any]:
    """Compare two sentence tables (lists of row dicts). Empty dict when identical, else
    ``{"sentences": n differing, "first": id, "columns": [...], "record_fields": [...],
    "noise_only": bool}`` (``"rows": (a, b)`` when the counts differ)."""
    if len(old_rows) != len(new_rows):
        return {"rows": (len(old_rows), len(new_rows))}
    columns: set[str] = set()
    fields: set[str] = set()
    first = None
    n = 0
    noise_only = True
    for a, b in zip(old_rows, new_rows):
        a = {k: _plain(v) for k, v in a.items()}
        b = {k: _plain(v) for k, v in b.items()}
        if a == b:
            continue
        n += 1
        first = first if first is not None else a.get("id")
        cols = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
        columns |= cols
        ra, rb = (json.loads(r["record"]) if r.get("record") else {} for r in (a, b))
        if "record" in cols:
            fields |= {k for k in set(ra) | set(rb) if ra.get(k) != rb.get(k)}
        noise_only = noise_only and close({**a, "record": ra}, {**b, "record": rb})
    if not n:
        return {}
    return {"sentences": n, "first": first, "columns": sorted(columns),
            "record_fields": sorted(fields), "noise_only": noise_only}


def compare_run(committed_root: str | Path, fresh_root: str | Path, run_id: str
                ) -> tuple[str, list[str]]:
    """``(status, details)`` of the fresh run ``run_id`` against the committed one: status
    ``identical`` (no detail), ``close`` (only float noise, see :func:`close`) or ``different``.
    The committed run's files are checksum-verified."""
    from core.runs import read_run, read_sentences

    old = read_run(committed_root, run_id, verify=True)
    new = read_run(fresh_root, run_id)
    out = []
    noise = True
    keys = diff_metrics(dict(old.metrics), dict(new.metrics))
    if keys:
        noise = close(dict(old.metrics), dict(new.metrics))
        out.append(f"metrics differ in {', '.join(keys)}" + (" (float noise)" if noise else ""))
    if old.has_sentences != new.has_sentences:
        noise = False
        out.append("one run has a sentence table, the other not")
    elif old.has_sentences:
        d = diff_sentences(read_sentences(committed_root, run_id).to_dict("records"),
                           read_sentences(fresh_root, run_id).to_dict("records"))
        if "rows" in d:
            noise = False
            out.append(f"sentence count {d['rows'][0]} committed vs {d['rows'][1]} fresh")
        elif d:
            text = (f"{d['sentences']} sentence(s) differ (first {d['first']}) in columns "
                    f"{', '.join(d['columns'])}")
            if d["record_fields"]:
                text += f"; record fields {', '.join(d['record_fields'])}"
            if d["noise_only"]:
                text += f" (float noise: within {FLOAT_TOLERANCE:g} relative)"
            noise = noise and d["noise_only"]
            out.append(text)
    comp_old = old.manifest.get("components") or {}
    comp_new = new.manifest.get("components") or {}
    if out and comp_old != comp_new:
        changed = sorted(k for k in set(comp_old) | set(comp_new)
                         if comp_old.get(k) != comp_new.get(k))
        out.append("components changed: " + "; ".join(
            f"{k} {comp_old.get(k)} -> {comp_new.get(k)}" for k in changed))
    if out and not noise and "eflomal" in str(comp_old.get("aligner", "")):
        out.append("eflomal seeds its sampler from /dev/urandom: its alignments repeat only "
                   "from its cache (core/aligners/eflomal_aligner.py)")
    return ("close" if noise else "different") if out else "identical", out


def uncovered_runs(committed_root: str | Path, produced: set[str]) -> list[str]:
    """Committed runs of our own with a sentence table that no config produces."""
    from core.runs import list_runs

    return sorted(info.run_id for info in list_runs([committed_root])
                  if info.kind == "ours" and info.has_sentences and info.run_id not in produced)


def check_runs(*, configs_dir: str | Path = CONFIGS_DIR,
               committed_root: str | Path = COMMITTED_RUNS, only: str | None = None,
               datasets_root: Path | None = None, work_root: str | Path | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Iterator[RunCheck]:
    """Re-run the planned configs and yield one :class:`RunCheck` per run, as each finishes,
    then one ``uncovered`` check per committed run no config produces (only without ``only``).

    Fresh runs go to ``work_root`` (kept, for inspection; it must not already hold those runs)
    or to a temporary directory removed at the end.
    """
    from core.pipeline import execute
    from core.runs import run_dir

    plan = planned_runs(configs_dir, only)
    with tempfile.TemporaryDirectory(prefix="runs-check-") as tmp:
        fresh = Path(work_root) if work_root is not None else Path(tmp)
        for path, cfg in plan:
            run_id = cfg.run_id()
            name = path.name
            if not run_dir(committed_root, run_id).exists():
                yield RunCheck(run_id, name, "missing", f"no committed run {run_id} in "
                                                        f"{committed_root}")
                continue
            try:
                execute(cfg, fresh, datasets_root=datasets_root, progress=progress)
                status, diffs = compare_run(committed_root, fresh, run_id)
            except ProjectError as exc:
                yield RunCheck(run_id, name, "error", str(exc))
                continue
            yield RunCheck(run_id, name, status, "; ".join(diffs))
        if only is None:
            for run_id in uncovered_runs(committed_root, {cfg.run_id() for _, cfg in plan}):
                yield RunCheck(run_id, "-", "uncovered", "no config in configs/ produces it")
