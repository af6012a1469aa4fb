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
