"""Matching source entities to candidate target spans: greedy and exact (METHOD.md §4).

A :class:`MatchingProblem` holds the candidate ranges and the (entity, candidate, score) pairs
with a positive total score; pairs with total ``<= 0`` are never part of a problem, so they are
never selected. A solution assigns each entity at most one candidate, and no two selected
candidates overlap or coincide.

**Greedy** (:func:`greedy_match`, behind every number in the paper): repeatedly take the
highest-scoring remaining pair, select it, remove the entity's other pairs and every candidate
overlapping the chosen one (itself included). Ties are broken deterministically by, in order:
higher score, shorter candidate (it blocks fewer other candidates), lower entity index (source
order), left-most candidate. Scores are compared after rounding to 12 decimals so that
floating-point noise in weighted sums does not decide ties.

**Exact** (:func:`exact_match`): maximises the sum of selected scores; the ILP of METHOD.md §4
solved with pulp + CBC where needed. The problem is first split into independent components
(entities whose candidates' hulls overlap, transitively); each component is solved by the
cheapest exact method that applies (before splitting, if the best candidates of all entities are
pairwise disjoint they are taken at once: the common case, counted as ``all_best``):

1. one entity: its best candidate;
2. the entities' best candidates are pairwise disjoint: take them all (this reaches the upper
   bound Σ max score, so it is optimal);
3. the component's candidates are pairwise disjoint: weighted bipartite matching
   (``scipy.optimize.linear_sum_assignment``);
4. ``2**k · (number of pairs) <= dp_budget`` for a component of k entities: dynamic programming
   over candidate start positions and the set of entities already used (weighted interval
   scheduling with an entity mask);
5. otherwise the ILP with CBC: x[s,t] binary, maximise Σ c[s,t]·x[s,t] subject to
   (a) Σ_t x[s,t] ≤ 1 per entity and no two selected pairs sharing or overlapping a candidate,
   in one of two equivalent forms (``formulation``):

   - ``"pairwise"``, METHOD.md's: (b) for every pair of distinct overlapping candidates
     Σ_s x[s,t1] + x[s,t2] ≤ 1; (c) Σ_s x[s,t] ≤ 1 for a candidate that overlaps no other;
   - ``"words"`` (default): for every target word w, Σ over candidates t covering w of
     Σ_s x[s,t] ≤ 1. The maximal cliques of an interval graph are the intervals through one
     point, so both forms admit exactly the same integer solutions, but this one has a much
     tighter LP relaxation and is linear in sentence length: on dense random problems (30-40
     words, 8-16 entities, candidates up to 10 words) CBC took 0.2-0.6 s instead of 19-26 s.

``solver="cbc"`` or ``solver="dp"`` forces one method on every component (used by tests to
check that all methods agree). Among several optima the exact result is deterministic for the
built-in methods and whatever CBC returns otherwise.

**Pruning** (:meth:`MatchingProblem.build` with ``windows``): a pair (s, t) whose candidate sticks
out of entity s's alignment window W (left-most to right-most aligned target word) is dropped
when the trimmed candidate t ∩ W is itself a candidate with a total score for s at least as
high. Replacing t by the trimmed candidate in any solution keeps it feasible (t ∩ W ⊆ t
overlaps less) and does not lower the objective, so the optimum value is unchanged; greedy is
unchanged too, because the trimmed pair ranks before t (higher score, or equal and shorter) and
stays available as long as t does. For the alignment score the trimmed candidate always scores
higher (same links, fewer words), so with n-gram candidates only candidates inside W remain.
"""

from __future__ import annotations

import warnings
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from core.errors import ProjectError
from core.types import Reason

Range = tuple[int, int]
Pair = tuple[int, int, float]  # (entity index, candidate index, score > 0)

EPS = 1e-9
_TIE_DIGITS = 12
SOLVERS = ("auto", "cbc", "dp")
FORMULATIONS = ("words", "pairwise")


