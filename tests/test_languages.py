"""The language table (data/languages.tsv, core.languages) and the views built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import languages
from core.aligners import eflomal_aligner as ef
from core.datasets import DATASETS
from core.errors import ProjectError
from core.models import nllb_codes
from core.resources import LANGUAGES as INFO, language_info

HEADER = "\t".join(languages.COLUMNS)
SWA = "swa\tSwahili\tsw\tswa\t\tswh_Latn\tLatin\tNiger-Congo (Bantu)\tlow\tmafand_mt:en-swa"


def _write(tmp_path: Path, *rows: str) -> Path:
    f = tmp_path / "languages.tsv"
    f.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return f


def test_table_covers_every_dataset_language() -> None:
    codes = set(languages.LANGUAGES)
    for name in ("masakhaner2", "wikiann_panx_dev", "wikiann_rahimi_african", "europarl_ner",
                 "demo", "conll_target_gold"):
        assert set(DATASETS[name].languages) <= codes, name
    for pair in DATASETS["mafand_mt"].languages:
        assert set(pair.split("-")) <= codes, pair


def test_rows_read_as_written() -> None:
    row = languages.get("SWA ")
    assert row is not None and row.name == "Swahili" and row.nllb == "swh_Latn"
    assert row.iso639_1 == "sw" and row.corpus == ("mafand_mt", "en", "swa")
    assert languages.get("bbj").nllb is None and languages.get("am") is None
    assert languages.resolve("am").code == "amh" and languages.resolve("ger").code == "de"
    assert languages.resolve("sw").code == "sw"  # a key wins over swa's ISO 639-1 alias
    assert languages.resolve("xx") is None


def test_views_agree_with_the_table() -> None:
    assert set(INFO) == set(languages.LANGUAGES)
    assert language_info("de").family == "Indo-European (Germanic)"
    assert set(nllb_codes.LANGUAGES) == {c for c, r in languages.LANGUAGES.items() if r.nllb}
    assert set(nllb_codes.UNSUPPORTED) == {"bbj", "pcm"}
    assert nllb_codes.ALIASES["bm"] == "bam" and nllb_codes.ALIASES["fil"] == "tl"
    # the eflomal corpora, written out by hand from the datasets we have
    assert set(ef.TRAINING_CORPORA) == {"de", "es", "it", "nl", "yo", "amh", "hau", "ibo", "kin",
                                        "lug", "nya", "pcm", "sna", "swa", "tsn", "twi", "xho",
                                        "yor", "zul"}
    assert ef.TRAINING_CORPORA["yo"].startswith("MENYO-20k")
    assert ef.MAFAND_ALIASES == {"am": "amh", "ha": "hau", "ig": "ibo", "rw": "kin", "lg": "lug",
                                 "ny": "nya", "sn": "sna", "sw": "swa", "tn": "tsn", "tw": "twi",
                                 "xh": "xho", "zu": "zul"}
    assert ef._NO_ENGLISH == {"bam", "bbj", "ewe", "fon", "mos", "wol"}


def test_a_valid_file_reads(tmp_path: Path) -> None:
    table = languages.read_table(_write(tmp_path, SWA))
    assert list(table) == ["swa"] and languages.alias_index(table) == {"sw": "swa"}


@pytest.mark.parametrize("row,problem", [
    ("swa\tSwahili", "expected 10 tab-separated cells"),
    (SWA.replace("\tlow\t", "\tvery low\t"), "resource 'very low'"),
    (SWA.replace("swh_Latn", "swh"), "not an NLLB code"),
    (SWA.replace("mafand_mt:en-swa", "mafand"), "parallel_corpus 'mafand'"),
    (SWA.replace("\tsw\t", "\tSW\t"), "'SW' is not a lowercase"),
    (SWA.replace("Latin", ""), "must not be empty"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    f = _write(tmp_path, "yo\tYoruba\tyo\tyor\t\tyor_Latn\tLatin\tNiger-Congo\tlow\t", row)
    with pytest.raises(ProjectError, match=problem) as err:
        languages.read_table(f)
    assert err.value.line == 3 and err.value.path == str(f)


def test_duplicates_and_shared_aliases_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="listed twice"):
        languages.read_table(_write(tmp_path, SWA, SWA))
    other = SWA.replace("swa\tSwahili\tsw\tswa", "swc\tCongo Swahili\tsw\tswc")
    with pytest.raises(ProjectError, match="alias 'sw' also names 'swa'"):
        languages.read_table(_write(tmp_path, SWA, other))
    bad = tmp_path / "bad.tsv"
    bad.write_text("code\tname\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="header") as err:
        languages.read_table(bad)
    assert err.value.line == 1
