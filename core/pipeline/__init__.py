"""The pipelines of the paper, run over a dataset into a run directory (docs/pipelines.md).

Pipelines (``RunConfig.pipeline``):

- ``intrinsic``: parallel gold data (source gold entities, human target translation, target
  gold): align, project, evaluate. Isolates alignment + projection.
- ``translate-test``: target sentence -> MT into English -> word splitting -> English NER ->
  align English ↔ target -> project -> evaluate on target gold. With ``input`` set, the English
  side (and optionally its labels and the alignment) comes from a pre-translated JSONL file.
- ``translate-train``: English labelled sentences -> MT into the target language (or EasyProject
  marker translation, ``easyproject = true``) -> align -> project -> target CoNLL (``output``).
- ``model-transfer``: the English NER model applied to the target words directly.

``back_translation = true`` (intrinsic / translate-test) replaces the cross-lingual alignment by
the tgt2tgt refinement of METHOD.md §3: the labelled English sentence is translated with markers
into the target language (B), and B's labelled spans are projected onto the target through a
monolingual B ↔ target alignment.

Every model step is cached per sentence by content and component signature
(:mod:`core.stepcache`): re-running a run, or re-projecting with another method, reuses earlier
translations, tags and alignments, and a run interrupted at any point resumes from the cache.
The run directory itself is written atomically at the end (:mod:`core.runs`).

The package, by job: :mod:`~core.pipeline.stages` (the stages and the one table of pipelines),
:mod:`~core.pipeline.components` (loading and step-caching the models the plan needs),
:mod:`~core.pipeline.runner` (the chunked loop), :mod:`~core.pipeline.provenance` (manifest,
metrics.json, given parts), :mod:`~core.pipeline.shards` (select + merge),
:mod:`~core.pipeline.run` (a config -> a run directory). The pre-translated input reader is
:mod:`core.readers.pretranslated`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: name -> the module that defines it; imported on first use, so that a config (which asks
#: :mod:`core.pipeline.stages` for its stages) does not load the models' dependencies.
_EXPORTS = {
    "core.pipeline.components": ("CachedAligner", "CachedTagger", "Components",
                                 "build_components"),
    "core.pipeline.run": ("execute", "load_items", "process_into_run"),
    "core.pipeline.provenance": ("input_checksums", "metrics_of"),
    "core.pipeline.runner": ("Runner",),
    "core.pipeline.shards": ("merge_shards", "select"),
    "core.readers.pretranslated": ("read_pretranslated",),
    "core.types": ("Item",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'core.pipeline' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
