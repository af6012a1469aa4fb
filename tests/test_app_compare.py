"""The compare-aligners page under AppTest: suggested set, corpus agreement numbers checked
against core.metrics.alignment, ranking, deep links, the entity × aligner table — on a runs
root built with fake aligners (tests/app_runs.py), plus a smoke test over data/runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.runs
from app_runs import app_opener, build_runs
from core.metrics.alignment import agreement, corpus_agreement
from core.records import alignment_from_dict
from core.runs import list_runs, read_sentences
from ui import state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/compare.py"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("compare_runs")
    return root, build_runs(root)


@pytest.fixture
def open_page(runs, monkeypatch, tmp_path):
    """``open_page(**query_params)`` -> AppTest that has run the page once (only our runs
    root is configured)."""
    return app_opener(APP, PAGE, runs[0], monkeypatch, tmp_path)


def _alignments(root: Path, run_id: str) -> dict:
    df = read_sentences(root, run_id)
    return {str(i): alignment_from_dict(json.loads(r)["alignment"])
            for i, r in zip(df["id"], df["record"])}


def _table_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def test_default_is_the_suggested_aligner_set(open_page, runs) -> None:
    ids = runs[1]
    at = open_page()
    assert [t.value for t in at.title] == ["Compare aligners"]
    assert at.multiselect(key=S.CMP_RUNS).value == [ids[f"pt-{a}"] for a in
                                                    ("diag", "match", "prefix", "union")]
    assert at.selectbox(key=S.CMP_SET).value.endswith("diag, match, prefix, union")
    assert any(s.value.startswith("Sentence ") for s in at.subheader)


def test_corpus_agreement_matches_core_metrics(open_page, runs) -> None:
    root, ids = runs
    a, b = ids["pt-match"], ids["pt-prefix"]
    at = open_page(runs=f"{a},{b}")
    ala, alb = _alignments(root, a), _alignments(root, b)
    keys = sorted(ala)
    total = corpus_agreement([ala[k] for k in keys], [alb[k] for k in keys])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["links in both"] == str(total.both)
    assert metrics["only A"] == str(total.only_a) and metrics["only B"] == str(total.only_b)
    jac = []
    for k in keys:
        c = agreement(ala[k], alb[k])
        jac.append(c.jaccard if c.union else 1.0)
    assert metrics["mean link Jaccard A vs B"] == f"{sum(jac) / len(jac):.3f}"
    per_run = _table_with(at, "proj_ratio")
    assert list(per_run["links"]) == [sum(len(x) for x in ala.values()),
                                      sum(len(x) for x in alb.values())]


def test_ranking_by_disagreement_and_by_f1(open_page, runs) -> None:
    root, ids = runs
    a, b = ids["pt-diag"], ids["pt-prefix"]
    at = open_page(runs=f"{a},{b}")
    ranked = _table_with(at, "disagreement")
    assert list(ranked["disagreement"]) == sorted(ranked["disagreement"], reverse=True)
    assert at.selectbox(key=S.CMP_SID).value == ranked["id"].iloc[0]
    at.radio(key=S.CMP_RANK).set_value("f1").run()
    ranked = _table_with(at, "f1_spread")
    spread = [x for x in ranked["f1_spread"] if x == x]
    assert spread == sorted(spread, reverse=True) and spread[0] > 0
    f1a = dict(zip(read_sentences(root, a)["id"], read_sentences(root, a)["f1"]))
    top = ranked.iloc[0]
    assert top[[c for c in ranked.columns if c.startswith("f1 A")][0]] == pytest.approx(
        f1a[top["id"]])
    assert at.query_params[S.QP_RANK] == "f1"


def test_deep_link_shows_sentence_links_and_projection_table(open_page, runs) -> None:
    ids = runs[1]
    a, b = ids["pt-diag"], ids["pt-prefix"]
    at = open_page(runs=f"{a},{b}", sid="demo/pt/test:3", focus="e1")
    assert at.selectbox(key=S.CMP_SID).value == "demo/pt/test:3"
    assert at.selectbox(key=S.CMP_FOCUS).value == "e1"
    # by default the links are a static SVG (no Plotly in the browser), its legend naming
    # the link classes of the two aligners
    assert not at.get("plotly_chart")
    (svg,) = [m.value for m in at.markdown if 'class="pi-links"' in m.value]
    assert "only A: diag" in svg and "only B: prefix" in svg
    # "Interactive figure" draws the same classes as Plotly traces
    at.toggle(key=S.CMP_INTERACTIVE).set_value(True).run()
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {t.get("name") for t in fig["data"]}
    assert "only A: diag" in names and "only B: prefix" in names
    assert not any('class="pi-links"' in m.value for m in at.markdown)
    table = _table_with(at, "entity")
    assert list(table.columns) == ["entity", "A: diag", "B: prefix"]
    assert table["entity"].iloc[0] == "ORG 'European Space Agency' [1, 4)"
    assert table["entity"].iloc[-1] == "sentence F1"
    assert any("No gold word alignment" in c.value for c in at.caption)
    assert at.query_params[S.QP_RUNS] == f"{a},{b}"
    assert at.query_params[S.QP_SID] == "demo/pt/test:3"


def test_one_run_asks_for_another_and_unknown_runs_warn(open_page, runs) -> None:
    at = open_page(runs=runs[1]["pt-match"])
    assert any("at least two runs" in i.value for i in at.info)
    at = open_page(runs="nope,also-nope")
    assert any("nope" in w.value for w in at.warning)
    assert len(at.multiselect(key=S.CMP_RUNS).value) >= 2  # fell back to a suggested set


def test_runs_over_different_sentences_say_so(open_page, runs) -> None:
    ids = runs[1]
    at = open_page(runs=f"{ids['pt-match']},{ids['de-match']}")
    assert any("share no sentence id" in i.value for i in at.info)


def test_committed_demo_runs_compare(monkeypatch) -> None:
    committed = [r for r in list_runs([ui.runs.DEFAULT_ROOT]) if r.has_sentences]
    assert ui.runs.comparison_sets(committed), "data/runs must hold comparable demo runs"
    monkeypatch.delenv("PROJ_RUNS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception and not at.error
    assert len(at.multiselect(key=S.CMP_RUNS).value) >= 2
    assert any('class="pi-links"' in m.value for m in at.markdown)


def test_a_full_run_wins_over_its_summary_only_copy(runs, tmp_path) -> None:
    """The committed summaries (data/runs, the first root) must not hide the full local run
    of the same id from the compare page and the inspector."""
    from core.runs import export_summary

    root, ids = runs
    run_id = next(iter(ids.values()))
    summaries = tmp_path / "summaries"
    export_summary(root, run_id, summaries)
    found, _ = ui.runs.all_runs([summaries, root])
    same = [r for r in found if r.run_id == run_id]
    assert len(same) == 1 and same[0].has_sentences and same[0].root == root.resolve()
    found, _ = ui.runs.all_runs([summaries])
    assert [r.has_sentences for r in found if r.run_id == run_id] == [False]
