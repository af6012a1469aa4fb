"""Dashboard page (AppTest): heatmap over runs made by the pipeline with fake components plus
reported-style runs, the baseline toggle, the "Open in inspector" fallback, empty state, broken
runs, and the committed demo runs."""

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


def test_heatmap_cells_carry_inspectable_runs(isolated) -> None:
    root, ids = isolated
    at = _dashboard()
    assert [t.value for t in at.title] == ["Dashboard"]
    assert at.multiselect(key="dash_datasets").value == ["demo"]  # ours by default
    spec = _spec(at)
    heat, targets = spec["data"][:2]
    assert heat["type"] == "heatmap"
    ours = {r.run_id for r in list_runs([root]) if r.has_sentences
            and (r.metrics.get("overall") or {}).get("f1") is not None}
    assert {c[0] for c in targets["customdata"]} == ours
    assert all(c[1] in ("pt", "de") for c in targets["customdata"])
    # one unreadable run folder is reported, not fatal
    assert any("could not be read" in e.label for e in at.expander)


def test_baseline_toggle_shows_differences(isolated) -> None:
    at = _dashboard()
    at.toggle(key="dash_diff").set_value(True).run()
    base = at.selectbox(key="dash_baseline")
    at = base.select(base.options[1]).run()
    assert not at.exception
    spec = _spec(at)
    axis = spec["layout"]["coloraxis"]
    assert axis["colorscale"] == "RdBu" and axis["cmid"] == 0
    assert "baseline" in spec["layout"]["title"]["text"]
    z = spec["data"][0]["z"]
    col = spec["data"][0]["x"].index(base.options[1])
    assert all(row[col] in (0, None) for row in z)  # the baseline minus itself


def test_open_in_inspector_fallback_switches_page_with_the_run(isolated) -> None:
    _, ids = isolated
    at = _dashboard()
    at.selectbox(key="dash_cell").select(ids["de-match"]).run()
    at.button(key="dash_open").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Inspector"]
    assert at.query_params["run"] == ids["de-match"]


def test_ours_next_to_paper_tab(isolated) -> None:
    at = _dashboard(dash_datasets=["demo", "europarl_ner"])
    ours = at.selectbox(key="dash_ours")
    assert all(not o.startswith("paper: ") for o in ours.options)
    at = ours.select("intrinsic/match/heuristic").run()
    paper = [s for s in at.selectbox if s.label == "Paper"]
    assert paper[0].value == "paper: intrinsic/mbert:itermax/heuristic"  # the closest one
    table = at.dataframe[-1].value
    assert list(table["language"]) == ["de German", "pt Portuguese"]
    assert list(table["paper"]) == pytest.approx([81.0, 77.0])
    assert set(table["paper dataset"]) == {"europarl_ner"}


def test_empty_state_names_the_roots(tmp_path, monkeypatch) -> None:
    import ui.runs

    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "none")
    monkeypatch.setenv("PROJ_RUNS", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    at = _dashboard()
    info = " ".join(i.value for i in at.info)
    assert "No runs found" in info and "import-reported" in info
    assert str(tmp_path / "empty") in info
    assert not at.get("plotly_chart")


def test_committed_demo_runs_render(monkeypatch) -> None:
    monkeypatch.delenv("PROJ_RUNS", raising=False)
    at = _dashboard()
    demo = REPO / "data" / "runs"
    if demo.is_dir() and list_runs([demo]):
        assert at.get("plotly_chart"), "the committed runs must show a heatmap"
        assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["type"] == "heatmap"
    else:
        assert any("No runs found" in i.value for i in at.info)
