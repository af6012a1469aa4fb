"""Candidate-based projection: extract candidates, score them, match (METHOD.md §4).

``CandidateProjector(candidates="ngram", matching="greedy")`` is the paper's "C-ng" method with
the alignment score; ``candidates="ner"`` uses the target NER spans passed as ``ner_spans``.
:meth:`CandidateProjector.project_with_candidates` also returns the candidates with their score
components (``Candidate.scores[entity_index] == {"align": ..., ...}``) for the inspector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from core.errors import ProjectError
from core.projection.candidates import (PAPER_SKIP_CHARS, alignment_window, ner_candidates,
                                        ngram_ranges)
from core.projection.matching import (MATCHERS, MatchingProblem, exact_match, greedy_match,
                                      outcomes)
from core.projection.scores import (BUILTIN_COMPONENTS, ExtraScore, ScoreFn, attach_scores,
                                    score_candidates)
from core.types import Alignment, Candidate, Projection, Reason, Span

CANDIDATE_SOURCES = ("ngram", "ner")


def _fmt(rng: tuple[int, int]) -> str:
    return f"[{rng[0]}, {rng[1]})"


@dataclass(frozen=True)
class CandidateProjector:
    """Projects each source entity onto at most one non-overlapping target candidate.

    ``candidates``: ``"ngram"`` (every range, see :func:`ngram_candidates`) or ``"ner"`` (the
    ``ner_spans`` given to :meth:`project`). ``matching``: ``"greedy"`` or ``"exact"``.
    ``weights``: score component name -> weight (default: the alignment score alone).
    ``prune``: drop pairs dominated by their part inside the entity's alignment window (never
    changes the greedy result or the exact optimum; see :mod:`core.projection.matching`).
    ``solver``/``formulation``: passed to :func:`~core.projection.matching.exact_match`.
    """

    candidates: str = "ngram"
    matching: str = "greedy"
    max_len: int | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: {"align": 1.0}, hash=False)
    skip_chars: tuple[str, ...] = PAPER_SKIP_CHARS
    skip_punct_edges: bool = False
    prune: bool = True
    solver: str = "auto"
    formulation: str = "words"
    components: Mapping[str, ScoreFn] = field(default_factory=lambda: BUILTIN_COMPONENTS,
                                              compare=False)

    def __post_init__(self) -> None:
        if self.candidates not in CANDIDATE_SOURCES:
            raise ProjectError(f"unknown candidate source {self.candidates!r}",
                               setting="candidates", hint=f"use one of {CANDIDATE_SOURCES}")
        if self.matching not in MATCHERS:
            raise ProjectError(f"unknown matching method {self.matching!r}", setting="matching",
                               hint=f"use one of {MATCHERS}")
        if not self.weights:
            raise ProjectError("no score weights given", setting="weights",
                               hint='e.g. {"align": 1.0}')

    @property
    def name(self) -> str:
        return f"candidates-{self.candidates}-{self.matching}"

    def project(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, src_words: Sequence[str] | None = None,
                ner_spans: Sequence[Span] | None = None,
                extra_scores: Mapping[str, ExtraScore] | None = None) -> list[Projection]:
        """One :class:`Projection` per source entity, in order."""
        return self.project_with_candidates(src_entities, alignment, tgt_words,
                                            src_words=src_words, ner_spans=ner_spans,
                                            extra_scores=extra_scores)[0]

    def candidate_ranges(self, tgt_words: Sequence[str],
                         ner_spans: Sequence[Span] | None = None) -> list[tuple[int, int]]:
        """The candidate ranges (sorted) this projector scores."""
        if self.candidates == "ngram":
            return ngram_ranges(tgt_words, max_len=self.max_len, skip_chars=self.skip_chars,
                                skip_punct_edges=self.skip_punct_edges)
        if ner_spans is None:
            raise ProjectError("candidates='ner' needs the target NER spans", setting="ner_spans",
                               hint="pass ner_spans=... (tag the target sentence first)")
        return [c.range for c in ner_candidates(ner_spans, n_words=len(tgt_words))]

    def problem(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, ner_spans: Sequence[Span] | None = None,
                extra_scores: Mapping[str, ExtraScore] | None = None,
                all_candidates: bool = False) -> tuple[MatchingProblem, list[Candidate]]:
        """The matching problem and the candidates carrying the score components of the pairs
        the matching considers (positive total, not pruned).

        Only candidates with such a pair are returned unless ``all_candidates`` is true.
        """
        _check(alignment, tgt_words)
        ranges = self.candidate_ranges(tgt_words, ner_spans)
        table = score_candidates(src_entities, ranges, alignment, tgt_words, weights=self.weights,
                                 extra_scores=extra_scores, components=self.components)
        windows = [alignment_window(e, alignment) for e in src_entities] if self.prune else None
        prob = MatchingProblem.build(table.total, table.ranges, windows=windows)
        cands = attach_scores(ranges, table, pairs=[(s, c) for s, c, _ in prob.pairs],
                              keep_unscored=all_candidates, origin=self.candidates)
        return prob, cands

    def project_with_candidates(self, src_entities: Sequence[Span], alignment: Alignment,
                                tgt_words: Sequence[str], *,
                                src_words: Sequence[str] | None = None,
                                ner_spans: Sequence[Span] | None = None,
                                extra_scores: Mapping[str, ExtraScore] | None = None,
                                all_candidates: bool = False
                                ) -> tuple[list[Projection], list[Candidate]]:
        """Projections plus the candidates with their score components per entity.

        By default only candidates that matching considered for some entity are returned (a
        positive total score, not pruned); ``all_candidates=True`` returns every candidate.
        """
        if src_words is not None:
            alignment.check_bounds(len(src_words), len(tgt_words))
            for e in src_entities:
                if e.end > len(src_words):
                    raise ProjectError(f"source entity [{e.start}, {e.end}) {e.label} exceeds "
                                       f"the {len(src_words)} source words")
        prob, cands = self.problem(src_entities, alignment, tgt_words, ner_spans=ner_spans,
                                   extra_scores=extra_scores, all_candidates=all_candidates)
        by_range = {c.range: c for c in cands}
        if self.matching == "greedy":
            result = greedy_match(prob)
        else:
            result = exact_match(prob, solver=self.solver, formulation=self.formulation)
        projections = []
        for out in outcomes(prob, result):
            ent = src_entities[out.entity]
            rng = prob.ranges[out.candidate] if out.candidate is not None else None
            if out.reason is Reason.PROJECTED:
                assert rng is not None and out.score is not None
                support = tuple(alignment.links_between(ent.range, rng))
                comps = by_range[rng].scores.get(out.entity, {})
                detail = f"score {out.score:.3f} (" + ", ".join(
                    f"{k} {v:.3f}" for k, v in comps.items()) + f") for candidate {_fmt(rng)}"
                projections.append(Projection(
                    out.entity, ent, (Span(rng[0], rng[1], ent.label, out.score),), out.reason,
                    detail, support, score=out.score))
            elif out.reason is Reason.NO_CANDIDATE:
                linked = alignment.targets_of(ent.indices())
                why = (f"; its aligned target words {linked} are in no scored candidate"
                       if linked else "; no target word is aligned to it")
                projections.append(Projection(out.entity, ent, (), out.reason,
                                              "no candidate scored above 0" + why))
            else:
                assert rng is not None
                verb = ("was blocked when greedy selected" if self.matching == "greedy"
                        else "is left out of the optimum; it overlaps")
                rival = (f"entity {out.competitor}'s candidate "
                         f"{_fmt(prob.ranges[result.selected[out.competitor][0]])} (score "
                         f"{result.selected[out.competitor][1]:.3f})"
                         if out.competitor is not None else "another selection")
                detail = f"best candidate {_fmt(rng)} (score {out.score:.3f}) {verb} {rival}"
                projections.append(Projection(out.entity, ent, (), out.reason, detail,
                                              rejected=((rng, out.reason),),
                                              competitor=out.competitor))
        return projections, cands


def _check(alignment: Alignment, tgt_words: Sequence[str]) -> None:
    n = len(tgt_words)
    for i, j in alignment.links:
        if not 0 <= j < n:
            raise ProjectError(f"link {i}-{j} points past the {n} target words",
                               setting="alignment", hint="check that alignment and target "
                                                         "sentence belong together")
