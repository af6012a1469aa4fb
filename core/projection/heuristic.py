"""The paper's heuristic alignment-based projection (METHOD.md §2, Politov et al. 2025).

For every source entity, in the order given:

1. collect the target words linked to any word of the entity (sure links only);
2. form maximal runs of consecutive target words and merge two neighbouring runs when at most
   ``gap`` words lie between them (the words between join the run);
3. keep a run only if ``len(run) / len(entity) > min_ratio`` (strictly greater; ``min_ratio``
   ``None`` or ``0`` keeps every run);
4. label every surviving run with the entity's type.

Overlaps between entities are resolved word by word by ``overwrite``:

- ``"later"`` (the paper's code, which writes tags entity after entity): a later entity takes
  the words it covers from earlier ones. What remains of an earlier entity's run is kept, and if
  the cut splits a run in two, **both pieces** stay as separate spans (a word keeps the label of
  the last entity that claimed it; this is what reading the written tags with the usual IOB
  repair gives). An entity left with no word is reported as ``OVERWRITTEN``.
- ``"first"``: an earlier entity keeps its words and a later one gets only what is still free;
  an entity left with no word is reported as ``LOST_COLLISION``.

Note for strict IOB2 scoring: if the paper's code writes ``B-`` on the first and ``I-`` on the
other words of a run, a remainder piece that no longer starts at the run's first word begins
with ``I-`` and strict seqeval ignores it, while we keep it as a span.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from core.errors import ProjectError
from core.projection.base import (check_target_bounds, claim_words, fill_gaps, format_range,
                                  links_by_source, maximal_runs, quote_span)
from core.types import Alignment, Link, Projection, Reason, Span

OVERWRITE_POLICIES = ("later", "first")


@dataclass(frozen=True)
class _Plan:
    """What one entity would label before overlaps with other entities are resolved."""

    links: tuple[Link, ...]
    kept: tuple[tuple[int, int], ...]          # runs that pass the ratio filter
    rejected: tuple[tuple[tuple[int, int], Reason], ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class HeuristicProjector:
    """Gap filling + length-ratio filter + labelling of every surviving run (see module doc)."""

    gap: int = 1
    min_ratio: float | None = 0.8
    overwrite: str = "later"

    name: str = field(default="heuristic", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.gap, int) or self.gap < 0:
            raise ProjectError(f"gap must be a whole number >= 0, got {self.gap!r}", setting="gap")
        if self.min_ratio is not None and not self.min_ratio >= 0:
            raise ProjectError(f"min_ratio must be >= 0 or none, got {self.min_ratio!r}",
                               setting="min_ratio")
        if self.overwrite not in OVERWRITE_POLICIES:
            raise ProjectError(f"unknown overwrite policy {self.overwrite!r}", setting="overwrite",
                               hint=f"use one of {list(OVERWRITE_POLICIES)}")

    def project(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, src_words: Sequence[str] | None = None
                ) -> list[Projection]:
        """One :class:`Projection` per source entity, in the order of ``src_entities``."""
        n_tgt = len(tgt_words)
        check_target_bounds(alignment, n_tgt)
        by_src = links_by_source(alignment)

        plans = [self._plan(ent, by_src, tgt_words) for ent in src_entities]
        later_wins = self.overwrite == "later"
        owner = claim_words(n_tgt, ((k, p.kept) for k, p in enumerate(plans)),
                            later_wins=later_wins)
        return [self._outcome(k, ent, plan, owner, src_words, tgt_words)
                for k, (ent, plan) in enumerate(zip(src_entities, plans))]

    # -- steps ------------------------------------------------------------------------------------

    def _plan(self, ent: Span, by_src: dict[int, list[Link]], tgt_words: Sequence[str]) -> _Plan:
        links = tuple(sorted(link for i in ent.indices() for link in by_src.get(i, ())))
        raw = maximal_runs(j for _, j in links)
        runs = fill_gaps(raw, self.gap)
        notes: list[str] = []
        if len(runs) < len(raw):
            notes.append(f"gap filling (≤ {_words(self.gap)} between) merged runs "
                         f"{', '.join(map(format_range, raw))} into "
                         f"{', '.join(map(format_range, runs))}")
        kept: list[tuple[int, int]] = []
        rejected: list[tuple[tuple[int, int], Reason]] = []
        for run in runs:
            ratio = (run[1] - run[0]) / len(ent)
            if self.min_ratio and not ratio > self.min_ratio:
                rejected.append((run, Reason.LENGTH_RATIO))
                notes.append(f"run {quote_span(run, tgt_words)} {_words(run[1] - run[0])} for a "
                             f"{len(ent)}-word entity: ratio {ratio:.2f} ≤ {self.min_ratio:g}")
            else:
                kept.append(run)
        return _Plan(links, tuple(kept), tuple(rejected), tuple(notes))

    def _outcome(self, k: int, ent: Span, plan: _Plan, owner: list[int | None],
                 src_words: Sequence[str] | None, tgt_words: Sequence[str]) -> Projection:
        name = f"{ent.label} {quote_span(ent, src_words)}"
        if not plan.links:
            return Projection(k, ent, (), Reason.NO_ALIGNED_WORDS,
                              f"no target word is aligned to {name}")
        pieces: list[tuple[int, int]] = []
        lost: Counter[int] = Counter()
        rejected = list(plan.rejected)
        notes = list(plan.notes)
        lost_reason = Reason.OVERWRITTEN if self.overwrite == "later" else Reason.LOST_COLLISION
        verb = "overwritten by later" if self.overwrite == "later" else "already taken by earlier"
        for start, end in plan.kept:
            mine = [j for j in range(start, end) if owner[j] == k]
            pieces.extend(maximal_runs(mine))
            taken = [j for j in range(start, end) if owner[j] != k]
            for j in taken:
                lost[owner[j]] += 1  # type: ignore[index]
            for rng in maximal_runs(taken):
                rejected.append((rng, lost_reason))
                takers = sorted({owner[j] for j in range(*rng)})  # type: ignore[type-var]
                notes.append(f"words {format_range(rng)} {verb} entity "
                             f"{', '.join(map(str, takers))}")
        competitor = lost.most_common(1)[0][0] if lost else None
        targets = tuple(Span(s, e, ent.label) for s, e in pieces)
        support = tuple(link for link in plan.links if any(s <= link[1] < e for s, e in pieces))
        if targets:
            head = (f"{name} projected onto "
                    f"{', '.join(quote_span(t, tgt_words) for t in targets)}")
            return Projection(k, ent, targets, Reason.PROJECTED, _join(head, notes), support,
                              tuple(rejected), competitor)
        if not plan.kept:
            return Projection(k, ent, (), Reason.LENGTH_RATIO,
                              _join(f"every run of {name} failed the length-ratio filter", notes),
                              plan.links, tuple(rejected))
        return Projection(k, ent, (), lost_reason,
                          _join(f"all words of {name} went to other entities", notes),
                          plan.links, tuple(rejected), competitor)


def _join(head: str, notes: Sequence[str]) -> str:
    return head + ("; " + "; ".join(notes) if notes else "")


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"
