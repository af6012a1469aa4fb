"""bench/paper_figures.py: the benches' paper figures come from the reported runs."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from core.paths import REPO_ROOT


@pytest.fixture(scope="module")
def figures():
    path = REPO_ROOT / "bench" / "paper_figures.py"
    spec = importlib.util.spec_from_file_location("bench_paper_figures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _f1(run_id: str) -> float:
    path = REPO_ROOT / "data" / "runs" / run_id / "metrics.json"
    return 100 * json.loads(path.read_text(encoding="utf-8"))["overall"]["f1"]


def test_europarl_names_map_to_the_reported_runs(figures) -> None:
    paper = figures.paper_f1("europarl_ner", ["de"])
    assert set(paper) == {(n, "de") for n in ("MT", "H-AW", "H-SA", "C-ng-AW", "C-ng-SA",
                                               "C-ner-AW", "C-ner-SA")}
    assert paper[("C-ng-AW", "de")] == _f1(
        "paper-europarl_ner-de-intrinsic-mbert-awesome-candidates-ngram-greedy")
    assert paper[("H-SA", "de")] == _f1("paper-europarl_ner-de-intrinsic-mbert-itermax-heuristic")


def test_translate_test_variants_and_missing_dataset(figures, tmp_path) -> None:
    paper = figures.paper_f1("wikiann_panx", ["pt"])
    assert len(paper) == 13  # model transfer + 2 aligners x 3 methods x (plain, back-translation)
    assert paper[("H-AW-bt", "pt")] == _f1(
        "paper-wikiann_panx-pt-translate-test-bt-mbert-awesome-heuristic")
    assert paper[("MT", "pt")] == _f1("paper-wikiann_panx-pt-model-transfer")
    with pytest.raises(SystemExit, match="import-reported"):
        figures.paper_f1("europarl_ner", root=tmp_path)
