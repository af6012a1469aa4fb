"""Pharaoh word alignments: one line per sentence pair, space-separated links.

Link forms (0-based, source index first):

- ``i-j``    a sure link;
- ``i?j`` or ``ipj``  a possible link (gold alignment files);
- ``i-j-p``  a sure link with a score ``p`` (a probability or similarity, a float).

An empty line is an empty alignment. Negative or malformed indices raise
:class:`~core.errors.ProjectError` naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

from core.cache import atomic_write_text
from core.errors import ProjectError
from core.readers.parallel import iter_text_lines
from core.types import Alignment, Link

_MALFORMED = ("malformed link: expected 'i-j', 'i?j', 'ipj' or 'i-j-score' with 0-based word "
              "indices")
_LINK = re.compile(r"(\d+)([-?p])(\d+)(?:-([0-9.eE+-]+))?")


def _parse(text: str, aligner: str) -> Alignment:
    """Parse one line; raises ProjectError without a location (the caller adds it)."""
    sure: list[Link] = []
    possible: list[Link] = []
    scores: dict[Link, float] = {}
    for item in text.split():
        m = _LINK.fullmatch(item)
        if m is None:
            if item.startswith("-") or re.fullmatch(r"\d+[-?p]-\d+.*", item):
                raise ProjectError(f"link {item!r} has a negative index; indices are 0-based "
                                   "word positions", redacted="a link has a negative index; "
                                   "indices are 0-based word positions")
            raise ProjectError(f"malformed link {item!r}: expected 'i-j', 'i?j', 'ipj' or "
                               "'i-j-score' with 0-based word indices", redacted=_MALFORMED)
        link = (int(m.group(1)), int(m.group(3)))
        if m.group(2) == "-":
            sure.append(link)
        else:
            possible.append(link)
        if m.group(4) is not None:
            if m.group(2) != "-":
                raise ProjectError(f"link {item!r}: only sure links ('i-j-score') take a score",
                                   redacted="a possible link has a score: only sure links "
                                   "('i-j-score') take one")
            try:
                scores[link] = float(m.group(4))
            except ValueError:
                raise ProjectError(f"link {item!r}: score {m.group(4)!r} is not a number",
                                   redacted="a link's score is not a number") from None
    return Alignment.of(sure, aligner, possible=possible, scores=scores)


def parse_pharaoh_line(line: str, *, aligner: str = "", where: str = "") -> Alignment:
    """Parse one Pharaoh line into an :class:`Alignment`; ``where`` prefixes error messages."""
    try:
        return _parse(line, aligner)
    except ProjectError as exc:
        if where:
            raise ProjectError(str(exc), path=where, redacted=exc.redacted) from None
        raise


def read_pharaoh(path: str | Path, *, aligner: str = "") -> list[Alignment]:
    """One :class:`Alignment` per line of a Pharaoh file (an empty line is an empty alignment)."""
    out: list[Alignment] = []
    for lineno, text in iter_text_lines(path):
        try:
            out.append(_parse(text, aligner))
        except ProjectError as exc:
            raise ProjectError(str(exc), path=path, line=lineno, redacted=exc.redacted) from None
    return out


def format_pharaoh(alignment: Alignment, *, with_scores: bool = False) -> str:
    """One Pharaoh line: sure links (``i-j``, or ``i-j-p`` when scored and ``with_scores``),
    then possible links (``i?j``)."""
    parts = []
    for i, j in alignment.links:
        score = alignment.scores.get((i, j)) if with_scores else None
        parts.append(f"{i}-{j}" if score is None else f"{i}-{j}-{score!r}")
    parts.extend(f"{i}?{j}" for i, j in alignment.possible)
    return " ".join(parts)


def write_pharaoh(path: str | Path, alignments: Iterable[Alignment], *,
                  with_scores: bool = False) -> None:
    """Write one line per alignment, atomically."""
    atomic_write_text(path, "".join(f"{format_pharaoh(a, with_scores=with_scores)}\n"
                                    for a in alignments))


def check_alignment_bounds(alignments: Sequence[Alignment], src_lengths: Sequence[int],
                           tgt_lengths: Sequence[int], *, path: str | Path = "") -> None:
    """Check that there is one alignment per sentence pair and every link is inside both
    sentences; :class:`ProjectError` names the line (1-based) of the first bad alignment."""
    where = str(path) if path else "alignments"
    if not (len(alignments) == len(src_lengths) == len(tgt_lengths)):
        raise ProjectError(f"{len(alignments)} alignments for {len(src_lengths)} source and "
                           f"{len(tgt_lengths)} target sentences", path=where,
                           hint="the file needs exactly one line per sentence pair")
    for k, (a, n_src, n_tgt) in enumerate(zip(alignments, src_lengths, tgt_lengths)):
        for i, j in (*a.links, *a.possible):
            if not (0 <= i < n_src and 0 <= j < n_tgt):
                raise ProjectError(f"link {i}-{j} is out of range for {n_src} source and "
                                   f"{n_tgt} target words", path=where, line=k + 1)
