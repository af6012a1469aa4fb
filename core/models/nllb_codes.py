"""Language codes: the ISO codes our datasets use -> NLLB-200 codes (``swh_Latn``, ``por_Latn``).

The codes come from the language table (:mod:`core.languages`, ``data/languages.tsv``), which
covers every language of the paper (the 39 XTREME PAN-X languages, the 18 MasakhaNER2
languages, Europarl de/es/it) plus English, Portuguese and French, and every other language
folder of the shared datasets (the extra WikiANN languages, Amharic). Keys are the codes the
datasets use: two-letter ISO 639-1 for WikiANN/XTREME, three-letter ISO 639-3 for MasakhaNER2.
:func:`nllb_code` also accepts

- an NLLB code itself (``yor_Latn``): passed through unchanged;
- the table's ISO 639-1/639-3 and other codes of a row (``bm``, ``ara``, ``fas``, ``ger``) and
  the three-letter prefix of an NLLB code (``deu``, ``arb``, ``swh``);
- a region/script suffix (``pt-BR``, ``pt_BR``, ``zh-TW``): the suffix is ignored, except that
  Traditional Chinese (``zh-TW``, ``zh-Hant``, ``zh-HK``) maps to ``zho_Hant``;
- any letter case.

MasakhaNER2's Ghomálá' (``bbj``) and Nigerian Pidgin (``pcm``) have no NLLB-200 code (the paper
leaves them out for that reason); asking for them raises :class:`ProjectError` saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core import languages
from core.errors import ProjectError

_NLLB_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


@dataclass(frozen=True)
class Language:
    """One table entry: the dataset code, its NLLB-200 code and an English name."""

    code: str
    nllb: str
    name: str


#: Dataset code -> language, for every row of the language table (:mod:`core.languages`,
#: ``data/languages.tsv``) that has an NLLB-200 code.
LANGUAGES: dict[str, Language] = {code: Language(code, row.nllb, row.name)
                                  for code, row in languages.LANGUAGES.items() if row.nllb}

#: Other spellings users and files use -> table key (the table's ISO and other codes).
ALIASES: dict[str, str] = {alias: code for alias, code in languages.alias_index().items()
                           if code in LANGUAGES}

#: Languages of our datasets that NLLB-200 does not cover, with the reason shown to the user.
UNSUPPORTED: dict[str, str] = {code: f"{row.name} ({code}) is not one of NLLB-200's languages"
                               for code, row in languages.LANGUAGES.items() if not row.nllb}

_TRADITIONAL_ZH = {"tw", "hk", "mo", "hant"}

#: The languages the paper evaluates, per dataset (from its released result CSVs).
PAPER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "xtreme": ("af", "ar", "bg", "bn", "de", "el", "es", "et", "eu", "fa", "fi", "fr", "he",
               "hi", "hu", "id", "it", "ja", "jv", "ka", "kk", "ko", "ml", "mr", "ms", "my",
               "nl", "pt", "ru", "sw", "ta", "te", "th", "tl", "tr", "ur", "vi", "yo", "zh"),
    "masakhaner2": ("bam", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos", "nya",
                    "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul"),
    "europarl": ("de", "es", "it"),
}


def _by_prefix() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, lang in LANGUAGES.items():
        out.setdefault(lang.nllb.split("_")[0], key)
    return out


_NLLB_PREFIX = _by_prefix()


def is_nllb_code(code: str) -> bool:
    """True for strings shaped like an NLLB code (``xxx_Xxxx``); not a check against a model."""
    return bool(_NLLB_RE.match(code))


def lookup(lang: str) -> Language:
    """The table entry for ``lang`` (see module docstring for accepted spellings)."""
    raw = lang.strip()
    if is_nllb_code(raw):
        for entry in LANGUAGES.values():
            if entry.nllb == raw:
                return entry
        return Language(raw, raw, raw)
    low = raw.lower().replace("_", "-")
    base, _, region = low.partition("-")
    if base in UNSUPPORTED:
        raise ProjectError(f"language {lang!r}: {UNSUPPORTED[base]}", setting="language",
                           hint="pick another language or a model that covers it")
    if base in ("zh", "zho", "chi", "cmn") and region in _TRADITIONAL_ZH:
        return Language(raw, "zho_Hant", "Chinese (Traditional)")
    key = base if base in LANGUAGES else ALIASES.get(base) or _NLLB_PREFIX.get(base)
    if key is None:
        raise ProjectError(
            f"unknown language code {lang!r}", setting="language",
            hint=f"use an NLLB code such as 'yor_Latn' or one of: {', '.join(sorted(LANGUAGES))}")
    return LANGUAGES[key]


def nllb_code(lang: str) -> str:
    """NLLB-200 code for ``lang``: ``nllb_code("pt") == "por_Latn"``, ``nllb_code("swa") ==
    "swh_Latn"``. Raises :class:`ProjectError` (listing the known codes) for unknown codes."""
    return lookup(lang).nllb


def base_code(lang: str) -> str:
    """Our table key for ``lang`` (``"pt-BR"`` -> ``"pt"``, ``"por_Latn"`` -> ``"pt"``)."""
    return lookup(lang).code
