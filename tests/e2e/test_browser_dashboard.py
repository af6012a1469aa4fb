"""Real-browser tests of the dashboard, Your-data and Playground pages (headless Chromium).

- every benchmark of the committed runs opens legibly: the paper table has the paper's
  columns, heatmaps give each row ≥ 18 px, bar charts carry ≤ 12 traces, no axis label holds a
  path (screenshots of every tab in ``test-artifacts/``);
- a click on a heatmap cell opens the inspector on that run (URL ``/inspector?run=…``);
- a token written ``<img src=x onerror=alert(1)>`` in an uploaded file shows as text in the
  inspector and creates no ``<img>`` element;
- the pages render without an exception; screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import IDLE, REPO, wait_idle

from core.runs import list_runs

XSS = "<img src=x onerror=alert(1)>"


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.inner_text("body")


BENCHMARKS = ("Europarl-NER", "XTREME / WikiANN", "MasakhaNER2", "CoNLL-2003 DeepL",
              "CoNLL-2003", "Demo corpus")
PAPER_COLUMNS = ("MT paper", "H ours", "H paper", "H Δ", "C-ng ours", "C-ng paper")
#: every Plotly figure drawn on the page: its traces' types and sizes, its layout's height and
#: axis tick labels (read from the live chart elements)
_SPECS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
  height: (el.layout || {}).height || el.getBoundingClientRect().height,
  traces: (el.data || []).map(t => ({type: t.type, name: t.name || '',
                                     rows: new Set(Array.from(t.y && t.y.length !== undefined ? t.y : [])
                                                 .filter(v => v !== null)).size})),
  ticks: [...el.querySelectorAll('.xtick text, .ytick text')].map(t => t.textContent)}))"""


#: a text each lazy tab shows once its content has arrived
TAB_TEXT = {"Ours vs paper per language": "Filled: our best run",
            "By resource level": "Resource levels are approximate",
            "All runs of a family": "Family"}


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.get_by_role("tabpanel").get_by_text(TAB_TEXT[name]).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    page.wait_for_timeout(300)


def _table_columns(page) -> list[str]:
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    grid.locator('[role="columnheader"]').first.wait_for(state="attached")
    return [c.strip() for c in grid.locator('[role="columnheader"]').all_text_contents()]


@pytest.mark.slow
def test_every_benchmark_is_legible(goto, page, artifacts) -> None:
    for name in BENCHMARKS:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        goto(f"dashboard?benchmark={name.replace(' ', '+').replace('/', '%2F')}",
             expect_text="Paper table")
        _no_exception(page)
        assert page.get_by_role("radio", name=name, exact=True).get_attribute(
            "aria-checked") == "true"
        columns = _table_columns(page)
        assert columns[:2] == ["language", "level"], columns
        if name != "Demo corpus":  # the demo corpus has no published figures
            assert any(c.endswith("paper") for c in columns), columns
        page.screenshot(path=str(artifacts / f"dashboard-{slug}-table.png"), full_page=True)
        specs = []
        for tab in ("Ours vs paper per language", "By resource level", "All runs of a family"):
            _open_tab(page, tab)
            _no_exception(page)
            page.screenshot(path=str(artifacts / f"dashboard-{slug}-{tab.split()[0].lower()}"
                                                 ".png"), full_page=True)
            specs += page.evaluate(_SPECS)
        assert specs, name
        for spec in specs:
            types = [t["type"] for t in spec["traces"]]
            if "bar" in types:
                assert len(types) <= 12, (name, len(types))
            for t in spec["traces"]:
                if t["type"] == "heatmap":
                    assert spec["height"] >= 18 * t["rows"], (name, spec["height"], t["rows"])
            for tick in spec["ticks"]:
                assert "/" not in tick and ":\\" not in tick, (name, tick)


