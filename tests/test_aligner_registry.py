"""Aligners by name: every form builds, names and signatures are stable, errors list forms."""

from pathlib import Path

import pytest

from core.aligners.registry import get_aligner
from core.errors import ProjectError
from core.types import Alignment
from bench.tiny_models import build_tiny_bert

PAIRS = [(["a", "b", "c"], ["x", "y", "z", "w"]), (["d"], ["e", "f"])]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("reg"), layers=9)


def test_embedding_aligner_on_a_local_directory(tiny_dir) -> None:
    a = get_aligner(f"{tiny_dir}:itermax")
    b = get_aligner(f"{tiny_dir}:itermax:layer=3")
    assert a.name.endswith(":itermax") and a.layer == 8 and b.layer == 3
    assert a.signature != b.signature and "layer=8" in a.signature
    out = a.align(PAIRS)
    assert len(out) == 2 and all(isinstance(x, Alignment) for x in out)
    assert all(0 <= i < 3 and 0 <= j < 4 for i, j in out[0].links)


def test_combination_of_file_and_embedding(tiny_dir, tmp_path) -> None:
    f = tmp_path / "gold.talp"
    f.write_text("0-0 1-1 2-2\n0-1\n", encoding="utf-8")
    ext = get_aligner(f"file:{f}")
    assert [x.links for x in ext.align(PAIRS)] == [((0, 0), (1, 1), (2, 2)), ((0, 1),)]
    both = get_aligner(f"intersection(file:{f},file:{f})")
    assert both.name == "intersection(gold,gold)"
    assert [x.links for x in both.align(PAIRS)] == [x.links for x in ext.align(PAIRS)]
    mixed = get_aligner(f"union({tiny_dir}:inter,file:{f})")
    got = mixed.align(PAIRS)
    assert set(ext.align(PAIRS)[0].links) <= set(got[0].links)


def test_combinations_nest(tmp_path) -> None:
    f, g = tmp_path / "f.talp", tmp_path / "g.talp"
    f.write_text("0-0 1-1\n0-0\n", encoding="utf-8")
    g.write_text("0-0 2-2\n0-1\n", encoding="utf-8")
    nested = get_aligner(f"union(intersection(file:{f},file:{g}),file:{g})")
    assert nested.name == "union(intersection(f,g),g)"
    assert nested.signature.startswith("union(intersection(file:f.talp#")
    assert [set(x.links) for x in nested.align(PAIRS, indices=[0, 1])] == [
        {(0, 0), (2, 2)}, {(0, 1)}]


def test_a_file_aligner_signs_the_content_it_read(tmp_path) -> None:
    f = tmp_path / "f.talp"
    f.write_text("0-0\n0-0\n", encoding="utf-8")
    ext = get_aligner(f"file:{f}")
    sig = ext.signature
    f.write_text("0-1\n0-1\n", encoding="utf-8")  # changed after it was read
    assert ext.signature == sig and ext.align(PAIRS)[0].links == ((0, 0),)
    assert get_aligner(f"file:{f}").signature != sig


@pytest.mark.parametrize("spec, message", [
    ("me5-small", "unknown aligner"),
    ("me5-small:maxmatch", "unknown aligner"),
    ("union(me5-small:inter)", "exactly two"),
    ("file:/nonexistent.talp", "not found"),
    ("me5-small:itermax:layers=3", "unknown aligner setting"),
])
def test_errors_name_the_valid_forms(spec, message) -> None:
    with pytest.raises(ProjectError, match=message):
        get_aligner(spec, lang="de")


@pytest.mark.models
def test_me5_itermax_from_the_registry() -> None:
    a = get_aligner("me5-small:itermax")
    assert a.signature.startswith("me5-small@") and a.name == "me5-small:itermax"
    (al,) = a.align([("The European Commission met in Brussels .".split(),
                      "Die Europäische Kommission tagte in Brüssel .".split())])
    assert {(1, 1), (2, 2), (5, 5)} <= set(al.links)


def test_method_views_share_the_model_and_sign_their_method(tiny_dir) -> None:
    from core.aligners.registry import method_view

    base = get_aligner(f"{tiny_dir}:itermax")
    view = method_view(base, "inter")
    assert view.encoder is base.encoder
    assert view.signature == base.signature.replace("|itermax|", "|inter|")
    assert view.name.endswith(":inter")


# ------------------------------------------------------------------ the table and the grammar

