"""Playground page (AppTest): markup errors and empty input without a traceback (no models
loaded), the aligner choices, and — with the real offline models — the live projection of
the example, escaping of typed text, the en→pt translate button and spaCy tagging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import state as S
from ui.playground import ME5, aligner_choices

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    for k, v in state.items():
        at.session_state[k] = v
    at.switch_page("pages/playground.py").run()
    assert not at.exception, at.exception
    return at


def _drawings(at: AppTest) -> list:
    """The alignment drawings on the page: SVGs or (with "Interactive figure") Plotly charts."""
    return [m for m in at.markdown if 'class="pi-links"' in m.value] + list(
        at.get("plotly_chart"))


def test_markup_error_is_shown_without_models_or_traceback() -> None:
    at = _page(pg_source="[PER Angela Merkel visited Paris")
    errors = [e.value for e in at.error]
    assert any("English sentence" in e and "character 1 is never closed" in e for e in errors)
    assert not _drawings(at)  # nothing projected, no model loaded
    assert at.multiselect(key="pg_aligners").value == [ME5[0]]


def test_empty_translation_asks_for_one() -> None:
    at = _page(pg_source="[PER Ana] sings", pg_target="   ")
    assert any("type a translation" in e.value for e in at.error)
    assert not _drawings(at)


ME5_SPECS = ["me5-small:itermax", "me5-small:inter", "me5-small:mwmf", "me5-small:awesome"]
#: me5-small-ft: the same methods with the packaged alignment adapter, offered after them
OFFERED = ME5_SPECS + ["me5-small-ft:itermax", "me5-small-ft:inter", "me5-small-ft:mwmf",
                       "me5-small-ft:awesome"]


def test_aligner_choices_offer_eflomal_only_with_a_corpus(tmp_path, monkeypatch) -> None:
    """Expectations written out by hand for each situation (corpus registered or not, datasets
    directory present or not, eflomal program installed or not)."""
    from core.aligners import eflomal_aligner
    from core.errors import ProjectError

    assert list(ME5) == ME5_SPECS
    monkeypatch.setenv("PROJ_DATASETS", str(tmp_path))  # an existing datasets directory
    monkeypatch.setattr(eflomal_aligner, "eflomal_binary", lambda: tmp_path / "eflomal")
    assert aligner_choices("de") == OFFERED + ["eflomal:priors"]
    assert aligner_choices("sw", corpus=True) == OFFERED + ["eflomal"]  # sw -> MAFAND en-swa
    assert aligner_choices("SWA") == OFFERED + ["eflomal:priors"]
    assert aligner_choices("pt") == OFFERED  # no English-Portuguese corpus
    assert aligner_choices("bam") == OFFERED  # MAFAND pairs Bambara with French
    monkeypatch.setenv("PROJ_DATASETS", str(tmp_path / "missing"))
    assert aligner_choices("de") == OFFERED
    monkeypatch.setenv("PROJ_DATASETS", str(tmp_path))

    def no_binary():
        raise ProjectError("eflomal is not installed")

    monkeypatch.setattr(eflomal_aligner, "eflomal_binary", no_binary)
    assert aligner_choices("de", corpus=True) == OFFERED


@pytest.mark.models
def test_live_projection_with_offline_models() -> None:
    at = _page()
    assert not at.error, [e.value for e in at.error]
    svgs = [m.value for m in _drawings(at)]
    assert len(svgs) == 1 and svgs[0].count('<line class="link') >= 3, "the links are drawn"
    assert not at.get("plotly_chart")  # the static drawing needs no figure library
    html = " ".join(h.value for h in at.get("html"))
    assert "3/3 entities projected, F1 100" in html
    # two aligners, two methods: one tab per method, one drawing each
    at.multiselect(key="pg_aligners").select(ME5[1]).run()
    at.multiselect(key="pg_methods").select("candidates-ngram-greedy").run()
    assert not at.exception and not at.error
    assert len(_drawings(at)) == 2
    # "Interactive figure" in one tab swaps its drawing for a Plotly figure with traces
    toggle = next(t for t in at.toggle if t.key.startswith(S.PG_INTERACTIVE))
    toggle.set_value(True).run()
    assert not at.exception
    (chart,) = at.get("plotly_chart")
    assert json.loads(chart.proto.spec)["data"], "the alignment figure has traces"
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
