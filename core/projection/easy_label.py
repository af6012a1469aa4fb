"""The Easy-Label-Projection variant of alignment-based projection (García-Ferrero et al. 2022).

Behaviour of the original tool (reconstructed from its code and checked against its released
CoNLL-2003 → DeepL projections: with the defaults below we reproduce 100% of the released blocks,
see ``docs/easy_label_reproduction.md``). Entities are handled in the order given (sentence
order for :attr:`core.types.Sentence.spans`):

1. **Linked words.** The target words linked to any word of the entity; an entity without any
   is dropped (``NO_ALIGNED_WORDS``).
2. **Punctuation.** Linked words made only of punctuation are discarded; with the default
   ``punctuation="ascii"`` that means only characters of Python's ``string.punctuation`` (so
   ``"¿"`` or ``"„"`` stay). An entity left with nothing is dropped (``ONLY_PUNCTUATION``).
   ``punctuation=None`` keeps every word.
3. **Runs and gap filling.** Maximal runs of consecutive words; neighbouring runs are merged
   (filling the words between) by ``gap_rule``:

   - ``"window"`` (the original): merge when the merged run would be at most ``fill_gap + 2``
     words wide, i.e. for ``fill_gap=1`` only two *single-word* runs with one word between
     (``[4] [6]`` → ``[4,7)``, but ``[3,5) [6]`` stays apart). The original hard-codes this
     width of 3; other ``fill_gap`` values are our generalisation.
   - ``"between"``: merge when at most ``fill_gap`` words lie between (METHOD.md §2 wording).
4. **Largest run.** The longest run is kept (the left-most on ties); the others are rejected
   (``SMALLER_RUN``).
5. **Collisions**, over the entities still alive, in their order, comparing neighbours only:

   - first pass: two neighbours of the same type that *collide* are merged into one entity
     labelled with the union of their words (which need not be contiguous: the union is then
     written as several spans); the merged entity is compared with the next one again;
   - second pass: of two colliding neighbours the one with more words survives, the later one
     on ties.

   ``collision_test="original"`` counts neighbours ``a`` then ``b`` as colliding when
   ``last(a) >= first(b)``. This is not an overlap test: when the target order is swapped
   (``b`` lies wholly before ``a``) they "collide" too, which decides most collisions in the
   released data. ``collision_test="overlap"`` requires the two word ranges to overlap.
6. **Writing.** The survivors are written in order; a later one takes the words it shares with
   an earlier one (possible only between non-neighbours). An entity left with nothing is
   ``OVERWRITTEN``.

An entity merged into a same-type neighbour is reported as ``MERGED`` with ``competitor`` =
the entity that holds the merged span (two source entities became one target entity; the
holder's span includes the merged words), or ``LOST_COLLISION`` if the merged span then lost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from core.errors import ProjectError
from core.projection.base import (PUNCTUATION_SCHEMES, check_target_bounds, claim_words,
                                  fill_gaps, format_range, links_by_source, maximal_runs,
                                  punctuation_only, quote_span)
from core.types import Alignment, Projection, Reason, Span

GAP_RULES = ("window", "between")
COLLISION_TESTS = ("original", "overlap")


def fill_gaps_window(runs: Sequence[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """The original's gap filling: merge a run with the next while the result spans at most
    ``gap + 2`` words (for ``gap=1``: two single-word runs with one word between)."""
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and gap > 0 and end - merged[-1][0] <= gap + 2:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass
class _Group:
    """An entity (or same-type merge of entities) still in the running; mutable working state."""

    members: list[int]
    label: str
    words: list[int]                      # sorted, may have holes after a merge

    @property
    def leader(self) -> int:
        return self.members[0]


@dataclass(frozen=True)
class EasyLabelProjector:
    """Easy-Label-Projection: punctuation removal, largest run, collision resolution."""

    fill_gap: int = 1
    gap_rule: str = "window"
    punctuation: str | None = "ascii"
    collision_test: str = "original"

    name: str = field(default="easy_label", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.fill_gap, int) or self.fill_gap < 0:
            raise ProjectError(f"fill_gap must be a whole number >= 0, got {self.fill_gap!r}",
                               setting="fill_gap")
        if self.gap_rule not in GAP_RULES:
            raise ProjectError(f"unknown gap rule {self.gap_rule!r}", setting="gap_rule",
                               hint=f"use one of {list(GAP_RULES)}")
        if self.punctuation is not None and self.punctuation not in PUNCTUATION_SCHEMES:
            raise ProjectError(f"unknown punctuation scheme {self.punctuation!r}",
                               setting="punctuation",
                               hint=f"use one of {list(PUNCTUATION_SCHEMES)} or none")
        if self.collision_test not in COLLISION_TESTS:
            raise ProjectError(f"unknown collision test {self.collision_test!r}",
                               setting="collision_test", hint=f"use one of {list(COLLISION_TESTS)}")

    def project(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, src_words: Sequence[str] | None = None
                ) -> list[Projection]:
        """One :class:`Projection` per source entity, in the order of ``src_entities``."""
        n_tgt = len(tgt_words)
        check_target_bounds(alignment, n_tgt)
        by_src = links_by_source(alignment)

        names = [f"{e.label} {quote_span(e, src_words)}" for e in src_entities]
        links = [tuple(sorted(link for i in e.indices() for link in by_src.get(i, ())))
                 for e in src_entities]
        done: dict[int, Projection] = {}
        rejected: dict[int, list[tuple[tuple[int, int], Reason]]] = \
            {k: [] for k in range(len(src_entities))}
        notes: dict[int, list[str]] = {k: [] for k in range(len(src_entities))}
        groups: list[_Group] = []

        # Steps 1-4: each entity on its own.
        for k, ent in enumerate(src_entities):
            linked = sorted({j for _, j in links[k]})
            if not linked:
                done[k] = Projection(k, ent, (), Reason.NO_ALIGNED_WORDS,
                                     f"no target word is aligned to {names[k]}")
                continue
            if self.punctuation is not None:
                punct = [j for j in linked if punctuation_only(tgt_words[j], self.punctuation)]
                linked = [j for j in linked if not punctuation_only(tgt_words[j],
                                                                    self.punctuation)]
                if punct:
                    notes[k].append("dropped punctuation " + ", ".join(
                        quote_span((j, j + 1), tgt_words) for j in punct))
                if not linked:
                    done[k] = Projection(
                        k, ent, (), Reason.ONLY_PUNCTUATION,
                        f"every target word aligned to {names[k]} is punctuation: "
                        + ", ".join(quote_span((j, j + 1), tgt_words) for j in punct),
                        links[k], tuple((r, Reason.ONLY_PUNCTUATION) for r in maximal_runs(punct)))
                    continue
            raw = maximal_runs(linked)
            runs = (fill_gaps_window(raw, self.fill_gap) if self.gap_rule == "window"
                    else fill_gaps(raw, self.fill_gap))
            if len(runs) < len(raw):
                notes[k].append(f"gap filling merged {', '.join(map(format_range, raw))} into "
                                f"{', '.join(map(format_range, runs))}")
            best = max(runs, key=lambda r: r[1] - r[0])  # first (left-most) of the longest
            for run in runs:
                if run != best:
                    rejected[k].append((run, Reason.SMALLER_RUN))
                    notes[k].append(f"smaller run {quote_span(run, tgt_words)} dropped "
                                    f"(largest run only)")
            groups.append(_Group([k], ent.label, list(range(*best))))

        lost_to: dict[int, int] = {}
        self._merge_same_type(groups, notes, rejected, lost_to, names)
        self._drop_smaller(groups, notes, rejected, lost_to, names)

        # Step 6: write survivors in order; later ones take shared words.
        owner = claim_words(n_tgt, ((g.leader, maximal_runs(g.words)) for g in groups))
        for g in groups:
            k = g.leader
            ent = src_entities[k]
            mine = [j for j in g.words if owner[j] == k]
            taken = [j for j in g.words if owner[j] != k]
            takers: Counter[int] = Counter(owner[j] for j in taken)  # type: ignore[misc]
            for rng in maximal_runs(taken):
                rejected[k].append((rng, Reason.OVERWRITTEN))
                notes[k].append(f"words {format_range(rng)} overwritten by later entity "
                                f"{owner[rng[0]]}")
            targets = tuple(Span(s, e, ent.label) for s, e in maximal_runs(mine))
            competitor = takers.most_common(1)[0][0] if takers else None
            member_links = [link for m in g.members for link in links[m]]
            support = tuple(sorted(link for link in links[k]
                                   if any(t.start <= link[1] < t.end for t in targets)))
            if targets:
                head = (f"{names[k]} projected onto "
                        + ", ".join(quote_span(t, tgt_words) for t in targets))
                done[k] = Projection(k, ent, targets, Reason.PROJECTED, _join(head, notes[k]),
                                     support, tuple(rejected[k]), competitor)
            else:
                done[k] = Projection(k, ent, (), Reason.OVERWRITTEN,
                                     _join(f"all words of {names[k]} were overwritten",
                                           notes[k]),
                                     tuple(sorted(set(member_links))), tuple(rejected[k]),
                                     competitor)
        for k, winner in lost_to.items():
            # merged into a neighbour whose span survived -> MERGED; otherwise a lost collision
            survived = bool(done.get(winner)) and done[winner].projected
            merged = bool(rejected[k]) and rejected[k][-1][1] is Reason.MERGED and survived
            done[k] = Projection(k, src_entities[k], (),
                                 Reason.MERGED if merged else Reason.LOST_COLLISION,
                                 _join(f"{names[k]} lost a collision", notes[k]), links[k],
                                 tuple(rejected[k]), winner)
        return [done[k] for k in range(len(src_entities))]

    # -- collisions -------------------------------------------------------------------------------

    def _collide(self, a: _Group, b: _Group) -> bool:
        if self.collision_test == "original":
            return a.words[-1] >= b.words[0]
        return a.words[0] <= b.words[-1] and b.words[0] <= a.words[-1]

    def _why(self, a: _Group, b: _Group) -> str:
        """Explains a collision; flags the original test's 'collisions' without overlap."""
        if a.words[0] <= b.words[-1] and b.words[0] <= a.words[-1]:
            return "overlapping"
        return ("not overlapping, but the original test counts it as a collision because the "
                "earlier entity ends after the later one starts")

    def _merge_same_type(self, groups: list[_Group], notes: dict[int, list[str]],
                         rejected: dict[int, list[tuple[tuple[int, int], Reason]]],
                         lost_to: dict[int, int], names: list[str]) -> None:
        i = 0
        while i < len(groups) - 1:
            a, b = groups[i], groups[i + 1]
            if a.label == b.label and self._collide(a, b):
                why = self._why(a, b)
                for m in b.members:
                    lost_to[m] = a.leader
                    rejected[m].append(((b.words[0], b.words[-1] + 1), Reason.MERGED))
                    notes[m].append(f"merged into the {a.label} span of entity {a.leader} "
                                    f"({names[a.leader]}; {why})")
                notes[a.leader].append(f"merged with same-type entity "
                                       f"{', '.join(names[m] for m in b.members)} ({why})")
                a.words = sorted(set(a.words) | set(b.words))
                a.members.extend(b.members)
                del groups[i + 1]
            else:
                i += 1

    def _drop_smaller(self, groups: list[_Group], notes: dict[int, list[str]],
                      rejected: dict[int, list[tuple[tuple[int, int], Reason]]],
                      lost_to: dict[int, int], names: list[str]) -> None:
        i = 0
        while i < len(groups) - 1:
            a, b = groups[i], groups[i + 1]
            if not self._collide(a, b):
                i += 1
                continue
            why = self._why(a, b)
            winner, loser, pos = (a, b, i + 1) if len(a.words) > len(b.words) else (b, a, i)
            rule = "longer" if len(a.words) != len(b.words) else "later on a tie"
            message = (f"lost to entity {winner.leader} ({names[winner.leader]}, "
                       f"{len(winner.words)} vs {len(loser.words)} words, {rule} wins; {why})")
            lost_to[loser.leader] = winner.leader
            rejected[loser.leader].append(((loser.words[0], loser.words[-1] + 1),
                                           Reason.LOST_COLLISION))
            notes[loser.leader].append(message)
            for m in loser.members[1:]:  # merged earlier into the loser: their span is gone too
                notes[m].append(f"the merged span then {message}")
            notes[winner.leader].append(f"won a collision against "
                                        f"{', '.join(names[m] for m in loser.members)}")
            del groups[pos]


def _join(head: str, notes: Sequence[str]) -> str:
    return head + ("; " + "; ".join(notes) if notes else "")
