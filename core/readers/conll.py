"""CoNLL-style ``token label`` files: one token per line, a blank line between sentences.

What is accepted (checked against MasakhaNER 2.0, CoNLL-2002/2003, Europarl-NER, WikiANN/PAN-X and
the Easy-Label-Projection files):

- columns separated by tabs (when a line has a tab) or else by runs of spaces; the first column
  is the token and the last column the label, so 4-column CoNLL-2003 (``token POS chunk NER``)
  reads too;
- ``-DOCSTART-`` lines are document markers. By default they are dropped; with
  ``keep_docstart=True`` every block is returned as it is, marker blocks included, so that a
  file stays block-aligned with its translation (see :func:`is_docstart`);
- a UTF-8 BOM, CRLF line ends, several blank lines in a row and a last sentence without a final
  blank line;
- WikiANN/PAN-X tokens with a language prefix (``pt:Associação``), see ``strip_lang_prefix``;
- a line holding only whitespace and a tag (an empty token, as on two lines of MasakhaNER 2.0
  ``xho/train.txt``): the empty token is skipped.

Tags may be IOB2, IOB1, BIOES/BILOU or IO; with ``repair=True`` they are normalised to IOB2 by
:func:`core.labels.normalise_tags` (an ``I-X`` that starts an entity begins a new one). With
``repair=False`` anything that is not valid IOB2 is an error. Problems raise
:class:`~core.errors.ProjectError` naming the file and line.

Sentence ids are ``f"{id_prefix or path.stem}:{k}"`` where ``k`` is the 0-based index of the
*block* in the file (blocks are separated by blank lines and include ``-DOCSTART-`` blocks), so
an id means the same block whether or not marker blocks are kept, and block ``k`` matches line
``k + 1`` of a Pharaoh file written for the same text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Collection, Iterable, Iterator

from core.cache import atomic_write_text
from core.errors import ProjectError
from core.labels import LabelMap, normalise_tags, split_tag
from core.readers.parallel import iter_text_lines
from core.types import Sentence

DOCSTART = "-DOCSTART-"
# messages without file content, for files on a server (ProjectError.without_content)
_NO_LABEL = "this line has no label column"
_BAD_TAG = ("the last column of this line is not a valid tag (expected 'O' or a prefix "
            "B/I/E/S/L/U, '-' and a type, e.g. 'B-PER')")
_LANG_PREFIX = re.compile(r"^([a-z]{2,3}(?:-[a-z]+)?):(?=.)")


def is_docstart(sentence: Sentence, markers: Collection[str] = (DOCSTART,)) -> bool:
    """True for a document-marker block (its first word is ``-DOCSTART-`` or another marker)."""
    return bool(sentence.words) and sentence.words[0] in markers


def _is_iob2(tags: list[str]) -> bool:
    """Fast check that tags (already known to be well-formed) are valid IOB2."""
    current: str | None = None
    for tag in tags:
        if tag == "O":
            current = None
        elif tag[0] == "B":
            current = tag[2:]
        elif tag[0] == "I" and tag[2:] == current:
            continue
        else:
            return False
    return True


def _iob2_violation(tags: list[str]) -> tuple[int, str] | None:
    """Index and explanation of the first tag that breaks IOB2, or None."""
    current: str | None = None
    for k, tag in enumerate(tags):
        prefix, typ = split_tag(tag)
        if prefix == "O":
            current = None
        elif prefix == "B":
            current = typ
        elif prefix == "I":
            if typ != current:
                return k, f"tag {tag!r} does not continue a {typ} entity"
        else:
            return k, f"tag {tag!r} is BIOES, not IOB2"
    return None


def _detect_prefix(token: str, lang: str, strip: bool | None) -> str:
    """The language prefix to strip (``"pt:"``) decided from a file's first token, or ``""``."""
    if strip is False:
        return ""
    m = _LANG_PREFIX.match(token)
    if m is None:
        return ""
    if strip is None and (not lang or m.group(1) != lang):
        return ""
    return f"{m.group(1)}:"


