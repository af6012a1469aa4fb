"""bench/conll_deepl_aligners.py end to end on the first 40 usable German blocks (real me5)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from core.paths import REPO_ROOT
from core.runs import list_runs, read_sentences

pytestmark = [pytest.mark.models, pytest.mark.slow]

RELEASED = ("awesome", "fast_align", "mgiza", "simalign")
OURS = "me5-small:itermax"
METHODS = ("heuristic", "candidates-ngram-greedy")


def _bench():
    path = REPO_ROOT / "bench" / "conll_deepl_aligners.py"
    spec = importlib.util.spec_from_file_location("conll_deepl_aligners_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_on_40_german_sentences(datasets: Path, tmp_path: Path, capsys) -> None:
    if not (datasets / "conll2003_deepl" / "en2de").is_dir():
        pytest.fail(f"conll2003_deepl is missing under {datasets}")
    runs, export, work, report = (tmp_path / "runs", tmp_path / "export", tmp_path / "work",
                                  tmp_path / "report.json")
    code = _bench().main(["--datasets", str(datasets), "--langs", "de", "--ours", OURS,
                          "--limit", "40", "--runs", str(runs), "--export", str(export),
                          "--work", str(work), "--json", str(report)])
    assert code == 0
    out = capsys.readouterr().out
    # summary line: last line, exact format, values in [0, 1]
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(r"mean_jaccard_ours_vs_awesome=(\S+) identical_projection_share=(\S+)",
                     last)
    assert m, last
    x, y = float(m.group(1)), float(m.group(2))
    assert 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0
    assert "silver" in out  # the output says the target labels are a silver reference

    rep = json.loads(report.read_text(encoding="utf-8"))
    de = rep["langs"]["de"]
    names = [*RELEASED, OURS]
    assert de["sentences"] == 40 and de["blocks"] == 3684
    assert de["skipped_docstart"] > 0
    agree = de["agreement"]
    assert set(agree) == set(names) and all(set(row) == set(names) for row in agree.values())
    assert agree["awesome"]["awesome"]["jaccard"] == 1.0
    assert agree["awesome"]["awesome"]["only_a"] == agree["awesome"]["awesome"]["only_b"] == 0
    for a in names:
        for b in names:
            c, r = agree[a][b], agree[b][a]
            assert 0.0 <= c["jaccard"] <= 1.0
            assert (c["both"], c["only_a"], c["only_b"]) == (r["both"], r["only_b"], r["only_a"])
            union = c["both"] + c["only_a"] + c["only_b"]
            assert c["jaccard"] == pytest.approx(c["both"] / union)
    # our aligner is not a copy of the released one
    assert agree["awesome"][OURS]["jaccard"] < 1.0
    assert x == pytest.approx(agree[OURS]["awesome"]["jaccard"], abs=1e-4)

    for method in METHODS:
        rows = de["projection"][method]
        assert set(rows) == set(names)
        assert rows["awesome"]["f1_vs_reference"] == 1.0
        assert rows["awesome"]["identical_vs_reference"] == 1.0
        for row in rows.values():
            for key in ("proj_ratio", "f1_vs_reference", "identical_vs_reference", "silver_f1"):
                assert 0.0 <= row[key] <= 1.0
        matrix = de["f1_matrix"][method]
        assert all(matrix[a][b] == matrix[b][a] for a in names for b in names)
    assert y == pytest.approx(de["projection"]["heuristic"][OURS]["identical_vs_reference"],
                              abs=1e-4)

    # one full run per aligner x method, with its sentences; summary-only copies exported
    run_ids = {info.run_id for info in list_runs([runs])}
    assert len(run_ids) == len(names) * len(METHODS)
    assert all(r.startswith("conll-deepl-de-vs-awesome-silver-") for r in run_ids)
    rid = de["runs"]["awesome"]["heuristic"]
    table = read_sentences(runs, rid)
    assert len(table) == 40
    exported = list_runs([export])
    assert {i.run_id for i in exported} == run_ids
    assert all(not i.has_sentences and i.manifest.get("summary_only") for i in exported)
    assert not list(export.rglob("*.parquet"))
    assert all(i.metrics["sentences_total"] == 40 for i in exported)
    # the JSONL inputs live in the work directory, not in the repository
    assert sorted(p.name for p in work.iterdir()) == sorted(
        [f"de-{a}-limit40.jsonl" for a in RELEASED] + ["de-ours-limit40.jsonl"])
