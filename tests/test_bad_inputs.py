"""The bad-input matrix of :mod:`bench.bad_inputs` (issue 7), one test per row."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bad_inputs import ROWS, Row, run_row
from core.paths import REPO_ROOT


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(row: Row, tmp_path: Path) -> None:
    run_row(row, tmp_path)


def test_rows_are_unique_and_documented() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
    doc = (REPO_ROOT / "docs" / "robustness.md").read_text("utf-8")
    undocumented = [i for i in ids if f"`{i}`" not in doc]
    assert not undocumented, f"rows missing from docs/robustness.md: {undocumented}"
