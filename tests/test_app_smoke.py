"""The app starts on a fresh clone and renders its home page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def test_home_page_renders_without_exception() -> None:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception
    assert any("Projection Inspector" in t.value for t in at.title)
