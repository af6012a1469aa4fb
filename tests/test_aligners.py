"""Embedding aligners: SimAlign's methods, AWESoME extraction, windowing, and identity with the
``simalign`` / ``awesome-align`` packages.

Fast tests use tiny random BERTs (plumbing, and identity with the packages on the same weights);
``models`` tests use the real me5-small encoder; the identity test on real corpora is ``slow``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.aligners import simalign_methods as sm
from core.aligners.awesome import awesome_aligner, awesome_links, awesome_scores
from core.aligners.base import Aligner
from core.aligners.embedding import EmbeddingAligner
from core.aligners.simalign_backend import SimAlignPackageAligner
from core.errors import ProjectError

from bench.tiny_models import CORPUS, build_tiny_bert

# Hand-made pairs from the tiny models' corpus (English / Portuguese / German / French lines).
EN, PT, DE, FR = CORPUS[1].split(), CORPUS[4].split(), CORPUS[5].split(), CORPUS[7].split()
TINY_PAIRS = [
    (EN, DE), (EN, PT), (CORPUS[6].split(), FR), (CORPUS[0].split(), CORPUS[3].split()),
    ("Angela Merkel".split(), "Merkel".split()), ("a".split(), "Lisboa Benfica".split()),
    ("The river flows".split(), "Os jogadores do Benfica treinaram".split()),
    (CORPUS[13].split(), CORPUS[14].split()), (CORPUS[15].split(), CORPUS[16].split()),
]


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT with 9 layers (so that the default layer 8 exists)."""
    return build_tiny_bert(tmp_path_factory.mktemp("aligners"), layers=9)


@pytest.fixture(scope="session")
def tiny(tiny_dir: Path):
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(tiny_dir).eval(), AutoTokenizer.from_pretrained(tiny_dir)


@pytest.fixture(scope="session")
def me5():
    from core.models.me5 import load_me5

    return load_me5()


# ----------------------------------------------------------------------------- pure methods

# Rows: source sub-words, columns: target sub-words.
HAND = np.array([[0.9, 0.1, 0.2],
                 [0.8, 0.3, 0.1],
                 [0.1, 0.2, 0.7]])


def _cells(matrix: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(matrix))}


def test_argmax_family_on_hand_matrix() -> None:
    found = sm.argmax_links(HAND)
    assert _cells(found["fwd"]) == {(0, 0), (1, 0), (2, 2)}
    assert _cells(found["rev"]) == {(0, 0), (1, 1), (2, 2)}
    assert _cells(found["inter"]) == {(0, 0), (2, 2)}
    assert _cells(sm.extract(HAND, "argmax")) == {(0, 0), (2, 2)}


def test_itermax_adds_mutual_argmax_of_unaligned_row() -> None:
    # After inter, row 1 and column 1 are free. Weights: (1,1) keeps 0.3, (1,0) becomes 0.9*0.8
    # = 0.72, (1,2) 0.09, (0,1) 0.09, (2,1) 0.18; (1,0) is the mutual argmax -> added.
    assert _cells(sm.itermax(HAND)) == {(0, 0), (1, 0), (2, 2)}
    # With only one round allowed, IterMax is inter.
    assert _cells(sm.itermax(HAND, max_rounds=1)) == {(0, 0), (2, 2)}
    # A side of at most 2 sub-words gets inter only.
    assert _cells(sm.itermax(HAND[:2])) == _cells(sm.inter(HAND[:2]))


def test_mwmf_hand_matrix_and_rectangles() -> None:
    # Best permutation: diagonal 0.9 + 0.3 + 0.7 = 1.9 (next best 1.6).
    assert _cells(sm.max_weight_matching(HAND)) == {(0, 0), (1, 1), (2, 2)}
    # 2 x 3: both rows matched once, column 0 goes to row 0 (0.9 + 0.3 > 0.8 + 0.2).
    assert _cells(sm.max_weight_matching(HAND[:2])) == {(0, 0), (1, 1)}
    # Cells of weight exactly 0 are not edges: one link only, the heavier.
    assert _cells(sm.max_weight_matching(np.array([[0.0, 0.5], [0.0, 0.4]]))) == {(0, 1)}


