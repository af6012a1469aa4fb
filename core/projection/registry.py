"""Projection methods by name: what configs, the CLI and the app's selectboxes offer.

A method spec is a name, optionally followed by ``:`` and ``key=value`` settings separated by
commas, e.g. ``heuristic``, ``heuristic:min_ratio=none``, ``candidates-ngram-exact:max_len=10``,
``candidates-ngram-greedy:weights=align 0.5 + ner 0.5`` (the thesis NER score beside the
alignment score; the run then tags the target sentences with ``target_tagger``).
Values are read as int, float, ``none``/``true``/``false``, or else strings (the grammar of
:mod:`core.specs`, shared with aligner and model names).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core import specs
from core.errors import ProjectError
from core.projection.base import Projector
from core.projection.candidate_projector import CandidateProjector
from core.projection.easy_label import EasyLabelProjector
from core.projection.heuristic import HeuristicProjector
from core.projection.scores import parse_weights

#: name -> (class, fixed settings, one-line description)
PROJECTORS: dict[str, tuple[type, dict[str, Any], str]] = {
    "heuristic": (HeuristicProjector, {},
                  "Politov et al. 2025 heuristic: runs, gap filling d=1, length ratio > 0.8"),
    "easy_label": (EasyLabelProjector, {},
                   "García-Ferrero et al. 2022: largest run, punctuation drop, collisions"),
    "candidates-ngram-greedy": (CandidateProjector, {"candidates": "ngram", "matching": "greedy"},
                                "n-gram candidates, alignment score, greedy matching"),
    "candidates-ngram-exact": (CandidateProjector, {"candidates": "ngram", "matching": "exact"},
                               "n-gram candidates, alignment score, exact (ILP) matching"),
    "candidates-ner-greedy": (CandidateProjector, {"candidates": "ner", "matching": "greedy"},
                              "target NER spans as candidates, greedy matching"),
    "candidates-ner-exact": (CandidateProjector, {"candidates": "ner", "matching": "exact"},
                             "target NER spans as candidates, exact matching"),
}

#: Methods that need target-side NER spans (``ner_spans=``) at projection time.
NEEDS_TARGET_NER = frozenset(n for n, (_, fixed, _) in PROJECTORS.items()
                             if fixed.get("candidates") == "ner")


def uses_ner_score(spec: str) -> bool:
    """True when a candidate method's weights name the ``ner`` score
    (``candidates-ngram-greedy:weights=align 0.5 + ner 0.5``): it needs the target tagger's
    per-word probabilities."""
    name, settings = parse_spec(spec)
    if name not in PROJECTORS or "weights" not in settings:
        return False
    return "ner" in parse_weights(str(settings["weights"]))


def needs_target_tagger(spec: str) -> bool:
    """NER candidates or the NER score: the run must tag the target sentences."""
    return parse_spec(spec)[0] in NEEDS_TARGET_NER or uses_ner_score(spec)


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"name:a=1,b=x"`` -> ``("name", {"a": 1, "b": "x"})`` (the grammar of :mod:`core.specs`)."""
    parsed = specs.parse_spec(spec, setting="method")
    if len(parsed.parts) > 1:
        raise ProjectError(f"bad setting {':'.join(parsed.parts[1:])!r} in {spec!r}: expected "
                           "key=value", setting="method")
    return parsed.parts[0], dict(parsed.settings)


def get_projector(spec: str) -> Projector:
    """Build the projector a spec names; unknown names or settings list the valid ones."""
    name, settings = parse_spec(spec)
    if name not in PROJECTORS:
        raise ProjectError(f"unknown projection method {name!r}", setting="method",
                           hint=f"valid methods: {', '.join(PROJECTORS)}")
    cls, fixed, _ = PROJECTORS[name]
    if "weights" in settings:  # "align 0.5 + ner 0.5" (see core.projection.scores)
        settings["weights"] = parse_weights(str(settings["weights"]))
    allowed = {f.name for f in dataclasses.fields(cls)} - set(fixed)
    specs.check_settings(settings, allowed, spec=spec, setting="method", what=f"{name!r} method")
    try:
        return cls(**fixed, **settings)
    except (TypeError, ValueError) as exc:  # a value of the wrong type, e.g. min_ratio=abc
        raise ProjectError(f"bad setting value in {spec!r} ({exc})", setting="method",
                           hint=f"valid settings: {', '.join(sorted(allowed))}") from None


def describe() -> list[tuple[str, str]]:
    """(name, description) of every method, for help texts and selectboxes."""
    return [(name, desc) for name, (_, _, desc) in PROJECTORS.items()]


