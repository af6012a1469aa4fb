"""The inspector and compare pages in headless Chromium: deep links on a fresh server, sentence
navigation updating the URL (with the static alignment drawing and no Plotly loaded), the
highlight picker in the drawing, clicking a word of the interactive figure to highlight its
links, escaping of hostile tokens, and screenshots (test-artifacts/, plus docs/screenshot.png
for the README)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app_runs import XSS
from core.runs import list_runs, read_sentences

REPO = Path(__file__).resolve().parents[2]
README_SHOT = REPO / "docs" / "screenshot.png"


def _params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def _selectbox_value(page, label: str) -> str:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    return box.locator("input").first.input_value()


def test_deep_link_as_first_request_of_a_fresh_server(e2e_runs, serve, browser, idle,
                                                      tmp_path, artifacts) -> None:
    root, ids = e2e_runs
    with serve(root, tmp_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{url}/inspector?run={ids['pt-prefix']}&sid=demo/pt/test:3")
            idle(page, "Sentence demo/pt/test:3")
            # routed through app.py: the sidebar has the navigation and the run roots
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text("Run roots").wait_for()
            sidebar.get_by_text("Compare aligners").wait_for()
            assert _params(page.url)["sid"] == "demo/pt/test:3"
            page.screenshot(path=str(artifacts / "inspector_fresh_deep_link.png"))
        finally:
            context.close()


_PLOTLY_LOADED = """() => performance.getEntriesByType('resource')
    .some(e => /PlotlyChart|plotly/i.test(e.name))"""


def test_inspector_renders_and_next_updates_the_url(goto, e2e_runs, artifacts) -> None:
    _, ids = e2e_runs
    page = goto(f"inspector?run={ids['pt-prefix']}&sid=demo/pt/test:7&sort=index",
                "Sentence demo/pt/test:7")
    page.locator(".pi-links svg text.w-s").first.wait_for()   # the static drawing
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator(".pi-links svg text.w-s").count() > 3
    assert page.locator(".pi-links svg line.link").count() > 3
    page.locator(".pi-ent").first.wait_for()
    assert page.locator(".pi-ent").count() > 3        # entity spans in the sentence HTML
    page.get_by_text("length ratio:").first.wait_for()
    page.screenshot(path=str(artifacts / "inspector_long_sentence.png"))
    page.get_by_role("button", name="next ▶").click()
    page.wait_for_function("() => !location.search.includes('test%3A7') && "
                           "!location.search.includes('test:7')")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    sid = _params(page.url)["sid"]
    assert sid == "demo/pt/test:8"
    page.get_by_text(f"Sentence {sid}").wait_for()
    page.locator(".pi-links svg text.w-s").first.wait_for()
    assert not page.evaluate(_PLOTLY_LOADED), "the default inspector must not load Plotly"


def test_back_from_the_dashboard_the_inspector_is_where_it_was_left(goto, e2e_runs) -> None:
    """Moving between pages with the sidebar (no document reload) keeps the inspector's run and
    sentence: the way bench/app_load.py's sessions work by default."""
    _, ids = e2e_runs
    page = goto(f"inspector?run={ids['pt-prefix']}&sid=demo/pt/test:7&sort=index",
                "Sentence demo/pt/test:7")
    page.get_by_role("button", name="next ▶").click()
    page.get_by_text("Sentence demo/pt/test:8").wait_for()
    nav = page.locator('[data-testid="stSidebarNavLink"]')
    nav.and_(page.locator('[href$="/dashboard"]')).click()
    page.wait_for_function("() => location.pathname.endsWith('/dashboard')")
    page.locator('[data-testid="stHeading"]').get_by_text("Dashboard").first.wait_for()
    nav.and_(page.locator('[href$="/inspector"]')).click()
    page.get_by_text("Sentence demo/pt/test:8").wait_for()
    page.wait_for_function("() => location.search.includes('test%3A8')")
    params = _params(page.url)
    assert params["run"] == ids["pt-prefix"] and params["sid"] == "demo/pt/test:8"
    page.locator(".pi-links svg text.w-s").first.wait_for()


def test_clicking_a_word_highlights_its_links(goto, e2e_runs, idle, artifacts) -> None:
    _, ids = e2e_runs
    page = goto(f"inspector?run={ids['pt-union']}&sid=demo/pt/test:3&view=rows",
                "Sentence demo/pt/test:3")
    page.locator(".pi-links svg").wait_for()
    page.get_by_text("Interactive figure").click()      # the Plotly figure, on request
    chart = page.locator('[data-testid="stPlotlyChart"]')
    chart.locator("g.textpoint text").first.wait_for()
    word = chart.locator("g.textpoint text").filter(has_text=re.compile(r"^Guiana$")).first
    word.scroll_into_view_if_needed()
    box = word.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('focus=')", timeout=15_000)
    idle(page)
    focus = _params(page.url)["focus"]
    assert focus in ("s11", "t12")  # source 'Guiana' (11) or target 'Guiana' (12)
    label = "source word 11: Guiana" if focus == "s11" else "target word 12: Guiana"
    assert _selectbox_value(page, "Highlight links of") == label
    bold = chart.locator("g.textpoint text tspan[style*='bold']")
    assert "Guiana" in bold.all_text_contents()
    page.screenshot(path=str(artifacts / "inspector_focus_click.png"))