def test_distortion_mask_values() -> None:
    mask = sm.distortion_mask(3, 3, 0.5)
    assert mask[0, 0] == mask[1, 1] == mask[2, 2] == 1.0
    assert mask[0, 2] == pytest.approx(0.5)      # 1 - (1 - 0)^2 * 0.5
    assert mask[0, 1] == pytest.approx(0.875)    # 1 - 0.5^2 * 0.5
    assert sm.apply_distortion(HAND, 0.0) is HAND
    assert np.array_equal(sm.apply_distortion(HAND[:1], 0.5), HAND[:1])


def test_similarity_is_shifted_cosine() -> None:
    x = np.array([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    y = np.array([[3.0, 0.0], [-1.0, 0.0]], dtype=np.float32)
    assert np.allclose(sm.similarity(x, y), [[1.0, 0.0], [0.5, 0.5]])


def _package():
    from simalign import SentenceAligner

    return SentenceAligner


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 9), n=st.integers(1, 9), seed=st.integers(0, 10_000),
       levels=st.sampled_from([3, 1000]), ratio=st.sampled_from([0.0, 0.5, 1.0]))
def test_methods_match_simalign_package_on_random_matrices(m, n, seed, levels, ratio) -> None:
    """Same cells as the package's own static methods, ties included (levels=3 makes many)."""
    package = _package()
    rng = np.random.default_rng(seed)
    raw = (rng.integers(0, levels, size=(m, n)) / levels).astype(np.float32) + 0.01
    sim = sm.apply_distortion(raw, ratio)
    assert np.array_equal(sim, package.apply_distortion(raw.copy(), ratio))
    fwd, rev = package.get_alignment_matrix(sim)
    assert _cells(sm.extract(sim, "fwd")) == _cells(fwd)
    assert _cells(sm.extract(sim, "rev")) == _cells(rev)
    assert _cells(sm.inter(sim)) == _cells(fwd * rev)
    assert _cells(sm.itermax(sim)) == _cells(package.iter_max(sim))
    ours = sm.max_weight_matching(sim)
    theirs = package.get_max_weight_match(sim)
    # With ties several matchings are optimal: compare size and weight; without, the cells.
    assert ours.sum() == theirs.sum() == min(m, n)
    assert float(sim[ours].sum()) == pytest.approx(float(sim[theirs.astype(bool)].sum()), rel=1e-6)
    if np.unique(sim).size == sim.size:  # no ties (levels=1000 can still draw equal values)
        assert _cells(ours) == _cells(theirs)


def test_awesome_threshold_on_hand_embeddings() -> None:
    x = np.eye(2, dtype=np.float32)
    y = np.eye(2, dtype=np.float32)
    # Dot products 10 on the diagonal, 0 off it: off-diagonal softmax e^-10/(1+e^-10) < 1e-3.
    assert _cells(awesome_links(10 * x, y)) == {(0, 0), (1, 1)}
    # Dot products 3: off-diagonal probability e^-3/(1+e^-3) = 0.047 > 1e-3, so all 4 links;
    # a higher threshold removes them again.
    assert _cells(awesome_links(3 * x, y)) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert _cells(awesome_links(3 * x, y, threshold=0.05)) == {(0, 0), (1, 1)}
    scores = awesome_scores(10 * x, y)
    assert scores[0, 0] > 0.99 and scores[0, 1] < 0.01


# ----------------------------------------------------------------------------- tiny BERT

def test_identical_to_simalign_package_on_tiny_bert(tiny_dir: Path, tiny) -> None:
    model, tokenizer = tiny
    methods = ("inter", "itermax", "mwmf")
    links = {}
    for distortion in (0.0, 0.5):
        ours = EmbeddingAligner(model, tokenizer, methods=methods, distortion=distortion,
                                batch_size=4).align_methods(TINY_PAIRS)
        package = SimAlignPackageAligner(str(tiny_dir), methods=methods,
                                         distortion=distortion).align_methods(TINY_PAIRS)
        for method in methods:
            links[method, distortion] = [a.links for a in ours[method]]
            assert links[method, distortion] == [a.links for a in package[method]], \
                (method, distortion)
    # Distortion really changes something on these pairs (else the second round adds nothing).
    assert any(links[m, 0.0] != links[m, 0.5] for m in methods)