def iter_conll(path: str | Path, *, lang: str = "", label_map: LabelMap | None = None,
               repair: bool = True, id_prefix: str | None = None, keep_docstart: bool = False,
               strip_lang_prefix: bool | None = None,
               docstart_markers: Collection[str] = (DOCSTART,)) -> Iterator[Sentence]:
    """Yield the sentences of a CoNLL-style file (see the module docstring for the format).

    ``strip_lang_prefix``: ``None`` (auto) strips a ``"<lang>:"`` prefix when the file's first
    token carries the prefix of ``lang``; ``True`` strips the prefix found on the first token
    whatever ``lang`` is; ``False`` never strips. Only tokens that carry that exact prefix are
    changed. ``label_map`` is applied after normalisation (types mapped to ``None`` become O).
    An empty file yields nothing.
    """
    path = Path(path)
    prefix_id = id_prefix or path.stem
    markers = frozenset(docstart_markers)
    known_tags: set[str] = set()
    words: list[str] = []
    tags: list[str] = []
    lines: list[int] = []
    block = 0
    block_used = False          # the current block has at least one non-blank line
    lang_prefix: str | None = None  # decided at the first token line

    def build() -> Sentence:
        labels = tags
        if not _is_iob2(tags):
            if repair:
                labels = normalise_tags(tags)
            else:
                bad = _iob2_violation(tags)
                if bad is not None:
                    raise ProjectError(f"{bad[1]} (strict IOB2 reading)", path=path,
                                       line=lines[bad[0]],
                                       hint="read with repair=True to normalise the tags",
                                       redacted="the tag on this line is not valid IOB2 "
                                       "(strict IOB2 reading)")
        if label_map is not None:
            labels = label_map.tags(labels)
        return Sentence(f"{prefix_id}:{block}", lang, tuple(words), tuple(labels))

    for lineno, text in iter_text_lines(path):
        if "\t" in text:
            parts = [p for p in (c.strip() for c in text.split("\t")) if p]
        else:
            parts = text.split()
        if not parts:
            if block_used:
                if words:
                    yield build()
                    words, tags, lines = [], [], []
                block += 1
                block_used = False
            continue
        block_used = True
        token = parts[0]
        if token in markers and not keep_docstart:
            continue
        if len(parts) == 1 and text[0].isspace():
            # An empty token: nothing before the separator but the label (2 lines of
            # MasakhaNER 2.0 xho/train). The label must still be a tag; the token is skipped.
            try:
                split_tag(token)
            except ProjectError:
                raise ProjectError(f"token {token!r} has no label column", path=path,
                                   line=lineno, redacted=f"{_NO_LABEL} (expected 'token "
                                   "label', tab or space separated)") from None
            continue
        if len(parts) < 2:
            raise ProjectError(f"token {token!r} has no label column", path=path, line=lineno,
                               hint="each line must be 'token label' (tab or space separated)",
                               redacted=_NO_LABEL)
        tag = parts[-1]
        if tag not in known_tags:
            try:
                split_tag(tag)
            except ProjectError as exc:
                raise ProjectError(str(exc), path=path, line=lineno,
                                   redacted=_BAD_TAG) from None
            known_tags.add(tag)
        if lang_prefix is None and token not in markers:
            lang_prefix = _detect_prefix(token, lang, strip_lang_prefix)
        if lang_prefix and token.startswith(lang_prefix) and len(token) > len(lang_prefix):
            token = token[len(lang_prefix):]
        words.append(token)
        tags.append(tag)
        lines.append(lineno)
    if words:
        yield build()


def read_conll(path: str | Path, *, lang: str = "", label_map: LabelMap | None = None,
               repair: bool = True, id_prefix: str | None = None, keep_docstart: bool = False,
               strip_lang_prefix: bool | None = None,
               docstart_markers: Collection[str] = (DOCSTART,)) -> list[Sentence]:
    """All sentences of a CoNLL-style file as a list (see :func:`iter_conll`)."""
    return list(iter_conll(path, lang=lang, label_map=label_map, repair=repair,
                           id_prefix=id_prefix, keep_docstart=keep_docstart,
                           strip_lang_prefix=strip_lang_prefix,
                           docstart_markers=docstart_markers))


def format_conll(sentences: Iterable[Sentence], *, sep: str = "\t") -> str:
    """CoNLL text for ``sentences``: ``token<sep>label`` lines, a blank line after each sentence.

    Raises :class:`ProjectError` for a sentence without labels, an empty sentence, or a token
    that would not read back (empty, or containing a line break, a tab, or the separator).
    """
    if sep not in ("\t", " "):
        raise ProjectError(f"separator {sep!r} is not supported", setting="sep",
                           hint="use a tab or a space")
    out: list[str] = []
    for s in sentences:
        if s.labels is None:
            raise ProjectError(f"sentence {s.id!r} has no labels and cannot be written as CoNLL")
        if not s.words:
            raise ProjectError(f"sentence {s.id!r} is empty and cannot be written as CoNLL")
        for k, (word, label) in enumerate(zip(s.words, s.labels)):
            if (not word.strip() or "\n" in word or "\r" in word or "\t" in word
                    or (sep == " " and any(c.isspace() for c in word))):
                raise ProjectError(f"sentence {s.id!r} word {k} ({word!r}) is empty or contains "
                                   "whitespace that would split it when read back",
                                   hint="use sep='\\t' or fix the token")
            out.append(f"{word}{sep}{label}\n")
        out.append("\n")
    return "".join(out)


def write_conll(path: str | Path, sentences: Iterable[Sentence], *, sep: str = "\t") -> None:
    """Write ``sentences`` as a CoNLL file, atomically (see :func:`format_conll`)."""
    atomic_write_text(path, format_conll(sentences, sep=sep))
