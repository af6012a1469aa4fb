"""Playground page (AppTest): markup errors and empty input without a traceback (no models
loaded), the aligner choices, and — with the real offline models — the live projection of
the example, escaping of typed text, the en→pt translate button and spaCy tagging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.playground import EFLOMAL_PRIORS, ME5, aligner_choices, eflomal_available

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    for k, v in state.items():
        at.session_state[k] = v
    at.switch_page("pages/playground.py").run()
    assert not at.exception, at.exception
    return at


def test_markup_error_is_shown_without_models_or_traceback() -> None:
    at = _page(pg_source="[PER Angela Merkel visited Paris")
    errors = [e.value for e in at.error]
    assert any("English sentence" in e and "character 1 is never closed" in e for e in errors)
    assert not at.get("plotly_chart")  # nothing projected, no model loaded
    assert at.multiselect(key="pg_aligners").value == [ME5[0]]


def test_empty_translation_asks_for_one() -> None:
    at = _page(pg_source="[PER Ana] sings", pg_target="   ")
    assert any("type a translation" in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_aligner_choices_offer_eflomal_only_with_a_corpus() -> None:
    assert aligner_choices("pt") == list(ME5)  # no English-Portuguese corpus
    assert (EFLOMAL_PRIORS in aligner_choices("de")) == eflomal_available("de")
    assert aligner_choices("sw", corpus=True)[-1] == ("eflomal" if eflomal_available("sw")
                                                      else ME5[-1])


@pytest.mark.models
def test_live_projection_with_offline_models() -> None:
    at = _page()
    assert not at.error, [e.value for e in at.error]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"], "the alignment figure has traces"
    html = " ".join(h.value for h in at.get("html"))
    assert "3/3 entities projected, F1 100" in html
    # two aligners, two methods: one tab per method, one figure each
    at.multiselect(key="pg_aligners").select(ME5[1]).run()
    at.multiselect(key="pg_methods").select("candidates-ngram-greedy").run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 2
    # typed text is escaped in the HTML views
    at.text_area(key="pg_target").input("[PER <img src=x onerror=alert(1)>] visitou Paris .")
    at.run()
    assert not at.exception
    html = " ".join(h.value for h in at.get("html"))
    # split into words "<", "img", "src", ... each escaped; no raw tag reaches the page
    assert "&lt;</span>" in html and "<img" not in html and "onerror=" not in html
    # the translate button fills the translation with the offline model's output
    at.button(key="pg_translate").click().run()
    target = at.session_state["pg_target"]
    assert target and "[" not in target and "Merkel" in target
    # spaCy tags the English sentence instead of the markup
    at.toggle(key="pg_use_tagger").set_value(True).run()
    assert not at.exception and not at.error
    assert "entities from spaCy" in " ".join(h.value for h in at.get("html"))
