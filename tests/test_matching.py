"""Greedy and exact matching, window pruning, and the candidate projector (METHOD.md §4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ProjectError
from core.projection.candidate_projector import CandidateProjector
from core.projection.candidates import alignment_window, ngram_candidates, ngram_ranges
from core.projection.matching import (MatchingProblem, MatchResult, exact_match, greedy_match,
                                      match, outcomes)
from core.projection.scores import score_candidates
from core.types import Alignment, Reason, Span

CHAIN = MatchingProblem.from_pairs(3, [(0, 2), (1, 3), (2, 4)],
                                   [(0, 0, 0.2), (1, 1, 0.3), (2, 2, 0.2)])


def brute_force(problem: MatchingProblem) -> float:
    """Best objective by trying every assignment (tiny problems only)."""
    by_ent: dict[int, list[tuple[int, float]]] = {}
    for s, c, score in problem.pairs:
        by_ent.setdefault(s, []).append((c, score))
    ents = sorted(by_ent)

    def rec(k: int, used: list[tuple[int, int]]) -> float:
        if k == len(ents):
            return 0.0
        best = rec(k + 1, used)
        for c, score in by_ent[ents[k]]:
            a, b = problem.ranges[c]
            if all(b <= u or v <= a for u, v in used):
                best = max(best, score + rec(k + 1, used + [(a, b)]))
        return best

    return rec(0, [])


def assert_feasible(problem: MatchingProblem, result: MatchResult) -> None:
    chosen = [problem.ranges[c] for c, _ in result.selected.values()]
    for k, (a, b) in enumerate(chosen):
        for u, v in chosen[k + 1:]:
            assert b <= u or v <= a, f"overlapping selections {chosen}"
    pairs = {(s, c): score for s, c, score in problem.pairs}
    for s, (c, score) in result.selected.items():
        assert pairs[(s, c)] == score > 0


# ----------------------------------------------------------------------------- strategies

SCORES = st.sampled_from([0.0, 0.0, 0.0, 0.1, 0.2, 0.2, 0.3, 0.5, 0.7, 1.0])


@st.composite
def problems(draw: st.DrawFn, max_words: int = 5, max_entities: int = 3) -> MatchingProblem:
    n_words = draw(st.integers(1, max_words))
    rngs = [(s, e) for s in range(n_words) for e in range(s + 1, n_words + 1)]
    rngs = draw(st.lists(st.sampled_from(rngs), min_size=1, max_size=len(rngs), unique=True))
    n_ent = draw(st.integers(1, max_entities))
    scores = draw(st.lists(SCORES, min_size=n_ent * len(rngs), max_size=n_ent * len(rngs)))
    pairs = [(s, c, scores[s * len(rngs) + c]) for s in range(n_ent) for c in range(len(rngs))]
    return MatchingProblem.from_pairs(n_ent, rngs, pairs)


@st.composite
def sentences(draw: st.DrawFn) -> tuple[list[Span], Alignment, list[str]]:
    """Random non-overlapping source entities, a random alignment and target words."""
    n_src = draw(st.integers(1, 8))
    n_tgt = draw(st.integers(1, 8))
    cuts = sorted(draw(st.sets(st.integers(0, n_src), min_size=2, max_size=6)))
    ents = [Span(a, b, "X") for a, b in zip(cuts, cuts[1:]) if draw(st.booleans())]
    if not ents:
        ents = [Span(cuts[0], cuts[1], "X")]
    links = draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                         max_size=12))
    words = draw(st.lists(st.sampled_from(["a", "b", "c", "!", ","]), min_size=n_tgt,
                          max_size=n_tgt))
    return ents, Alignment.of(links), words


# ----------------------------------------------------------------------------- the chain

def test_chain_counter_example() -> None:
    greedy = greedy_match(CHAIN)
    exact = exact_match(CHAIN)
    assert greedy.selected == {1: (1, 0.3)}
    assert greedy.objective == pytest.approx(0.3)
    assert exact.selected == {0: (0, 0.2), 2: (2, 0.2)}
    assert exact.objective == pytest.approx(0.4)
    for solver in ("cbc", "dp"):
        assert exact_match(CHAIN, solver=solver).objective == pytest.approx(0.4)
    assert exact_match(CHAIN, solver="cbc", formulation="pairwise").objective == pytest.approx(0.4)


def test_chain_reasons_and_competitors() -> None:
    g = outcomes(CHAIN, greedy_match(CHAIN))
    assert [o.reason for o in g] == [Reason.LOST_TO_HIGHER_SCORE, Reason.PROJECTED,
                                     Reason.LOST_TO_HIGHER_SCORE]
    assert [o.competitor for o in g] == [1, None, 1]
    e = outcomes(CHAIN, exact_match(CHAIN))
    assert [o.reason for o in e] == [Reason.PROJECTED, Reason.NOT_SELECTED, Reason.PROJECTED]
    assert e[1].competitor == 0  # overlaps both selections (0.2 each): the lower index


def test_chain_through_the_projector_with_an_extra_component() -> None:
    ents = [Span(0, 1, "PER"), Span(1, 2, "ORG"), Span(2, 3, "LOC")]
    words = ["w0", "w1", "w2", "w3"]
    chain = {(0, (0, 2)): 0.2, (1, (1, 3)): 0.3, (2, (2, 4)): 0.2}
    kw = dict(weights={"align": 0.0, "chain": 1.0}, max_len=2)
    al = Alignment.of([])
    greedy = CandidateProjector(matching="greedy", **kw)
    exact = CandidateProjector(matching="exact", **kw)
    assert greedy.name == "candidates-ngram-greedy" and exact.name == "candidates-ngram-exact"
    pg = greedy.project(ents, al, words, extra_scores={"chain": chain})
    pe = exact.project(ents, al, words, extra_scores={"chain": chain})
    assert [p.targets for p in pg] == [(), (Span(1, 3, "ORG"),), ()]
    assert pg[0].reason is Reason.LOST_TO_HIGHER_SCORE and pg[0].competitor == 1
    assert pg[0].rejected == (((0, 2), Reason.LOST_TO_HIGHER_SCORE),)
    assert "entity 1" in pg[0].detail
    assert [p.targets for p in pe] == [(Span(0, 2, "PER"),), (), (Span(2, 4, "LOC"),)]
    assert pe[1].reason is Reason.NOT_SELECTED and pe[1].competitor == 0
    assert pe[0].score == pytest.approx(0.2) and pe[1].score is None


# ----------------------------------------------------------------------------- properties

@settings(max_examples=150, deadline=None)
@given(problems())
def test_exact_is_optimal_and_at_least_greedy(problem: MatchingProblem) -> None:
    greedy = greedy_match(problem)
    exact = exact_match(problem)
    dp = exact_match(problem, solver="dp")
    assert_feasible(problem, greedy)
    assert_feasible(problem, exact)
    assert_feasible(problem, dp)
    best = brute_force(problem)
    assert exact.objective == pytest.approx(best)
    assert dp.objective == pytest.approx(best)
    assert exact.objective >= greedy.objective - 1e-9


@settings(max_examples=30, deadline=None)
@given(problems(max_words=4, max_entities=3), st.sampled_from(["words", "pairwise"]))
def test_cbc_matches_brute_force(problem: MatchingProblem, formulation: str) -> None:
    cbc = exact_match(problem, solver="cbc", formulation=formulation)
    assert_feasible(problem, cbc)
    assert cbc.objective == pytest.approx(brute_force(problem))


def test_dense_problem_goes_to_cbc_and_agrees_with_dp() -> None:
    """Dense scores (as with NER/NMT components): too big for the DP budget, solved by CBC."""
    rng = np.random.default_rng(7)
    ranges = ngram_ranges(["w"] * 20, max_len=6)
    total = rng.random((9, len(ranges))) * (rng.random((9, len(ranges))) < 0.4)
    prob = MatchingProblem.build(total, ranges)
    cbc = exact_match(prob)
    assert cbc.stats == {"cbc": 1}
    dp = exact_match(prob, solver="dp")
    assert_feasible(prob, cbc)
    assert cbc.objective == pytest.approx(dp.objective)
    assert cbc.objective >= greedy_match(prob).objective


def test_greedy_is_deterministic_and_prefers_shorter_on_ties() -> None:
    # entity 0 scores 0.5 on (0,1) and on (0,2); entity 1 scores 0.5 on (1,2)
    prob = MatchingProblem.from_pairs(2, [(0, 1), (0, 2), (1, 2)],
                                      [(0, 1, 0.5), (0, 0, 0.5), (1, 2, 0.5)])
    assert greedy_match(prob).selected == {0: (0, 0.5), 1: (2, 0.5)}
    # equal score and length: the lower entity index wins the shared candidate
    tie = MatchingProblem.from_pairs(2, [(0, 1)], [(1, 0, 0.4), (0, 0, 0.4)])
    assert greedy_match(tie).selected == {0: (0, 0.4)}
    assert outcomes(tie, greedy_match(tie))[1].competitor == 0


def test_non_positive_pairs_are_never_selected() -> None:
    prob = MatchingProblem.from_pairs(2, [(0, 1), (1, 2)], [(0, 0, 0.0), (1, 1, -0.5)])
    assert prob.pairs == ()
    for method in ("greedy", "exact"):
        assert match(prob, method).selected == {}
        assert [o.reason for o in outcomes(prob, match(prob, method))] == [Reason.NO_CANDIDATE] * 2
    built = MatchingProblem.build(np.array([[0.0, -1.0], [0.3, 0.0]]), [(0, 1), (1, 2)])
    assert built.pairs == ((1, 0, 0.3),)


def test_bipartite_and_dp_paths_on_known_problems() -> None:
    # disjoint candidates, both entities prefer candidate 0: 0.9 + 0.8 beats 1.0 + 0.1
    disjoint = MatchingProblem.from_pairs(2, [(0, 1), (1, 2)],
                                          [(0, 0, 1.0), (0, 1, 0.9), (1, 0, 0.8), (1, 1, 0.1)])
    res = exact_match(disjoint)
    assert res.stats == {"bipartite": 1}
    assert res.objective == pytest.approx(1.7) and res.selected == {0: (1, 0.9), 1: (0, 0.8)}
    # overlapping candidates with conflicting bests: dynamic programming
    res = exact_match(CHAIN)
    assert res.stats == {"dp": 1}
    # with dp disabled the ILP solves it
    res = exact_match(CHAIN, dp_budget=0)
    assert res.stats == {"cbc": 1} and res.objective == pytest.approx(0.4)
    with pytest.raises(ProjectError, match="solver"):
        exact_match(CHAIN, solver="gurobi")
    with pytest.raises(ProjectError, match="formulation"):
        exact_match(CHAIN, formulation="dense")
    with pytest.raises(ProjectError, match="matching"):
        match(CHAIN, "hungarian")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentences(), st.booleans())
def test_window_pruning_keeps_greedy_and_optimum(sentence, with_extra: bool) -> None:  # noqa: ANN001
    ents, al, words = sentence
    cands = ngram_candidates(words)
    extra = None
    weights = {"align": 1.0}
    if with_extra:  # a second component: pruning must check dominance, not assume it
        rng = np.random.default_rng(len(cands) * 31 + len(al))
        extra = {"x": rng.choice([0.0, 0.0, 0.2, 0.5], size=(len(ents), len(cands)))}
        weights = {"align": 1.0, "x": 0.5}
    table = score_candidates(ents, cands, al, weights=weights, extra_scores=extra)
    windows = [alignment_window(e, al) for e in ents]
    full = MatchingProblem.build(table.total, table.ranges)
    pruned = MatchingProblem.build(table.total, table.ranges, windows=windows)
    assert len(pruned.pairs) + pruned.pruned == len(full.pairs)
    assert greedy_match(pruned).selected == greedy_match(full).selected
    assert exact_match(pruned).objective == pytest.approx(brute_force(full))
    if not with_extra:  # alignment score alone: only candidates inside the window survive
        for s, c, _ in pruned.pairs:
            (a, b), (wa, wb) = pruned.ranges[c], windows[s]
            assert wa <= a and b <= wb


@settings(max_examples=80, deadline=None)
@given(sentences(), st.sampled_from(["greedy", "exact"]))
def test_projector_output_is_valid(sentence, matching: str) -> None:  # noqa: ANN001
    ents, al, words = sentence
    proj = CandidateProjector(matching=matching)
    projections, cands = proj.project_with_candidates(ents, al, words)
    assert [p.entity for p in projections] == list(range(len(ents)))
    targets = [t for p in projections for t in p.targets]
    for p in projections:
        assert len(p.targets) <= 1
        assert (p.reason is Reason.PROJECTED) == bool(p.targets)
        for t in p.targets:
            assert 0 <= t.start < t.end <= len(words)
            assert t.label == p.source.label
            assert not any(ch in w for w in words[t.start:t.end] for ch in "!?")
            assert p.support and all(p.source.start <= i < p.source.end and t.start <= j < t.end
                                     for i, j in p.support)
    for k, a in enumerate(targets):
        assert not any(a.overlaps(b) for b in targets[k + 1:])
    # an entity without any aligned target word can have no positive candidate
    for p, e in zip(projections, ents):
        if alignment_window(e, al) is None:
            assert p.reason is Reason.NO_CANDIDATE
    # candidate scores carry the alignment component for the inspector; by default only
    # candidates that some entity could take are returned, each chosen one among them
    for c in cands:
        assert c.scores
        for s, comp in c.scores.items():
            assert comp["align"] > 0 and 0 <= s < len(ents)
    scored = {c.range: c for c in cands}
    for p in projections:
        for t in p.targets:
            assert scored[t.range].scores[p.entity]["align"] == pytest.approx(p.score)
    _, everything = proj.project_with_candidates(ents, al, words, all_candidates=True)
    assert [c.range for c in everything] == ngram_ranges(words)
    assert {c.range: c.scores for c in everything if c.scores} == {c.range: c.scores
                                                                     for c in cands}


def test_projector_ner_candidates_and_errors() -> None:
    src = ["Angela", "Merkel", "visited", "Paris"]
    tgt = ["Angela", "Merkel", "besuchte", "Paris"]
    al = Alignment.of([(0, 0), (1, 1), (2, 2), (3, 3)])
    ents = [Span(0, 2, "PER"), Span(3, 4, "LOC")]
    proj = CandidateProjector(candidates="ner", matching="exact")
    assert proj.name == "candidates-ner-exact"
    # NER found only "Merkel" and "Paris": the person can only land on "Merkel"
    out = proj.project(ents, al, tgt, src_words=src,
                       ner_spans=[Span(1, 2, "PER"), Span(3, 4, "LOC")])
    assert [p.targets for p in out] == [(Span(1, 2, "PER", 2 / 3),), (Span(3, 4, "LOC", 1.0),)]
    assert out[0].support == ((1, 1),)
    with pytest.raises(ProjectError, match="ner_spans"):
        proj.project(ents, al, tgt)
    with pytest.raises(ProjectError, match="candidates"):
        CandidateProjector(candidates="mt5")
    with pytest.raises(ProjectError, match="matching"):
        CandidateProjector(matching="ilp")
    with pytest.raises(ProjectError, match="alignment"):
        CandidateProjector().project(ents, Alignment.of([(0, 9)]), tgt)
    with pytest.raises(ProjectError):
        CandidateProjector().project([Span(3, 6, "X")], al, tgt, src_words=src)


def test_projector_greedy_loses_to_higher_score() -> None:
    # both source entities are linked to target word 1; the better-scoring one takes it
    src = ["New", "York", "and", "York"]
    tgt = ["in", "York"]
    al = Alignment.of([(1, 1), (3, 1)])
    ents = [Span(0, 2, "LOC"), Span(3, 4, "LOC")]
    out = CandidateProjector().project(ents, al, tgt, src_words=src)
    assert out[1].targets == (Span(1, 2, "LOC", 1.0),)
    assert out[0].reason is Reason.LOST_TO_HIGHER_SCORE and out[0].competitor == 1
    assert out[0].rejected == (((1, 2), Reason.LOST_TO_HIGHER_SCORE),)
    assert out[1].detail.startswith("score 1.000 (align 1.000)")


def test_integration_conll_deepl_first_sentences(datasets) -> None:  # noqa: ANN001
    """On real alignments: exact >= greedy and both produce valid projections."""
    from core.readers.conll import read_conll
    from core.readers.pharaoh import read_pharaoh

    root = datasets / "conll2003_deepl"
    src = read_conll(root / "original_gold/en.conll.test.tsv", keep_docstart=True)[:300]
    tgt = read_conll(root / "en2de/projections/DeepL.50000.awesome.test.tsv",
                     keep_docstart=True)[:300]
    aligns = read_pharaoh(root / "en2de/alignments/DeepL.50000.awesome.test.talp")[:300]
    greedy, exact = CandidateProjector(), CandidateProjector(matching="exact")
    n_entities = n_projected = 0
    for s, t, al in zip(src, tgt, aligns):
        ents = s.spans
        pg, cands = greedy.project_with_candidates(ents, al, t.words, src_words=s.words)
        pe = exact.project(ents, al, t.words, src_words=s.words)
        objective = lambda ps: sum(p.score for p in ps if p.projected)  # noqa: E731
        assert objective(pe) >= objective(pg) - 1e-9
        n_entities += len(ents)
        n_projected += sum(p.projected for p in pg)
    assert n_entities > 300
    assert n_projected / n_entities > 0.8  # DeepL + AWESoME align almost every entity


def test_no_candidate_details_say_why() -> None:
    ents = [Span(0, 1, "PER"), Span(1, 2, "LOC")]
    out = CandidateProjector().project(ents, Alignment.of([(0, 0)]), ["Bravo!", "Roma"])
    assert [p.reason for p in out] == [Reason.NO_CANDIDATE, Reason.NO_CANDIDATE]
    assert "aligned target words [0]" in out[0].detail  # only inside a skipped "!" word
    assert "no target word is aligned" in out[1].detail
