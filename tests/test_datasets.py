"""Dataset registry: layout, checks, loading, download (file:// URLs) and the real copies."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from core.datasets import (DATASETS, DatasetSpec, check_dataset, dataset_files, dataset_path,
                           download, get_dataset, load_alignments, load_dataset, load_parallel)
from core.errors import ProjectError
from core.readers import is_docstart

REQUIRED = {"masakhaner2", "conll2003_en", "conll2003", "europarl_ner", "wikiann_panx_dev",
            "wikiann_rahimi_african", "conll2003_deepl_projections", "mafand_mt", "menyo20k"}

# hand-written toy data for the temporary datasets below
TOY_TRAIN = "Asha B-PER\nswam O\n\nin O\nPortvale B-LOC\n"
TOY_DEV = "Bram B-PER\n"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def toy_spec(src: Path | None, *, sha: dict[str, str | None] | None = None,
             name: str = "toy") -> DatasetSpec:
    files = {"toy/xx/train.txt": TOY_TRAIN, "toy/xx/dev.txt": TOY_DEV}
    return DatasetSpec(
        name=name, description="toy", layout="toy/{lang}/{split}.txt", format="conll",
        languages=("xx",), splits=("train", "dev"),
        url=None if src is None else f"{src.as_uri()}/{{lang}}/{{split}}.txt",
        sha256=sha if sha is not None else {k: _sha(v) for k, v in files.items()},
        licence="test", citation="none", entity_types=("PER", "LOC"))


@pytest.fixture()
def toy_source(tmp_path: Path) -> Path:
    src = tmp_path / "upstream"
    (src / "xx").mkdir(parents=True)
    (src / "xx" / "train.txt").write_text(TOY_TRAIN, encoding="utf-8")
    (src / "xx" / "dev.txt").write_text(TOY_DEV, encoding="utf-8")
    return src


# ---------------------------------------------------------------------------------- registry


def test_registry_has_the_required_datasets():
    assert REQUIRED <= set(DATASETS)
    assert all(name == spec.name for name, spec in DATASETS.items())


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_spec_is_consistent(name):
    spec = DATASETS[name]
    files = [rel for lang, split in spec.parts() for rel in spec.relative_paths(lang, split)]
    assert files and len(files) == len(set(files))
    assert set(spec.sha256) == set(files)
    assert all(h is None or re.fullmatch(r"[0-9a-f]{64}", h) for h in spec.sha256.values())
    assert all("{" not in f for f in files)
    if spec.url is not None:
        assert spec.url.startswith("https://raw.githubusercontent.com/")
        urls = [u for lang, split in spec.parts() for u in spec.urls(lang, split)]
        assert len(urls) == len(files) and all("{" not in u for u in urls)
    assert spec.licence and spec.citation


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(ProjectError) as err:
        get_dataset("masakhaner3")
    assert "masakhaner2" in str(err.value) and "menyo20k" in str(err.value)
    assert err.value.setting == "dataset"


def test_dataset_path_layout(tmp_path):
    assert dataset_path("masakhaner2", "swa", "test", tmp_path) == \
        tmp_path / "masakhaner2" / "swa" / "test.txt"
    assert dataset_path("wikiann_panx_dev", "pt", "dev", tmp_path) == \
        tmp_path / "wikiann" / "xtreme_panx_dev_labeled" / "dev-pt.tsv"
    assert dataset_path("conll2003_deepl_projections", "de", "awesome.test", tmp_path) == \
        tmp_path / "conll2003_deepl/en2de/projections/DeepL.50000.awesome.test.tsv"
    assert dataset_files("mafand_mt", "en-swa", "dev", tmp_path) == (
        tmp_path / "mafand_mt/en-swa/dev.en", tmp_path / "mafand_mt/en-swa/dev.swa")


def test_default_root_is_datasets_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("PROJ_DATASETS", str(tmp_path))
    assert dataset_path("menyo20k", "en-yo", "dev") == tmp_path / "menyo20k_en_yo" / "dev.tsv"


def test_bad_language_split_and_unavailable_part():
    with pytest.raises(ProjectError, match="no language 'xyz'.*swa"):
        dataset_path("masakhaner2", "xyz", "test")
    with pytest.raises(ProjectError, match="no split 'valid'.*train, dev, test"):
        dataset_path("masakhaner2", "swa", "valid")
    with pytest.raises(ProjectError, match="no 'train' split for 'en-amh'.*dev, test"):
        dataset_files("mafand_mt", "en-amh", "train")
    with pytest.raises(ProjectError, match="dataset_files"):
        dataset_path("mafand_mt", "en-swa", "dev")


def test_load_dataset_from_a_root(tmp_path):
    spec = toy_spec(None)
    (tmp_path / "toy" / "xx").mkdir(parents=True)
    (tmp_path / "toy" / "xx" / "train.txt").write_text(TOY_TRAIN, encoding="utf-8")
    sents = load_dataset(spec, "xx", "train", tmp_path)
    assert [s.id for s in sents] == ["toy/xx/train:0", "toy/xx/train:1"]
    assert sents[1].lang == "xx" and sents[1].labels == ("O", "B-LOC")


def test_load_dataset_missing_and_empty(tmp_path):
    spec = toy_spec(None)
    with pytest.raises(ProjectError) as err:
        load_dataset(spec, "xx", "dev", tmp_path)
    assert "dev.txt" in str(err.value) and "download" in str(err.value)
    (tmp_path / "toy" / "xx").mkdir(parents=True)
    (tmp_path / "toy" / "xx" / "dev.txt").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="no sentences"):
        load_dataset(spec, "xx", "dev", tmp_path)


def test_loaders_check_the_format(tmp_path):
    with pytest.raises(ProjectError, match="not NER sentences"):
        load_dataset("menyo20k", "en-yo", "dev", tmp_path)
    with pytest.raises(ProjectError, match="not parallel text"):
        load_parallel("masakhaner2", "swa", "dev", tmp_path)
    with pytest.raises(ProjectError, match="not alignments"):
        load_alignments("masakhaner2", "swa", "dev", tmp_path)


def test_check_dataset_reports_missing_and_mismatched(tmp_path):
    spec = toy_spec(None)
    (tmp_path / "toy" / "xx").mkdir(parents=True)
    (tmp_path / "toy" / "xx" / "train.txt").write_text(TOY_TRAIN + "x O\n", encoding="utf-8")
    report = check_dataset(spec, tmp_path)
    assert [f.path.name for f in report.missing] == ["dev.txt"]
    assert [f.path.name for f in report.mismatched] == ["train.txt"]
    assert not report.ok and "1 missing" in report.summary() and "1 mismatch" in report.summary()
    (tmp_path / "toy" / "xx" / "train.txt").write_text(TOY_TRAIN, encoding="utf-8")
    (tmp_path / "toy" / "xx" / "dev.txt").write_text(TOY_DEV, encoding="utf-8")
    report = check_dataset(spec, tmp_path)
    assert report.ok and {f.status for f in report.files} == {"ok"}
    assert report.files[0].sha256 == _sha(TOY_TRAIN)


# ---------------------------------------------------------------------------------- download


def test_download_from_file_url_verifies_and_writes(tmp_path, toy_source):
    dest = tmp_path / "datasets"
    spec = toy_spec(toy_source)
    paths = download(spec, "xx", "train", dest)
    assert paths == [dest / "toy" / "xx" / "train.txt"]
    assert paths[0].read_text(encoding="utf-8") == TOY_TRAIN
    assert len(load_dataset(spec, "xx", "train", dest)) == 2
    # present with the right checksum: kept, the source is not read again
    (toy_source / "xx" / "train.txt").unlink()
    assert download(spec, "xx", "train", dest) == paths
    with pytest.raises(ProjectError, match="could not download"):
        download(spec, "xx", "train", dest, overwrite=True)
    assert paths[0].read_text(encoding="utf-8") == TOY_TRAIN


def test_download_checksum_mismatch_writes_nothing(tmp_path, toy_source):
    dest = tmp_path / "datasets"
    spec = toy_spec(toy_source, sha={"toy/xx/train.txt": "0" * 64, "toy/xx/dev.txt": None})
    with pytest.raises(ProjectError) as err:
        download(spec, "xx", "train", dest)
    assert "checksum mismatch" in str(err.value) and _sha(TOY_TRAIN) in str(err.value)
    assert not dest.exists()  # nothing, not even a temporary file, was written
    # unknown checksum: written unverified
    assert download(spec, "xx", "dev", dest)[0].read_text(encoding="utf-8") == TOY_DEV
    assert check_dataset(spec, dest).files[1].status == "unverified"


def test_download_replaces_a_corrupted_copy(tmp_path, toy_source):
    dest = tmp_path / "datasets"
    spec = toy_spec(toy_source)
    target = dest / "toy" / "xx" / "dev.txt"
    target.parent.mkdir(parents=True)
    target.write_text("corrupted O\n", encoding="utf-8")
    download(spec, "xx", "dev", dest)
    assert target.read_text(encoding="utf-8") == TOY_DEV


def test_download_parallel_fetches_both_sides(tmp_path):
    src = tmp_path / "up" / "en-xx"
    src.mkdir(parents=True)
    (src / "dev.en").write_text("Hello .\nBye .\n", encoding="utf-8")
    (src / "dev.xx").write_text("Hola .\nChao .\n", encoding="utf-8")
    spec = DatasetSpec(name="toy_mt", description="toy", layout="toy_mt/{lang}/{split}.{side}",
                       format="parallel", languages=("en-xx",), splits=("dev",),
                       url=f"{(tmp_path / 'up').as_uri()}/{{lang}}/{{split}}.{{side}}",
                       sha256={}, licence="test", citation="none")
    dest = tmp_path / "d"
    assert [p.name for p in download(spec, "en-xx", "dev", dest)] == ["dev.en", "dev.xx"]
    assert load_parallel(spec, "en-xx", "dev", dest) == [("Hello .", "Hola ."), ("Bye .", "Chao .")]


def test_download_without_url_says_where_to_put_files(tmp_path):
    with pytest.raises(ProjectError, match="by hand.*rahimi_african_labeled/swa/test.txt"):
        download("wikiann_rahimi_african", "swa", "test", tmp_path)


# ------------------------------------------------------------------- real datasets (shared)


def test_shared_copies_match_registered_checksums(datasets):
    for name, spec in DATASETS.items():
        if spec.bundled:  # ours, in data/; no upstream checksum
            continue
        report = check_dataset(name, datasets)
        assert not report.mismatched, [str(f.path) for f in report.mismatched]
        verified = [f for f in report.files if f.status == "ok"]
        assert verified, name
    # the Italian Europarl file is registered (it exists upstream) but was not copied
    europarl = check_dataset("europarl_ner", datasets)
    assert {f.lang for f in europarl.files if f.status == "ok"} == {"en", "de", "es"}


def test_load_masakhaner2_swa(datasets):
    sents = load_dataset("masakhaner2", "swa", "test", datasets)
    assert len(sents) == 1883
    assert sents[0].id == "masakhaner2/swa/test:0" and sents[0].lang == "swa"
    assert {sp.label for s in sents for sp in s.spans} == set(
        get_dataset("masakhaner2").entity_types)


@pytest.mark.slow
def test_masakhaner2_split_totals_match_sources(datasets):
    spec = get_dataset("masakhaner2")
    totals: dict[str, int] = {}
    for lang, split in spec.parts():
        totals[split] = totals.get(split, 0) + len(load_dataset(spec, lang, split, datasets))
    assert totals == {"train": 106964, "dev": 15284, "test": 30538}


def test_projection_ids_line_up_with_english_test(datasets):
    english = load_dataset("conll2003", "en", "test", datasets)
    for lang in ("de", "nl"):
        target = load_dataset("conll2003_deepl_projections", lang, "awesome.test", datasets)
        assert [s.id.rsplit(":", 1)[1] for s in target] == \
            [s.id.rsplit(":", 1)[1] for s in english]
        assert not any(is_docstart(s, ("-DOCSTART-", "-OCSTART-")) for s in target)
    kept = load_dataset("conll2003_deepl_projections", "de", "awesome.test", datasets,
                        keep_docstart=True)
    assert len(kept) == 3684


def test_load_alignments_and_parallel(datasets):
    alignments = load_alignments("conll2003_deepl_alignments", "de", "awesome.test", datasets)
    assert len(alignments) == 3684 and alignments[0].aligner == "awesome.test"
    assert {split: len(load_parallel("menyo20k", "en-yo", split, datasets))
            for split in ("train", "dev", "test")} == {"train": 10070, "dev": 3397, "test": 6633}
    swa = load_parallel("mafand_mt", "en-swa", "train", datasets)
    assert len(swa) == 30782


def test_europarl_and_panx_through_registry(datasets):
    for lang in ("en", "de", "es"):
        assert len(load_dataset("europarl_ner", lang, "test", datasets)) == 799
    assert len(load_dataset("wikiann_panx_dev", "pt", "dev", datasets)) == 10000
    rahimi = load_dataset("wikiann_rahimi_african", "swa", "test", datasets)
    assert len(rahimi) == 1000


def test_bundled_demo_corpus_is_found_without_a_datasets_root():
    en = load_dataset("demo", "en", "test", root="/nonexistent")
    sw = load_dataset("demo", "sw", "test")
    assert len(en) == len(sw) >= 60 and en[0].id == "demo/en/test:0"
