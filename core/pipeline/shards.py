"""Shards: the contiguous slice ``k`` of ``n`` of a run's items, and the merge of a complete set
of shard runs into the run the unsharded config would have written."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from core.config import RunConfig
from core.errors import ProjectError
from core.pipeline.provenance import metrics_of
from core.pipeline.runner import Timer
from core.records import record_from_row, record_row
from core.runs import read_manifest, read_sentences, run_dir, write_run
from core.types import Item


def select(items: list[Item], limit: int | None, shard: tuple[int, int] | None) -> list[Item]:
    """``limit`` first, then the contiguous shard ``k`` of ``n`` (0-based)."""
    if limit is not None:
        items = items[:limit]
    if shard is not None:
        k, n = shard
        if not (n >= 1 and 0 <= k < n):
            raise ProjectError(f"bad shard {k}/{n}: expected 0 <= k < n", setting="--shard")
        size = len(items)
        items = items[size * k // n: size * (k + 1) // n]
    return items


def merge_shards(runs_root: str | Path, run_ids: Sequence[str], *,
                 run_id: str | None = None) -> Path:
    """Merge shard runs of one config into the run the unsharded config would have written."""
    if not run_ids:
        raise ProjectError("no shard runs given", setting="merge")
    absent = [r for r in run_ids if not (run_dir(runs_root, r) / "manifest.json").is_file()]
    if absent:
        raise ProjectError(f"shard run {absent[0]} is missing"
                           + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""),
                           path=Path(runs_root), setting="merge",
                           hint="run or resubmit that shard first")
    manifests = [read_manifest(run_dir(runs_root, r)) for r in run_ids]
    sigs = {m.get("signature") for m in manifests}
    if len(sigs) != 1:
        raise ProjectError(f"shards come from different configs: {sorted(map(str, sigs))}",
                           setting="merge")
    shards = sorted(tuple(m.get("shard") or ()) for m in manifests)
    n = shards[0][1] if shards and len(shards[0]) == 2 else None
    if n is not None and all(len(s) == 2 and s[1] == n for s in shards) \
            and len(set(shards)) == len(shards):
        missing = sorted(set(range(n)) - {k for k, _ in shards})
        if missing:
            base = manifests[0].get("run_id", "").rsplit(".shard-", 1)[0]
            raise ProjectError(f"need shards 0..{n - 1} exactly once: shard {missing[0]} "
                               + (f"({base}.shard-{missing[0]}-of-{n}) " if base else "")
                               + "is missing" + (f"; also missing: "
                                                 f"{', '.join(map(str, missing[1:]))}"
                                                 if len(missing) > 1 else ""),
                               setting="merge", hint="run or resubmit that shard first")
    if n is None or shards != [(k, n) for k in range(n)]:
        raise ProjectError(f"need shards 0..n-1 of one split exactly once, got {shards}",
                           setting="merge")
    rows = []
    for r in run_ids:
        rows.extend(read_sentences(runs_root, r).to_dict("records"))
    rows.sort(key=lambda row: row["index"])
    if len({row["index"] for row in rows}) != len(rows):
        raise ProjectError("shards overlap (a sentence index appears twice)", setting="merge")
    cfg = RunConfig(**{k: (tuple(v) if k == "keep_types" and v is not None else v)
                       for k, v in manifests[0]["config"].items()})
    records = [record_from_row(row) for row in rows]
    merged_rows = [record_row(rec, int(row["index"])) for rec, row in zip(records, rows)]
    manifest = {**{k: v for k, v in manifests[0].items() if k not in ("checksums", "run_id")},
                "shard": None, "merged_from": list(run_ids),
                "counts": {"sentences": len(records)},
                "timings": _merge_timings([m.get("timings", {}) for m in manifests]),
                "cache": _merge_counts([m.get("cache", {}) for m in manifests]),
                "seconds": round(sum(m.get("seconds", 0) for m in manifests), 3)}
    return write_run(runs_root, run_id or cfg.run_id(), manifest, merged_rows,
                     metrics_of(records, cfg, manifests[0].get("given")))


def _merge_counts(parts: Sequence[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for part in parts:
        for name, v in part.items():
            for key, n in v.items():
                out.setdefault(name, {}).setdefault(key, 0)
                out[name][key] += int(n)
    return out


def _merge_timings(parts: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, Any]:
    t = Timer()
    for part in parts:
        for step, v in part.items():
            t.add(step, float(v.get("seconds") or 0), int(v.get("sentences") or 0))
    return t.summary()
