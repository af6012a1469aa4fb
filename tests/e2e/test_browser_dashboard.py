"""Real-browser tests of the dashboard, Your-data and Playground pages (headless Chromium).

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


def test_heatmap_cell_click_opens_inspector(goto, page, e2e_runs, artifacts) -> None:
    root, _ = e2e_runs
    known = {r.run_id for r in list_runs([REPO / "data" / "runs", root]) if r.has_sentences}
    goto("dashboard", expect_text="Languages × methods")
    _no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
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
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=180_000)
    page.wait_for_selector(IDLE, timeout=180_000)
    _no_exception(page)
    assert "entities projected" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "playground.png"), full_page=True)
