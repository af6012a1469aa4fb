"""The runner: a config's plan (:mod:`core.pipeline.stages`) over items, chunk by chunk."""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from core.config import RunConfig
from core.labels import LabelMap, spans_to_tags
from core.pipeline.components import Components, check_components
from core.pipeline.stages import PIPELINES, PROJECT, Plan, Work, pipeline_name, plan
from core.types import Item, Sentence, SentenceRecord

#: progress(step, done, total) — the CLI draws bars from it, the app an st.progress.
Progress = Callable[[str, int, int], None]
#: sentences per chunk (every stage runs over one chunk before the next chunk starts)
CHUNK = 64


@dataclass
class Timer:
    seconds: dict[str, float] = field(default_factory=lambda: collections.defaultdict(float))
    items: dict[str, int] = field(default_factory=lambda: collections.defaultdict(int))

    def add(self, step: str, seconds: float, n: int) -> None:
        self.seconds[step] += seconds
        self.items[step] += n

    def summary(self) -> dict[str, dict[str, float]]:
        return {k: {"seconds": round(v, 3), "sentences": self.items[k],
                    "sentences_per_s": round(self.items[k] / v, 2) if v > 0 else None}
                for k, v in self.seconds.items()}


class Runner:
    """Runs one config over a list of items, chunk by chunk, stage by stage."""

    def __init__(self, cfg: RunConfig, comp: Components, *, progress: Progress | None = None
                 ) -> None:
        from core.projection.registry import get_projector

        self.cfg, self.comp = cfg, comp
        self.progress = progress
        self.timer = Timer()
        self.gold_map = LabelMap.parse(cfg.gold_label_map, keep=cfg.keep_types)
        self.pred_map = LabelMap.parse(cfg.pred_label_map, keep=cfg.keep_types)
        self.projector = get_projector(cfg.method) if PROJECT in PIPELINES[pipeline_name(cfg)] \
            else None
        self.plan: Plan | None = None

    def timed(self, step: str, n: int, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        self.timer.add(step, time.perf_counter() - t0, n)
        return out

    def run(self, items: Sequence[Item]) -> Iterator[SentenceRecord]:
        """The records of ``items``; a component the plan needs but ``comp`` lacks is a
        :class:`~core.errors.ProjectError` before any stage runs."""
        from core.pipeline.provenance import given_parts

        self.plan = plan(self.cfg, given_parts(self.cfg, items), items)
        check_components(self.cfg, self.comp, self.plan.needs)
        total = len(items)
        if self.progress:
            self.progress("sentences", 0, total)
        for start in range(0, total, CHUNK):
            chunk = [Work(it, self.cfg.source_lang) for it in items[start:start + CHUNK]]
            for stage in self.plan.stages:
                stage.run(self, chunk)
            yield from (self.record(w) for w in chunk)
            if self.progress:
                self.progress("sentences", min(start + CHUNK, total), total)

    def record(self, w: Work) -> SentenceRecord:
        cfg, it = self.cfg, w.item
        src_labels = tuple(spans_to_tags(w.src_entities, len(w.src_words)))
        source = Sentence(it.id, w.src_lang, w.src_words, src_labels)
        target = Sentence(it.id, cfg.lang, w.tgt_words,
                          it.target.labels if w.gold is not None else None)
        return SentenceRecord(it.id, cfg.lang, source, target, w.src_entities, w.alignment,
                              w.projections, w.predicted, w.gold, w.candidates,
                              translation=w.translation, back_translation=w.back_translation,
                              marked_translation=w.marked, english_words=w.english_words,
                              english_entities=w.english_entities,
                              marker_issues=w.marker_issues)

