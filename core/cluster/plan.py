"""From a config (file + ``--set``) to the cells of a submission, each checked before any job.

A *cell* is one run of the config's matrix. Each cell is written into the job script as the
``--set key=value`` arguments that rebuild exactly its :class:`~core.config.RunConfig` (checked
here by rebuilding it: same run id), so a script never depends on a config file that might be
edited while jobs wait in the queue.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from core.config import RunConfig, configs_from
from core.errors import ProjectError

#: The default shard count gives each array task about this many sentences (model loading
#: costs seconds to a minute per task; a few thousand sentences amortise it).
SENTENCES_PER_SHARD = 1000
#: ... and never more than this many shards by default.
MAX_DEFAULT_SHARDS = 100
_ALWAYS = ("pipeline", "dataset", "lang")
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(RunConfig) if f.name != "extra"}


@dataclass(frozen=True)
class Cell:
    """One run of the matrix: its config, its run id, the ``--set`` arguments that rebuild it
    and its number of sentences (after ``limit``)."""

    index: int
    config: RunConfig
    run_id: str
    args: tuple[str, ...]
    sentences: int

    def shard_run_id(self, shard: int, shards: int) -> str:
        """The id ``run --shard k/n`` gives the shard's run (see :func:`core.pipeline.execute`)."""
        return f"{self.run_id}.shard-{shard}-of-{shards}"


def config_args(cfg: RunConfig) -> tuple[str, ...]:
    """``--set`` arguments rebuilding ``cfg`` (pipeline/dataset/lang always, others if set)."""
    out: list[str] = []
    for key, value in cfg.as_dict().items():
        if key not in _ALWAYS and value == _DEFAULTS[key]:
            continue
        if value is None:
            text = "none"
        elif isinstance(value, bool):
            text = str(value).lower()
        elif isinstance(value, list):
            text = ",".join(value)
        else:
            text = str(value)
        if "\n" in text or (text.startswith("[") and text.endswith("]")):
            raise ProjectError(f"value {text!r} cannot be passed to a job as --set",
                               setting=key)
        out += ["--set", f"{key}={text}"]
    rebuilt = configs_from(None, out[1::2])
    if len(rebuilt) != 1 or rebuilt[0].run_id() != cfg.run_id():
        raise ProjectError("this config does not survive the round trip through --set "
                           f"arguments ({' '.join(out)})", setting="submit")
    return tuple(out)


def check_config(cfg: RunConfig, datasets_root: Path | None) -> int:
    """Refuse what would make every task fail, without loading a model; returns the number of
    sentences the run covers (the dataset or input file is read)."""
    from core.models.registry import parse
    from core.pipeline import Components, load_items, select
    from core.pipeline.components import check_components
    from core.pipeline.stages import PROJECT, plan
    from core.projection.registry import get_projector

    stages = plan(cfg)  # the components and the method the run's stages use
    if stages.has(PROJECT):
        get_projector(cfg.method)
    check_components(cfg, Components(), stages.needs, loadable=True)  # each one named
    for name in stages.needs:
        spec = getattr(cfg, name)
        if name == "aligner":
            check_aligner(spec)
        else:
            parse(spec, "translator" if name == "translator" else "tagger")
    if cfg.output and not Path(cfg.output).resolve().parent.is_dir():
        raise ProjectError("the output file's directory does not exist", path=cfg.output,
                           setting="output")
    return len(select(load_items(cfg, datasets_root), cfg.limit, None))


def check_aligner(spec: str) -> None:
    """The aligner name against the registry's table (:mod:`core.aligners.registry`), loading
    nothing."""
    from core.aligners.registry import parse_aligner

    parse_aligner(spec)


def plan_cells(config: str | Path | None, overrides: Sequence[str],
               datasets_root: Path | None) -> list[Cell]:
    """The checked cells of a config's matrix (a :class:`ProjectError` names the bad setting)."""
    configs = configs_from(config, overrides)
    seen: dict[str, int] = {}
    cells = []
    for k, cfg in enumerate(configs):
        rid = cfg.run_id()
        if rid in seen:
            raise ProjectError(f"the matrix names run {rid} twice", setting="submit")
        seen[rid] = k
        cells.append(Cell(k, cfg, rid, config_args(cfg), check_config(cfg, datasets_root)))
    return cells


def choose_shards(cells: Sequence[Cell], shards: int | None) -> int:
    """``shards`` if given (checked), else one per ~:data:`SENTENCES_PER_SHARD` sentences of
    the largest run; never more shards than the smallest run has sentences."""
    smallest = min(c.sentences for c in cells)
    if shards is None:
        largest = max(c.sentences for c in cells)
        return max(1, min(MAX_DEFAULT_SHARDS, math.ceil(largest / SENTENCES_PER_SHARD),
                          smallest))
    if shards < 1:
        raise ProjectError("must be at least 1", setting="--shards")
    if shards > smallest:
        small = min(cells, key=lambda c: c.sentences)
        raise ProjectError(f"{shards} shards but run {small.run_id} has only {smallest} "
                           "sentences", setting="--shards", hint=f"use --shards {smallest} or "
                           "fewer")
    return shards


def describe(cells: Sequence[Cell]) -> list[dict[str, Any]]:
    """The cells as stored in the submission file."""
    return [{"index": c.index, "run_id": c.run_id, "args": list(c.args),
             "signature": c.config.signature(), "sentences": c.sentences} for c in cells]
