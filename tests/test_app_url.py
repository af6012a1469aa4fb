"""The pages' tables of URL parameters (ui/state.py) and their sync/publish pair (ui/widgets.py):
the tables are well formed, sync applies valid values and reports invalid ones, publish leaves
defaults out, and a deep link with every parameter of a page survives the page's run unchanged
(the URL the page writes back is the one it was opened with)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_runs import app_opener, build_runs
from ui import state as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TABLES = {"inspector": S.INSPECTOR_URL, "compare": S.COMPARE_URL, "dashboard": S.DASHBOARD_URL}


@pytest.mark.parametrize("page", sorted(TABLES))
def test_tables_are_well_formed(page) -> None:
    table = TABLES[page]
    names = [p.name for p in table]
    keys = [p.key for p in table]
    assert len(set(names)) == len(names) and len(set(keys)) == len(keys)
    constants = {v for k, v in vars(S).items() if k.isupper() and isinstance(v, str)}
    assert set(names) <= constants and set(keys) <= constants  # declared in ui/state.py
    for p in table:
        if p.options is not None and p.default is not None:
            defaults = p.default if isinstance(p.default, list) else [p.default]
            assert set(defaults) <= set(p.options), p
        if isinstance(p.default, list):  # lists travel comma-separated
            assert p.parse("a,b,") == ["a", "b"]


def _sync_script() -> None:
    import streamlit as st

    from ui import state as S
    from ui.widgets import publish, sync

    notes: list[str] = []
    taken = sync("t", S.INSPECTOR_URL, {S.QP_SORT: None, S.QP_CATEGORY: None,
                                        S.QP_QUERY: None, S.QP_TYPE: ["LOC", "PER"]}, notes)
    st.session_state["taken"] = taken
    for n in notes:
        st.warning(n)
    publish("t", S.INSPECTOR_URL, {S.QP_RUN: "r1"})


def test_sync_applies_valid_values_and_reports_the_others() -> None:
    at = AppTest.from_function(_sync_script)
    at.query_params.update({"sort": "bogus", "cat": "missed,nope", "q": "Lula", "type": "LOC"})
    at.run()
    assert not at.exception
    assert at.session_state[S.INSP_SORT] == "worst"            # invalid: the default stays
    assert at.session_state[S.INSP_CATEGORY] == ["missed"]     # the valid part of a list
    assert at.session_state[S.INSP_QUERY] == "Lula"
    assert at.session_state["taken"] == {"cat": ["missed"], "q": "Lula", "type": ["LOC"]}
    warnings = " ".join(w.value for w in at.warning)
    assert "sort=bogus" in warnings and "nope" in warnings
    # published: values given, state values, defaults left out (sort=worst is not written)
    assert dict(at.query_params) == {"run": "r1", "cat": "missed", "q": "Lula", "type": "LOC"}
    # a rerun with the same URL does not seed again: the user's later choice wins
    at.session_state[S.INSP_QUERY] = "Bolsonaro"
    at.run()
    assert at.session_state[S.INSP_QUERY] == "Bolsonaro" and at.query_params["q"] == "Bolsonaro"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("url_runs")
    return root, build_runs(root)


def _same_url(at: AppTest, given: dict[str, str]) -> None:
    assert not at.warning, [w.value for w in at.warning]
    assert {k: at.query_params[k] for k in at.query_params} == given


def test_inspector_deep_link_with_every_parameter_round_trips(runs, monkeypatch, tmp_path):
    ids = runs[1]
    given = {"run": ids["pt-match"], "aligner": "match", "sid": "demo/pt/test:3",
             "cat": "exact", "type": "LOC", "reason": "projected", "q": "o", "sort": "length",
             "view": "matrix", "focus": "e0"}
    # every parameter but ``lang``, which a run of one language has no picker for
    assert {p.name for p in S.INSPECTOR_URL} == set(given) | {"lang"}
    at = app_opener(APP, "pages/inspector.py", runs[0], monkeypatch, tmp_path)(**given)
    assert at.selectbox(key=S.INSP_SID).value == "demo/pt/test:3"
    assert at.radio(key=S.INSP_VIEW).value == "matrix"
    _same_url(at, given)


def test_compare_deep_link_with_every_parameter_round_trips(runs, monkeypatch, tmp_path):
    ids = runs[1]
    given = {"runs": f"{ids['pt-diag']},{ids['pt-prefix']}", "sid": "demo/pt/test:3",
             "rank": "f1", "view": "columns", "focus": "e0"}
    assert {p.name for p in S.COMPARE_URL} == set(given)
    at = app_opener(APP, "pages/compare.py", runs[0], monkeypatch, tmp_path)(**given)
    assert at.selectbox(key=S.CMP_SID).value == "demo/pt/test:3"
    _same_url(at, given)


def test_dashboard_deep_link_round_trips(runs, monkeypatch, tmp_path):
    at = app_opener(APP, "pages/dashboard.py", runs[0], monkeypatch, tmp_path)(
        benchmark="Demo corpus")
    assert at.session_state[S.DASH_BENCHMARK] == "Demo corpus"
    _same_url(at, {"benchmark": "Demo corpus"})


def _visit(at: AppTest, page: str) -> AppTest:
    """A click on ``page`` in the sidebar: the URL loses the previous page's parameters."""
    at.switch_page(page)
    at.query_params.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_back_from_another_page_a_page_is_as_it_was_left(runs, monkeypatch, tmp_path):
    ids = runs[1]
    at = app_opener(APP, "pages/inspector.py", runs[0], monkeypatch, tmp_path)(
        run=ids["pt-diag"], sid="demo/pt/test:3", view="matrix")
    at.button(key=S.INSP_NEXT).click().run()
    left = at.selectbox(key=S.INSP_SID).value
    assert left != "demo/pt/test:3"
    _visit(at, "pages/dashboard.py")
    at.segmented_control(key=S.DASH_BENCHMARK).set_value("Demo corpus").run()
    _visit(at, "pages/inspector.py")
    assert at.selectbox(key=S.INSP_RUN).value == ids["pt-diag"]
    assert at.selectbox(key=S.INSP_SID).value == left
    assert at.radio(key=S.INSP_VIEW).value == "matrix"
    assert at.query_params["run"] == ids["pt-diag"] and at.query_params["sid"] == left
    _visit(at, "pages/dashboard.py")
    assert at.session_state[S.DASH_BENCHMARK] == "Demo corpus"
    # a link with parameters wins over the remembered state
    at.switch_page("pages/inspector.py")
    at.query_params.clear()
    at.query_params.update({"run": ids["pt-prefix"]})
    at.run()
    assert at.selectbox(key=S.INSP_RUN).value == ids["pt-prefix"]


def test_a_link_back_to_the_run_last_shown_opens_that_run(runs, monkeypatch, tmp_path):
    """The run's widget state is gone after another page, and the link's ``run`` equals the
    one this page last synced: it must still be taken (not the first run of the list), as
    the compare page's "Open in the inspector" does after a visit to the inspector."""
    ids = runs[1]
    at = app_opener(APP, "pages/inspector.py", runs[0], monkeypatch, tmp_path)(
        run=ids["pt-prefix"], sid="demo/pt/test:3", view="matrix")
    assert at.selectbox(key=S.INSP_RUN).options[0] != ids["pt-prefix"]  # not the fallback
    _visit(at, "pages/compare.py")
    at.switch_page("pages/inspector.py")
    at.query_params.clear()
    at.query_params.update({"run": ids["pt-prefix"], "sid": "demo/pt/test:5",
                            "view": "matrix"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=S.INSP_RUN).value == ids["pt-prefix"]
    assert at.selectbox(key=S.INSP_SID).value == "demo/pt/test:5"
    assert at.radio(key=S.INSP_VIEW).value == "matrix"
