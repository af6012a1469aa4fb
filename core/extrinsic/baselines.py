"""What training on projection is compared with, on the same test sentences (e.g. the report
half of WikiANN pt dev): model transfer, translate-test, and the ensemble of the trained model
with translate-test (Ebing & Glavaš 2025 find it beats both).

The ensemble keeps every entity the trained model predicts and adds the translate-test entities
that overlap none of them (a span union with the trained model winning conflicts).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Sequence

from core.extrinsic.pipeline import (TYPES, ExtrinsicConfig, Progress, read_records,
                                     tag_label_map, test_sentences, write_records_run)
from core.types import SentenceRecord


def _split_label(cfg: ExtrinsicConfig) -> str:
    return cfg.test_split + ("/report-half" if cfg.test_half == "report" else "")


def _items(cfg: ExtrinsicConfig, datasets_root: Path | None) -> list[Any]:
    from core.pipeline import Item

    return [Item(k, s.id, s) for k, s in enumerate(test_sentences(cfg, datasets_root))]


def baseline_ids(cfg: ExtrinsicConfig, tagger: str, aligner: str, method: str
                 ) -> dict[str, str]:
    from core.runs import slug

    base = slug(f"extrinsic-{cfg.test_dataset}-{cfg.lang}-{_split_label(cfg)}")
    test_key = cfg.key()
    return {"model-transfer": slug(f"{base}-model-transfer-{tagger}-{test_key}"),
            "translate-test": slug(f"{base}-translate-test-{tagger}-{aligner}-{method}-"
                                   f"{test_key}"),
            "ensemble": slug(f"{base}-ensemble-{aligner}-{method}-{test_key}")}


def _run(run_cfg: Any, cfg: ExtrinsicConfig, items: Sequence[Any], comp: Any, runs_root: Path,
         run_id: str, progress: Progress | None, extra: dict[str, Any]) -> list[SentenceRecord]:
    from core.pipeline import Runner
    from core.pipeline.provenance import component_ids

    runner = Runner(run_cfg, comp, progress=progress)
    records = list(runner.run(items))
    write_records_run(run_cfg, items, records, runs_root, run_id, pipeline=run_cfg.pipeline,
                      run_fields={"split": _split_label(cfg), **extra},
                      manifest={"extrinsic": {"config": cfg.as_dict(), **extra}},
                      components=component_ids(comp),
                      timings=runner.timer.summary())
    return records


def run_baselines(cfg: ExtrinsicConfig, runs_root: str | Path, *, tagger: str,
                  aligner: str = "me5-small:itermax", method: str = "heuristic",
                  datasets_root: Path | None = None, progress: Progress | None = None,
                  components: Any = None) -> dict[str, str]:
    """Model transfer (``tagger`` on the target words), translate-test (MT into English,
    ``tagger``, ``aligner``, ``method``) and the ensemble with the trained model's test run
    (``cfg``'s, which must exist). Existing runs are reused. Returns {kind: run id}."""
    from core.config import RunConfig
    from core.pipeline import Components, build_components
    from core.runs import run_dir

    runs_root = Path(runs_root)
    if not (run_dir(runs_root, cfg.run_ids()[1]) / "manifest.json").is_file():
        from core.errors import ProjectError

        raise ProjectError(f"the trained model's test run {cfg.run_ids()[1]} is not in the runs "
                           "root", path=runs_root, hint="run `python -m core extrinsic run` with "
                           "the same --set values first")
    ids = baseline_ids(cfg, tagger, aligner, method)
    items = _items(cfg, datasets_root)
    given = components or Components()
    tag_map = tag_label_map(tagger, "auto")
    common = dict(dataset=cfg.test_dataset, lang=cfg.lang, split=cfg.test_split,
                  tagger=tagger, gold_label_map="no_date", pred_label_map=tag_map,
                  keep_types=TYPES)
    if not (run_dir(runs_root, ids["model-transfer"]) / "manifest.json").is_file():
        mcfg = RunConfig(pipeline="model-transfer", name=ids["model-transfer"], **common)
        _run(mcfg, cfg, items, build_components(mcfg, given, datasets_root), runs_root,
             ids["model-transfer"], progress, {"role": "model transfer"})
    tt_path = run_dir(runs_root, ids["translate-test"])
    if (tt_path / "manifest.json").is_file():
        tt = read_records(runs_root, ids["translate-test"])
    else:
        tcfg = RunConfig(pipeline="translate-test", aligner=aligner, method=method,
                         translator=cfg.translator, name=ids["translate-test"], **common)
        tt = _run(tcfg, cfg, items, build_components(tcfg, given, datasets_root), runs_root,
                  ids["translate-test"], progress, {"role": "translate-test"})
    if not (run_dir(runs_root, ids["ensemble"]) / "manifest.json").is_file():
        trained = read_records(runs_root, cfg.run_ids()[1])
        merged = ensemble(trained, tt)
        ecfg = RunConfig(pipeline="translate-test", aligner=aligner, method=method,
                         translator=cfg.translator, name=ids["ensemble"], **common)
        write_records_run(
            ecfg, items, merged, runs_root, ids["ensemble"], pipeline="train-on-projection",
            run_fields={"split": _split_label(cfg), "role": "ensemble",
                        "method": f"ensemble:{'easyproject' if cfg.easyproject else cfg.method}"
                                  f"+translate-test:{method}"},
            manifest={"extrinsic": {"config": cfg.as_dict(), "role": "ensemble"},
                      "linked_runs": {"test_predictions": cfg.run_ids()[1],
                                      "translate_test": ids["translate-test"]}},
            components={}, timings={})
    return ids


def ensemble(trained: Sequence[SentenceRecord], translate_test: Sequence[SentenceRecord]
             ) -> list[SentenceRecord]:
    """Per sentence (matched by id): the trained model's entities plus the translate-test
    entities that overlap none of them; the records are the translate-test ones (so the
    inspector still explains the projected part)."""
    by_id = {r.id: r for r in trained}
    out = []
    for r in translate_test:
        t = by_id.get(r.id)
        base = list(t.predicted) if t is not None else []
        extra = [s for s in r.predicted if not any(s.overlaps(b) for b in base)]
        out.append(dataclasses.replace(r, predicted=tuple(sorted(base + extra))))
    return out
