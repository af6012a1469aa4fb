"""Symmetrization heuristics on hand-worked examples, aligner combinations, external files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.aligners.combine import (CombinedAligner, grow_diag, grow_diag_final,
                                   grow_diag_final_and, intersection, merge_scores, symmetrize,
                                   union)
from core.aligners.external import ExternalAligner
from core.errors import ProjectError
from core.types import Alignment

# --- hand-worked symmetrization examples ------------------------------------------------------
# Grids: source words are rows i, target words columns j; F = forward, R = reverse links.


def test_chain_of_neighbours_grows_from_the_intersection() -> None:
    # 4 source x 5 target words.  F ∩ R = {00, 11}.
    # (1,1) -> right neighbour (1,2) in R, target 2 free: added;
    # (1,2) -> diagonal (2,3) in F, source 2 free: added (after (1,2), so in the same pass);
    # (2,3) -> diagonal (3,4) in R, source 3 free: added;
    # (3,1) in F touches no aligned point: grow-diag leaves it out, and the final steps do too
    # because source 3 and target 1 are both aligned by then.
    f = {(0, 0), (1, 1), (2, 3), (3, 1)}
    r = {(0, 0), (1, 1), (1, 2), (3, 4)}
    assert intersection(f, r) == [(0, 0), (1, 1)]
    assert union(f, r) == [(0, 0), (1, 1), (1, 2), (2, 3), (3, 1), (3, 4)]
    grown = [(0, 0), (1, 1), (1, 2), (2, 3), (3, 4)]
    assert grow_diag(f, r) == grown
    assert grow_diag_final(f, r) == grown
    assert grow_diag_final_and(f, r) == grown


def test_final_adds_isolated_links_between_free_words() -> None:
    # (2,2) is far from the intersection {(0,0)}: only the final step adds it.
    f, r = {(0, 0), (2, 2)}, {(0, 0)}
    assert grow_diag(f, r) == [(0, 0)]
    assert grow_diag_final(f, r) == [(0, 0), (2, 2)]
    assert grow_diag_final_and(f, r) == [(0, 0), (2, 2)]


def test_final_and_needs_both_words_free() -> None:
    # (0,2): source 0 is aligned, target 2 is free -> "final" adds it, "final-and" does not.
    f, r = {(0, 0), (0, 2)}, {(0, 0)}
    assert grow_diag(f, r) == [(0, 0)]
    assert grow_diag_final(f, r) == [(0, 0), (0, 2)]
    assert grow_diag_final_and(f, r) == [(0, 0)]


def test_neighbour_between_two_aligned_words_is_not_grown() -> None:
    # (0,1) neighbours (0,0) and (1,1) but both its words are aligned already.
    f, r = {(0, 0), (1, 1), (0, 1)}, {(0, 0), (1, 1)}
    assert union(f, r) == [(0, 0), (0, 1), (1, 1)]
    for how in ("grow-diag", "grow-diag-final", "grow-diag-final-and", "intersection"):
        assert symmetrize(f, r, how) == [(0, 0), (1, 1)]


def test_growth_order_decides_between_competing_neighbours() -> None:
    # F ∩ R = {(1,1), (2,0)}: target 0 is aligned.  From (1,1) the up neighbour (0,1) is visited
    # before the up-left diagonal (0,0): (0,1) is added (source 0 free); then (0,0) has both
    # words aligned and is refused, by the final steps too.
    f = {(1, 1), (2, 0), (0, 1), (0, 0)}
    r = {(1, 1), (2, 0)}
    for how in ("grow-diag", "grow-diag-final", "grow-diag-final-and"):
        assert symmetrize(f, r, how) == [(0, 1), (1, 1), (2, 0)]
    # without the competing (0,1), the diagonal (0,0) is grown (source 0 free)
    assert grow_diag(f - {(0, 1)}, r) == [(0, 0), (1, 1), (2, 0)]
    # (2,0) also grows diagonally from (1,1) when only in F: source 2 is free
    assert grow_diag({(1, 1), (2, 0)}, {(1, 1)}) == [(1, 1), (2, 0)]


def test_forward_links_come_before_reverse_in_the_final_step() -> None:
    # Both (2,3) (forward) and (2,4) (reverse) are isolated; final-and takes forward first,
    # after which source 2 is aligned and (2,4) is refused.
    f, r = {(0, 0), (2, 3)}, {(0, 0), (2, 4)}
    assert grow_diag_final_and(f, r) == [(0, 0), (2, 3)]
    assert grow_diag_final_and(r, f) == [(0, 0), (2, 4)]
    assert grow_diag_final(f, r) == [(0, 0), (2, 3), (2, 4)]


def _naive_gdfa(f: set, r: set, n_src: int, n_tgt: int, *, final_and: bool = True) -> list:
    """The textbook pseudocode, cell by cell over the whole grid (slow, obviously literal)."""
    aligned = set(f & r)
    cand = f | r
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]

    def free_e(e):
        return all(i != e for i, _ in aligned)

    def free_f(j):
        return all(jj != j for _, jj in aligned)

    changed = True
    while changed:
        changed = False
        for e in range(n_src):
            for j in range(n_tgt):
                if (e, j) in aligned:
                    for de, dj in neighbours:
                        new = (e + de, j + dj)
                        if new not in aligned and new in cand and (free_e(new[0])
                                                                   or free_f(new[1])):
                            aligned.add(new)
                            changed = True
    for links in (f, r):
        for e in range(n_src):
            for j in range(n_tgt):
                if (e, j) in links and (e, j) not in aligned:
                    ok = (free_e(e) and free_f(j)) if final_and else (free_e(e) or free_f(j))
                    if ok:
                        aligned.add((e, j))
    return sorted(aligned)


def test_matches_a_literal_implementation_on_random_grids() -> None:
    import random

    rng = random.Random(7)
    for _ in range(300):
        n_src, n_tgt = rng.randint(1, 7), rng.randint(1, 7)
        cells = [(i, j) for i in range(n_src) for j in range(n_tgt)]
        f = set(rng.sample(cells, rng.randint(0, min(len(cells), 9))))
        r = set(rng.sample(cells, rng.randint(0, min(len(cells), 9))))
        assert grow_diag_final_and(f, r) == _naive_gdfa(f, r, n_src, n_tgt)
        assert grow_diag_final(f, r) == _naive_gdfa(f, r, n_src, n_tgt, final_and=False)


def test_empty_and_unknown() -> None:
    assert symmetrize([], [], "grow-diag-final-and") == []
    assert symmetrize([(0, 1)], [], "grow_diag_final_and") == [(0, 1)]
    with pytest.raises(ProjectError, match="grow-diag-final-and"):
        symmetrize([], [], "gdfa")


def test_merge_scores_takes_the_maximum_and_skips_missing() -> None:
    scores = merge_scores([(0, 0), (1, 1), (2, 2)], {(0, 0): 0.2, (1, 1): float("nan")},
                          {(0, 0): 0.7, (1, 1): 0.4})
    assert scores == {(0, 0): 0.7, (1, 1): 0.4}


# --- combined aligners ------------------------------------------------------------------------


class FixedAligner:
    """Returns given alignments (one per pair) and records what it was asked."""

    def __init__(self, name: str, alignments: list[Alignment]) -> None:
        self.name = name
        self.alignments = alignments
        self.calls: list[list] = []

    def align(self, pairs):
        self.calls.append(list(pairs))
        return self.alignments[:len(pairs)]


PAIRS = [(["a", "b", "c"], ["x", "y", "z"]), (["d"], ["w"])]


def _pair_of_aligners() -> tuple[FixedAligner, FixedAligner]:
    a = FixedAligner("A", [Alignment.of([(0, 0), (1, 1), (2, 0)], scores={(0, 0): 0.9,
                                                                           (2, 0): 0.3}),
                           Alignment.of([(0, 0)])])
    b = FixedAligner("B", [Alignment.of([(0, 0), (1, 2)], scores={(0, 0): 0.5, (1, 2): 0.6}),
                           Alignment.of([])])
    return a, b


def test_union_combination_keeps_best_scores() -> None:
    a, b = _pair_of_aligners()
    combined = CombinedAligner(a, b, "union")
    assert combined.name == "union(A,B)"
    out = combined.align(PAIRS)
    assert out[0].links == ((0, 0), (1, 1), (1, 2), (2, 0))
    assert out[0].scores == {(0, 0): 0.9, (1, 2): 0.6, (2, 0): 0.3}
    assert out[0].aligner == "union(A,B)"
    assert out[1].links == ((0, 0),)
    assert len(a.calls) == len(b.calls) == 1  # one batched call each


def test_intersection_and_gdfa_combinations() -> None:
    a, b = _pair_of_aligners()
    inter = CombinedAligner(a, b, "intersection").align(PAIRS)
    assert inter[0].links == ((0, 0),) and inter[0].scores == {(0, 0): 0.9}
    assert inter[1].links == ()
    gdfa = CombinedAligner(a, b, "grow-diag-final-and")
    assert gdfa.name == "grow-diag-final-and(A,B)"
    # from (0,0): the diagonal (1,1) [A only] is grown (both words free); from (1,1): the right
    # neighbour (1,2) [B only] (target 2 free), then the down-left diagonal (2,0) [A only]
    # (source 2 free).
    assert gdfa.align(PAIRS)[0].links == ((0, 0), (1, 1), (1, 2), (2, 0))


def test_combination_passes_indices_to_external_files(tmp_path: Path) -> None:
    path = tmp_path / "ext.talp"
    path.write_text("0-0\n0-1\n", encoding="utf-8")
    fixed = FixedAligner("F", [Alignment.of([(0, 0)])])
    combined = CombinedAligner(ExternalAligner(path), fixed, "union")
    assert combined.name == "union(ext,F)"
    out = combined.align([(["a"], ["x", "y"])], indices=[1])
    assert out[0].links == ((0, 0), (0, 1))
    assert fixed.calls == [[(("a",), ("x", "y"))]]


def test_combination_rejects_bad_inputs() -> None:
    a, b = _pair_of_aligners()
    with pytest.raises(ProjectError, match="combination"):
        CombinedAligner(a, b, "average")
    with pytest.raises(ProjectError, match="align"):
        CombinedAligner(a, object())
    short = FixedAligner("S", [])
    with pytest.raises(ProjectError, match="returned 0 alignments for 2 pairs"):
        CombinedAligner(a, short).align(PAIRS)


# --- external Pharaoh files -------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.talp"
    path.write_text(text, encoding="utf-8")
    return path


def test_external_aligner_serves_lines_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "0-0 1-2-0.75 2-1\n0-0\n\n")
    ext = ExternalAligner(path)
    assert ext.name == "mine" and len(ext) == 3
    pairs = [(["a", "b", "c"], ["x", "y", "z"]), (["d"], ["w"]), (["e"], ["v"])]
    out = ext.align(pairs)
    assert [a.links for a in out] == [((0, 0), (1, 2), (2, 1)), ((0, 0),), ()]
    assert out[0].scores == {(1, 2): 0.75}
    assert all(a.aligner == "mine" for a in out)
    assert ExternalAligner(path, name="theirs").align(pairs)[1].aligner == "theirs"


def test_external_aligner_subset_by_index(tmp_path: Path) -> None:
    ext = ExternalAligner(_write(tmp_path, "0-0 1-2\n0-0\n0-1\n"))
    out = ext.align([(["e"], ["v", "u"]), (["a", "b"], ["x", "y", "z"])], indices=[2, 0])
    assert [a.links for a in out] == [((0, 1),), ((0, 0), (1, 2))]
    with pytest.raises(ProjectError, match="index 3 is outside the file's 3 lines"):
        ext.align([(["a"], ["b"])], indices=[3])
    with pytest.raises(ProjectError, match="1 indices for 2"):
        ext.align([(["a"], ["b"]), (["c"], ["d"])], indices=[0])


def test_external_aligner_line_count_and_bounds_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "0-0\n0-0 1-3\n")
    ext = ExternalAligner(path)
    with pytest.raises(ProjectError) as info:
        ext.align([(["a"], ["b"])])
    assert str(path) in str(info.value) and "2 lines but 1 sentence pairs" in str(info.value)
    with pytest.raises(ProjectError) as info:
        ext.align([(["a"], ["b"]), (["a", "b"], ["x", "y", "z"])])
    assert f"{path}:2" in str(info.value) and "1-3" in str(info.value)
    with pytest.raises(ProjectError, match="not found"):
        ExternalAligner(tmp_path / "missing.talp")
    with pytest.raises(ProjectError, match=r"bad\.talp:2"):
        bad = tmp_path / "bad.talp"
        bad.write_text("0-0\n0~1\n", encoding="utf-8")
        ExternalAligner(bad)


def test_external_aligner_on_real_deepl_alignments(datasets: Path) -> None:
    from core.readers.conll import read_conll

    root = datasets / "conll2003_deepl"
    english = read_conll(root / "original_gold" / "en.conll.test.tsv", keep_docstart=True)
    german = read_conll(root / "en2de" / "projections" / "DeepL.50000.awesome.test.tsv",
                        keep_docstart=True, docstart_markers=("-DOCSTART-", "-OCSTART-"))
    ext = ExternalAligner(root / "en2de" / "alignments" / "DeepL.50000.awesome.test.talp",
                          name="awesome")
    pairs = [(e.words, g.words) for e, g in zip(english, german)]
    out = ext.align(pairs)  # every link is checked against both sentence lengths
    assert len(out) == len(pairs) == 3684
    assert sum(len(a) for a in out) > 3 * len(out)
    with pytest.raises(ProjectError, match="out of range"):
        ext.align([(e[:1], g[:1]) for e, g in pairs])
