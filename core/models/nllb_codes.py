"""Language codes: the ISO codes our datasets use -> NLLB-200 codes (``swh_Latn``, ``por_Latn``).

The table covers every language of the paper (the 39 XTREME PAN-X languages, the 18
MasakhaNER2 languages, Europarl de/es/it) plus English, Portuguese and French, and every other
language folder of the shared datasets (the extra WikiANN languages, Amharic). Keys are the
codes the datasets use: two-letter ISO 639-1 for WikiANN/XTREME, three-letter ISO 639-3 for
MasakhaNER2. :func:`nllb_code` also accepts

- an NLLB code itself (``yor_Latn``): passed through unchanged;
- the three-letter prefix of an NLLB code (``deu``, ``arb``, ``swh``) and a few ISO 639-3
  macro-language codes (``ara``, ``fas``, ``msa``, ``zho``);
- a region/script suffix (``pt-BR``, ``pt_BR``, ``zh-TW``): the suffix is ignored, except that
  Traditional Chinese (``zh-TW``, ``zh-Hant``, ``zh-HK``) maps to ``zho_Hant``;
- any letter case.

MasakhaNER2's Ghomálá' (``bbj``) and Nigerian Pidgin (``pcm``) have no NLLB-200 code (the paper
leaves them out for that reason); asking for them raises :class:`ProjectError` saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import ProjectError

_NLLB_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


@dataclass(frozen=True)
class Language:
    """One table entry: the dataset code, its NLLB-200 code and an English name."""

    code: str
    nllb: str
    name: str


def _table(rows: str) -> dict[str, Language]:
    out: dict[str, Language] = {}
    for line in rows.strip().splitlines():
        code, nllb, name = (part.strip() for part in line.split("|"))
        out[code] = Language(code, nllb, name)
    return out


#: Dataset code -> language. Two-letter codes: WikiANN / XTREME PAN-X, Europarl, English,
#: Portuguese, French. Three-letter codes: MasakhaNER2 and the WikiANN African splits.
LANGUAGES: dict[str, Language] = _table("""
af  | afr_Latn | Afrikaans
ar  | arb_Arab | Arabic (Modern Standard)
az  | azj_Latn | Azerbaijani (North)
bg  | bul_Cyrl | Bulgarian
bn  | ben_Beng | Bengali
de  | deu_Latn | German
el  | ell_Grek | Greek
en  | eng_Latn | English
es  | spa_Latn | Spanish
et  | est_Latn | Estonian
eu  | eus_Latn | Basque
fa  | pes_Arab | Persian (Western)
fi  | fin_Latn | Finnish
fr  | fra_Latn | French
gu  | guj_Gujr | Gujarati
he  | heb_Hebr | Hebrew
hi  | hin_Deva | Hindi
hu  | hun_Latn | Hungarian
id  | ind_Latn | Indonesian
it  | ita_Latn | Italian
ja  | jpn_Jpan | Japanese
jv  | jav_Latn | Javanese
ka  | kat_Geor | Georgian
kk  | kaz_Cyrl | Kazakh
ko  | kor_Hang | Korean
lt  | lit_Latn | Lithuanian
ml  | mal_Mlym | Malayalam
mr  | mar_Deva | Marathi
ms  | zsm_Latn | Malay (Standard)
my  | mya_Mymr | Burmese
nl  | nld_Latn | Dutch
pa  | pan_Guru | Punjabi (Eastern)
pl  | pol_Latn | Polish
pt  | por_Latn | Portuguese
qu  | quy_Latn | Quechua (Ayacucho)
ro  | ron_Latn | Romanian
ru  | rus_Cyrl | Russian
sw  | swh_Latn | Swahili
ta  | tam_Taml | Tamil
te  | tel_Telu | Telugu
th  | tha_Thai | Thai
tl  | tgl_Latn | Tagalog
tr  | tur_Latn | Turkish
uk  | ukr_Cyrl | Ukrainian
ur  | urd_Arab | Urdu
vi  | vie_Latn | Vietnamese
yo  | yor_Latn | Yoruba
zh  | zho_Hans | Chinese (Simplified)
amh | amh_Ethi | Amharic
bam | bam_Latn | Bambara
ewe | ewe_Latn | Ewe
fon | fon_Latn | Fon
hau | hau_Latn | Hausa
ibo | ibo_Latn | Igbo
kin | kin_Latn | Kinyarwanda
lug | lug_Latn | Luganda
luo | luo_Latn | Luo (Dholuo)
mos | mos_Latn | Mossi
nya | nya_Latn | Chichewa
sna | sna_Latn | Shona
swa | swh_Latn | Swahili
tsn | tsn_Latn | Setswana
twi | twi_Latn | Twi
wol | wol_Latn | Wolof
xho | xho_Latn | Xhosa
yor | yor_Latn | Yoruba
zul | zul_Latn | Zulu
""")

#: Other spellings users and files use -> table key.
ALIASES: dict[str, str] = {
    # ISO 639-1 codes of the MasakhaNER2 / African languages
    "am": "amh", "bm": "bam", "ee": "ewe", "ha": "hau", "ig": "ibo", "rw": "kin", "lg": "lug",
    "ny": "nya", "sn": "sna", "tn": "tsn", "tw": "twi", "wo": "wol", "xh": "xho", "zu": "zul",
    # ISO 639-3 / 639-2 codes (individual and macro-language) of the two-letter entries
    "ara": "ar", "aze": "az", "fas": "fa", "per": "fa", "msa": "ms", "may": "ms", "zlm": "ms",
    "zho": "zh", "chi": "zh", "cmn": "zh", "que": "qu", "ekk": "et", "fil": "tl", "ger": "de",
    "fre": "fr", "dut": "nl", "gre": "el", "baq": "eu", "geo": "ka", "bur": "my", "rum": "ro",
}

#: Languages of our datasets that NLLB-200 does not cover, with the reason shown to the user.
UNSUPPORTED: dict[str, str] = {
    "bbj": "Ghomálá' (MasakhaNER2 bbj) is not one of NLLB-200's languages",
    "pcm": "Nigerian Pidgin (MasakhaNER2 pcm) is not one of NLLB-200's languages",
}

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