def test_europarl_table_has_the_papers_columns(goto, page) -> None:
    goto("dashboard?benchmark=Europarl-NER", expect_text="Paper table")
    columns = _table_columns(page)
    for col in PAPER_COLUMNS:
        assert col in columns, (col, columns)


def test_heatmap_cell_click_opens_inspector(goto, page, e2e_runs, artifacts) -> None:
    root, _ = e2e_runs
    known = {r.run_id for r in list_runs([REPO / "data" / "runs", root]) if r.has_sentences}
    goto("dashboard?benchmark=Demo+corpus", expect_text="Paper table")
    _open_tab(page, "All runs of a family")
    _no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(
        has=page.locator(".heatmaplayer")).first
    chart.wait_for()
    # the invisible click targets over the heatmap cells (one per inspectable run)
    points = chart.locator(".scatterlayer .point")
    assert points.count() >= 4
    box = points.first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/inspector\?.*run=.*"), timeout=30_000)
    wait_idle(page)
    run = re.search(r"run=([^&]+)", page.url).group(1)
    assert run in known
    page.get_by_text("Inspector").first.wait_for()
    _no_exception(page)
    page.screenshot(path=str(artifacts / "dashboard_to_inspector.png"), full_page=True)


def _write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_uploaded_markup_token_renders_as_text(goto, page, tmp_path, artifacts) -> None:
    src = _write(tmp_path, "source.conll",
                 "Alice\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\n"
                 "Bob\tB-PER\nlikes\tO\nLisbon\tB-LOC\n")
    tgt = _write(tmp_path, "target.conll",
                 f"{XSS}\tB-PER\nvisitou\tO\nParis\tB-LOC\n.\tO\n\n"
                 "Bob\tB-PER\ngosta\tO\nde\tO\nLisboa\tB-LOC\n")
    al = _write(tmp_path, "links.txt", "0-0 1-1 2-2 3-3\n0-0 1-1 2-3\n")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    goto("your_data", expect_text="Your data")
    _no_exception(page)
    inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    inputs.nth(2).wait_for(state="attached")
    assert inputs.count() == 3
    for k, path in enumerate((src, tgt, al)):
        inputs.nth(k).set_input_files(path)
        page.get_by_text(Path(path).name, exact=True).first.wait_for()
        wait_idle(page)
    try:
        # the summary updates after the last upload: wait until it has read the links file
        page.get_by_text("alignments: 2 lines").first.wait_for(timeout=60_000)
        wait_idle(page)
    finally:
        page.screenshot(path=str(artifacts / "your_data_checked.png"), full_page=True)
    # with an alignment file the uploaded links are the default aligner
    assert page.get_by_text("external (uploaded Pharaoh)").count() >= 1
    page.get_by_role("button", name=re.compile("Run 1 projection")).click()
    page.get_by_text("Open in inspector").first.wait_for(timeout=60_000)
    wait_idle(page)
    _no_exception(page)
    page.get_by_text("Open in inspector").first.click()
    page.wait_for_url(re.compile(r".*/inspector\?.*run=upload-.*"), timeout=30_000)
    wait_idle(page)
    _no_exception(page)
    body = page.inner_text("body")
    assert XSS in body, "the uploaded token must be shown literally"
    assert page.locator('img[src="x"]').count() == 0
    assert not dialogs
    page.screenshot(path=str(artifacts / "your_data_inspector.png"), full_page=True)


@pytest.mark.models
def test_playground_renders_projection(app_url, page, artifacts) -> None:
    page.goto(f"{app_url}/playground")  # the first visit loads the offline models
    page.locator(".pi-links svg line.link").first.wait_for(timeout=180_000)  # the drawing
    page.wait_for_selector(IDLE, timeout=180_000)
    _no_exception(page)
    assert "entities projected" in page.inner_text("body")
    assert page.locator(".pi-links svg line.link").count() >= 3
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # none by default
    page.screenshot(path=str(artifacts / "playground.png"), full_page=True)