def test_injected_encoder_backend_equals_path_backend(tiny_dir: Path, tiny) -> None:
    by_path = SimAlignPackageAligner(str(tiny_dir), methods=("itermax",)).align(TINY_PAIRS[:4])
    injected = SimAlignPackageAligner(encoder=tiny, methods=("itermax",)).align(TINY_PAIRS[:4])
    assert [a.links for a in by_path] == [a.links for a in injected]
    assert all(a.links for a in injected)


def test_alignment_objects_names_scores_and_similarity(tiny) -> None:
    aligner = EmbeddingAligner(*tiny, name="tiny", methods=("itermax", "inter", "awesome"))
    assert isinstance(aligner, Aligner)
    assert aligner.name == "tiny:itermax"
    result = aligner.align_methods(TINY_PAIRS[:2])
    assert [a.aligner for a in result["inter"]] == ["tiny:inter"] * 2
    assert aligner.align(TINY_PAIRS[:2]) == result["itermax"]
    assert aligner.for_method("awesome").align(TINY_PAIRS[:2]) == result["awesome"]
    words = aligner.similarity(TINY_PAIRS[0])
    view = aligner.subword_view(TINY_PAIRS[0])
    assert words.shape == (len(EN), len(DE))
    assert len(view.src_tokens) == len(view.src_word_of) == view.similarity.shape[0]
    assert view.src_word_of.max() == len(EN) - 1 and view.tgt_word_of.max() == len(DE) - 1
    for method in ("itermax", "inter"):
        alignment = result[method][0]
        assert set(alignment.scores) == set(alignment.links)
        for (i, j), score in alignment.scores.items():
            # The score is the similarity of one of the two words' sub-word pairs (the best
            # linked one), so at most the word-matrix cell (the best of all their pairs).
            block = view.similarity[np.ix_(view.src_word_of == i, view.tgt_word_of == j)]
            assert np.isclose(block, score, atol=1e-6).any()
            assert score <= words[i, j] + 1e-6 and 0.0 <= score <= 1.0
    # inter links are a subset of itermax links.
    for a, b in zip(result["inter"], result["itermax"]):
        assert set(a.links) <= set(b.links)


def test_from_name_local_directory_equals_direct_construction(tiny_dir: Path, tiny) -> None:
    by_path = EmbeddingAligner.from_name(str(tiny_dir), methods=("inter",))
    assert by_path.name == f"{tiny_dir}:inter"
    direct = EmbeddingAligner(*tiny, methods=("inter",), name="tiny")
    assert direct.name == "tiny:inter"
    assert [a.links for a in direct.align(TINY_PAIRS)] == \
        [a.links for a in by_path.align(TINY_PAIRS)]


def test_batching_does_not_change_alignments(tiny) -> None:
    aligner = EmbeddingAligner(*tiny, methods=("itermax", "awesome"), batch_size=3)
    together = aligner.align_methods(TINY_PAIRS)
    alone = [aligner.align_methods([pair]) for pair in TINY_PAIRS]
    for method in ("itermax", "awesome"):
        assert [a.links for a in together[method]] == [r[method][0].links for r in alone]
    first = aligner.encoder.encode([EN])[0].vectors
    mixed = aligner.encoder.encode([["a"], EN, CORPUS[15].split()])[1].vectors
    assert np.allclose(first, mixed, atol=1e-5)


def test_early_stop_equals_full_forward_hidden_state(tiny) -> None:
    import torch

    model, tokenizer = tiny
    aligner = EmbeddingAligner(model, tokenizer, layer=5)
    assert aligner.encoder._stop_at is model.encoder.layer[4]
    enc = tokenizer(EN, is_split_into_words=True, return_tensors="pt")
    with torch.inference_mode():
        full = model(**enc, output_hidden_states=True).hidden_states[5][0, 1:-1].numpy()
    assert np.array_equal(aligner.encoder.encode([EN])[0].vectors, full)


