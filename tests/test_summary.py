"""The typed run summary (core.summary): one parse of manifest + metrics, readable names."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from core.runs import list_runs
from core.summary import BENCHMARKS, FAMILIES, aligner_label, family_of, summarize

REPO = Path(__file__).resolve().parent.parent


def test_external_alignment_named_by_tool_and_stem_never_by_path() -> None:
    spec = "file:/somewhere/en2de/alignments/DeepL.50000.fast_align.test.grow_diag_final-and.talp"
    assert aligner_label(spec) == "fast_align (DeepL.50000.fast_align.test.grow_diag_final-and)"
    assert aligner_label("file:C:\\data\\run.talp#abc") == "file (run)"
    assert aligner_label("union(me5-small:itermax,file:/x/y/awesome.talp)") == \
        "union(me5-small:itermax,awesome.talp)"
    assert aligner_label("hub:org/model-name:itermax") == "model-name:itermax"
    assert aligner_label(None) == ""


@pytest.mark.parametrize("pipeline,method,bt,family", [
    ("model-transfer", None, False, "model transfer"),
    ("intrinsic", "heuristic", False, "heuristic"),
    ("intrinsic", "easy_label", False, "heuristic"),
    ("translate-test", "candidates-ngram-exact:max_len=5", False, "n-gram candidates"),
    ("translate-test", "candidates-ner-greedy", False, "NER candidates"),
    ("translate-test", "heuristic", True, "back-translation"),
    ("translate-train", "easyproject", False, "EasyProject markers"),
    ("extrinsic", "heuristic", False, "training on projection"),
])
def test_families(pipeline, method, bt, family) -> None:
    assert family_of(pipeline, method, bt, "ours") == family
    assert family in FAMILIES


def test_fallbacks_and_crafted_values() -> None:
    # fields only in config (older runs), numbers as strings, garbage types, infinities
    manifest = {"kind": "ours", "config": {"dataset": "demo", "lang": "pt", "pipeline":
                                           "intrinsic", "aligner": "a", "method": "heuristic"},
                "checksums": {"sentences.parquet": "x"}, "counts": {"sentences": "12"}}
    metrics = {"overall": {"f1": "0.5", "precision": float("inf"), "recall": [1]},
               "per_type": {"PER": {"f1": 0.7}, "BAD": "x"}, "outcomes": {"gold": {"exact": 2}},
               "proj_ratio": 1e400}
    s = summarize("r", "root", manifest, metrics)
    assert (s.dataset, s.lang, s.pipeline, s.aligner, s.method) == \
        ("demo", "pt", "intrinsic", "a", "heuristic")
    assert s.f1 == 0.5 and math.isnan(s.precision) and math.isnan(s.recall)
    assert math.isnan(s.proj_ratio) and s.sentences == 12 and s.has_sentences
    assert s.per_type_f1["PER"] == 0.7 and math.isnan(s.per_type_f1["BAD"])
    assert s.label == "heuristic · a" and s.benchmark == "Demo corpus"
    # not a dict at all: still a summary, never an exception
    junk = summarize("j", "root", [], "x")  # type: ignore[arg-type]
    assert junk.dataset == "?" and junk.kind == "ours" and math.isnan(junk.f1)


def test_unevaluated_and_imported_runs() -> None:
    s = summarize("i", "root", {"kind": "imported", "tool": "Easy-Label-Projection"},
                  {"evaluated": False, "overall": {"f1": 0.9},
                   "run": {"pipeline": "imported", "method": "easy_label", "lang": "de"}})
    assert s.kind == "imported" and not s.gold_known and math.isnan(s.f1)
    assert s.label.endswith("from Easy-Label-Projection")


def test_committed_runs_carry_no_paths_and_the_right_pipeline() -> None:
    runs = list_runs([REPO / "data" / "runs"])
    assert len(runs) > 900
    for r in runs:
        s = r.summary
        assert "/" not in s.label and ":\\" not in s.label, (r.run_id, s.label)
        if s.dataset == "conll2003_deepl_projections":  # English labels onto translations
            assert s.pipeline == "translate-train", r.run_id
        # the dashboard's benchmark buttons: a name researchers use, never a dataset id
        assert s.benchmark in BENCHMARKS.values(), (r.run_id, s.dataset)


def test_committed_data_files_hold_no_machine_paths() -> None:
    offenders = [p.relative_to(REPO).as_posix() for p in (REPO / "data").rglob("*.json")
                 if any(s in p.read_text(encoding="utf-8") for s in ('"/work/', '"/tmp/', ':/work/',
                                                                        ':/tmp/', '"/home/'))]
    assert not offenders, offenders[:5]


def test_portable_rewrites_paths_but_not_urls(monkeypatch, tmp_path) -> None:
    from core.runs import portable

    monkeypatch.setenv("PROJ_DATASETS", str(tmp_path / "ds"))
    doc = {"aligner": f"file:{tmp_path}/ds/conll/en2de/a.talp", "input": "/var/x/de.jsonl",
           "sig": f"align:file:{tmp_path}/ds/c/b.talp|proj:h", "url": "https://x.org/a/b",
           "n": [1, "me5-small:itermax"]}
    assert portable(doc) == {"aligner": "file:${PROJ_DATASETS}/conll/en2de/a.talp",
                             "input": "de.jsonl", "sig": "align:file:${PROJ_DATASETS}/c/b.talp"
                             "|proj:h", "url": "https://x.org/a/b", "n": [1, "me5-small:itermax"]}
