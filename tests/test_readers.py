"""Readers and writers: hand-written fixtures (tests/fixtures/readers) and the real datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ProjectError
from core.labels import LabelMap, split_tag
from core.readers import (check_alignment_bounds, format_pharaoh, is_docstart, iter_conll,
                          parse_pharaoh_line, read_conll, read_line_aligned, read_pharaoh,
                          read_tsv_pairs, write_conll, write_line_aligned, write_pharaoh)
from core.types import Alignment, Sentence, Span

FIX = Path(__file__).parent / "fixtures" / "readers"


def assert_valid_iob2(labels: tuple[str, ...]) -> None:
    current = None
    for tag in labels:
        prefix, typ = split_tag(tag)
        assert prefix in ("O", "B", "I"), tag
        if prefix == "I":
            assert typ == current, f"{tag} does not continue {current}"
        current = typ if prefix != "O" else None


# ---------------------------------------------------------------------------------- CoNLL


def test_tab_separated_with_blank_runs_and_no_final_blank_line():
    sents = read_conll(FIX / "tab.tsv", lang="en")
    assert [len(s) for s in sents] == [7, 3, 4]
    assert [s.id for s in sents] == ["tab:0", "tab:1", "tab:2"]
    assert all(s.lang == "en" for s in sents)
    # a token with an inner space survives in a tab-separated file
    assert sents[1].words[0] == "New York"
    assert sents[0].spans == [Span(0, 1, "PER"), Span(3, 5, "LOC")]
    assert sents[2].spans == [Span(0, 2, "ORG"), Span(3, 4, "PER")]


def test_id_prefix_overrides_file_stem():
    sents = read_conll(FIX / "tab.tsv", id_prefix="demo/en/test")
    assert sents[2].id == "demo/en/test:2"


def test_crlf_and_bom_read_like_plain_file(tmp_path):
    plain = (FIX / "tab.tsv").read_bytes()
    variant = tmp_path / "tab.tsv"
    variant.write_bytes(b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    assert b"\r\n" in variant.read_bytes()
    expected = read_conll(FIX / "tab.tsv")
    got = read_conll(variant)
    assert [(s.words, s.labels) for s in got] == [(s.words, s.labels) for s in expected]
    assert got[0].words[0] == "Marta"  # BOM is not glued to the first token


def test_four_column_conll03_with_docstart_blocks():
    sents = read_conll(FIX / "conll03_4col.conll")
    assert [s.words for s in sents] == [("Lumo", "opened", "in", "Portvale", "."),
                                        ("Thanks", ",", "Ilse", "."), ("No", "names")]
    # ids are block indices: the two -DOCSTART- blocks keep their numbers
    assert [s.id for s in sents] == ["conll03_4col:1", "conll03_4col:2", "conll03_4col:4"]
    assert sents[0].spans == [Span(0, 1, "ORG"), Span(3, 4, "LOC")]


def test_keep_docstart_returns_every_block():
    sents = read_conll(FIX / "conll03_4col.conll", keep_docstart=True)
    assert len(sents) == 5
    assert [is_docstart(s) for s in sents] == [True, False, False, True, False]
    assert sents[0].words == ("-DOCSTART-",) and sents[0].labels == ("O",)
    assert [s.id for s in sents] == [f"conll03_4col:{k}" for k in range(5)]


def test_docstart_line_glued_to_a_sentence():
    assert [s.words for s in read_conll(FIX / "docstart_attached.conll")] == [
        ("Kai", "waved"), ("Bye",)]
    kept = read_conll(FIX / "docstart_attached.conll", keep_docstart=True)
    assert kept[0].words == ("-DOCSTART-", "Kai", "waved")


def test_iob1_is_normalised_to_iob2():
    (s,) = read_conll(FIX / "iob1.conll")
    assert s.labels == ("B-PER", "I-PER", "O", "B-PER", "B-PER", "O", "B-LOC")


def test_bioes_and_bilou_are_normalised_to_iob2():
    (s,) = read_conll(FIX / "bioes.conll")
    assert s.labels == ("B-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-ORG", "I-ORG",
                        "O", "B-PER")
    assert s.spans == [Span(0, 1, "PER"), Span(3, 6, "LOC"), Span(7, 9, "ORG"),
                       Span(10, 11, "PER")]


def test_invalid_i_start_repaired():
    (s,) = read_conll(FIX / "invalid_start.conll")
    assert s.labels == ("O", "B-ORG", "I-ORG", "O", "O", "B-PER")


def test_strict_mode_names_the_offending_line():
    with pytest.raises(ProjectError) as err:
        read_conll(FIX / "invalid_start.conll", repair=False)
    assert err.value.line == 2 and "invalid_start.conll:2" in str(err.value)
    with pytest.raises(ProjectError, match=r"bioes\.conll:1:.*BIOES"):
        read_conll(FIX / "bioes.conll", repair=False)
    # valid IOB2 passes strict mode unchanged
    assert read_conll(FIX / "tab.tsv", repair=False) == read_conll(FIX / "tab.tsv")


def test_bad_tag_names_file_and_line():
    with pytest.raises(ProjectError) as err:
        read_conll(FIX / "bad_tag.conll")
    assert err.value.line == 5
    assert str(err.value).startswith(f"{FIX / 'bad_tag.conll'}:5:")
    assert "X-PER" in str(err.value)


def test_missing_label_column_names_file_and_line():
    with pytest.raises(ProjectError, match=r"missing_label\.conll:5: .*no label column"):
        read_conll(FIX / "missing_label.conll")


def test_binary_file_rejected():
    with pytest.raises(ProjectError, match=r"binary\.bin:1: .*binary"):
        read_conll(FIX / "binary.bin")


def test_non_utf8_file_rejected():
    with pytest.raises(ProjectError, match=r"latin1\.conll:1: .*UTF-8"):
        read_conll(FIX / "latin1.conll")


def test_missing_file_rejected(tmp_path):
    with pytest.raises(ProjectError, match="file not found"):
        read_conll(tmp_path / "nope.conll")


def test_empty_file_gives_no_sentences():
    assert read_conll(FIX / "empty.conll") == []


def test_empty_token_line_is_skipped():
    (s,) = read_conll(FIX / "empty_token.conll")
    assert s.words == ("Nils", "ran") and s.labels == ("B-PER", "O")


def test_lang_prefix_stripped_automatically_when_lang_known():
    sents = read_conll(FIX / "panx_prefix.tsv", lang="pt")
    assert sents[0].words == ("Rio", "Claro")
    # only the one prefix is removed
    assert sents[1].words == ("Banco", "do", "Vale", "pt:x")


def test_lang_prefix_options():
    assert read_conll(FIX / "panx_prefix.tsv")[0].words == ("pt:Rio", "pt:Claro")
    assert read_conll(FIX / "panx_prefix.tsv", lang="es")[0].words == ("pt:Rio", "pt:Claro")
    assert read_conll(FIX / "panx_prefix.tsv", strip_lang_prefix=True)[0].words == ("Rio", "Claro")
    assert read_conll(FIX / "panx_prefix.tsv", lang="pt",
                      strip_lang_prefix=False)[0].words == ("pt:Rio", "pt:Claro")


def test_label_map_applied_after_normalisation():
    sents = read_conll(FIX / "tab.tsv", label_map=LabelMap.parse("PER=O"))
    assert sents[0].labels == ("O", "O", "O", "B-LOC", "I-LOC", "O", "O")
    assert sents[2].spans == [Span(0, 2, "ORG")]


def test_iter_conll_is_lazy(tmp_path):
    bad = tmp_path / "late_error.conll"
    bad.write_text("A O\n\nB O\n\nC NOT-A-TAG\n", encoding="utf-8")
    it = iter_conll(bad)
    assert next(it).words == ("A",)
    assert next(it).words == ("B",)
    with pytest.raises(ProjectError, match=r":5:"):
        next(it)


@pytest.mark.parametrize("sep", ["\t", " "])
def test_write_then_read_round_trip(tmp_path, sep):
    original = read_conll(FIX / "conll03_4col.conll", keep_docstart=True)
    out = tmp_path / "out.conll"
    write_conll(out, original, sep=sep)
    again = read_conll(out, keep_docstart=True, id_prefix="conll03_4col")
    assert again == original
    assert out.read_text(encoding="utf-8").endswith("\n\n")


def test_write_rejects_what_would_not_read_back(tmp_path):
    unlabelled = Sentence("s", "en", ("a",))
    with pytest.raises(ProjectError, match="no labels"):
        write_conll(tmp_path / "x.conll", [unlabelled])
    spaced = Sentence("s", "en", ("New York",), ("B-LOC",))
    with pytest.raises(ProjectError, match="whitespace"):
        write_conll(tmp_path / "x.conll", [spaced], sep=" ")
    write_conll(tmp_path / "x.conll", [spaced], sep="\t")
    assert read_conll(tmp_path / "x.conll")[0].words == ("New York",)
    assert not (tmp_path / "y.conll").exists()


# -------------------------------------------------------------------------------- Pharaoh


def test_pharaoh_sure_possible_and_scored_links():
    al = read_pharaoh(FIX / "possible_scored.talp", aligner="gold")
    assert len(al) == 4
    assert al[0].links == ((0, 0), (1, 2), (2, 1)) and al[0].aligner == "gold"
    assert al[1].links == () and al[1].possible == ()  # empty line -> empty alignment
    assert al[2].links == ((0, 0), (3, 3))
    assert al[2].possible == ((1, 1), (2, 2))
    assert al[2].scores == {(3, 3): 0.75}


def test_pharaoh_line_count_and_scored_duplicates():
    text = (FIX / "possible_scored.talp").read_text(encoding="utf-8").splitlines()
    al = read_pharaoh(FIX / "possible_scored.talp")
    assert len(al) == len(text) == 4
    assert al[3].links == ((0, 1), (1, 0))
    assert al[3].scores == {(0, 1): 0.5, (1, 0): 1.0}


def test_pharaoh_negative_index_names_line():
    with pytest.raises(ProjectError) as err:
        read_pharaoh(FIX / "bad_negative.talp")
    assert err.value.line == 2 and "negative" in str(err.value)


def test_pharaoh_malformed_link_names_line():
    with pytest.raises(ProjectError, match=r"bad_malformed\.talp:3: malformed link '1:1'"):
        read_pharaoh(FIX / "bad_malformed.talp")


@pytest.mark.parametrize("item", ["1-", "a-b", "1-2-x", "1?2-0.5", "1-2-3-4", "--1"])
def test_parse_pharaoh_line_rejects(item):
    with pytest.raises(ProjectError, match="here.talp"):
        parse_pharaoh_line(f"0-0 {item}", where="here.talp")


def test_parse_pharaoh_line_accepts_all_forms():
    a = parse_pharaoh_line(" 2-1 0p0 1?1  4-4-1e-3 ", aligner="x")
    assert a.links == ((2, 1), (4, 4)) and a.possible == ((0, 0), (1, 1))
    assert a.scores == {(4, 4): pytest.approx(0.001)} and a.aligner == "x"


def test_pharaoh_write_read_round_trip(tmp_path):
    als = [Alignment.of([(0, 0), (2, 1)], possible=[(1, 1)], scores={(2, 1): 0.3125}),
           Alignment.of([]), Alignment.of([(5, 0)])]
    path = tmp_path / "out.talp"
    write_pharaoh(path, als, with_scores=True)
    back = read_pharaoh(path)
    assert back == als and back[0].scores == {(2, 1): 0.3125}
    assert format_pharaoh(als[0]) == "0-0 2-1 1?1"
    write_pharaoh(path, als)
    assert read_pharaoh(path)[0].scores == {}


def test_check_alignment_bounds():
    als = [Alignment.of([(0, 0), (1, 2)]), Alignment.of([(2, 0)])]
    check_alignment_bounds(als, [2, 3], [3, 1])
    with pytest.raises(ProjectError, match=r"a\.talp:2: link 2-0 is out of range"):
        check_alignment_bounds(als, [2, 2], [3, 1], path="a.talp")
    with pytest.raises(ProjectError, match="2 alignments for 3 source"):
        check_alignment_bounds(als, [2, 3, 1], [3, 1, 1])


# ---------------------------------------------------------------------------- parallel text


def test_line_aligned_pairs_keep_empty_lines():
    pairs = read_line_aligned(FIX / "pair.en", FIX / "pair.sw")
    assert len(pairs) == 4
    assert pairs[2] == ("", "")
    assert pairs[1][0] == "The bridge is closed."


def test_line_aligned_length_mismatch_names_both_files():
    with pytest.raises(ProjectError) as err:
        read_line_aligned(FIX / "pair.en", FIX / "short.sw")
    msg = str(err.value)
    assert "pair.en has 4 lines" in msg and "short.sw has 2" in msg


def test_line_aligned_write_round_trip(tmp_path):
    pairs = [("a b", "c"), ("", "d e")]
    write_line_aligned(tmp_path / "x.en", tmp_path / "x.sw", pairs)
    assert read_line_aligned(tmp_path / "x.en", tmp_path / "x.sw") == pairs
    with pytest.raises(ProjectError, match="line break"):
        write_line_aligned(tmp_path / "y.en", tmp_path / "y.sw", [("a\nb", "c")])


def test_tsv_pairs_with_header_and_quoted_field():
    pairs = read_tsv_pairs(FIX / "pairs.tsv")
    assert len(pairs) == 3
    assert pairs[0] == ("Good morning.", "E kaaro.")
    assert pairs[1] == ('She said "hi"\tand left', 'O ni "bawo" o si lo')
    assert read_tsv_pairs(FIX / "pairs.tsv", header=False)[0] == ("English", "Yoruba")


def test_tsv_pairs_without_quoting_sees_three_columns():
    with pytest.raises(ProjectError, match=r"pairs\.tsv:3: expected 2 .* found 3"):
        read_tsv_pairs(FIX / "pairs.tsv", quoting=False)


def test_tsv_wrong_column_count_names_line():
    with pytest.raises(ProjectError) as err:
        read_tsv_pairs(FIX / "bad_cols.tsv")
    assert err.value.line == 3 and "found 1" in str(err.value)


# ------------------------------------------------------------------- real datasets (shared)

MASAKHANER_TYPES = {"PER", "ORG", "LOC", "DATE"}


def test_masakhaner2_swa_test(datasets):
    path = datasets / "masakhaner2" / "swa" / "test.txt"
    sents = read_conll(path, lang="swa")
    assert len(sents) == 1883
    assert len(sents[0]) == 19
    assert sum(len(s) for s in sents) == 51179
    types = set()
    for s in sents:
        assert_valid_iob2(s.labels)
        types |= {sp.label for sp in s.spans}
    assert types == MASAKHANER_TYPES
    # the raw file has one I- tag that starts an entity; strict reading finds its line
    with pytest.raises(ProjectError) as err:
        read_conll(path, repair=False)
    assert err.value.line is not None and err.value.line > 1


def test_masakhaner2_xho_train_has_empty_tokens(datasets):
    sents = read_conll(datasets / "masakhaner2" / "xho" / "train.txt")
    assert all(w.strip() for s in sents for w in s.words)
    assert len(sents) > 5000


def test_conll2003_test_with_docstart(datasets):
    path = datasets / "conll2003_deepl" / "original_gold" / "en.conll.test.tsv"
    blocks = read_conll(path, keep_docstart=True)
    assert len(blocks) == 3684
    assert sum(is_docstart(b) for b in blocks) == 231
    sents = read_conll(path)
    assert len(sents) == 3684 - 231 == 3453
    # the MasakhaNER copy (MISC -> O, no -DOCSTART-) has the same sentences and labels
    no_misc = read_conll(datasets / "conll2003_en" / "masakhane_no_misc" / "test.txt")
    assert len(no_misc) == len(sents)
    mapped = LabelMap.parse("no_misc")
    for a, b in zip(sents, no_misc):
        assert a.words == b.words
        assert mapped.tags(a.labels) == list(b.labels)


def test_conll2003_train_reads(datasets):
    path = datasets / "conll2003_deepl" / "original_gold" / "en.conll.train.tsv"
    blocks = read_conll(path, keep_docstart=True)
    assert len(blocks) == 14987


def test_europarl_ner_parallel_counts(datasets):
    sides = {lang: read_conll(datasets / "europarl_ner" / f"{lang}-europarl.test.conll02",
                              lang=lang) for lang in ("en", "de", "es")}
    assert {lang: len(s) for lang, s in sides.items()} == {"en": 799, "de": 799, "es": 799}
    for lang, sents in sides.items():
        types = {sp.label for s in sents for sp in s.spans}
        assert types == {"PER", "ORG", "LOC", "MISC"}, lang
        assert all(s.lang == lang for s in sents)
    # the same sentence ids line up across languages
    assert [s.id.split(":")[1] for s in sides["en"]] == [s.id.split(":")[1] for s in sides["de"]]


def test_wikiann_panx_dev_pt(datasets):
    sents = read_conll(datasets / "wikiann" / "xtreme_panx_dev_labeled" / "dev-pt.tsv",
                       lang="pt")
    assert len(sents) == 10000
    assert not any(w.startswith("pt:") for s in sents for w in s.words)
    assert {sp.label for s in sents for sp in s.spans} == {"PER", "ORG", "LOC"}
    for s in sents[:2000]:
        assert_valid_iob2(s.labels)


TALP = {"awesome": "awesome.test", "fast_align": "fast_align.test.grow_diag_final-and",
        "mgiza": "mgiza.test.grow_diag_final-and", "simalign": "simalign.test.itermax"}


@pytest.mark.parametrize("lang", ["de", "es", "it", "nl"])
def test_deepl_projections_and_alignments_are_block_aligned(datasets, lang):
    base = datasets / "conll2003_deepl"
    english = read_conll(base / "original_gold" / "en.conll.test.tsv", keep_docstart=True)
    markers = ("-DOCSTART-", "-OCSTART-")
    for aligner, talp in TALP.items():
        target = read_conll(base / f"en2{lang}" / "projections" / f"DeepL.50000.{aligner}.test.tsv",
                            keep_docstart=True, docstart_markers=markers)
        assert len(target) == len(english) == 3684
        for e, t in zip(english, target):
            assert is_docstart(e) == is_docstart(t, markers), e.id
        path = base / f"en2{lang}" / "alignments" / f"DeepL.50000.{talp}.talp"
        alignments = read_pharaoh(path, aligner=aligner)
        assert len(alignments) == 3684
        check_alignment_bounds(alignments, [len(s) for s in english], [len(s) for s in target],
                               path=path)


def test_mafand_en_swa(datasets):
    base = datasets / "mafand_mt" / "en-swa"
    assert len(read_line_aligned(base / "dev.en", base / "dev.swa")) == 1791
    test = read_line_aligned(base / "test.en", base / "test.swa")
    assert len(test) == 1835
    assert all(src.strip() and tgt.strip() for src, tgt in test)


def test_menyo_dev(datasets):
    pairs = read_tsv_pairs(datasets / "menyo20k_en_yo" / "dev.tsv")
    assert len(pairs) == 3397
    assert all(en.strip() and yo.strip() for en, yo in pairs)
    # one English field is quoted because it contains a tab; quoting keeps it in one column
    assert sum("\t" in en for en, _ in pairs) == 1
    with pytest.raises(ProjectError, match="found 3"):
        read_tsv_pairs(datasets / "menyo20k_en_yo" / "dev.tsv", quoting=False)
