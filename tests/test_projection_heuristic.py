"""The paper's heuristic projector (METHOD.md §2) on hand-written examples and random inputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ProjectError
from core.labels import spans_to_tags
from core.projection.base import fill_gaps, maximal_runs, projected_spans
from core.projection.heuristic import HeuristicProjector
from core.types import Alignment, Reason, Span


def links_to(src: range | list[int], tgt: list[int]) -> list[tuple[int, int]]:
    """Link every source index to every target index (enough for run-shape tests)."""
    return [(i, j) for i in src for j in tgt]


def project(projector: HeuristicProjector, entities: list[Span], links: list[tuple[int, int]],
            n_tgt: int = 12):
    words = [f"t{j}" for j in range(n_tgt)]
    return projector.project(entities, Alignment.of(links), words)


# -- helpers in base.py -----------------------------------------------------------------------

def test_maximal_runs_and_fill_gaps() -> None:
    assert maximal_runs([4, 1, 2, 2, 7]) == [(1, 3), (4, 5), (7, 8)]
    assert maximal_runs([]) == []
    assert fill_gaps([(0, 1), (2, 3)], 1) == [(0, 3)]          # one word between: merged
    assert fill_gaps([(0, 1), (3, 4)], 1) == [(0, 1), (3, 4)]  # two words between: not merged
    assert fill_gaps([(0, 1), (3, 4)], 2) == [(0, 4)]
    assert fill_gaps([(0, 1), (2, 3)], 0) == [(0, 1), (2, 3)]


# -- gap filling ------------------------------------------------------------------------------

def test_gap_of_one_word_is_filled() -> None:
    ent = Span(0, 3, "ORG")
    [p] = project(HeuristicProjector(), [ent], links_to(range(3), [2, 4, 5]))
    assert p.reason is Reason.PROJECTED
    assert p.targets == (Span(2, 6, "ORG"),)   # word 3 (unaligned) filled in
    assert "gap filling" in p.detail


def test_gap_of_two_words_is_not_filled() -> None:
    ent = Span(0, 1, "LOC")
    [p] = project(HeuristicProjector(min_ratio=None), [ent], links_to([0], [2, 5]))
    assert p.targets == (Span(2, 3, "LOC"), Span(5, 6, "LOC"))


def test_gap_zero_disables_filling() -> None:
    [p] = project(HeuristicProjector(gap=0, min_ratio=None), [Span(0, 1, "LOC")],
                  links_to([0], [2, 4]))
    assert p.targets == (Span(2, 3, "LOC"), Span(4, 5, "LOC"))


# -- length-ratio filter ----------------------------------------------------------------------

def test_ratio_is_strictly_greater() -> None:
    ent = Span(0, 5, "MISC")
    [p] = project(HeuristicProjector(), [ent], links_to(range(5), [1, 2, 3, 4]))
    assert p.reason is Reason.LENGTH_RATIO
    assert p.targets == ()
    assert p.rejected == (((1, 5), Reason.LENGTH_RATIO),)
    assert "ratio 0.80 ≤ 0.8" in p.detail
    assert p.support  # the links that were considered are kept for the inspector


def test_ratio_above_threshold_is_kept() -> None:
    [p] = project(HeuristicProjector(), [Span(0, 5, "MISC")], links_to(range(5), [1, 2, 3, 4, 5]))
    assert p.targets == (Span(1, 6, "MISC"),)
    [p] = project(HeuristicProjector(), [Span(0, 1, "PER")], links_to([0], [3, 4, 5]))
    assert p.targets == (Span(3, 6, "PER"),)  # longer than the entity: ratio 3 > 0.8


@pytest.mark.parametrize("min_ratio", [None, 0, 0.0])
def test_ratio_filter_can_be_disabled(min_ratio) -> None:
    [p] = project(HeuristicProjector(min_ratio=min_ratio), [Span(0, 5, "MISC")],
                  links_to(range(5), [1, 2, 3, 4]))
    assert p.targets == (Span(1, 5, "MISC"),)


def test_only_failing_runs_are_dropped() -> None:
    # 2-word entity: run [0,2) passes (1.0), single word at 6 fails (0.5).
    [p] = project(HeuristicProjector(), [Span(0, 2, "ORG")], links_to(range(2), [0, 1, 6]))
    assert p.reason is Reason.PROJECTED
    assert p.targets == (Span(0, 2, "ORG"),)
    assert p.rejected == (((6, 7), Reason.LENGTH_RATIO),)


def test_every_surviving_run_is_labelled() -> None:
    [p] = project(HeuristicProjector(), [Span(0, 2, "ORG")], links_to(range(2), [0, 1, 5, 6]))
    assert p.targets == (Span(0, 2, "ORG"), Span(5, 7, "ORG"))


# -- reasons and overlap policy ---------------------------------------------------------------

def test_no_aligned_words() -> None:
    projections = project(HeuristicProjector(), [Span(0, 1, "PER"), Span(2, 3, "LOC")],
                          [(2, 4)])
    assert projections[0].reason is Reason.NO_ALIGNED_WORDS
    assert projections[0].targets == () and projections[0].support == ()
    assert projections[1].targets == (Span(4, 5, "LOC"),)
    assert [p.entity for p in projections] == [0, 1]


def test_later_entity_cuts_earlier_into_pieces() -> None:
    a, b = Span(0, 3, "ORG"), Span(4, 5, "PER")
    links = [(0, 0), (1, 1), (2, 2), (4, 1)]
    pa, pb = project(HeuristicProjector(overwrite="later"), [a, b], links)
    assert pb.targets == (Span(1, 2, "PER"),)
    assert pa.reason is Reason.PROJECTED
    assert pa.targets == (Span(0, 1, "ORG"), Span(2, 3, "ORG"))  # both remainders kept
    assert ((1, 2), Reason.OVERWRITTEN) in pa.rejected
    assert pa.competitor == 1
    assert pa.support == ((0, 0), (2, 2))  # link 1-1 no longer supports a labelled word
    assert "overwritten by later entity 1" in pa.detail


def test_first_policy_keeps_earlier_entity() -> None:
    a, b = Span(0, 3, "ORG"), Span(4, 5, "PER")
    links = [(0, 0), (1, 1), (2, 2), (4, 1)]
    pa, pb = project(HeuristicProjector(overwrite="first"), [a, b], links)
    assert pa.targets == (Span(0, 3, "ORG"),)
    assert pb.reason is Reason.LOST_COLLISION and pb.targets == () and pb.competitor == 0


def test_fully_overwritten_entity() -> None:
    a, b = Span(0, 1, "LOC"), Span(2, 5, "ORG")
    pa, pb = project(HeuristicProjector(), [a, b], [(0, 1), (2, 0), (3, 1), (4, 2)])
    assert pa.reason is Reason.OVERWRITTEN and pa.targets == ()
    assert pa.competitor == 1
    assert pa.rejected == (((1, 2), Reason.OVERWRITTEN),)
    assert pb.targets == (Span(0, 3, "ORG"),)


def test_detail_quotes_words() -> None:
    src = ["Angela", "Merkel", "spoke"]
    tgt = ["Frau", "Merkel", "sprach"]
    [p] = HeuristicProjector().project([Span(0, 2, "PER")], Alignment.of([(1, 1)]), tgt,
                                       src_words=src)
    assert p.reason is Reason.LENGTH_RATIO
    assert "'Angela Merkel'" in p.detail and "ratio 0.50 ≤ 0.8" in p.detail


@pytest.mark.parametrize("kwargs", [{"gap": -1}, {"min_ratio": -0.5}, {"overwrite": "random"}])
def test_bad_settings_raise(kwargs) -> None:
    with pytest.raises(ProjectError):
        HeuristicProjector(**kwargs)


def test_link_outside_target_raises() -> None:
    with pytest.raises(ProjectError, match="outside the target"):
        HeuristicProjector().project([Span(0, 1, "PER")], Alignment.of([(0, 5)]), ["a", "b"])


# -- properties on random inputs --------------------------------------------------------------

@st.composite
def problems(draw):
    n_src = draw(st.integers(1, 10))
    n_tgt = draw(st.integers(1, 10))
    links = draw(st.lists(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                          max_size=25))
    cuts = sorted(draw(st.sets(st.integers(0, n_src), max_size=8)))
    entities = []
    for start, end in zip(cuts, cuts[1:]):
        if draw(st.booleans()):
            entities.append(Span(start, end, draw(st.sampled_from(["PER", "LOC", "ORG"]))))
    return n_tgt, links, entities


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 2), st.sampled_from([None, 0.5, 0.8]),
       st.sampled_from(["later", "first"]))
def test_outputs_are_valid_spans(problem, gap, min_ratio, overwrite) -> None:
    n_tgt, links, entities = problem
    projector = HeuristicProjector(gap=gap, min_ratio=min_ratio, overwrite=overwrite)
    projections = project(projector, entities, links, n_tgt)
    assert [p.entity for p in projections] == list(range(len(entities)))
    spans = projected_spans(projections)
    assert all(0 <= s.start < s.end <= n_tgt for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # sorted, no overlap
    spans_to_tags(spans, n_tgt)  # raises on overlap or out of bounds
    for p in projections:
        own = {j for i, j in links if p.source.start <= i < p.source.end}
        assert (p.reason is Reason.PROJECTED) == bool(p.targets)
        assert all(t.label == p.source.label for t in p.targets)
        assert all(p.source.start <= i < p.source.end for i, _ in p.support)
        if p.reason is Reason.NO_ALIGNED_WORDS:
            assert not any(p.source.start <= i < p.source.end for i, _ in links)
        if gap == 0:  # without gap filling only words linked to the entity are labelled
            assert all(j in own for t in p.targets for j in t.indices())
        assert all(j in own for _, j in p.support)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_single_entity_without_filters_gets_all_its_runs(problem) -> None:
    n_tgt, links, entities = problem
    for ent in entities:
        [p] = project(HeuristicProjector(gap=0, min_ratio=None), [ent], links, n_tgt)
        runs = maximal_runs(j for i, j in links if ent.start <= i < ent.end)
        assert [t.range for t in p.targets] == runs
