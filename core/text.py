"""Word splitting of machine-translated text and joining words back into text.

:func:`split_words` approximates NLTK's ``word_tokenize`` (Penn Treebank conventions, which the
paper used on English MT output) with regular expressions only — no downloaded data such as
NLTK's punkt model. What it does:

- punctuation becomes its own word: ``, ; : ! ? ( ) [ ] { } " $ % & # @``, dashes (``--``,
  ``—``, ``–``) and ellipses (``...``, ``…``) — but a comma or colon between digits stays
  (``1,000``, ``10:30``), and so does a decimal point (``3.88``);
- English clitics split as in the Treebank: ``don't`` -> ``do n't``, ``can't`` -> ``ca n't``,
  ``it's`` -> ``it 's``, ``they'll`` -> ``they 'll`` (also ``'m 'd 're 've``, and the
  curly apostrophe); ``cannot`` -> ``can not``, ``gonna`` -> ``gon na``;
- hyphenated words (``state-of-the-art``), inner apostrophes (``O'Neill``), URLs and e-mail
  addresses stay whole;
- a period is split off a word unless the word is an abbreviation: dotted forms (``U.S.``,
  ``e.g.``, ``Ph.D.``), single capital initials (``J.``) and a short list (``Mr. Dr. Inc.
  etc.`` ...). The text's final period is always split, even from an abbreviation
  (``"... the U.S."`` -> ``U.S .``), as NLTK does.

Deliberate differences from NLTK: double quotes stay ``"`` (NLTK rewrites them to ``````/``''``)
so that words are substrings of the text; a leading single quote is split (``'Hello`` ->
``' Hello``); there is no sentence splitting beyond the period rule above.

For ``zh``, ``ja`` and ``th`` (no spaces between words) every CJK/Thai character (with its
combining marks) is a word and other runs are split as above — the segmentation of the
WikiANN/PAN-X data for those languages.

:func:`join_words` is the inverse used before machine translation: the paper joins words with
single spaces, and with no spaces for zh/ja/th; ``detokenize=True`` additionally removes the
spaces before closing punctuation and clitics and after opening brackets (lighter input for an
MT model; off by default to stay with the paper).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Sequence

#: Languages written without spaces between words (the paper's rule for joining words).
NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "zho", "jpn", "tha"})

_APOS = "'’"
_CLITIC = r"(?:n[" + _APOS + r"]t|[" + _APOS + r"](?:s|m|d|ll|re|ve))"
_CLITIC_END_RE = re.compile(r"^(?P<stem>.+?)(?P<clitic>" + _CLITIC + r")$", re.IGNORECASE)
_SPECIAL_SPLITS = {
    "cannot": ("can", "not"), "gonna": ("gon", "na"), "gotta": ("got", "ta"),
    "wanna": ("wan", "na"), "gimme": ("gim", "me"), "lemme": ("lem", "me"),
}


def _mark_class() -> str:
    """Regex class body of the combining marks (Mn/Mc/Me) of the Basic Multilingual Plane.

    Python's ``\\w`` does not match combining marks, so without them Devanagari, Thai or
    Bengali words (vowel signs, viramas) would fall apart into pieces.
    """
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04X}-\\u{b:04X}" if a != b else f"\\u{a:04X}" for a, b in ranges)


@functools.lru_cache(maxsize=1)
def _token_re() -> re.Pattern[str]:
    """The tokenizer regex, compiled on first use (building the mark class takes ~0.1 s)."""
    marks = _mark_class()
    w = r"(?:[^\W_]|[" + marks + r"])"  # a letter, digit or combining mark
    alpha = r"(?:[^\W\d_]|[" + marks + r"])"
    return re.compile("|".join(p.replace("<W>", w).replace("<ALPHA>", alpha)
                               for p in _TOKEN_ALTERNATIVES), re.IGNORECASE)


# Order matters: at one position, the first alternative that matches wins.
_TOKEN_ALTERNATIVES = [
    r"(?P<url>(?:https?://|www\.)\S+?(?=[.,;:!?)\]\"']*(?:\s|$)))",
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    r"(?P<ellipsis>\.{2,}|…)",
    r"(?P<dash>-{2,}|[—–])",
    r"(?P<quote>``|'')",
    r"(?P<clitic>(?<!\w)" + _CLITIC + r"(?!\w))",
    r"(?P<abbrev>(?<![\w.])[A-Za-z]{1,2}(?:\.[A-Za-z]{1,2})+\.?(?!\w))",
    r"(?P<number>\d+(?:[.,:]\d+)*<ALPHA>*)",
    r"(?P<word><W>+(?:[-" + _APOS + r"]<W>+)*|_+)",
    r"(?P<punct>[^\w\s])",
]

_ABBREVIATIONS = frozenset({
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "No", "Nos",
    "Gen", "Sen", "Rep", "Gov", "Mt", "Lt", "Col", "Sgt", "Capt", "Cmdr", "Adm", "Rev", "Hon",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Dept", "Fig", "Ave", "Blvd", "Mme", "Mlle", "Messrs", "Bros", "Ph",
})
_LOWER_ABBREVIATIONS = frozenset({"etc", "vs", "approx", "cf", "al", "viz"})
_CLOSERS = frozenset({'"', "'", "''", "”", "’", ")", "]", "}", "»"})

_NO_SPACE_CHAR_RE = re.compile(
    r"[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3100-\u312F\u3190-\u31FF\u3400-\u4DBF"
    r"\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u0E00-\u0E7F]"
)


def _is_abbreviation(word: str) -> bool:
    return (word in _ABBREVIATIONS or word.lower() in _LOWER_ABBREVIATIONS
            or (len(word) == 1 and word.isalpha() and word.isupper()))


def _split_clitics(word: str) -> list[str]:
    special = _SPECIAL_SPLITS.get(word.lower())
    if special is not None:
        first = word[: len(special[0])]
        return [first, word[len(special[0]):]]
    m = _CLITIC_END_RE.match(word)
    if m and any(c.isalpha() for c in m.group("stem")):
        return [*_split_clitics(m.group("stem")), m.group("clitic")]
    return [word]


def _split_spaced(text: str) -> list[str]:
    """Treebank-style splitting of text written with spaces (see module docstring)."""
    raw: list[tuple[str, str]] = []  # (token, kind)
    for m in _token_re().finditer(text):
        kind = m.lastgroup or "punct"
        tok = m.group(0)
        if kind == "word":
            raw.extend((t, "word") for t in _split_clitics(tok))
        else:
            raw.append((tok, kind))
    # Attach a period to a preceding abbreviation, unless it is the text's final period.
    out: list[str] = []
    for k, (tok, kind) in enumerate(raw):
        if tok == "." and out and raw[k - 1][1] == "word" and _is_abbreviation(out[-1]):
            final = all(t in _CLOSERS for t, _ in raw[k + 1:])
            if not final:
                out[-1] += "."
                continue
        if kind == "abbrev" and tok.endswith(".") and all(t in _CLOSERS for t, _ in raw[k + 1:]):
            out.extend([tok[:-1], "."])
            continue
        out.append(tok)
    return out


def split_words(text: str, lang: str = "en") -> list[str]:
    """Split ``text`` into words (see module docstring); never returns empty strings."""
    if lang.lower().split("-")[0].split("_")[0] not in NO_SPACE_LANGS:
        return _split_spaced(text)
    words: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            words.extend(_split_spaced("".join(buf)))
            buf.clear()

    for ch in text:
        if _NO_SPACE_CHAR_RE.match(ch) and not ch.isspace():
            flush()
            if unicodedata.category(ch).startswith("M") and words:
                words[-1] += ch  # a combining mark stays with its base character
            elif ch != "\u3000":
                words.append(ch)
        else:
            buf.append(ch)
    flush()
    return words


_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}»”’]|\.{2,}|…|''|" + _CLITIC + r")$", re.IGNORECASE)
_NO_SPACE_AFTER = re.compile(r"^[(\[{«“‘$#]$|^``$")


def join_words(words: Sequence[str], lang: str = "en", *, detokenize: bool = False) -> str:
    """Join words into text: no separator for zh/ja/th, else single spaces (the paper's rule).

    With ``detokenize=True`` (space-separated languages only) spaces before closing punctuation
    and clitics (``n't``, ``'s``) and after opening brackets are removed; straight double
    quotes are attached to the word they enclose, alternating opening/closing.
    """
    if lang.lower().split("-")[0].split("_")[0] in NO_SPACE_LANGS:
        return "".join(words)
    if not detokenize:
        return " ".join(words)
    parts: list[str] = []
    glue_next = False
    open_quote = False
    for w in words:
        if w == '"':
            if open_quote:
                if parts:
                    parts[-1] += w
                else:
                    parts.append(w)
                glue_next = False
            else:
                parts.append(w)
                glue_next = True
            open_quote = not open_quote
            continue
        if parts and (glue_next or _NO_SPACE_BEFORE.match(w)):
            parts[-1] += w
        else:
            parts.append(w)
        glue_next = bool(_NO_SPACE_AFTER.match(w))
    return " ".join(parts)
