"""The inspector page under AppTest: deep links, filters, run/aligner switching, sentence
navigation, the why/candidates/translation sections, empty state — on a runs root built with
fake components (tests/app_runs.py), plus a smoke test over the committed data/runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.runs
from app_runs import XSS, app_opener, build_runs
from core.runs import list_runs, read_sentences
from ui import state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/inspector.py"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("inspector_runs")
    return root, build_runs(root)


@pytest.fixture
def open_page(runs, monkeypatch, tmp_path):
    """``open_page(**query_params)`` -> AppTest that has run the page once (only our runs
    root is configured)."""
    return app_opener(APP, PAGE, runs[0], monkeypatch, tmp_path)


def _svg(at: AppTest) -> str:
    """The static alignment drawing (the default: no Plotly figure on the page)."""
    assert not at.get("plotly_chart"), "the default view must not load Plotly"
    svgs = [m.value for m in at.markdown if 'class="pi-links"' in m.value]
    assert len(svgs) == 1, "no alignment SVG on the page"
    return svgs[0]


def _figure(at: AppTest) -> dict:
    """Switch on "Interactive figure" and return the Plotly spec (the SVG is gone then)."""
    at.toggle(key=S.INSP_INTERACTIVE).set_value(True).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart on the page"
    assert not any('class="pi-links"' in m.value for m in at.markdown)
    return json.loads(charts[0].proto.spec)


def _html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def test_opens_first_run_without_exception(open_page, runs) -> None:
    at = open_page()
    assert [t.value for t in at.title] == ["Inspector"]
    run = at.selectbox(key=S.INSP_RUN).value
    assert run in runs[1].values()
    sid = at.selectbox(key=S.INSP_SID).value
    assert at.query_params[S.QP_RUN] == run and at.query_params[S.QP_SID] == sid
    assert any(s.value == f"Sentence {sid}" for s in at.subheader)
    assert {"Why", "Candidates", "Translation steps"} <= {s.value for s in at.subheader}
    assert at.toggle(key=S.INSP_INTERACTIVE).value is False
    assert _svg(at).count('<line class="link ') > 0, "the alignment drawing has links"
    root = runs[0]
    signature = next(r for r in list_runs([root]) if r.run_id == run).manifest["signature"]
    assert signature.startswith("pipeline:") and signature in [c.value for c in at.code]


def test_deep_link_opens_sentence_view_and_focus(open_page, runs) -> None:
    rid = runs[1]["pt-candidates"]
    at = open_page(run=rid, sid="demo/pt/test:3", view="matrix", focus="e0")
    assert at.selectbox(key=S.INSP_RUN).value == rid
    assert at.selectbox(key=S.INSP_SID).value == "demo/pt/test:3"
    assert at.radio(key=S.INSP_VIEW).value == "matrix"
    assert at.selectbox(key=S.INSP_FOCUS).value == "e0"
    svg = _svg(at)
    assert 'data-layout="matrix"' in svg and "Agência" in svg
    assert '<rect class="link link-both focus"' in svg      # entity 0's links emphasised
    fig = _figure(at)
    assert fig["layout"]["xaxis"]["side"] == "top"           # matrix layout
    assert "Agência" in " ".join(fig["layout"]["xaxis"]["ticktext"])
    # the candidates table is narrowed to entity 0, with its score components
    cands = [d.value for d in at.dataframe if "candidate" in d.value.columns]
    assert len(cands) == 1 and set(cands[0]["entity"]) == {0}
    assert {"align", "sum", "chosen", "taken by"} <= set(cands[0].columns)
    # the URL keeps the state (run, sentence, view, focus)
    assert at.query_params[S.QP_SID] == "demo/pt/test:3"
    assert at.query_params[S.QP_VIEW] == "matrix" and at.query_params[S.QP_FOCUS] == "e0"


def test_filters_from_url_restrict_the_sentence_table(open_page, runs) -> None:
    root, ids = runs
    rid = ids["pt-match"]
    at = open_page(run=rid, cat="missed", type="LOC", sort="index")
    assert at.multiselect(key=S.INSP_CATEGORY).value == ["missed"]
    assert at.multiselect(key=S.INSP_TYPE).value == ["LOC"]
    assert at.selectbox(key=S.INSP_SORT).value == "index"
    df = read_sentences(root, rid)
    expected = df[(df["missed"] > 0) & df["types"].map(lambda t: "LOC" in list(t))]
    table = at.dataframe[0].value
    assert list(table["id"]) == list(expected.sort_values("index")["id"])
    assert at.selectbox(key=S.INSP_SID).value == expected.sort_values("index")["id"].iloc[0]


def test_worst_first_sort_and_text_search(open_page, runs) -> None:
    root, ids = runs
    at = open_page(run=ids["pt-prefix"])
    table = at.dataframe[0].value
    errors = list(table["errors"])
    assert errors == sorted(errors, reverse=True)
    at.text_input(key=S.INSP_QUERY).input("Guiana").run()
    table = at.dataframe[0].value
    assert len(table) >= 1 and all("guiana" in t.lower() for t in table["text"])


def test_aligner_switch_changes_run(open_page, runs) -> None:
    ids = runs[1]
    at = open_page(run=ids["pt-match"], sid="demo/pt/test:5")
    assert set(at.selectbox(key=S.INSP_ALIGNER).options) == {"diag", "match", "prefix", "union"}
    at.selectbox(key=S.INSP_ALIGNER).select("diag").run()
    assert at.selectbox(key=S.INSP_RUN).value == ids["pt-diag"]
    assert at.selectbox(key=S.INSP_SID).value == "demo/pt/test:5"  # same sentence kept
    assert at.query_params[S.QP_RUN] == ids["pt-diag"]
    assert at.query_params[S.QP_ALIGNER] == "diag"
    # the aligner named in a URL picks the sibling run too
    at2 = open_page(run=ids["pt-match"], aligner="union")
    assert at2.selectbox(key=S.INSP_RUN).value == ids["pt-union"]


def test_prev_next_buttons_walk_the_filtered_list(open_page, runs) -> None:
    at = open_page(run=runs[1]["pt-match"], sort="index")
    ids = list(at.dataframe[0].value["id"])
    assert at.selectbox(key=S.INSP_SID).value == ids[0]
    at.button(key="insp_next").click().run()
    assert at.selectbox(key=S.INSP_SID).value == ids[1]
    at.button(key="insp_prev").click().run()
    at.button(key="insp_prev").click().run()  # stays on the first
    assert at.selectbox(key=S.INSP_SID).value == ids[0]


def test_why_section_explains_each_entity(open_page, runs) -> None:
    at = open_page(run=runs[1]["pt-prefix"], sid="demo/pt/test:3")
    why = [d.value for d in at.dataframe if "beaten by" in d.value.columns]
    assert len(why) == 1
    rows = why[0]
    assert "failed the length-ratio filter" in set(rows["reason"])
    assert (rows["length ratio"].str.contains("rejected")).any()
    html = _html(at)
    assert "European Space Agency" in html and "Europeia" in html
    assert "length ratio:" in html


def test_focus_highlights_links_of_an_entity(open_page, runs) -> None:
    at = open_page(run=runs[1]["pt-union"], sid="demo/pt/test:7", view="columns")
    plain = _svg(at)
    assert 'data-layout="columns"' in plain
    assert " focus" not in plain and " faded" not in plain and " hot" not in plain
    at.selectbox(key=S.INSP_FOCUS).select("e0").run()
    svg = _svg(at)
    assert '<line class="link link-both focus"' in svg and '<text class="w w-s hot"' in svg
    assert '<line class="link link-both faded"' in svg
    assert at.query_params[S.QP_FOCUS] == "e0"
    fig = _figure(at)
    bold = [t for t in fig["data"] if t.get("line", {}).get("width") == 3.5]
    assert bold, "focused links are drawn bold"
    assert at.query_params[S.QP_FOCUS] == "e0"


def test_translation_steps_for_back_translation_and_markers(open_page, runs) -> None:
    ids = runs[1]
    at = open_page(run=ids["pt-bt"], sid="demo/pt/test:3")
    md = " ".join(m.value for m in at.markdown)
    assert "Back-translation round trip" in md and "**Back-translation**" in md
    at = open_page(run=ids["pt-ep"])
    md = " ".join(m.value for m in at.markdown)
    assert "EasyProject markers" in md
    assert "color: #882255;\">[</b>" in _html(at)
    # no gold: no F1/TP/FP/FN metric and no outcome column pretending there is gold
    assert not any(m.label in ("F1", "TP", "FP", "FN") for m in at.metric)
    assert any("no gold" in i.value for i in at.info)


def test_user_tokens_are_escaped(open_page, runs) -> None:
    at = open_page(run=runs[1]["pt-xss"], sid="xss-1")
    html = _html(at)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;<title>" in _svg(at)  # a word of the drawing
    assert "<img" not in json.dumps(_figure(at))
    # the raw token is still the word (escaping is for display only)
    assert f"source word 2: {XSS}" in at.selectbox(key=S.INSP_FOCUS).options


def test_bad_url_values_warn_and_fall_back(open_page, runs) -> None:
    at = open_page(run="../../etc", sid="no-such-sentence", cat="bogus")
    warnings = " ".join(w.value for w in at.warning)
    assert "run=../../etc" in warnings and "sid=no-such-sentence" in warnings
    assert "bogus" in warnings
    assert at.selectbox(key=S.INSP_RUN).value in runs[1].values()
    assert not at.error


def test_empty_state_explains_how_to_make_runs(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PROJ_RUNS", str(tmp_path / "empty"))
    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "nothing")
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert any("No runs with a sentence table" in i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert "python -m core run --set dataset=demo --set lang=pt" in text
    assert "PROJ_RUNS" in text


def test_committed_demo_runs_open_in_the_inspector(monkeypatch) -> None:
    runs = [r for r in list_runs([ui.runs.DEFAULT_ROOT]) if r.has_sentences]
    assert runs, "the committed demo runs in data/runs are missing"
    monkeypatch.delenv("PROJ_RUNS", raising=False)
    pick = sorted(runs, key=lambda r: r.run_id)[0]
    df = read_sentences(pick.root, pick.run_id)
    sid = str(df.sort_values("n_source_words")["id"].iloc[-1])  # the longest sentence
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.query_params["run"] = pick.run_id
    at.query_params["sid"] = sid
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key=S.INSP_SID).value == sid
    assert isinstance(at.dataframe[0].value, pd.DataFrame)
    assert '<line class="link ' in _svg(at)
    assert _figure(at)["data"]


def test_sidebar_adds_and_removes_a_runs_directory(runs, monkeypatch, tmp_path) -> None:
    root, ids = runs
    monkeypatch.delenv("PROJ_RUNS", raising=False)
    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "nothing")
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page(PAGE)
    at.run()
    assert any("No runs with a sentence table" in i.value for i in at.info)
    at.sidebar.text_input(key=S.ROOT_INPUT).input(str(tmp_path / "missing"))
    at.sidebar.button[0].click().run()
    assert any("not a directory" in e.value for e in at.sidebar.error)
    at.sidebar.text_input(key=S.ROOT_INPUT).input(str(root))
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert at.session_state[S.EXTRA_ROOTS] == [str(root.resolve())]
    assert at.selectbox(key=S.INSP_RUN).value in ids.values()
    assert any(f"— {len(ids)} runs" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="rm_root_0").click().run()
    assert at.session_state[S.EXTRA_ROOTS] == []
    assert any("No runs with a sentence table" in i.value for i in at.info)


def test_home_page_lists_views_and_inspectable_runs(runs, monkeypatch, tmp_path) -> None:
    root, ids = runs
    monkeypatch.setenv("PROJ_RUNS", str(root))
    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "no-committed-runs")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    links = [p.proto.page for p in at.get("page_link")]
    assert {"inspector", "compare", "dashboard", "your_data", "playground"} <= set(links)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["runs with sentence tables"] == str(len(ids))
    table = [d.value for d in at.dataframe if "run id" in d.value.columns][0]
    assert set(table["run id"]) == set(ids.values())


def test_table_row_click_picks_that_rows_sentence(monkeypatch) -> None:
    """The sentence table's ``on_select`` callback (shared with the compare page)."""
    import ui.widgets

    state: dict = {S.INSP_TABLE_IDS: ["s1", "s2"]}
    monkeypatch.setattr(ui.widgets.st, "session_state", state)
    pick = ui.widgets.sid_from_table(S.INSP_TABLE, S.INSP_TABLE_IDS, S.INSP_SID)
    pick()                                                    # no event yet
    state[S.INSP_TABLE] = {"selection": {"rows": [5]}}        # a stale row past the ids
    pick()
    assert S.INSP_SID not in state
    state[S.INSP_TABLE] = {"selection": {"rows": [1]}}
    pick()
    assert state[S.INSP_SID] == "s2"


