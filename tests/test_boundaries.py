"""Import boundaries, read from the source with ``ast`` (lazy imports inside functions count):

- ``core`` never imports Streamlit (the core is usable without the app);
- the app (``ui``, ``pages``, ``app.py``) never imports the command line ``core.cli``;
- ``bench`` never imports the test suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.paths import REPO_ROOT

def imported_modules(source: str, filename: str = "<source>") -> set[str]:
    """Every module an ``import``/``from ... import`` anywhere in ``source`` names, including
    ``package.name`` for ``from package import name`` (it may be a submodule)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _files(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        path = REPO_ROOT / part
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    assert out, parts
    return out


def _violations(files: list[Path], banned) -> dict[str, list[str]]:
    bad = {}
    for f in files:
        mods = sorted(m for m in imported_modules(f.read_text(encoding="utf-8"), str(f))
                      if banned(m))
        if mods:
            bad[f.relative_to(REPO_ROOT).as_posix()] = mods
    return bad


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_scanner_sees_lazy_and_from_imports() -> None:
    src = ("import os\n"
           "def f():\n"
           "    from core import cli\n"
           "    if True:\n"
           "        import streamlit.components.v1 as c\n"
           "class A:\n"
           "    def g(self):\n"
           "        from tests.test_x import ROWS\n"
           "from . import sibling\n")
    mods = imported_modules(src)
    assert {"os", "core", "core.cli", "streamlit.components.v1", "tests.test_x",
            "tests.test_x.ROWS"} <= mods
    assert not any("sibling" in m for m in mods)  # relative: inside its own package


def test_core_never_imports_streamlit() -> None:
    assert _violations(_files("core"), lambda m: _under(m, "streamlit")) == {}


def test_the_app_never_imports_the_cli() -> None:
    assert _violations(_files("ui", "pages", "app.py"), lambda m: _under(m, "core.cli")) == {}


#: Modules of the test suite importable by their bare name (pytest puts tests/ on sys.path).
TEST_MODULES = frozenset(p.stem for p in (REPO_ROOT / "tests").rglob("*.py"))


def _imports_tests(module: str) -> bool:
    top = module.split(".")[0]
    return _under(module, "tests") or top.startswith("test_") or top in TEST_MODULES


def test_a_helper_module_of_the_suite_counts_as_the_suite() -> None:
    helpers = {m for m in TEST_MODULES if not m.startswith("test_")}
    assert "conftest" in helpers and len(helpers) > 1  # conftest and helpers such as app_runs
    assert all(_imports_tests(m) and _imports_tests(f"{m}.name") for m in helpers)
    assert not _imports_tests("bench.slurm_cluster")


def test_bench_never_imports_tests() -> None:
    assert _violations(_files("bench"), _imports_tests) == {}


@pytest.mark.parametrize("module,banned", [("streamlit", True), ("streamlit.testing.v1", True),
                                           ("streamlit_extras", False)])
def test_package_match_is_exact(module: str, banned: bool) -> None:
    assert _under(module, "streamlit") is banned