def _overlap(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class MatchingProblem:
    """Candidate ranges and the positive-score pairs of one sentence.

    ``pairs`` are sorted by (entity, candidate); ``pruned`` counts the positive pairs dropped by
    window pruning (see the module docstring).
    """

    n_entities: int
    ranges: tuple[Range, ...]
    pairs: tuple[Pair, ...]
    pruned: int = 0

    @classmethod
    def from_pairs(cls, n_entities: int, ranges: Sequence[Range],
                   pairs: Sequence[tuple[int, int, float]]) -> "MatchingProblem":
        """A problem from explicit pairs; pairs with score ``<= 0`` are dropped."""
        rng = tuple((int(a), int(b)) for a, b in ranges)
        for a, b in rng:
            if a < 0 or b <= a:
                raise ProjectError(f"invalid candidate range [{a}, {b})")
        out = []
        for s, c, score in pairs:
            if not (0 <= s < n_entities and 0 <= c < len(rng)):
                raise ProjectError(f"pair ({s}, {c}) out of range for {n_entities} entities "
                                   f"and {len(rng)} candidates")
            if score > 0:
                out.append((int(s), int(c), float(score)))
        return cls(n_entities, rng, tuple(sorted(out)))

    @classmethod
    def build(cls, total: np.ndarray, ranges: Sequence[Range], *,
              windows: Sequence[Range | None] | None = None) -> "MatchingProblem":
        """A problem from a total-score matrix ``(n_entities, n_candidates)``.

        With ``windows`` (one per entity, ``None`` for an unaligned entity) dominated pairs are
        pruned as described in the module docstring.
        """
        total = np.asarray(total, dtype=np.float64)
        rng = ranges if isinstance(ranges, tuple) else tuple(tuple(r) for r in ranges)
        if total.ndim != 2 or total.shape[1] != len(rng):
            raise ProjectError(f"score matrix of shape {total.shape} does not match "
                               f"{len(rng)} candidates")
        n_ent = total.shape[0]
        if windows is not None and len(windows) != n_ent:
            raise ProjectError(f"{len(windows)} windows for {n_ent} entities")
        keep = total > 0
        n_positive = int(keep.sum())
        if windows is not None and n_positive and rng:
            keep &= ~_dominated(total, rng, windows)
        rows, cols = np.nonzero(keep)
        pairs = tuple(zip(rows.tolist(), cols.tolist(), total[rows, cols].tolist()))
        return cls(n_ent, rng, pairs, n_positive - len(pairs))

    def best_pairs(self) -> dict[int, Pair]:
        """Each entity's best pair in greedy order (higher score, shorter, left-most)."""
        best: dict[int, Pair] = {}
        for p in self.pairs:
            cur = best.get(p[0])
            if cur is None or _key(p, self.ranges) < _key(cur, self.ranges):
                best[p[0]] = p
        return best


def _dominated(total: np.ndarray, ranges: Sequence[Range],
               windows: Sequence[Range | None]) -> np.ndarray:
    """Mask of pairs whose window-trimmed candidate exists and scores at least as high."""
    arr = np.asarray(ranges, dtype=np.int64).reshape(len(ranges), 2)
    starts, ends = arr[:, 0], arr[:, 1]
    n = int(ends.max())
    index = np.full((n + 1, n + 1), -1, dtype=np.int64)
    index[starts, ends] = np.arange(len(ranges))
    out = np.zeros(total.shape, dtype=bool)
    for s, win in enumerate(windows):
        if win is None:
            continue
        wa, wb = min(win[0], n), min(win[1], n)
        outside = (starts < wa) | (ends > wb)
        inner_s, inner_e = np.maximum(starts, wa), np.minimum(ends, wb)
        valid = outside & (inner_s < inner_e)
        inner = np.where(valid, index[inner_s, np.where(valid, inner_e, inner_s)], -1)
        has = inner >= 0
        row = total[s]
        out[s] = has & (row[np.where(has, inner, 0)] >= row)
    return out


def _key(p: Pair, ranges: Sequence[Range]) -> tuple[float, int, int, int]:
    a, b = ranges[p[1]]
    return (-round(p[2], _TIE_DIGITS), b - a, p[0], a)


@dataclass(frozen=True)
class MatchResult:
    """Selected pairs ``{entity: (candidate index, score)}`` and the method that chose them.

    ``stats`` counts how components were solved (exact matching only).
    """

    method: str
    selected: Mapping[int, tuple[int, float]]
    stats: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def objective(self) -> float:
        return float(sum(score for _, score in self.selected.values()))


def greedy_match(problem: MatchingProblem) -> MatchResult:
    """The paper's greedy approximation (see the module docstring for tie-breaking)."""
    ranges = problem.ranges
    order = sorted(problem.pairs, key=lambda p: _key(p, ranges))
    chosen: list[Range] = []
    selected: dict[int, tuple[int, float]] = {}
    for s, c, score in order:
        if s in selected:
            continue
        a, b = ranges[c]
        if any(a < v and u < b for u, v in chosen):
            continue
        selected[s] = (c, score)
        chosen.append((a, b))
        if len(selected) == problem.n_entities:
            break
    return MatchResult("greedy", selected)


# ----------------------------------------------------------------------------- exact matching

def _components(problem: MatchingProblem) -> list[list[int]]:
    """Groups of entities whose candidate hulls overlap (transitively), sorted."""
    hull: dict[int, list[int]] = {}
    for s, c, _ in problem.pairs:
        a, b = problem.ranges[c]
        h = hull.get(s)
        if h is None:
            hull[s] = [a, b]
        else:
            if a < h[0]:
                h[0] = a
            if b > h[1]:
                h[1] = b
    groups: list[list[int]] = []
    end = -1
    for s, (a, b) in sorted(hull.items(), key=lambda kv: kv[1][0]):
        if groups and a < end:
            groups[-1].append(s)
            end = max(end, b)
        else:
            groups.append([s])
            end = b
    return groups


def _pairwise_disjoint(rs: Sequence[Range]) -> bool:
    srt = sorted(rs)
    return all(srt[k][1] <= srt[k + 1][0] for k in range(len(srt) - 1))


def _solve_lsa(ents: Sequence[int], by_ent: Mapping[int, list[Pair]]
               ) -> dict[int, tuple[int, float]]:
    from scipy.optimize import linear_sum_assignment

    cands = sorted({c for s in ents for _, c, _ in by_ent[s]})
    col = {c: k for k, c in enumerate(cands)}
    mat = np.zeros((len(ents), len(cands)))
    for r, s in enumerate(ents):
        for _, c, score in by_ent[s]:
            mat[r, col[c]] = score
    rows, cols = linear_sum_assignment(mat, maximize=True)
    return {ents[r]: (cands[k], float(mat[r, k])) for r, k in zip(rows, cols) if mat[r, k] > 0}


def _solve_dp(ents: Sequence[int], by_ent: Mapping[int, list[Pair]], ranges: Sequence[Range]
              ) -> dict[int, tuple[int, float]]:
    """Weighted interval scheduling over start positions with a mask of used entities."""
    bits = {s: 1 << k for k, s in enumerate(ents)}
    by_start: dict[int, list[tuple[int, int, float, int, int]]] = {}
    for s in ents:
        for _, c, score in sorted(by_ent[s], key=lambda p: _key(p, ranges)):
            a, b = ranges[c]
            by_start.setdefault(a, []).append((b, bits[s], score, s, c))
    starts = sorted(by_start)
    n = len(starts)
    nxt = {b: bisect_left(starts, b) for opts in by_start.values() for b, *_ in opts}
    memo: dict[tuple[int, int], tuple[float, tuple[int, int, float, int, int] | None]] = {}

    def best(i: int, mask: int) -> float:
        if i == n:
            return 0.0
        hit = memo.get((i, mask))
        if hit is not None:
            return hit[0]
        value, choice = best(i + 1, mask), None
        for opt in by_start[starts[i]]:
            b, bit, score = opt[0], opt[1], opt[2]
            if mask & bit:
                continue
            v = score + best(nxt[b], mask | bit)
            if v > value + EPS:
                value, choice = v, opt
        memo[(i, mask)] = (value, choice)
        return value

    best(0, 0)
    out: dict[int, tuple[int, float]] = {}
    i, mask = 0, 0
    while i < n:
        choice = memo[(i, mask)][1]
        if choice is None:
            i += 1
        else:
            b, bit, score, s, c = choice
            out[s] = (c, score)
            mask |= bit
            i = nxt[b]
    return out


def _solve_cbc(ents: Sequence[int], by_ent: Mapping[int, list[Pair]], ranges: Sequence[Range],
               formulation: str = "words") -> dict[int, tuple[int, float]]:
    """The ILP of METHOD.md §4 on one component, solved with CBC (see the module docstring for
    the two equivalent forms of the overlap constraints)."""
    import pulp

    prob = pulp.LpProblem("projection_matching", pulp.LpMaximize)
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    by_cand: dict[int, list[pulp.LpVariable]] = {}
    score_of: dict[tuple[int, int], float] = {}
    for s in ents:
        for _, c, score in by_ent[s]:
            var = prob.add_variable(f"x_{s}_{c}", cat=pulp.LpBinary)
            x[(s, c)] = var
            score_of[(s, c)] = score
            by_cand.setdefault(c, []).append(var)
    prob += pulp.lpSum(score_of[k] * v for k, v in x.items())
    for s in ents:  # (a)
        prob += pulp.lpSum(x[(s, c)] for _, c, _ in by_ent[s]) <= 1
    cands = sorted(by_cand, key=lambda c: ranges[c])
    if formulation == "pairwise":
        overlaps_any = set()
        for k, c1 in enumerate(cands):  # (b)
            for c2 in cands[k + 1:]:
                if ranges[c2][0] >= ranges[c1][1]:
                    break
                overlaps_any.update((c1, c2))
                prob += pulp.lpSum(by_cand[c1]) + pulp.lpSum(by_cand[c2]) <= 1
        for c in cands:  # (c)
            if c not in overlaps_any and len(by_cand[c]) > 1:
                prob += pulp.lpSum(by_cand[c]) <= 1
    else:  # one clique constraint per target word, equivalent to (b) + (c)
        covering: dict[int, list[pulp.LpVariable]] = {}
        for c in cands:
            for w in range(*ranges[c]):
                covering.setdefault(w, []).extend(by_cand[c])
        for w in sorted(covering):
            if len(covering[w]) > 1:
                prob += pulp.lpSum(covering[w]) <= 1
    with warnings.catch_warnings():  # pulp 3.3 announces PULP_CBC_CMD's removal in pulp 4
        warnings.simplefilter("ignore", DeprecationWarning)
        status = prob.solve(pulp.PULP_CBC_CMD(msg=False))
    if pulp.LpStatus[status] != "Optimal":
        raise RuntimeError(f"CBC returned status {pulp.LpStatus[status]} on a matching problem")
    return {s: (c, score_of[(s, c)]) for (s, c), v in x.items() if (v.varValue or 0) > 0.5}


def exact_match(problem: MatchingProblem, *, solver: str = "auto", dp_budget: int = 100_000,
                formulation: str = "words") -> MatchResult:
    """An optimal assignment (maximum sum of selected scores); see the module docstring."""
    if solver not in SOLVERS:
        raise ProjectError(f"unknown exact solver {solver!r}", setting="solver",
                           hint=f"use one of {', '.join(SOLVERS)}")
    if formulation not in FORMULATIONS:
        raise ProjectError(f"unknown ILP formulation {formulation!r}", setting="formulation",
                           hint=f"use one of {', '.join(FORMULATIONS)}")
    ranges = problem.ranges
    by_ent: dict[int, list[Pair]] = {}
    for p in problem.pairs:
        by_ent.setdefault(p[0], []).append(p)
    best = problem.best_pairs()
    if solver == "auto" and _pairwise_disjoint([ranges[p[1]] for p in best.values()]):
        # every entity gets its best candidate: the upper bound is reached (the common case)
        return MatchResult("exact", {s: (p[1], p[2]) for s, p in sorted(best.items())},
                           {"all_best": 1} if best else {})
    selected: dict[int, tuple[int, float]] = {}
    stats: dict[str, int] = {}
    for ents in _components(problem):
        if solver == "cbc":
            how = "cbc"
        elif solver == "dp":
            how = "dp"
        elif len(ents) == 1:
            how = "single"
        elif _pairwise_disjoint([ranges[best[s][1]] for s in ents]):
            how = "best_disjoint"
        elif _pairwise_disjoint([ranges[c] for c in {p[1] for s in ents for p in by_ent[s]}]):
            how = "bipartite"
        elif (1 << len(ents)) * sum(len(by_ent[s]) for s in ents) <= dp_budget:
            how = "dp"
        else:
            how = "cbc"
        stats[how] = stats.get(how, 0) + 1
        if how in ("single", "best_disjoint"):
            selected.update({s: (best[s][1], best[s][2]) for s in ents})
        elif how == "bipartite":
            selected.update(_solve_lsa(ents, by_ent))
        elif how == "dp":
            selected.update(_solve_dp(ents, by_ent, ranges))
        else:
            selected.update(_solve_cbc(ents, by_ent, ranges, formulation))
    return MatchResult("exact", dict(sorted(selected.items())), stats)


MATCHERS = ("greedy", "exact")


def match(problem: MatchingProblem, method: str = "greedy", **options: object) -> MatchResult:
    """Dispatch to :func:`greedy_match` or :func:`exact_match` by name."""
    if method == "greedy":
        return greedy_match(problem)
    if method == "exact":
        return exact_match(problem, **options)  # type: ignore[arg-type]
    raise ProjectError(f"unknown matching method {method!r}", setting="matching",
                       hint=f"use one of {', '.join(MATCHERS)}")


# ----------------------------------------------------------------------------- explanations

@dataclass(frozen=True)
class Outcome:
    """Why one entity got (or did not get) a candidate.

    ``candidate``/``score``: the selected pair (PROJECTED) or the entity's best pair (otherwise;
    ``None`` when it has no positive pair). ``competitor``: the selected entity whose candidate
    overlaps the best one, highest score first, then lowest index.
    """

    entity: int
    reason: Reason
    candidate: int | None = None
    score: float | None = None
    competitor: int | None = None


def outcomes(problem: MatchingProblem, result: MatchResult) -> list[Outcome]:
    """One :class:`Outcome` per entity, in entity order.

    Unselected entities with a positive pair get LOST_TO_HIGHER_SCORE after greedy matching and
    NOT_SELECTED after exact matching.
    """
    lost = Reason.LOST_TO_HIGHER_SCORE if result.method == "greedy" else Reason.NOT_SELECTED
    best = problem.best_pairs()
    out = []
    for s in range(problem.n_entities):
        if s in result.selected:
            c, score = result.selected[s]
            out.append(Outcome(s, Reason.PROJECTED, c, score))
        elif s not in best:
            out.append(Outcome(s, Reason.NO_CANDIDATE))
        else:
            _, c, score = best[s]
            rival = [(-sc, t) for t, (tc, sc) in result.selected.items()
                     if _overlap(problem.ranges[tc], problem.ranges[c])]
            out.append(Outcome(s, lost, c, score, min(rival)[1] if rival else None))
    return out
