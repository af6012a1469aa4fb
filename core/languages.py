"""The one language table: ``data/languages.tsv`` (tab-separated, one header line).

Columns, one row per language code our datasets use:

=================  ===========================================================================
``code``           the key: the code the datasets use (two-letter ISO 639-1 for WikiANN/XTREME,
                   Europarl, the demo corpus; three-letter ISO 639-3 for MasakhaNER 2.0 and
                   MAFAND-MT). Swahili and Yoruba have both (``sw``/``swa``, ``yo``/``yor``).
``name``           English name
``iso639_1``       two-letter code, empty when the language has none
``iso639_3``       three-letter code (individual or macro-language)
``other_codes``    further spellings, space-separated (ISO 639-2/B such as ``ger``, individual
                   codes such as ``cmn``)
``nllb``           NLLB-200 code (``swh_Latn``); empty for languages NLLB-200 lacks
``script``         writing system
``family``         language family (branch in parentheses)
``resource``       ``high``/``mid``/``low``, approximate (see below), or ``unknown``
``parallel_corpus`` the English–X (or French–X) parallel text among the shared datasets, as
                   ``<dataset>:<src>-<tgt>`` (``mafand_mt:en-swa``); empty when there is none
=================  ===========================================================================

The resource level is a coarse three-way grouping in the spirit of Joshi et al. (2020, "The
State and Fate of Linguistic Diversity"): "high" for their classes 4-5, "mid" for class 3, "low"
for classes 0-2. It was written by hand for the languages of the paper's datasets and is meant
for grouping charts, not as a measurement; the other languages are ``unknown``.

:func:`get` looks a code up as a key; :func:`resolve` also accepts the ISO and other codes of a
row (``am`` -> ``amh``, ``ara`` -> ``ar``), a key always winning over another row's alias.
:mod:`core.resources` and :mod:`core.models.nllb_codes` are views of this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import ProjectError
from core.paths import REPO_ROOT

TABLE_FILE = REPO_ROOT / "data" / "languages.tsv"
COLUMNS = ("code", "name", "iso639_1", "iso639_3", "other_codes", "nllb", "script", "family",
           "resource", "parallel_corpus")
#: Resource levels in display order.
RESOURCE_LEVELS = ("high", "mid", "low", "unknown")

_CODE_RE = re.compile(r"^[a-z]{2,3}$")
_NLLB_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
_CORPUS_RE = re.compile(r"^[a-z0-9_]+:[a-z]{2,3}-[a-z]{2,3}$")


@dataclass(frozen=True)
class LanguageRow:
    """One row of the table (empty cells are ``None``)."""

    code: str
    name: str
    iso639_1: str | None
    iso639_3: str
    other_codes: tuple[str, ...]
    nllb: str | None
    script: str
    family: str
    resource: str
    parallel_corpus: str | None

    @property
    def corpus(self) -> tuple[str, str, str] | None:
        """``(dataset, source language, target language)`` of the parallel corpus, or None."""
        if self.parallel_corpus is None:
            return None
        dataset, _, pair = self.parallel_corpus.partition(":")
        src, _, tgt = pair.partition("-")
        return dataset, src, tgt

    @property
    def aliases(self) -> tuple[str, ...]:
        """Codes other than the key that name this language."""
        codes = (self.iso639_1, self.iso639_3, *self.other_codes)
        return tuple(dict.fromkeys(c for c in codes if c and c != self.code))


def _row(cells: list[str], path: Path, n: int) -> LanguageRow:
    def bad(what: str) -> ProjectError:
        return ProjectError(what, path=path, line=n)

    if len(cells) != len(COLUMNS):
        raise bad(f"expected {len(COLUMNS)} tab-separated cells, got {len(cells)}")
    v = dict(zip(COLUMNS, (c.strip() for c in cells)))
    other = tuple(v["other_codes"].split())
    for code in (v["code"], v["iso639_3"], *other, *([v["iso639_1"]] if v["iso639_1"] else [])):
        if not _CODE_RE.match(code):
            raise bad(f"{code!r} is not a lowercase two- or three-letter code")
    if v["iso639_1"] and len(v["iso639_1"]) != 2 or len(v["iso639_3"]) != 3:
        raise bad("iso639_1 must have two letters and iso639_3 three")
    if v["nllb"] and not _NLLB_RE.match(v["nllb"]):
        raise bad(f"{v['nllb']!r} is not an NLLB code like 'swh_Latn'")
    if v["resource"] not in RESOURCE_LEVELS:
        raise bad(f"resource {v['resource']!r} is not one of {', '.join(RESOURCE_LEVELS)}")
    if v["parallel_corpus"] and not _CORPUS_RE.match(v["parallel_corpus"]):
        raise bad(f"parallel_corpus {v['parallel_corpus']!r}: expected '<dataset>:<src>-<tgt>'")
    if not (v["name"] and v["script"] and v["family"]):
        raise bad("name, script and family must not be empty")
    return LanguageRow(v["code"], v["name"], v["iso639_1"] or None, v["iso639_3"], other,
                       v["nllb"] or None, v["script"], v["family"], v["resource"],
                       v["parallel_corpus"] or None)


def read_table(path: str | Path = TABLE_FILE) -> dict[str, LanguageRow]:
    """The table as ``{code: row}`` in file order. A malformed row, a repeated code or an alias
    shared by two rows raises :class:`ProjectError` naming the file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ProjectError("language table not found", path=path) from None
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise ProjectError(f"the header must be the columns {', '.join(COLUMNS)} "
                           "separated by tabs", path=path, line=1)
    rows: dict[str, LanguageRow] = {}
    owner: dict[str, tuple[str, int]] = {}
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        row = _row(line.split("\t"), path, n)
        if row.code in rows:
            raise ProjectError(f"code {row.code!r} is listed twice", path=path, line=n)
        rows[row.code] = row
        for alias in row.aliases:
            if alias in owner and owner[alias][0] != row.code:
                raise ProjectError(f"alias {alias!r} also names {owner[alias][0]!r} "
                                   f"(line {owner[alias][1]})", path=path, line=n)
            owner[alias] = (row.code, n)
    return rows


#: Every row, keyed by code, in file order.
LANGUAGES: dict[str, LanguageRow] = read_table()


def alias_index(table: dict[str, LanguageRow] | None = None) -> dict[str, str]:
    """``{alias: code}`` for every alias that is not itself a key of the table."""
    table = LANGUAGES if table is None else table
    return {alias: row.code for row in table.values() for alias in row.aliases
            if alias not in table}


_ALIASES = alias_index()


def get(code: str | None) -> LanguageRow | None:
    """The row keyed ``code`` (case-insensitive, surrounding spaces ignored), or None."""
    return LANGUAGES.get((code or "").strip().lower())


def resolve(code: str | None) -> LanguageRow | None:
    """Like :func:`get`, and also through the aliases (``am`` -> ``amh``); None if unknown."""
    key = (code or "").strip().lower()
    row = LANGUAGES.get(key)
    if row is None and key in _ALIASES:
        row = LANGUAGES[_ALIASES[key]]
    return row