def test_empty_sides_and_words_without_subwords(tiny) -> None:
    aligner = EmbeddingAligner(*tiny, methods=("inter", "mwmf", "awesome"))
    result = aligner.align_methods([((), EN), (EN, ()), (("\u200b",), EN),
                                    (("Merkel", "\u200b", "Berlin"), ("Berlin", "Merkel"))])
    for method in ("inter", "mwmf", "awesome"):
        assert [len(a) for a in result[method][:3]] == [0, 0, 0]
        # The zero-width space has no sub-words, so it never gets a link; the others do.
        assert {i for i, _ in result[method][3].links} <= {0, 2}
        assert result[method][3].links
    assert aligner.similarity((("Merkel", "\u200b"), ("Merkel",)))[1, 0] == 0.0


def test_bad_settings_raise_project_error(tiny) -> None:
    with pytest.raises(ProjectError, match="layer 12.*9 layers"):
        EmbeddingAligner(*tiny, layer=12)
    with pytest.raises(ProjectError, match="methods"):
        EmbeddingAligner(*tiny, methods=("maxmatch",))
    with pytest.raises(ProjectError, match="source_words, target_words"):
        EmbeddingAligner(*tiny).align([("a sentence", "eine Satz")])
    with pytest.raises(ProjectError, match="layer"):
        SimAlignPackageAligner(encoder=tiny, layer=10)


def test_windows_cover_and_pick_most_central(tiny) -> None:
    encoder = EmbeddingAligner(*tiny).encoder
    assert encoder.max_length == 128 and encoder.capacity == 126
    assert encoder.windows(100) == [(0, 100)]
    spans = encoder.windows(300)
    assert spans == [(0, 126), (63, 189), (126, 252), (174, 300)]
    spans, owner = encoder.owners(300)
    for k in range(300):
        a, b = spans[owner[k]]
        assert a <= k < b
        best = max(min(k - s, e - 1 - k) for s, e in spans if s <= k < e)
        assert min(k - a, b - 1 - k) == best


def test_long_sentence_is_windowed_not_truncated(tiny) -> None:
    import torch

    model, tokenizer = tiny
    words = list(itertools.islice(itertools.cycle(" ".join(CORPUS).split()), 1000))
    aligner = EmbeddingAligner(model, tokenizer, methods=("inter", "itermax"), batch_size=16)
    encoded = aligner.encoder.encode([words])[0]
    assert len(encoded.ids) > 1000 and encoded.windows > 8
    # Every word has sub-words, and every sub-word got an embedding.
    assert set(encoded.word_of.tolist()) == set(range(1000))
    assert np.all(np.abs(encoded.vectors).sum(axis=1) > 0)
    # A sub-word's vector is the one its owning window gives it when encoded on its own.
    spans, owner = aligner.encoder.owners(len(encoded.ids))
    for k in (0, 200, 700, len(encoded.ids) - 1):
        a, b = spans[owner[k]]
        ids = torch.tensor([[tokenizer.cls_token_id, *encoded.ids[a:b], tokenizer.sep_token_id]])
        with torch.inference_mode():
            hidden = model(input_ids=ids, output_hidden_states=True).hidden_states[8][0]
        assert np.allclose(encoded.vectors[k], hidden[1 + k - a].numpy(), atol=1e-5)
    result = aligner.align_methods([(words, words[::-1][:300])])
    for method in ("inter", "itermax"):
        links = result[method][0].links
        assert links and max(i for i, _ in links) > 700
        result[method][0].check_bounds(1000, 300)


def test_simalign_backend_refuses_silent_truncation(tiny) -> None:
    words = list(itertools.islice(itertools.cycle(" ".join(CORPUS).split()), 400))
    backend = SimAlignPackageAligner(encoder=tiny, methods=("inter",))
    with pytest.raises(ProjectError, match="truncate"):
        backend.align([(words, EN)])


# ----------------------------------------------------------------------------- awesome-align

