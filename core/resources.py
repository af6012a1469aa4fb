"""Languages of the paper's datasets: name, script, family and an approximate resource level.

Covers the 39 target languages of XTREME PAN-X (plus English), the 18 MasakhaNER 2.0 languages
(three-letter codes, as that dataset names them), the Europarl-NER languages and the demo
corpus languages. Written by hand from general linguistic knowledge; the resource level is
**approximate**: a coarse three-way grouping in the spirit of Joshi et al. (2020, "The State and
Fate of Linguistic Diversity") where "high" stands for their classes 4-5 (plenty of labelled and
unlabelled data), "mid" for class 3 (plenty of raw text, few labelled resources) and "low" for
classes 0-2. It is meant for grouping charts, not as a measurement.

Unknown codes get a placeholder entry (:func:`language_info`) with resource level
``"unknown"`` rather than an error, so runs on new languages still show up.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Resource levels in display order.
RESOURCE_LEVELS = ("high", "mid", "low", "unknown")


@dataclass(frozen=True)
class LanguageInfo:
    """One language: ISO code as the datasets use it, English name, script, family, level."""

    code: str
    name: str
    script: str
    family: str
    resource: str


_IE = "Indo-European"
_NC = "Niger-Congo"
# code: (name, script, family, resource level)
_TABLE: dict[str, tuple[str, str, str, str]] = {
    # --- English (source side) and the Europarl / demo languages
    "en": ("English", "Latin", f"{_IE} (Germanic)", "high"),
    "de": ("German", "Latin", f"{_IE} (Germanic)", "high"),
    "es": ("Spanish", "Latin", f"{_IE} (Romance)", "high"),
    "fr": ("French", "Latin", f"{_IE} (Romance)", "high"),
    "it": ("Italian", "Latin", f"{_IE} (Romance)", "high"),
    "pt": ("Portuguese", "Latin", f"{_IE} (Romance)", "high"),
    "sw": ("Swahili", "Latin", f"{_NC} (Bantu)", "low"),
    # --- XTREME PAN-X (the remaining target languages)
    "af": ("Afrikaans", "Latin", f"{_IE} (Germanic)", "mid"),
    "ar": ("Arabic", "Arabic", "Afro-Asiatic (Semitic)", "high"),
    "bg": ("Bulgarian", "Cyrillic", f"{_IE} (Slavic)", "mid"),
    "bn": ("Bengali", "Bengali", f"{_IE} (Indo-Aryan)", "mid"),
    "el": ("Greek", "Greek", f"{_IE} (Hellenic)", "mid"),
    "et": ("Estonian", "Latin", "Uralic (Finnic)", "mid"),
    "eu": ("Basque", "Latin", "Basque (isolate)", "mid"),
    "fa": ("Persian", "Arabic", f"{_IE} (Iranian)", "high"),
    "fi": ("Finnish", "Latin", "Uralic (Finnic)", "high"),
    "he": ("Hebrew", "Hebrew", "Afro-Asiatic (Semitic)", "mid"),
    "hi": ("Hindi", "Devanagari", f"{_IE} (Indo-Aryan)", "high"),
    "hu": ("Hungarian", "Latin", "Uralic (Ugric)", "high"),
    "id": ("Indonesian", "Latin", "Austronesian", "mid"),
    "ja": ("Japanese", "Kanji/Kana", "Japonic", "high"),
    "jv": ("Javanese", "Latin", "Austronesian", "low"),
    "ka": ("Georgian", "Georgian", "Kartvelian", "mid"),
    "kk": ("Kazakh", "Cyrillic", "Turkic", "mid"),
    "ko": ("Korean", "Hangul", "Koreanic", "high"),
    "ml": ("Malayalam", "Malayalam", "Dravidian", "low"),
    "mr": ("Marathi", "Devanagari", f"{_IE} (Indo-Aryan)", "low"),
    "ms": ("Malay", "Latin", "Austronesian", "mid"),
    "my": ("Burmese", "Myanmar", "Sino-Tibetan", "low"),
    "nl": ("Dutch", "Latin", f"{_IE} (Germanic)", "high"),
    "ru": ("Russian", "Cyrillic", f"{_IE} (Slavic)", "high"),
    "ta": ("Tamil", "Tamil", "Dravidian", "mid"),
    "te": ("Telugu", "Telugu", "Dravidian", "low"),
    "th": ("Thai", "Thai", "Kra-Dai", "mid"),
    "tl": ("Tagalog", "Latin", "Austronesian", "mid"),
    "tr": ("Turkish", "Latin", "Turkic", "high"),
    "ur": ("Urdu", "Arabic", f"{_IE} (Indo-Aryan)", "mid"),
    "vi": ("Vietnamese", "Latin", "Austroasiatic", "high"),
    "yo": ("Yoruba", "Latin", f"{_NC} (Volta-Niger)", "low"),
    "zh": ("Chinese", "Han", "Sino-Tibetan", "high"),
    # --- MasakhaNER 2.0 (ISO 639-3 codes)
    "bam": ("Bambara", "Latin", "Mande", "low"),
    "ewe": ("Ewe", "Latin", f"{_NC} (Gbe)", "low"),
    "fon": ("Fon", "Latin", f"{_NC} (Gbe)", "low"),
    "hau": ("Hausa", "Latin", "Afro-Asiatic (Chadic)", "low"),
    "ibo": ("Igbo", "Latin", f"{_NC} (Volta-Niger)", "low"),
    "kin": ("Kinyarwanda", "Latin", f"{_NC} (Bantu)", "low"),
    "lug": ("Luganda", "Latin", f"{_NC} (Bantu)", "low"),
    "luo": ("Dholuo", "Latin", "Nilo-Saharan (Nilotic)", "low"),
    "mos": ("Mossi", "Latin", f"{_NC} (Gur)", "low"),
    "nya": ("Chichewa", "Latin", f"{_NC} (Bantu)", "low"),
    "sna": ("Shona", "Latin", f"{_NC} (Bantu)", "low"),
    "swa": ("Swahili", "Latin", f"{_NC} (Bantu)", "low"),
    "tsn": ("Setswana", "Latin", f"{_NC} (Bantu)", "low"),
    "twi": ("Twi", "Latin", f"{_NC} (Kwa)", "low"),
    "wol": ("Wolof", "Latin", f"{_NC} (Atlantic)", "low"),
    "xho": ("isiXhosa", "Latin", f"{_NC} (Bantu)", "low"),
    "yor": ("Yoruba", "Latin", f"{_NC} (Volta-Niger)", "low"),
    "zul": ("isiZulu", "Latin", f"{_NC} (Bantu)", "low"),
}

LANGUAGES: dict[str, LanguageInfo] = {code: LanguageInfo(code, *row)
                                      for code, row in _TABLE.items()}

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
