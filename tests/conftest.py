"""Shared fixtures. Integration tests read ../shared/datasets: outside CI they skip when it is
absent; in CI (CI=true) its absence is a failure, never a silent skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from core.paths import datasets_dir

# Property tests draw the same examples on every run and every machine (no example database):
# a failure reproduces, and a pass does not depend on luck.
settings.register_profile("project", derandomize=True, database=None)
settings.load_profile("project")

#: ui.widgets.RAISE_ENV: the page error guard re-raises unexpected exceptions, so AppTest
#: reports them in ``at.exception`` instead of only showing an error box.
APP_RAISE_ENV = "PROJ_APP_RAISE"


@pytest.fixture(scope="session")
def datasets() -> Path:
    root = datasets_dir()
    if not root.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"shared datasets not found at {root} (set PROJ_DATASETS); CI requires them")
        pytest.skip(f"shared datasets not found at {root}")
    return root


@pytest.fixture(autouse=True)
def _user_runs_root(tmp_path, monkeypatch):
    """Keep tests away from the repository's ./runs (the CLI's and the app's default user
    runs root): in-process code (AppTest included) sees a per-test directory instead."""
    import core.paths

    monkeypatch.setattr(core.paths, "default_runs_root", lambda: tmp_path / "user-runs")


@pytest.fixture(autouse=True)
def _app_raises(monkeypatch):
    """Unexpected exceptions inside a page's ``guard`` fail the AppTest run."""
    monkeypatch.setenv(APP_RAISE_ENV, "1")