def _import_awesome_align(monkeypatch: pytest.MonkeyPatch):
    """awesome-align 0.1.7 (pinned in requirements.txt with its boto3 dependency): a missing
    package is a failure, not a skip."""
    from awesome_align.configuration_bert import BertConfig
    from awesome_align.modeling import BertForMaskedLM
    from awesome_align.tokenization_bert import BertTokenizer

    return BertConfig, BertForMaskedLM, BertTokenizer


def _build_awesome_bert(out: Path) -> Path:
    """A tiny BERT awesome-align can run: its code hard-wires [PAD]=0, [CLS]=101, [SEP]=102."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    pieces = sorted({w.lower() for line in CORPUS for w in line.split()})
    letters = "abcdefghijklmnopqrstuvwxyzãçéõ"
    vocab = (["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]",
             "[MASK]"] + pieces + list(letters) + [f"##{c}" for c in letters])
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("".join(f"{v}\n" for v in vocab), encoding="utf-8")
    torch.manual_seed(1)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=9,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    model = BertModel(config).eval()
    model.save_pretrained(out)
    torch.save(model.state_dict(), out / "pytorch_model.bin")
    BertTokenizerFast(vocab=str(out / "vocab.txt"), do_lower_case=True).save_pretrained(out)
    return out


def test_awesome_extraction_identical_to_awesome_align(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    BertConfig, BertForMaskedLM, BertTokenizer = _import_awesome_align(monkeypatch)
    from transformers import AutoModel, AutoTokenizer

    path = _build_awesome_bert(tmp_path / "awesome-bert")
    ref_tok = BertTokenizer.from_pretrained(str(path))
    ref = BertForMaskedLM.from_pretrained(str(path), config=BertConfig.from_pretrained(str(path)))
    ref.eval()
    model = AutoModel.from_pretrained(path).eval()
    # Precondition: awesome-align really loaded our weights (else the comparison is void).
    assert np.array_equal(ref.bert.embeddings.word_embeddings.weight.detach().numpy(),
                          model.embeddings.word_embeddings.weight.detach().numpy())
    ours = awesome_aligner(model, AutoTokenizer.from_pretrained(path)).align(TINY_PAIRS)

    def ids(tokens):
        flat = list(itertools.chain(*[ref_tok.convert_tokens_to_ids(t) for t in tokens]))
        return ref_tok.prepare_for_model(flat, return_tensors="pt",
                                         max_length=ref_tok.max_len)["input_ids"]

    total = 0
    for (src, tgt), mine in zip(TINY_PAIRS, ours):
        ts = [ref_tok.tokenize(w) for w in src]
        tt = [ref_tok.tokenize(w) for w in tgt]
        b2w_s = [i for i, t in enumerate(ts) for _ in t]
        b2w_t = [i for i, t in enumerate(tt) for _ in t]
        theirs = ref.get_aligned_word(ids(ts), ids(tt), [b2w_s], [b2w_t], "cpu", 0, 0,
                                      align_layer=8, extraction="softmax",
                                      softmax_threshold=1e-3, test=True, output_prob=True)[0]
        assert sorted(theirs) == list(mine.links)
        for link, prob in theirs.items():
            assert mine.scores[link] == pytest.approx(float(prob), abs=1e-5)
        total += len(theirs)
    assert total > len(TINY_PAIRS)


# ----------------------------------------------------------------------------- me5-small

@pytest.mark.models
def test_awesome_on_me5_small_is_mostly_diagonal(me5) -> None:
    src = "The European Commission met in Brussels on Monday .".split()
    tgt = "Die Europäische Kommission traf sich am Montag in Brüssel .".split()
    links = set(awesome_aligner(*me5).align([(src, tgt)])[0].links)
    expected = {(0, 0), (1, 1), (2, 2), (3, 3), (4, 7), (5, 8), (6, 5), (7, 6), (8, 9)}
    assert len(links & expected) >= 8
    assert len(links - expected) <= 3


@pytest.mark.models
def test_from_name_me5_small(me5) -> None:
    aligner = EmbeddingAligner.from_name("me5-small", methods=("inter",))
    assert aligner.name == "me5-small:inter" and aligner.layer == 8
    src = "The European Commission met in Brussels on Monday .".split()
    tgt = "Die Europäische Kommission traf sich am Montag in Brüssel .".split()
    links = set(aligner.align([(src, tgt)])[0].links)
    assert {(1, 1), (2, 2), (5, 8), (7, 6)} <= links


def _real_pairs(root: Path, per_source: int) -> dict[str, list[tuple[tuple[str, ...], ...]]]:
    """Evenly spaced sentence pairs from six parallel sources (words split as the files are)."""
    from core.readers.conll import read_conll
    from core.readers.parallel import read_line_aligned, read_tsv_pairs

    def conll_pairs(src_path: Path, tgt_path: Path):
        src, tgt = read_conll(src_path), read_conll(tgt_path)
        assert len(src) == len(tgt), (src_path, tgt_path)
        return [(s.words, t.words) for s, t in zip(src, tgt)]

    def text_pairs(lines):
        return [(tuple(s.split()), tuple(t.split())) for s, t in lines]

    eu = root / "europarl_ner"
    deepl = root / "conll2003_deepl"
    mafand = root / "mafand_mt"
    sources = {
        "europarl en-de": conll_pairs(eu / "en-europarl.test.conll02",
                                      eu / "de-europarl.test.conll02"),
        "europarl en-es": conll_pairs(eu / "en-europarl.test.conll02",
                                      eu / "es-europarl.test.conll02"),
        "conll2003 en-nl (DeepL)": conll_pairs(
            deepl / "original_gold" / "en.conll.test.tsv",
            deepl / "en2nl" / "projections" / "DeepL.50000.awesome.test.tsv"),
        "mafand en-swa": text_pairs(read_line_aligned(mafand / "en-swa" / "test.en",
                                                      mafand / "en-swa" / "test.swa")),
        "mafand en-yor": text_pairs(read_line_aligned(mafand / "en-yor" / "test.en",
                                                      mafand / "en-yor" / "test.yor")),
        "menyo en-yo": text_pairs(read_tsv_pairs(root / "menyo20k_en_yo" / "dev.tsv")),
    }
    out = {}
    for name, pairs in sources.items():
        pairs = [p for p in pairs if p[0] and p[1]]
        step = max(1, len(pairs) // per_source)
        out[name] = pairs[::step][:per_source]
        assert len(out[name]) == per_source, name
    return out


@pytest.mark.models
@pytest.mark.slow
def test_identical_to_simalign_package_on_real_corpora(datasets: Path, me5) -> None:
    """>= 300 real pairs from six sources: inter and itermax on all of them, mwmf (networkx in
    the package, the slow part) on the first 15 of each source."""
    from core.models.me5 import build_me5

    model, tokenizer = me5
    per_source, with_mwmf = 50, 15
    sources = _real_pairs(datasets, per_source)
    limit = 510  # the package truncates beyond 512 sub-words incl. specials
    ours = EmbeddingAligner(model, tokenizer, methods=("inter", "itermax", "mwmf"), name="me5")
    package_all = SimAlignPackageAligner(str(build_me5()), methods=("inter", "itermax", "mwmf"))
    package_two = SimAlignPackageAligner(encoder=me5, methods=("inter", "itermax"))
    compared = 0
    for name, pairs in sources.items():
        lengths = [max(len(ours.encoder.tokenize_words(s)[0]) for s in pair) for pair in pairs]
        assert max(lengths) <= limit, name
        mine = ours.align_methods(pairs)
        first = package_all.align_methods(pairs[:with_mwmf])
        rest = package_two.align_methods(pairs[with_mwmf:])
        for method in ("inter", "itermax"):
            theirs = first[method] + rest[method]
            assert [a.links for a in mine[method]] == [a.links for a in theirs], (name, method)
        assert [a.links for a in mine["mwmf"][:with_mwmf]] == \
            [a.links for a in first["mwmf"]], name
        compared += len(pairs)
    assert compared >= 300
