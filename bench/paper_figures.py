"""The paper's figures for the benches, read from the reported runs in ``data/runs``.

``python -m core import-reported`` stores the released result tables of Politov et al. 2025 as
runs of kind ``reported`` (:mod:`core.reported`); the benches print those numbers next to ours
instead of copying them into code. Short names follow the paper: ``H`` heuristic, ``C-ng`` /
``C-ner`` candidates (n-gram / NER selection), ``AW`` awesome-align, ``SA`` SimAlign itermax,
``MT`` model transfer; ``-bt`` marks the back-translation (tgt2tgt) variants.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.paths import REPO_ROOT  # noqa: E402
from core.runs import list_runs  # noqa: E402

COMMITTED_RUNS = REPO_ROOT / "data" / "runs"
_METHODS = {"heuristic": "H", "candidates-ngram-greedy": "C-ng", "candidates-ner-greedy": "C-ner"}
_ALIGNERS = {"mbert:awesome": "AW", "mbert:itermax": "SA"}


def short_name(run: dict) -> str | None:
    """``H-AW``, ``C-ner-SA``, ``MT``, ... of a reported run's ``run`` block (None: unknown)."""
    if run.get("pipeline") == "model-transfer":
        return "MT"
    method, aligner = _METHODS.get(run.get("method") or ""), _ALIGNERS.get(run.get("aligner") or "")
    if method is None or aligner is None:
        return None
    return f"{method}-{aligner}" + ("-bt" if run.get("back_translation") else "")


def paper_f1(dataset: str, langs: list[str] | tuple[str, ...] | None = None,
             root: str | Path = COMMITTED_RUNS) -> dict[tuple[str, str], float]:
    """``{(short name, lang): F1 x 100}`` of the reported runs of ``dataset`` (``europarl_ner``,
    ``wikiann_panx``, ``masakhaner2``) under ``root``, for ``langs`` (default: all)."""
    out: dict[tuple[str, str], float] = {}
    for info in list_runs([root]):
        run = info.metrics.get("run") or {}
        f1 = (info.metrics.get("overall") or {}).get("f1")
        if info.kind != "reported" or run.get("dataset") != dataset or f1 is None:
            continue
        if langs is not None and run.get("lang") not in langs:
            continue
        name = short_name(run)
        if name is not None:
            out[(name, str(run["lang"]))] = 100 * f1
    if not out:
        raise SystemExit(f"no reported runs of {dataset} under {root}: run "
                         "`python -m core --runs data/runs import-reported` first")
    return out
