"""A run from a config: read the items, build the components, run the plan, write the run
directory (atomically, under the run's lock) and, for translate-train, the projected CoNLL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from core.cache import file_lock
from core.config import RunConfig
from core.errors import ProjectError
from core.labels import spans_to_tags
from core.pipeline.components import Components, build_components
from core.pipeline.provenance import dataset_langs, input_checksums, metrics_of
from core.pipeline.runner import Progress, Runner
from core.pipeline.shards import select
from core.records import record_row
from core.runs import remove_stale_temps, run_dir, write_run
from core.types import Item, Sentence, SentenceRecord


def load_items(cfg: RunConfig, datasets_root: Path | None = None) -> list[Item]:
    """The sentences a config names, before ``limit`` and sharding: the input file, or the
    dataset sides its stages read (both sides must then be sentence-parallel)."""
    from core.datasets import load_dataset

    if cfg.input:
        from core.readers.pretranslated import read_pretranslated

        return read_pretranslated(cfg.input, cfg.lang, cfg.source_lang)
    sides = {side: load_dataset(cfg.dataset, lang, cfg.split, datasets_root)
             for side, lang in dataset_langs(cfg).items()}
    src, tgt = sides.get("source"), sides.get("target")
    if src is not None and tgt is not None and len(src) != len(tgt):
        raise ProjectError(f"dataset {cfg.dataset!r}: {len(src)} {cfg.source_lang} but "
                           f"{len(tgt)} {cfg.lang} sentences; {cfg.pipeline} projection needs "
                           "sentence-parallel files", setting="dataset")
    if tgt is None:
        assert src is not None
        return [Item(k, s.id, Sentence(s.id, cfg.lang, ()), s) for k, s in enumerate(src)]
    return [Item(k, t.id, t, src[k] if src is not None else None) for k, t in enumerate(tgt)]


def execute(cfg: RunConfig, runs_root: str | Path, *, datasets_root: Path | None = None,
            shard: tuple[int, int] | None = None, components: Components | None = None,
            progress: Progress | None = None, run_id: str | None = None) -> Path:
    """Run ``cfg`` and write its run directory; returns the directory.

    A run that already exists is an error (runs are never modified). Two processes running
    the same run id are refused (lock). Killed half-way, it leaves no run directory, and a
    re-run reuses every cached step.
    """
    run_id = run_id or cfg.run_id() + (f".shard-{shard[0]}-of-{shard[1]}" if shard else "")
    final = run_dir(runs_root, run_id)
    if final.exists():
        raise ProjectError("this run already exists", path=final,
                           hint="delete it to re-run, or change the config")
    with file_lock(Path(runs_root) / ".locks" / f"{run_id}.lock", what=f"run {run_id}"):
        t0 = time.perf_counter()
        items = select(load_items(cfg, datasets_root), cfg.limit, shard)
        comp = build_components(cfg, components, datasets_root, items)
        path, records = process_into_run(
            cfg, items, comp, runs_root, run_id, progress=progress, started=t0,
            manifest={"shard": list(shard) if shard else None,
                      "inputs": input_checksums(cfg, datasets_root)})
        if cfg.output and cfg.pipeline == "translate-train":
            write_projected_conll(cfg.output, records)
        return path


def process_into_run(cfg: RunConfig, items: Sequence[Item], comp: Components,
                     runs_root: str | Path, run_id: str, *, progress: Progress | None = None,
                     manifest: Mapping[str, Any] | None = None, started: float | None = None
                     ) -> tuple[Path, list[SentenceRecord]]:
    """Run ``items`` through the stages and write the run (the caller holds the run's lock).

    ``manifest`` adds or overrides manifest fields (e.g. ``inputs``, ``source``).
    """
    from core.pipeline import provenance

    t0 = time.perf_counter() if started is None else started
    remove_stale_temps(runs_root, run_id)  # left by a killed earlier attempt
    runner = Runner(cfg, comp, progress=progress)
    records = list(runner.run(items))
    rows = [record_row(r, it.index) for r, it in zip(records, items)]
    assert runner.plan is not None  # set by run()
    given = runner.plan.given  # the parts the input file brought (hashed once, by the runner)
    full = {**provenance.manifest(cfg, comp, given, len(records), runner.timer.summary()),
            **(manifest or {}), "seconds": round(time.perf_counter() - t0, 3)}
    return write_run(runs_root, run_id, full, rows, metrics_of(records, cfg, given)), records


def write_projected_conll(path: str | Path, records: Sequence[SentenceRecord]) -> None:
    """The translate-train product: target words with projected IOB2 labels (atomic)."""
    from core.readers.conll import write_conll

    write_conll(path, [Sentence(r.id, r.lang, r.target.words,
                                tuple(spans_to_tags(r.predicted, len(r.target.words))))
                       for r in records if r.target.words])
