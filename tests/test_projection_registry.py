"""Projection methods by name, with settings."""

import pytest

from core.errors import ProjectError
from core.projection.registry import NEEDS_TARGET_NER, PROJECTORS, get_projector, parse_spec
from core.types import Alignment, Span


def test_every_registered_method_projects_a_simple_pair() -> None:
    ents = [Span(0, 2, "PER")]
    al = Alignment.of([(0, 1), (1, 2)])
    words = ["ontem", "Ana", "Silva", "chegou"]
    for name in PROJECTORS:
        kwargs = {"ner_spans": [Span(1, 3, "PER")]} if name in NEEDS_TARGET_NER else {}
        (p,) = get_projector(name).project(ents, al, words, **kwargs)
        assert p.targets == (Span(1, 3, "PER"),), name


def test_settings_are_parsed_and_applied() -> None:
    assert parse_spec("heuristic:min_ratio=none,gap=2") == ("heuristic",
                                                           {"min_ratio": None, "gap": 2})
    proj = get_projector("heuristic:min_ratio=none")
    # a 1-word run for a 3-word entity survives only without the ratio filter
    (p,) = proj.project([Span(0, 3, "ORG")], Alignment.of([(0, 0)]), ["x", "y"])
    assert p.targets == (Span(0, 1, "ORG"),)
    (p,) = get_projector("heuristic").project([Span(0, 3, "ORG")], Alignment.of([(0, 0)]),
                                              ["x", "y"])
    assert p.targets == ()


def test_unknown_names_and_settings_list_valid_ones() -> None:
    with pytest.raises(ProjectError, match="valid methods: heuristic, easy_label"):
        get_projector("heuristics")
    with pytest.raises(ProjectError, match="valid settings: .*min_ratio"):
        get_projector("heuristic:ratio=0.5")
    with pytest.raises(ProjectError, match="expected key=value"):
        get_projector("heuristic:gap")