_TINY: dict[str, Path] = {}


def _tiny_encoder(arg: str, **options):
    from core.models.hub import load_hub_encoder

    return load_hub_encoder(str(_TINY["dir"]), **options)


def test_a_new_encoder_entry_is_an_aligner_for_every_method(tiny_dir, monkeypatch) -> None:
    """What adding an encoder takes (e.g. a fine-tuned me5-small): one models-registry entry."""
    from core.models import registry as models

    _TINY["dir"] = tiny_dir
    entry = models.Entry("tiny-enc", f"{__name__}:_tiny_encoder", "test encoder")
    monkeypatch.setitem(models.REGISTRIES, "encoder", (entry, *models.ENCODERS))
    for method in ("itermax", "awesome"):
        a = get_aligner(f"tiny-enc:{method}:layer=2")
        assert a.name == f"tiny-enc:{method}" and a.layer == 2
        assert a.signature.split("|")[1:3] == [method, "layer=2"]
    with pytest.raises(ProjectError, match="unknown aligner"):
        get_aligner("other-enc:itermax")


def _tiny_adapter(arg: str, **options):
    """An encoder that, like an alignment adapter, says which layer it was trained at."""
    from dataclasses import replace

    return replace(_tiny_encoder(arg, **options), layer=5)


def test_an_encoder_with_a_training_layer_aligns_there(tiny_dir, monkeypatch) -> None:
    """me5-small-ft aligns at its adapter's layer (align_config.json), not the default 8."""
    from core.models import registry as models

    _TINY["dir"] = tiny_dir
    entry = models.Entry("tiny-ft", f"{__name__}:_tiny_adapter", "test adapter")
    monkeypatch.setitem(models.REGISTRIES, "encoder", (entry, *models.ENCODERS))
    assert get_aligner("tiny-ft:itermax").layer == 5
    assert get_aligner("tiny-ft:itermax:layer=3").layer == 3  # a setting still wins


def test_parse_aligner_checks_names_without_loading(tmp_path) -> None:
    from core.aligners.registry import parse_aligner

    assert parse_aligner("eflomal:priors").parsed == {"mode": "priors"}
    assert parse_aligner("eflomal").parsed == {"symmetrization": "grow-diag-final-and"}
    assert parse_aligner("me5-small:itermax:layer=6,distortion=0.5").parsed == (
        "me5-small", "itermax", {"layer": 6, "distortion": 0.5})
    head, (a, b) = parse_aligner("union(me5-small:inter,eflomal:intersection)")
    assert head == "union" and a.parsed[1] == "inter" and b.parsed == {
        "symmetrization": "intersection"}
    with pytest.raises(ProjectError, match="unknown aligner"):
        parse_aligner("hub")
    with pytest.raises(ProjectError, match="simalign"):
        parse_aligner("simalign:me5-small:awesome")


def test_signatures_follow_the_settings(tiny_dir) -> None:
    from core.aligners.awesome import AWESOME_THRESHOLD

    base = get_aligner(f"{tiny_dir}:awesome")
    other = get_aligner(f"{tiny_dir}:awesome:awesome_threshold=0.01")
    assert base.settings.awesome_threshold == AWESOME_THRESHOLD
    assert base.signature != other.signature and "awesome_threshold=0.01" in other.signature
    assert "awesome_threshold" not in base.signature  # default: the signature of before


def test_the_app_offers_only_names_the_registry_builds() -> None:
    from core.aligners.registry import OFFLINE_CHOICES, parse_aligner

    for name in OFFLINE_CHOICES:
        parse_aligner(name)


def test_one_grammar_for_methods_and_aligners() -> None:
    from core.projection.registry import parse_spec
    from core.specs import parse_spec as grammar

    assert parse_spec("candidates-ngram-greedy:max_len=10,weights=align 0.5 + ner 0.5") == (
        "candidates-ngram-greedy", {"max_len": 10, "weights": "align 0.5 + ner 0.5"})
    assert parse_spec("heuristic:min_ratio=none") == ("heuristic", {"min_ratio": None})
    s = grammar("hub:xlm-roberta-base:itermax:layer=8,flag=true", setting="aligner")
    assert s.parts == ("hub", "xlm-roberta-base", "itermax") and s.settings == {
        "layer": 8, "flag": True}
    with pytest.raises(ProjectError, match="expected key=value"):
        grammar("heuristic:a=1,b", setting="method")
