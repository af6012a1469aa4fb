"""One typed summary per run, parsed once from its manifest and metrics.

Every reader of runs (the CLI, the home, inspector, compare, dashboard and your-data pages, the
dashboard builders) takes its facts from :class:`RunSummary`, so the same run carries the same
name and numbers everywhere. :func:`summarize` is the only place that knows the manifest and
metrics layouts and their fallbacks (older runs keep some fields only in ``config``).

Names a person reads:

- ``benchmark``: the evaluation set as researchers call it (Europarl-NER, XTREME / WikiANN,
  MasakhaNER2, CoNLL-2003 DeepL, CoNLL-2003 (the English test), the demo corpus, uploads);
- ``family``: the pipeline family of the paper's tables (model transfer, heuristic, n-gram
  candidates, NER candidates, back-translation, EasyProject markers, training on projection,
  imported);
- ``aligner_label``: the aligner without any file path: an external alignment file is named by
  its tool and file stem (``fast_align (DeepL.50000.fast_align.test.grow_diag_final-and)``);
- ``label``: ``family · aligner · variant`` — the one label of a run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

#: dataset name -> benchmark name (datasets not listed are their own benchmark).
BENCHMARKS = {
    "europarl_ner": "Europarl-NER",
    "wikiann_panx": "XTREME / WikiANN",
    "wikiann_panx_dev": "XTREME / WikiANN",
    "masakhaner2": "MasakhaNER2",
    "conll2003_deepl_projections": "CoNLL-2003 DeepL",
    "conll2003": "CoNLL-2003",
    "conll2003_en": "CoNLL-2003",
    "demo": "Demo corpus",
    "upload": "Uploads",
}
#: Pipeline families in the paper's column order.
FAMILIES = ("model transfer", "heuristic", "n-gram candidates", "NER candidates",
            "back-translation", "EasyProject markers", "training on projection", "imported",
            "other")
KINDS = ("ours", "reported", "imported")
#: Aligner names found inside external alignment file names.
_TOOLS = ("awesome", "simalign", "fast_align", "mgiza", "giza", "eflomal", "me5", "mbert")
_PATHLIKE = re.compile(r"[^\s,()|=]*[/\\]([^\s,()|=/\\]+)")


def _num(value: Any) -> float:
    """A float, or NaN for anything that is not a finite number (crafted metrics included)."""
    if isinstance(value, bool):
        return float("nan")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")
    return x if math.isfinite(x) else float("nan")


def _count(value: Any) -> int | None:
    x = _num(value)
    return None if x != x else int(x)


def _stem(name: str) -> str:
    for ext in (".talp", ".txt", ".pharaoh", ".align", ".jsonl", ".json"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def aligner_label(aligner: Any) -> str:
    """A readable aligner name that never contains a file path."""
    if not aligner:
        return ""
    text = str(aligner)
    if text.startswith("file:"):
        stem = _stem(re.split(r"[/\\]", text[5:].split("#")[0])[-1])
        tool = next((t for t in _TOOLS if t in stem.lower()), "file")
        return f"{tool} ({stem})"
    return _PATHLIKE.sub(lambda m: m.group(1), text)


def family_of(pipeline: Any, method: Any, back_translation: bool, kind: str) -> str:
    """The paper-table family of a run."""
    method = str(method or "")
    if pipeline == "model-transfer":
        return "model transfer"
    if pipeline in ("extrinsic", "train-on-projection"):
        return "training on projection"
    if back_translation:
        return "back-translation"
    if method == "easyproject":
        return "EasyProject markers"
    if method.startswith("candidates-ngram"):
        return "n-gram candidates"
    if method.startswith("candidates-ner") or method.startswith("candidates-fused"):
        return "NER candidates"
    if method in ("heuristic", "easy_label") or method.startswith("heuristic"):
        return "heuristic"
    if kind == "imported" or pipeline == "imported":
        return "imported"
    return "other"


def variant_of(method: Any, back_translation: bool) -> str:
    """What distinguishes runs of one family and aligner: matching, options, base method."""
    method = str(method or "")
    if not method:
        return ""
    name, _, options = method.partition(":")
    parts = []
    if back_translation:
        parts.append({"heuristic": "heuristic", "easy_label": "García-Ferrero heuristic"}.get(
            name, name.replace("candidates-", "").replace("-", " ")))
    elif name == "easy_label":
        parts.append("García-Ferrero")
    elif name.startswith("candidates-"):
        parts.append(name.rsplit("-", 1)[-1] if name.count("-") >= 2 else "")
    if options:
        parts.append(options.replace(",", " "))
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class RunSummary:
    """What every view needs about one run (never the sentence table)."""

    run_id: str
    root: str
    kind: str
    dataset: str
    lang: str
    split: str | None
    pipeline: str
    aligner: str | None
    method: str | None
    back_translation: bool
    tool: str | None
    signature: str | None
    citation: str | None
    created: str | None
    evaluated: bool
    f1: float
    precision: float
    recall: float
    proj_ratio: float
    sentences: int | None
    has_sentences: bool
    summary_only: bool
    per_type_f1: Mapping[str, float] = field(default_factory=dict)
    outcomes_gold: Mapping[str, int] = field(default_factory=dict)
    outcomes_pred: Mapping[str, int] = field(default_factory=dict)
    reasons: Mapping[str, int] = field(default_factory=dict)

    @property
    def benchmark(self) -> str:
        return BENCHMARKS.get(self.dataset, self.dataset)

    @property
    def family(self) -> str:
        return family_of(self.pipeline, self.method, self.back_translation, self.kind)

    @property
    def aligner_label(self) -> str:
        if self.aligner:
            return aligner_label(self.aligner)
        return "markers" if self.method == "easyproject" else ""

    @property
    def variant(self) -> str:
        return variant_of(self.method, self.back_translation)

    @property
    def label(self) -> str:
        """``family · aligner · variant`` (+ the tool of an imported run)."""
        parts = [self.family, self.aligner_label, self.variant]
        if self.tool:
            parts.append(f"from {self.tool}")
        return " · ".join(p for p in parts if p)

    @property
    def gold_known(self) -> bool:
        """Whether F1 and outcomes mean anything (imported runs may have no gold)."""
        return self.evaluated and self.f1 == self.f1


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def summarize(run_id: str, root: str, manifest: Mapping[str, Any],
              metrics: Mapping[str, Any]) -> RunSummary:
    """Parse a run's manifest and metrics (tolerating missing or mistyped fields)."""
    manifest, metrics = _dict(manifest), _dict(metrics)
    run, config = _dict(metrics.get("run")), _dict(manifest.get("config"))

    def pick(key: str) -> Any:
        value = run.get(key)
        return config.get(key) if value is None and key not in run else value

    kind = _text(run.get("kind") or manifest.get("kind")) or "ours"
    overall = _dict(metrics.get("overall"))
    evaluated = metrics.get("evaluated") is not False
    outcomes = _dict(metrics.get("outcomes"))
    per_type = {str(t): _num(_dict(v).get("f1"))
                for t, v in _dict(metrics.get("per_type")).items()}
    return RunSummary(
        run_id=run_id, root=str(root), kind=kind,
        dataset=_text(pick("dataset")) or "?", lang=_text(pick("lang")) or "?",
        split=_text(pick("split")), pipeline=_text(pick("pipeline")) or "?",
        aligner=_text(pick("aligner")), method=_text(pick("method")),
        back_translation=bool(pick("back_translation")),
        tool=_text(manifest.get("tool") or run.get("tool")),
        signature=_text(run.get("signature") or manifest.get("signature")),
        citation=_text(run.get("citation") or manifest.get("citation")),
        created=_text(manifest.get("created")), evaluated=evaluated,
        f1=_num(overall.get("f1")) if evaluated else float("nan"),
        precision=_num(overall.get("precision")) if evaluated else float("nan"),
        recall=_num(overall.get("recall")) if evaluated else float("nan"),
        proj_ratio=_num(metrics.get("proj_ratio")),
        sentences=_count(metrics.get("sentences_total",
                                     _dict(manifest.get("counts")).get("sentences"))),
        has_sentences="sentences.parquet" in _dict(manifest.get("checksums")),
        summary_only=bool(manifest.get("summary_only")),
        per_type_f1=per_type if evaluated else {},
        outcomes_gold={str(k): _count(v) or 0 for k, v in _dict(outcomes.get("gold")).items()},
        outcomes_pred={str(k): _count(v) or 0 for k, v in _dict(outcomes.get("pred")).items()},
        reasons={str(k): _count(v) or 0 for k, v in _dict(metrics.get("reasons")).items()},
    )