def test_linked_training_run_finds_the_sentences_that_taught_an_entity(runs, monkeypatch,
                                                                       tmp_path) -> None:
    """A run whose manifest links its training data: the exact-match search lists the
    projected training sentences with that entity string, and says so when there is none."""
    import shutil

    from core.extrinsic.pipeline import read_records

    root, ids = runs
    own = tmp_path / "linked_runs"
    shutil.copytree(root / ids["pt-match"], own / ids["pt-match"])
    manifest = own / ids["pt-match"] / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["linked_runs"] = {"training_data": ids["pt-match"]}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    hit = next((r.id, " ".join(r.target.words[s.start:s.end]))
               for r in read_records(own, ids["pt-match"]) for s in r.predicted)

    at = app_opener(APP, PAGE, own, monkeypatch, tmp_path)(run=ids["pt-match"])
    at.text_input(key=S.INSP_TRAINING_QUERY).input(hit[1]).run()
    assert not at.exception, [e.value for e in at.exception]
    hits_table = ["id", "entity", "label", "sentence"]
    found = [d.value for d in at.dataframe if list(d.value.columns) == hits_table]
    assert found and hit[0] in list(found[0]["id"]) and set(found[0]["entity"]) == {hit[1]}
    at.text_input(key=S.INSP_TRAINING_QUERY).input("Nowhere Nohow").run()
    assert not [d for d in at.dataframe if list(d.value.columns) == hits_table]
    assert any("No projected training entity" in c.value for c in at.caption)