def test_highlight_picker_emphasises_links_in_the_drawing(goto, e2e_runs, artifacts) -> None:
    _, ids = e2e_runs
    page = goto(f"inspector?run={ids['pt-union']}&sid=demo/pt/test:3&view=rows&focus=s11",
                "Sentence demo/pt/test:3")
    svg = page.locator(".pi-links svg")
    svg.locator("text.w-s.hot").first.wait_for()
    assert svg.locator("line.link.focus").count() > 0
    words = "els => els.map(e => e.firstChild.textContent)"  # without the <title> tooltip
    assert svg.locator("text.w-s.hot").evaluate_all(words) == ["Guiana"]
    assert "Guiana" in svg.locator("text.w-t.hot").evaluate_all(words)
    assert svg.locator("line.link.faded").count() > 0
    weight = svg.locator("text.w-s.hot").first.evaluate("el => getComputedStyle(el).fontWeight")
    assert int(weight) >= 700
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    svg.screenshot(path=str(artifacts / "inspector_svg_focus.png"))


def test_hostile_tokens_render_as_text(goto, e2e_runs, artifacts) -> None:
    _, ids = e2e_runs
    dialogs: list[str] = []
    page = goto(f"inspector?run={ids['pt-xss']}&sid=xss-1", "Sentence xss-1")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    html = page.locator('[data-testid="stHtml"]')
    html.get_by_text(XSS, exact=True).first.wait_for()       # shown as text in the spans
    page.locator(".pi-links svg text.w").filter(
        has_text=XSS).first.wait_for()                          # and in the drawing
    assert page.locator('img[src="x"]').count() == 0
    assert XSS in _selectbox_value(page, "Sentence")
    goto(f"inspector?run={ids['pt-xss']}&sid=xss-2", "Sentence xss-2")  # a fresh deep link
    html.get_by_text("<b>bold</b>", exact=True).first.wait_for()
    html.get_by_text("&amp;", exact=True).first.wait_for()
    assert page.locator('[data-testid="stHtml"] b').filter(has_text="bold").count() == 0
    assert not dialogs
    page.screenshot(path=str(artifacts / "inspector_escaping.png"))


def test_compare_page_in_the_browser(goto, e2e_runs, artifacts) -> None:
    _, ids = e2e_runs
    runs = f"{ids['pt-diag']},{ids['pt-prefix']}"
    page = goto(f"compare?runs={runs}&sid=demo/pt/test:3", "Sentence demo/pt/test:3")
    page.get_by_text("mean link Jaccard A vs B").wait_for()
    svg = page.locator(".pi-links").first   # the static drawing: no Plotly on the page
    svg.locator("svg text.w-s").first.wait_for()
    assert svg.get_by_text("only A: diag").count() >= 1
    assert svg.locator("line.link").count() > 3
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    page.screenshot(path=str(artifacts / "compare.png"), full_page=True)
    page.get_by_role("link", name="Open in the inspector (run A)").click()
    page.wait_for_function("() => location.pathname.endsWith('/inspector')")
    page.get_by_text("Sentence demo/pt/test:3").wait_for()
    assert _params(page.url)["run"] == ids["pt-diag"]


def _readme_target(default_run: str) -> tuple[str, str]:
    """A committed pt intrinsic run and a short sentence with errors, else the fake run."""
    committed = [r for r in list_runs([REPO / "data" / "runs"]) if r.has_sentences
                 and (r.metrics.get("run") or {}).get("lang") == "pt"
                 and (r.metrics.get("run") or {}).get("pipeline") == "intrinsic"
                 and (r.metrics.get("run") or {}).get("method") == "heuristic"]
    if not committed:
        return default_run, "demo/pt/test:3"
    run = sorted(committed, key=lambda r: ("itermax" not in r.run_id, r.run_id))[0]
    df = read_sentences(run.root, run.run_id)
    short = df[(df["n_source_words"] <= 18) & (df["n_target_words"] <= 20)]
    best = short.sort_values(["errors", "n_source_entities", "index"],
                             ascending=[False, False, True]).iloc[0]
    return run.run_id, str(best["id"])


def test_readme_screenshot(goto, e2e_runs, artifacts) -> None:
    """Screenshot of the inspector for the README. docs/screenshot.png is (re)written when it
    is missing or UPDATE_SCREENSHOT=1; the copy in test-artifacts/ is always written."""
    _, ids = e2e_runs
    run, sid = _readme_target(ids["pt-prefix"])
    page = goto(f"inspector?run={run}&sid={sid}", f"Sentence {sid}")
    page.set_viewport_size({"width": 1400, "height": 1150})
    page.get_by_text(f"Sentence {sid}").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    shot = artifacts / "readme_inspector.png"
    main = page.locator('[data-testid="stMain"]').bounding_box()  # without the sidebar
    assert main is not None
    page.screenshot(path=str(shot), clip={"x": main["x"], "y": 0, "width": main["width"],
                                          "height": 1150})
    assert shot.stat().st_size > 20_000
    if os.environ.get("UPDATE_SCREENSHOT") == "1" or not README_SHOT.exists():
        README_SHOT.parent.mkdir(exist_ok=True)
        README_SHOT.write_bytes(shot.read_bytes())
    if not README_SHOT.exists():
        pytest.fail("docs/screenshot.png was not written")
