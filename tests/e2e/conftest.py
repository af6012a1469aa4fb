"""Browser-test fixtures: a runs root built with fake components, the app served by Streamlit
on a free 127.0.0.1 port, and Debian's Chromium driven by Playwright's sync API.

Fixtures (every test in tests/e2e is marked ``e2e`` automatically):

- ``e2e_runs`` (session): ``(runs_root, {name: run_id})`` from :func:`app_runs.build_runs`;
- ``app_url`` (session): base URL of the running app, started with ``PROJ_RUNS=<runs_root>``
  (``serve_app(runs_root, workdir)`` starts another server, e.g. to test a fresh one);
- ``browser`` (session) and ``page`` (per test, 1400×1000 viewport);
- ``goto`` (per test): ``goto(path_and_query, expect_text=None)`` loads a URL of the app and
  waits until the script has finished running (and ``expect_text`` is visible);
- ``artifacts``: the directory for screenshots (``test-artifacts/``, git-ignored);
- ``idle``: ``wait_idle(page, expect_text=None)``; ``serve``: ``serve_app`` (a fresh server).

Outside CI the tests skip when ``/usr/bin/chromium`` is missing; in CI that is a failure.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest

from app_runs import build_runs

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from appserver import CHROMIUM, CHROMIUM_ARGS, IDLE, ServerError  # noqa: E402
from appserver import serve as start_app  # noqa: E402

ARTIFACTS = REPO / "test-artifacts"


def pytest_collection_modifyitems(config, items):  # noqa: D103 - pytest hook
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def e2e_runs(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("e2e_runs")
    return root, build_runs(root)


@contextmanager
def serve_app(runs_root: Path, workdir: Path,
              env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free 127.0.0.1 port with ``PROJ_RUNS=runs_root``
    (cache and log under ``workdir``, plus ``env``); yields the base URL; stops the server by
    its pid (bench/appserver.py)."""
    try:
        with start_app(workdir, {"PROJ_RUNS": str(runs_root), "PROJ_CACHE": str(workdir / "cache"),
                             **(env or {})}) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def app_url(e2e_runs, tmp_path_factory) -> Iterator[str]:
    root, _ = e2e_runs
    with serve_app(root, tmp_path_factory.mktemp("e2e_app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if _in_ci():
            pytest.fail(f"{CHROMIUM} not found; CI requires Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        context.close()


def wait_idle(pg, expect_text: str | None = None, timeout: float = 60_000) -> None:
    """Wait until the app script has finished (and ``expect_text`` is visible)."""
    pg.wait_for_selector(IDLE, timeout=timeout)
    if expect_text is not None:
        pg.get_by_text(expect_text, exact=False).first.wait_for(timeout=timeout)
    pg.wait_for_selector(IDLE, timeout=timeout)


@pytest.fixture
def goto(page, app_url) -> Callable[..., object]:
    def _goto(path: str, expect_text: str | None = None):
        page.goto(f"{app_url}/{path.lstrip('/')}")
        wait_idle(page, expect_text)
        return page
    return _goto


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def serve():
    """``serve_app`` for tests that need their own (fresh) server."""
    return serve_app


@pytest.fixture
def idle():
    """``wait_idle(page, expect_text=None)``: wait until the app script has finished."""
    return wait_idle
