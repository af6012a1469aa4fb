"""Languages for charts: English name, script, family and an approximate resource level.

A view of the language table (:mod:`core.languages`, ``data/languages.tsv``), which says how the
resource level was assigned. Unknown codes get a placeholder entry (:func:`language_info`) with
resource level ``"unknown"`` rather than an error, so runs on new languages still show up.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import languages
from core.languages import RESOURCE_LEVELS

__all__ = ["LANGUAGES", "LanguageInfo", "RESOURCE_LEVELS", "RTL_SCRIPTS", "language_info",
           "resource_rank"]


@dataclass(frozen=True)
class LanguageInfo:
    """One language: ISO code as the datasets use it, English name, script, family, level."""

    code: str
    name: str
    script: str
    family: str
    resource: str


LANGUAGES: dict[str, LanguageInfo] = {
    code: LanguageInfo(code, row.name, row.script, row.family, row.resource)
    for code, row in languages.LANGUAGES.items()}

#: Languages written right to left (for ``dir`` hints where ``dir="auto"`` is not enough).
RTL_SCRIPTS = frozenset({"Arabic", "Hebrew"})


def language_info(code: str | None) -> LanguageInfo:
    """The table entry for ``code`` (case-insensitive); a placeholder for unknown codes."""
    key = (code or "").strip().lower()
    info = LANGUAGES.get(key)
    if info is not None:
        return info
    return LanguageInfo(key or "?", key or "?", "unknown", "unknown", "unknown")


def resource_rank(level: str) -> int:
    """Sort key of a resource level: high < mid < low < unknown."""
    try:
        return RESOURCE_LEVELS.index(level)
    except ValueError:
        return len(RESOURCE_LEVELS)
