"""Published results stored as runs (``"kind": "reported"``), side by side with ours.

Imports the released MLflow exports of Politov et al. 2025 (``politov2025_results/*.csv``):
one reported run per CSV row, metrics in the same shape as our ``metrics.json`` (overall and
per-type P/R/F1, ``proj_ratio``) and a ``run`` block that maps the paper's pipeline names to ours:

=====================  =====================================================================
paper                  ours
=====================  =====================================================================
model_transfer         pipeline ``model-transfer``
align_src              method ``heuristic`` (projection through the English↔target alignment)
align_tgt              method ``heuristic`` with ``back_translation`` (tgt2tgt alignment)
candidates, dummy      method ``candidates-ngram-greedy``
candidates, ner        method ``candidates-ner-greedy``
backtrans_candidates   the two candidate methods with ``back_translation``
awesome / simalign     aligner ``mbert:awesome`` / ``mbert:itermax`` (mBERT layer 8)
=====================  =====================================================================

The XTREME and MasakhaNER2 rows are translate-test runs (NLLB-200 3.3B MT, XLM-R-large CoNLL-03
NER); Europarl-NER rows are intrinsic runs on human translations.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterable

from core.errors import ProjectError
from core.runs import slug, write_run

CITATION = ("Politov, Shkalikov, Jäkel, Färber. Revisiting Projection-based Data Transfer for "
            "Cross-Lingual Named Entity Recognition in Low-Resource Languages. "
            "NoDaLiDa/Baltic-HLT 2025 (arXiv 2501.18750); released result tables.")

#: CSV file -> (our dataset name, our pipeline for projection rows)
FILES = {
    "xtreme40_metrics.csv": ("wikiann_panx", "translate-test"),
    "masakhaner2_metrics.csv": ("masakhaner2", "translate-test"),
    "europarlner_metrics.csv": ("europarl_ner", "intrinsic"),
}
TYPES = ("PER", "ORG", "LOC", "MISC", "DATE")


def _num(row: dict[str, str], key: str) -> float | None:
    v = row.get(key, "")
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _method(row: dict[str, str]) -> tuple[str, str | None, str | None, bool]:
    """(pipeline override or '', aligner, method, back_translation) of a CSV row."""
    kind = row["pipeline_type"]
    aligner = {"awesome": "mbert:awesome", "simalign": "mbert:itermax"}.get(row.get("aligner", ""))
    selection = row.get("candidate_selection", "")
    cand = "candidates-ner-greedy" if selection == "ner" else "candidates-ngram-greedy"
    if kind == "model_transfer":
        return "model-transfer", None, None, False
    if kind == "align_src":
        return "", aligner, "heuristic", False
    if kind == "align_tgt":
        return "", aligner, "heuristic", True
    if kind == "candidates":
        return "", aligner, cand, False
    if kind == "backtrans_candidates":
        return "", aligner, cand, True
    raise ProjectError(f"unknown pipeline_type {kind!r}", setting="pipeline_type")


def row_to_run(row: dict[str, str], dataset: str, pipeline: str) -> tuple[str, dict, dict]:
    """(run_id, manifest, metrics) of one CSV row."""
    override, aligner, method, bt = _method(row)
    pipeline = override or pipeline
    per_type = {}
    for t in TYPES:
        f1 = _num(row, f"{t}_f1")
        if f1 is not None:
            per_type[t] = {"precision": _num(row, f"{t}_precision"),
                           "recall": _num(row, f"{t}_recall"), "f1": f1,
                           "support": int(_num(row, f"{t}_number") or 0)}
    lang = row["lang"]
    summary = {"kind": "reported", "dataset": dataset, "lang": lang, "split": "test",
               "pipeline": pipeline, "aligner": aligner, "method": method,
               "back_translation": bt, "citation": CITATION,
               "signature": f"reported:politov2025|{dataset}/{lang}|{pipeline}|{aligner}|"
                            f"{method}|bt={bt}"}
    metrics = {"overall": {"precision": _num(row, "overall_precision"),
                           "recall": _num(row, "overall_recall"),
                           "f1": _num(row, "overall_f1")},
               "per_type": per_type, "proj_ratio": _num(row, "proj_ratio"),
               "evaluated": True, "run": summary}
    parts = ["paper", dataset, lang, pipeline + ("-bt" if bt else "")]
    parts += [x for x in (aligner, method) if x]
    run_id = slug("-".join(parts))
    manifest = {"kind": "reported", "citation": CITATION, "source_run": row.get("Run ID"),
                "signature": summary["signature"], "config": {k: summary[k] for k in (
                    "dataset", "lang", "pipeline", "aligner", "method", "back_translation")}}
    return run_id, manifest, metrics


def import_reported(csv_dir: str | Path, runs_root: str | Path, *,
                    files: Iterable[str] = tuple(FILES), skip_existing: bool = True) -> list[str]:
    """Write one reported run per CSV row; returns the run ids written."""
    csv_dir = Path(csv_dir)
    written = []
    for name in files:
        if name not in FILES:
            raise ProjectError(f"unknown results file {name!r}", setting="files",
                               hint=f"known: {', '.join(FILES)}")
        dataset, pipeline = FILES[name]
        path = csv_dir / name
        try:
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except FileNotFoundError:
            raise ProjectError("results file not found", path=path) from None
        for n, row in enumerate(rows, 2):
            try:
                run_id, manifest, metrics = row_to_run(row, dataset, pipeline)
            except (KeyError, ProjectError) as exc:
                raise ProjectError(f"cannot read row ({exc})", path=path, line=n) from None
            if skip_existing and (Path(runs_root) / run_id).exists():
                continue
            write_run(runs_root, run_id, manifest, None, metrics)
            written.append(run_id)
    return written
