"""Symmetrization heuristics and the combination of two aligners.

A directional aligner (IBM models, eflomal) gives one link set per direction; two different
aligners give two link sets. Both are merged with the heuristics known from phrase-based MT
(Och & Ney 2003; Koehn et al. 2003, the ``grow-diag-final-and`` default of Moses). With ``F``
the forward links and ``R`` the reverse links (both as ``(source, target)`` pairs):

- ``intersection``: ``F ∩ R`` (high precision);
- ``union``: ``F ∪ R`` (high recall);
- ``grow-diag``: start from ``F ∩ R`` and repeat passes until nothing changes: visit the current
  links in order (source word, then target word; a link added during a pass is visited in the
  same pass when it comes later in that order) and, for each of its eight neighbours
  (left, up, right, down, then the four diagonals), add the neighbour if it is in ``F ∪ R``
  and its source word or its target word is still unaligned;
- ``grow-diag-final``: ``grow-diag``, then visit the links of ``F`` and afterwards of ``R`` in
  order and add each one whose source word **or** target word is still unaligned;
- ``grow-diag-final-and``: as ``grow-diag-final`` but a final link is added only when its source
  word **and** its target word are both still unaligned.

"Unaligned" always refers to the alignment being built, which changes as links are added.

:class:`CombinedAligner` applies one of these to the outputs of two aligners (``a`` counts as
forward, ``b`` as reverse). Per-link scores survive: a link's score is the maximum of the scores
that ``a`` and ``b`` give it (links neither scores carry none). Possible links (gold-style
``i?j``) are not used.
"""

from __future__ import annotations

import heapq
import inspect
from typing import Callable, Iterable, Mapping, Sequence

from core.aligners.base import Pair, check_pairs
from core.errors import ProjectError
from core.types import Alignment, Link

#: Neighbour offsets in the order grow-diag visits them: the four direct neighbours, then the
#: four diagonal ones.
NEIGHBOURS: tuple[Link, ...] = ((-1, 0), (0, -1), (1, 0), (0, 1),
                                (-1, -1), (-1, 1), (1, -1), (1, 1))

HEURISTICS = ("intersection", "union", "grow-diag", "grow-diag-final", "grow-diag-final-and")


def _as_set(links: Iterable[Link]) -> set[Link]:
    return {(int(i), int(j)) for i, j in links}


