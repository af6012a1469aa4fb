"""An imported Easy-Label-Projection run in headless Chromium: the inspector shows its links and
projections, and — the files have no target gold — no outcome column, filter, badge, legend
entry or F1 pretending there is gold. Screenshot: test-artifacts/inspector_imported_elp.png
(1400 px wide) and inspector_imported_elp_sentence.png (the sentence)."""

from __future__ import annotations

from pathlib import Path

from core.importers import write_imported
from core.importers.elp import import_elp

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "importers"
OUTCOMES = ("spurious", "wrong type", "boundary", "missed")


def test_imported_elp_run_in_the_inspector(serve, browser, idle, tmp_path, artifacts) -> None:
    root = tmp_path / "runs"
    imp = import_elp(FIX / "en.conll", FIX / "elp.de.tsv", FIX / "elp.de.talp", lang="de")
    run_id = write_imported(imp, root, name="elp-e2e").name
    with serve(root, tmp_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{url}/inspector?run={run_id}&sid=en:2")
            idle(page, "Sentence en:2")
            page.get_by_text("Imported from").first.wait_for()
            page.get_by_text("no gold for its target sentences").first.wait_for()
            svg = page.locator(".pi-links svg").first  # the static drawing (no Plotly)
            svg.locator("text.w-t").filter(has_text="Brüssel").first.wait_for()
            # the links are drawn: the aligner's links as lines
            assert svg.locator("line.link").count() >= 1
            # projections: source entities and the projected spans in the sentence HTML
            ents = page.locator(".pi-ent")
            ents.nth(3).wait_for()  # the sentence HTML may be drawn after the SVG
            assert ents.count() >= 4
            assert page.locator(".pi-legend-nogold").count() == 1
            page.get_by_text("Europäische Union").filter(visible=True).first.wait_for()
            text = page.locator('[data-testid="stMain"]').inner_text().lower()
            for word in OUTCOMES:
                assert word not in text, f"outcome {word!r} shown without gold"
            assert "error category" not in text
            labels = [x.inner_text() for x in
                      page.locator('[data-testid="stMetricLabel"]').all()]
            assert labels and not {"F1", "TP", "FP", "FN"} & {x.strip() for x in labels}
            assert "why" in text and "projected" in text
            page.screenshot(path=str(artifacts / "inspector_imported_elp.png"))
            page.set_viewport_size({"width": 1400, "height": 2600})  # the whole page
            idle(page)
            page.screenshot(path=str(artifacts / "inspector_imported_elp_sentence.png"))
        finally:
            context.close()
