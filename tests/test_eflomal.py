"""eflomal aligner: joint training on a toy language, caching, progress, training corpora."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core.aligners.combine import grow_diag_final_and
from core.aligners.eflomal_aligner import (EflomalAligner, Priors, _write_corpus,
                                           default_iterations, training_corpus)
from core.errors import ProjectError
from core.metrics.alignment import corpus_alignment_counts
from core.types import Alignment


def _toy_corpus(n: int, seed: int) -> tuple[list[tuple[list[str], list[str]]],
                                             list[set[tuple[int, int]]]]:
    """A toy language: each source word ``wK`` becomes ``kuK`` in the target; the last two
    words of every sentence swap places, and a sentence may start with an extra target-only
    particle ``ma``. Returns the pairs and their true links."""
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(120)]
    weights = [1 / (k + 1) for k in range(len(vocab))]
    pairs, gold = [], []
    for _ in range(n):
        src = rng.choices(vocab, weights, k=rng.randint(4, 10))
        order = list(range(len(src)))
        order[-2], order[-1] = order[-1], order[-2]
        tgt = [f"ku{src[i][1:]}" for i in order]
        offset = 0
        if rng.random() < 0.3:
            tgt = ["ma", *tgt]
            offset = 1
        pairs.append((src, tgt))
        gold.append({(i, pos + offset) for pos, i in enumerate(order)})
    return pairs, gold


def _prf(predicted: list[Alignment], gold: list[set[tuple[int, int]]]
         ) -> tuple[float, float, float]:
    counts = corpus_alignment_counts(predicted, [Alignment.of(g) for g in gold])
    return counts.precision, counts.recall, counts.f1


@pytest.fixture(scope="module")
def toy() -> dict:
    train, _ = _toy_corpus(2000, seed=1)
    test, gold = _toy_corpus(100, seed=2)
    return {"train": train, "test": test, "gold": gold}


def test_learns_the_toy_mapping_and_caches(toy: dict, tmp_path: Path, monkeypatch) -> None:
    import core.aligners.eflomal_aligner as ef

    launches: list[list[str]] = []
    real_popen = ef.subprocess.Popen

    def counting_popen(args, *a, **kw):
        launches.append(list(args))
        return real_popen(args, *a, **kw)

    monkeypatch.setattr(ef.subprocess, "Popen", counting_popen)
    events: list[tuple[str, float]] = []
    aligner = EflomalAligner(toy["train"], cache_root=tmp_path, n_samplers=1,
                             progress=lambda m, f: events.append((m, f)))
    result = aligner.align(toy["test"])
    assert len(launches) == 1  # one eflomal process trains on corpus + pairs together
    assert aligner.name == "eflomal:grow-diag-final-and"
    assert len(result) == len(toy["test"])
    assert all(a.aligner == aligner.name for a in result)
    p, r, f1 = _prf(result, toy["gold"])
    assert f1 > 0.9, (p, r, f1)
    # the particle "ma" has no source word: it must mostly stay unaligned
    ma_links = sum(1 for (src, tgt), a in zip(toy["test"], result)
                   for _, j in a.links if tgt[j] == "ma")
    n_ma = sum(1 for _, tgt in toy["test"] if tgt[0] == "ma")
    assert ma_links < 0.5 * max(1, n_ma)

    fractions = [f for _, f in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("stages done" in m for m, _ in events)
    assert not aligner.last_from_cache
    assert len(list(tmp_path.glob("*.json"))) == 1

    # same corpus and pairs, other symmetrization: answered from the cache
    again = EflomalAligner(toy["train"], cache_root=tmp_path, n_samplers=1,
                           symmetrization="intersection")
    inter = again.align(toy["test"])
    assert again.last_from_cache and len(launches) == 1  # no second training
    assert again.name == "eflomal:intersection"
    for a, b in zip(inter, result):
        assert set(a.links) <= set(b.links)
    fwd_rev = again.directional_links(toy["test"])
    assert [list(grow_diag_final_and(f, r)) for f, r in fwd_rev] == [list(a.links) for a in result]


def test_unusable_pairs_get_empty_alignments(toy: dict, tmp_path: Path) -> None:
    aligner = EflomalAligner(toy["train"][:300], cache_root=tmp_path, iterations=(2, 2, 2),
                             n_samplers=1)
    pairs = [(["w1", "w2"], []), toy["test"][0], ([], ["ku1"])]
    out = aligner.align(pairs)
    assert len(out[0]) == 0 and len(out[2]) == 0
    assert len(out[1]) > 0
    out[1].check_bounds(len(pairs[1][0]), len(pairs[1][1]))
    assert aligner.align([]) == []


def test_cache_file_is_rewritten_when_damaged(toy: dict, tmp_path: Path) -> None:
    kwargs = dict(cache_root=tmp_path, iterations=(2, 2, 2), n_samplers=1)
    first = EflomalAligner(toy["train"][:200], **kwargs).directional_links(toy["test"][:5])
    (path,) = tmp_path.glob("*.json")
    path.write_text("{not json", encoding="utf-8")
    second = EflomalAligner(toy["train"][:200], **kwargs)
    again = second.directional_links(toy["test"][:5])
    assert not second.last_from_cache
    assert len(again) == len(first) == 5
    assert path.read_text(encoding="utf-8").startswith("{\n")


def test_priors_mode_aligns_single_sentences_like_the_training_corpus(toy: dict,
                                                                     tmp_path: Path) -> None:
    aligner = EflomalAligner(toy["train"], mode="priors", cache_root=tmp_path, n_samplers=1)
    singles = [aligner.align([pair])[0] for pair in toy["test"][:6]]  # one pair per request
    _, _, f1 = _prf(singles, toy["gold"][:6])
    assert f1 > 0.95, f1
    # the same single sentences without a training corpus: eflomal has nothing to learn from
    alone = [EflomalAligner([], cache=False, n_samplers=1).align([pair])[0]
             for pair in toy["test"][:6]]
    _, _, f1_alone = _prf(alone, toy["gold"][:6])
    assert f1 > f1_alone + 0.1, (f1, f1_alone)
    # priors are computed once and cached on disk
    names = sorted(path.name.split("-")[0] for path in tmp_path.glob("*.json"))
    assert names == ["aligned"] * 6 + ["priors"]
    again = EflomalAligner(toy["train"], mode="priors", cache_root=tmp_path, n_samplers=1)
    assert again.priors() == aligner.priors()


def test_priors_count_lexical_jump_and_fertility_events() -> None:
    pairs = [(("a", "b"), ("x", "y", "z"))]
    # forward: a-x, b-y, b-z ; reverse: a-x, b-z
    priors = Priors.count(pairs, [([(0, 0), (1, 1), (1, 2)], [(0, 0), (1, 2)])])
    assert priors.lexical == {("a", "x"): 1, ("b", "y"): 1, ("b", "z"): 1}
    # forward jumps by target word: x from -1 to 0 (+1), y 0->1 (+1), z 1->1 (0), end 1->2 (+1)
    assert priors.jumps_forward == {1: 3, 0: 1}
    # reverse jumps by source word: a from -1 to 0 (+1), b 0->2 (+2), end 2->3 (+1)
    assert priors.jumps_reverse == {1: 2, 2: 1}
    assert priors.fertility_source == {("a", 1): 1, ("b", 2): 1}
    assert priors.fertility_target == {("x", 1): 1, ("z", 1): 1}
    assert Priors.from_json(priors.to_json()) == priors
    # crossing links: jumps follow the order of the generating side, not of the other side
    crossing = Priors.count([(("a", "b"), ("x", "y", "z"))],
                            [([(1, 0), (0, 2)], [(0, 2), (1, 0)])])
    assert crossing.jumps_forward == {2: 2, -1: 1}  # x: -1->1 (+2), z: 1->0, end 0->2 (+2)
    assert crossing.jumps_reverse == {3: 2, -2: 1}  # a: -1->2, b: 2->0, end 0->3


def test_priors_file_uses_one_based_ids_and_drops_unknown_words(tmp_path: Path) -> None:
    priors = Priors({("a", "x"): 2, ("q", "x"): 5}, {1: 3}, {1: 4, -1: 1}, {("a", 1): 2},
                    {("x", 2): 1, ("zz", 1): 7})
    priors.write(tmp_path / "p", {"a": 0, "b": 1}, {"y": 0, "x": 1})
    assert (tmp_path / "p").read_text().splitlines() == [
        "3 3 1 1 2 1 1", "1 2 2", "1 3", "-1 1", "1 4", "1 1 2", "2 2 1"]


def test_write_corpus_lowercases_only_when_asked(tmp_path: Path) -> None:
    sentences = [["Das", "Haus"], ["das", "haus", "."]]
    _write_corpus(tmp_path / "a", sentences, lowercase=True)
    _write_corpus(tmp_path / "b", sentences, lowercase=False)
    assert (tmp_path / "a").read_text().splitlines() == ["2 3", "2 0 1", "3 0 1 2"]
    assert (tmp_path / "b").read_text().splitlines() == ["2 5", "2 0 1", "3 2 3 4"]


def test_default_iterations_follow_eflomal_rule() -> None:
    assert default_iterations(10000) == (12, 12, 50)
    assert default_iterations(10000, model=1) == (50, 0, 0)
    assert default_iterations(10000, model=2) == (12, 50, 0)
    assert default_iterations(10 ** 9) == (2, 1, 2)


@pytest.mark.parametrize("kwargs", [dict(symmetrization="grow"), dict(model=4), dict(mode="fast"),
                                    dict(iterations=(1, 2)), dict(n_samplers=0),
                                    dict(null_prior=1.5), dict(rel_iterations=0)])
def test_bad_settings_are_rejected(kwargs: dict) -> None:
    with pytest.raises(ProjectError):
        EflomalAligner([], **kwargs)


def test_training_corpus_errors_name_the_choices() -> None:
    with pytest.raises(ProjectError, match="Portuguese"):
        training_corpus("pt")
    with pytest.raises(ProjectError, match="French"):
        training_corpus("wol")
    with pytest.raises(ProjectError, match="known: .*de.*swa"):
        training_corpus("xx")


def test_training_corpus_deepl_german(datasets: Path) -> None:
    pairs = training_corpus("de", datasets)
    assert len(pairs) == 14041  # 14,987 blocks minus 946 -DOCSTART- blocks
    assert all(src and tgt for src, tgt in pairs)
    assert not any(w in ("-DOCSTART-", "-OCSTART-") for src, tgt in pairs for w in src + tgt)
    assert training_corpus("DE", datasets)[:3] == pairs[:3]


def test_training_corpus_mafand_alias(datasets: Path) -> None:
    from core.readers.parallel import read_line_aligned

    pairs = training_corpus("ha", datasets)  # two-letter alias of hau
    lines = [line for split in ("train", "dev", "test") for line in read_line_aligned(
        datasets / "mafand_mt" / "en-hau" / f"{split}.en",
        datasets / "mafand_mt" / "en-hau" / f"{split}.hau")]
    assert len(pairs) == len(lines)  # every split, in order
    (en, ha), (src, tgt) = lines[0], pairs[0]
    assert "".join(src) == "".join(en.split()) and "".join(tgt) == "".join(ha.split())
    assert all(w.strip() for src, tgt in pairs for w in src + tgt)


@pytest.mark.slow
def test_europarl_german_with_deepl_training(datasets: Path, tmp_path: Path) -> None:
    """Real data: eflomal trained on the DeepL German train translation aligns Europarl-NER
    well enough that heuristic projection of gold English entities finds most German ones."""
    from core.metrics import aggregate, score_sentence
    from core.projection.base import projected_spans
    from core.projection.heuristic import HeuristicProjector
    from core.readers.conll import read_conll

    en = read_conll(datasets / "europarl_ner" / "en-europarl.test.conll02")[:200]
    de = read_conll(datasets / "europarl_ner" / "de-europarl.test.conll02")[:200]
    aligner = EflomalAligner("de", datasets_root=datasets, cache_root=tmp_path,
                             symmetrization="intersection", n_samplers=1)
    alignments = aligner.align([(e.words, d.words) for e, d in zip(en, de)])
    projector = HeuristicProjector()
    scores = aggregate(score_sentence(d.spans, projected_spans(
        projector.project(e.spans, a, d.words))) for e, d, a in zip(en, de, alignments))
    assert scores.f1 > 0.65, scores.f1