def intersection(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """Links present in both directions, sorted."""
    return sorted(_as_set(forward) & _as_set(reverse))


def union(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """Links present in either direction, sorted."""
    return sorted(_as_set(forward) | _as_set(reverse))


class _State:
    """The alignment under construction with per-word alignment counts."""

    def __init__(self, links: Iterable[Link]) -> None:
        self.links: set[Link] = set()
        self.src_count: dict[int, int] = {}
        self.tgt_count: dict[int, int] = {}
        for link in links:
            self.add(link)

    def add(self, link: Link) -> None:
        if link in self.links:
            return
        self.links.add(link)
        self.src_count[link[0]] = self.src_count.get(link[0], 0) + 1
        self.tgt_count[link[1]] = self.tgt_count.get(link[1], 0) + 1

    def src_free(self, i: int) -> bool:
        return not self.src_count.get(i)

    def tgt_free(self, j: int) -> bool:
        return not self.tgt_count.get(j)


def _grow_diag(state: _State, candidates: set[Link]) -> None:
    """Grow ``state`` with neighbouring candidate links until a whole pass adds nothing.

    One pass visits the grid in reading order (source word, then target word) and looks at every
    cell that is aligned *when the pass reaches it*, so links added ahead of the pass position
    are visited in the same pass and links added behind it in the next one.
    """
    added = True
    while added:
        added = False
        queue = sorted(state.links)  # a sorted list is a valid heap
        while queue:
            pos = heapq.heappop(queue)
            i, j = pos
            for di, dj in NEIGHBOURS:
                new = (i + di, j + dj)
                if new in state.links or new not in candidates:
                    continue
                if state.src_free(new[0]) or state.tgt_free(new[1]):
                    state.add(new)
                    added = True
                    if new > pos:
                        heapq.heappush(queue, new)


def _final(state: _State, links: Iterable[Link], *, both_free: bool) -> None:
    for i, j in sorted(links):
        if (i, j) in state.links:
            continue
        free_i, free_j = state.src_free(i), state.tgt_free(j)
        if (free_i and free_j) if both_free else (free_i or free_j):
            state.add((i, j))


def grow_diag(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """The intersection grown towards the union through neighbouring links (see module doc)."""
    fwd, rev = _as_set(forward), _as_set(reverse)
    state = _State(fwd & rev)
    _grow_diag(state, fwd | rev)
    return sorted(state.links)


def grow_diag_final(forward: Iterable[Link], reverse: Iterable[Link], *,
                    and_: bool = False) -> list[Link]:
    """``grow-diag`` followed by the final step (``and_=True``: ``grow-diag-final-and``)."""
    fwd, rev = _as_set(forward), _as_set(reverse)
    state = _State(fwd & rev)
    _grow_diag(state, fwd | rev)
    _final(state, fwd, both_free=and_)
    _final(state, rev, both_free=and_)
    return sorted(state.links)


def grow_diag_final_and(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """``grow-diag`` followed by adding forward, then reverse links between two free words."""
    return grow_diag_final(forward, reverse, and_=True)


_FUNCTIONS: dict[str, Callable[[Iterable[Link], Iterable[Link]], list[Link]]] = {
    "intersection": intersection,
    "union": union,
    "grow-diag": grow_diag,
    "grow-diag-final": grow_diag_final,
    "grow-diag-final-and": grow_diag_final_and,
}


def check_heuristic(how: str, *, setting: str = "symmetrization") -> str:
    """``how`` if it names a heuristic (``_`` accepted for ``-``), else :class:`ProjectError`."""
    name = str(how).strip().lower().replace("_", "-")
    if name not in _FUNCTIONS:
        raise ProjectError(f"unknown symmetrization heuristic {how!r}", setting=setting,
                           hint=f"use one of {', '.join(HEURISTICS)}")
    return name


def symmetrize(forward: Iterable[Link], reverse: Iterable[Link],
               how: str = "grow-diag-final-and") -> list[Link]:
    """Merge two link sets with the named heuristic (one of :data:`HEURISTICS`)."""
    return _FUNCTIONS[check_heuristic(how)](forward, reverse)


def merge_scores(links: Iterable[Link], *score_maps: Mapping[Link, float]) -> dict[Link, float]:
    """For each link, the maximum score any of ``score_maps`` gives it (NaN scores ignored)."""
    out: dict[Link, float] = {}
    for link in links:
        values = [m[link] for m in score_maps if link in m and m[link] == m[link]]
        if values:
            out[link] = max(values)
    return out


class CombinedAligner:
    """Two aligners merged link set by link set: ``a`` is "forward", ``b`` is "reverse".

    ``name`` is ``"<how>(<a.name>,<b.name>)"``, e.g.
    ``"union(eflomal:intersection,mbert:itermax)"``. Each aligner is called once per batch.
    """

    def __init__(self, a: object, b: object, how: str = "union", *,
                 name: str | None = None) -> None:
        for side, aligner in (("a", a), ("b", b)):
            if not callable(getattr(aligner, "align", None)):
                raise ProjectError(f"aligner {side} ({aligner!r:.60}) has no align(pairs) method",
                                   setting="aligner")
        self.a = a
        self.b = b
        self.how = check_heuristic(how, setting="combination")
        a_name = getattr(a, "name", type(a).__name__)
        b_name = getattr(b, "name", type(b).__name__)
        self.name = name or f"{self.how}({a_name},{b_name})"

    @property
    def signature(self) -> str:
        return f"{self.how}({self.a.signature},{self.b.signature})"

    def align(self, pairs: Sequence[Pair], indices: Sequence[int] | None = None
              ) -> list[Alignment]:
        """Merged alignments; ``indices`` (corpus positions of the pairs) is passed on to the
        aligners that take it (:class:`~core.aligners.external.ExternalAligner`)."""
        checked = check_pairs(pairs)
        first = _call(self.a, checked, indices)
        second = _call(self.b, checked, indices)
        for label, result in (("a", first), ("b", second)):
            if len(result) != len(checked):
                raise ProjectError(f"aligner {label} returned {len(result)} alignments for "
                                   f"{len(checked)} pairs", setting="aligner")
        out = []
        for x, y in zip(first, second):
            links = symmetrize(x.links, y.links, self.how)
            out.append(Alignment.of(links, self.name, scores=merge_scores(links, x.scores,
                                                                         y.scores)))
        return out


def _call(aligner: object, pairs: Sequence[Pair], indices: Sequence[int] | None
          ) -> list[Alignment]:
    align = aligner.align  # type: ignore[attr-defined]
    if indices is not None and "indices" in inspect.signature(align).parameters:
        return align(pairs, indices=indices)
    return align(pairs)
