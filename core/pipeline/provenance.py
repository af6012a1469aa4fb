"""What a run records about itself: ``metrics.json`` (scores plus the summary fields the
dashboard groups by), the manifest (config, signature, components, code version, inputs, cache
counts, timings), and the parts an input file brought instead of a model."""

from __future__ import annotations

import collections
import datetime as _dt
import platform
import subprocess
from pathlib import Path
from typing import Any, Mapping, Sequence

from core import __version__
from core.cache import sha256_file
from core.config import RunConfig
from core.metrics import ProjCounts, aggregate
from core.paths import REPO_ROOT
from core.pipeline.components import Components, signature_of
from core.pipeline.stages import ALIGN, MARKER_TARGET, PROJECT, plan
from core.records import evaluate_record
from core.types import Item, SentenceRecord


def given_parts(cfg: RunConfig, items: Sequence[Item]) -> dict[str, str]:
    """The parts of a run that a pre-translated input file brought instead of a model:
    ``translation`` (the English words), ``tags`` (English labels on every item) and
    ``alignment`` (links on every item, no back-translation), each named
    ``given:<file name>#<sha256 prefix>``. When only some items carry links the aligner ran
    for the others: ``<aligner>+given:...``. Empty without ``input``."""
    if not cfg.input or not items:
        return {}
    from core.config import given_label

    path = Path(cfg.input)
    label = given_label(path.name, sha256_file(path)) if path.is_file() else \
        f"given:{path.name}"
    out = {"translation": label}
    if all(i.source is not None and i.source.labels is not None for i in items):
        out["tags"] = label
    with_links = sum(1 for i in items if i.alignment is not None)
    if with_links and not cfg.back_translation:
        out["alignment"] = label if with_links == len(items) else f"{cfg.aligner}+{label}"
    return out


def metrics_of(records: Sequence[SentenceRecord], cfg: RunConfig,
               given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """metrics.json: scores, outcomes, proj_ratio, reasons, plus what the dashboard shows
    (``given``: see :func:`given_parts`)."""
    results = [r for r in (evaluate_record(x) for x in records) if r is not None]
    proj = ProjCounts(sum(p.projected for x in records for p in x.projections),
                      sum(len(x.projections) for x in records))
    scores = aggregate(results, proj=proj).to_dict() if results else {
        "overall": None, "proj_ratio": proj.ratio, "projected": proj.projected,
        "source_entities": proj.total}
    return {
        **scores,
        "evaluated": bool(results),
        "sentences_total": len(records),
        **counted_reasons(records),
        "run": run_fields(cfg, given),
    }


def counted_reasons(records: Sequence[SentenceRecord]) -> dict[str, dict[str, int]]:
    """``reasons`` (projection outcomes) and ``marker_issues`` (by kind), counted."""
    reasons = collections.Counter(p.reason.value for x in records for p in x.projections)
    issues = collections.Counter(i.kind for x in records for i in x.marker_issues or ())
    return {"reasons": dict(sorted(reasons.items())),
            "marker_issues": dict(sorted(issues.items()))}


def run_fields(cfg: RunConfig, given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The identifying fields the dashboard groups by (kept in metrics.json): the aligner when
    an alignment stage runs, the method of the projection stage (or ``easyproject``)."""
    given = dict(given or {})
    p = plan(cfg, given)
    method = cfg.method if p.has(PROJECT) else "easyproject" if p.has(MARKER_TARGET) else None
    return {"kind": "ours", "dataset": cfg.dataset, "lang": cfg.lang, "split": cfg.split,
            "pipeline": cfg.pipeline,
            "aligner": (given.get("alignment") or cfg.aligner) if p.has(ALIGN) else None,
            "method": method, "back_translation": cfg.back_translation,
            "signature": cfg.signature(given), **({"given": given} if given else {})}


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def code_fields() -> dict[str, Any]:
    return {"version": __version__, "git": git_commit(), "python": platform.python_version()}


def input_checksums(cfg: RunConfig, datasets_root: Path | None) -> dict[str, str]:
    """sha256 of the files the run reads: the input file, or the dataset files of the sides
    its stages read."""
    from core.datasets import dataset_files

    paths: list[Path] = []
    if cfg.input:
        paths.append(Path(cfg.input))
    else:
        for lang in sorted(set(dataset_langs(cfg).values())):
            paths.extend(dataset_files(cfg.dataset, lang, cfg.split, datasets_root))
    return {p.name: sha256_file(p) for p in paths if p.is_file()}


def dataset_langs(cfg: RunConfig) -> dict[str, str]:
    """``{"source": lang, "target": lang}`` for the sides of the dataset the stages read."""
    sides = {side for s in plan(cfg).stages for side in s.reads if side in ("source", "target")}
    return {side: cfg.source_lang if side == "source" else cfg.lang for side in sorted(sides)}


def cache_counts(comp: Components) -> dict[str, dict[str, int]]:
    """Per cached component, sentences served from the step cache (hits) and computed (misses)."""
    out = {}
    for name, c in vars(comp).items():
        stats = getattr(c, "stats", None) or getattr(c, "cache", None)
        if hasattr(stats, "misses"):
            out[name] = {"hits": int(stats.hits), "misses": int(stats.misses)}
    return out


def component_ids(comp: Components) -> dict[str, str]:
    return {name: signature_of(c) for name, c in vars(comp).items() if c is not None}


def manifest(cfg: RunConfig, comp: Components, given: Mapping[str, str], n_records: int,
             timings: Mapping[str, Any]) -> dict[str, Any]:
    components = component_ids(comp)
    if "alignment" in given:  # no aligner ran (or not for every sentence): say where from
        components["aligner"] = given["alignment"]
    return {
        "kind": "ours", "config": cfg.as_dict(), "signature": cfg.signature(given),
        "components": components, **({"given": dict(given)} if given else {}),
        "code": code_fields(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {"sentences": n_records},
        "timings": dict(timings),
        "cache": cache_counts(comp),
    }
