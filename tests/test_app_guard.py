"""The page error guard (ui.widgets.guard) must not hide exceptions from AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import widgets

APP = Path(__file__).resolve().parent.parent / "app.py"
CONFTEST_ENV = "PROJ_APP_RAISE"  # tests/conftest.py sets it for every test


def _guarded_script() -> None:
    import streamlit as st

    from core.errors import ProjectError
    from ui.widgets import guard

    with guard("the user-error block"):
        raise ProjectError("bad setting", setting="lang")
    with guard("the test page"):
        raise RuntimeError("boom from the page")
    st.write("after the guarded blocks")


def test_a_page_that_raises_fails_the_apptest_run(monkeypatch) -> None:
    """The app with a crashing run loader (the sidebar and the home page use it): AppTest
    reports the exception."""
    import ui.runs

    def crash(*args, **kwargs):
        raise RuntimeError("loader crashed")

    monkeypatch.setattr(ui.runs, "all_runs", crash)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert at.exception, "the guard hid the exception from AppTest"
    assert any("loader crashed" in e.message for e in at.exception)
    # the user still saw the friendly message before the re-raise
    assert any(e.value.startswith("Unexpected error in the ") for e in at.error)


def test_guard_reraises_only_unexpected_errors_under_the_tests() -> None:
    assert widgets.RAISE_ENV == CONFTEST_ENV
    at = AppTest.from_function(_guarded_script, default_timeout=30).run()
    assert [e.message for e in at.exception] == ["boom from the page"]
    assert any("bad setting" in e.value for e in at.error)  # user errors stay error boxes
    assert not any("after the guarded blocks" in m.value for m in at.markdown)


def test_guard_shows_errors_without_traceback_in_the_app(monkeypatch) -> None:
    """Without the test flag (a served app) nothing escapes: two error boxes, page goes on."""
    monkeypatch.delenv(CONFTEST_ENV)
    at = AppTest.from_function(_guarded_script, default_timeout=30).run()
    assert not at.exception
    assert [e.value.split(":")[0] for e in at.error] == [
        "setting 'lang'", "Unexpected error in the test page"]
    assert any("after the guarded blocks" in m.value for m in at.markdown)
