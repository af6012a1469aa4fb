"""Alignments computed elsewhere: one Pharaoh file per language pair.

Line ``k`` of the file (1-based line ``k + 1``) is the alignment of sentence pair ``k`` of the
corpus the file was made for (format: :mod:`core.readers.pharaoh`; per-link scores ``i-j-p`` are
kept). :class:`ExternalAligner` reads the file once and answers ``align(pairs)`` with line ``k``
for pair ``k``; when a pipeline aligns only some sentences of the corpus it passes their
corpus positions as ``indices``. Every answer is checked: the number of lines against the number
of pairs (without ``indices``), each index against the file, and every link against the two
sentences' lengths — a :class:`ProjectError` names the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from core.aligners.base import Pair, check_pairs
from core.errors import ProjectError
from core.readers.pharaoh import read_pharaoh
from core.types import Alignment


class ExternalAligner:
    """Serve the alignments of a Pharaoh file; ``name`` defaults to the file name's stem."""

    def __init__(self, path: str | Path, name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.stem
        if not self.path.is_file():
            raise ProjectError("alignment file not found", path=self.path,
                               hint="give a Pharaoh file with one line per sentence pair")
        from core.cache import sha256_file

        #: the file's name and content hash (what manifests name), taken when it is read
        self.signature = f"file:{self.path.name}#{sha256_file(self.path)[:16]}"
        self._alignments = [Alignment(a.links, self.name, a.possible, a.scores)
                            for a in read_pharaoh(self.path, aligner=self.name)]

    def __len__(self) -> int:
        """Number of lines (sentence pairs) in the file."""
        return len(self._alignments)

    def align(self, pairs: Sequence[Pair], indices: Sequence[int] | None = None
              ) -> list[Alignment]:
        """The file's alignment for each pair: line ``k`` for pair ``k``, or line
        ``indices[k]`` (0-based corpus position) when ``indices`` is given."""
        checked = check_pairs(pairs)
        n = len(self._alignments)
        if indices is None:
            if len(checked) != n:
                raise ProjectError(f"the file has {n} lines but {len(checked)} sentence pairs "
                                   "were given", path=self.path,
                                   hint="the file needs exactly one line per sentence pair of "
                                        "the corpus, in order; when aligning a subset pass its "
                                        "sentence indices")
            lines = list(range(n))
        else:
            lines = [int(k) for k in indices]
            if len(lines) != len(checked):
                raise ProjectError(f"{len(lines)} indices for {len(checked)} sentence pairs",
                                   setting="indices", hint="give one index per pair")
            for k in lines:
                if not 0 <= k < n:
                    raise ProjectError(f"sentence index {k} is outside the file's {n} lines",
                                       path=self.path, hint="indices are 0-based corpus "
                                                            "positions of the pairs")
        out = []
        for line, (src, tgt) in zip(lines, checked):
            alignment = self._alignments[line]
            for i, j in (*alignment.links, *alignment.possible):
                if not (0 <= i < len(src) and 0 <= j < len(tgt)):
                    raise ProjectError(f"link {i}-{j} is out of range for a pair of {len(src)} "
                                       f"source and {len(tgt)} target words", path=self.path,
                                       line=line + 1,
                                       hint="is this the alignment file of this corpus?")
            out.append(alignment)
        return out
