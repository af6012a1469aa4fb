"""Dashboard page (AppTest): benchmark choice, the paper table, the per-run heatmap over runs made
by the pipeline with fake components plus reported-style runs, the "Open in inspector" fallback,
empty state, broken runs, and the committed runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_runs import build_runs
from streamlit.testing.v1 import AppTest

from core.reported import row_to_run
from core.runs import list_runs, write_run

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")


def _reported(root: Path, lang: str, f1: str) -> str:
    row = {"pipeline_type": "align_src", "aligner": "simalign", "lang": lang,
           "candidate_selection": "", "overall_f1": f1, "overall_precision": f1,
           "overall_recall": f1, "proj_ratio": "0.9", "PER_f1": f1, "PER_precision": f1,
           "PER_recall": f1, "PER_number": "3"}
    run_id, manifest, metrics = row_to_run(row, "europarl_ner", "intrinsic")
    write_run(root, run_id, manifest, None, metrics)
    return run_id


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("dash_runs")
    ids = build_runs(root, limit=12)
    ids["paper-de"] = _reported(root, "de", "0.81")
    ids["paper-pt"] = _reported(root, "pt", "0.77")
    broken = root / "broken-run"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    return root, ids


@pytest.fixture
def isolated(runs, tmp_path, monkeypatch):
    """Only the test runs root: the committed data/runs is swapped for an empty directory."""
    import ui.runs

    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "no-default-root")
    monkeypatch.setenv("PROJ_RUNS", str(runs[0]))
    return runs


def _dashboard(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _spec(at: AppTest, k: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[k].proto.spec)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _heatmap(at: AppTest) -> dict:
    return next(s for s in _charts(at) if s["data"] and s["data"][0]["type"] == "heatmap")


def test_opens_on_the_benchmark_with_ours_beside_reported(isolated) -> None:
    at = _dashboard()
    assert [t.value for t in at.title] == ["Dashboard"]
    # europarl_ner has the reported de/pt rows and our runs are on demo: two benchmarks,
    # the demo corpus (our runs) first because no benchmark has both sides
    assert at.session_state["dash_benchmark"] == "Demo corpus"
    table = at.dataframe[0].value
    assert len(at.get("plotly_chart")) == 0  # lazy tabs: only the open one (the table) is drawn
    assert list(table.columns[:2]) == ["language", "level"]
    assert "H ours" in table.columns and "H paper" in table.columns
    assert list(table["language"])[:2] == ["de German", "pt Portuguese"]
    # one unreadable run folder is reported, not fatal
    assert any("could not be read" in e.label for e in at.expander)


def test_switching_benchmark_shows_the_papers_figures(isolated) -> None:
    at = _dashboard()
    at.session_state["dash_benchmark"] = "Europarl-NER"
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    pt = table[table["language"] == "pt Portuguese"].iloc[0]
    assert pt["H paper"] == pytest.approx(77.0)
    assert at.query_params["benchmark"] == "Europarl-NER"


def test_heatmap_cells_carry_inspectable_runs(isolated) -> None:
    root, ids = isolated
    at = _dashboard(dash_tab="All runs of a family")
    heat, targets = _heatmap(at)["data"][:2]
    ours = {r.run_id for r in list_runs([root]) if r.has_sentences and r.kind == "ours"
            and r.summary.family == "heuristic" and r.summary.dataset == "demo"
            and r.summary.f1 == r.summary.f1}
    assert ours and {c[0] for c in targets["customdata"]} <= ours
    assert all(c[1] in ("pt", "de") for c in targets["customdata"])
    axis_text = [*heat["x"], *heat["y"]]
    assert not any("/" in str(t) for t in axis_text), axis_text


def test_open_in_inspector_fallback_switches_page_with_the_run(isolated) -> None:
    _, ids = isolated
    at = _dashboard(dash_tab="All runs of a family")
    at.selectbox(key="dash_cell").select(ids["de-match"]).run()
    at.button(key="dash_open").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Inspector"]
    assert at.query_params["run"] == ids["de-match"]


def test_empty_state_names_the_roots(tmp_path, monkeypatch) -> None:
    import ui.runs

    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "none")
    monkeypatch.setenv("PROJ_RUNS", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    at = _dashboard()
    info = " ".join(i.value for i in at.info)
    assert "No runs found" in info and str(tmp_path / "empty") in info
    assert not at.get("plotly_chart")


def test_committed_runs_render_the_paper_table(monkeypatch) -> None:
    monkeypatch.delenv("PROJ_RUNS", raising=False)
    runs = list_runs([REPO / "data" / "runs"])
    assert len(runs) > 900, "the committed runs in data/runs are missing"
    at = _dashboard()
    # the default is a benchmark where our runs stand beside the paper's figures
    assert at.session_state["dash_benchmark"] in ("Europarl-NER", "MasakhaNER2",
                                                  "XTREME / WikiANN")
    at.session_state["dash_benchmark"] = "Europarl-NER"
    at.run()
    table = at.dataframe[0].value
    for col in ("MT paper", "H ours", "H paper", "H Δ", "C-ng ours", "C-ner paper"):
        assert col in table.columns, col
    de = table[table["language"] == "de German"].iloc[0]
    assert de["C-ng paper"] == pytest.approx(92.0, abs=0.05)  # the paper's C-ng-AW for de
