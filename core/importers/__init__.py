"""Import projections made by other tools as ordinary runs (kind ``imported``).

One small module per format; :data:`FORMATS` is the registry the command line
(``python -m core import FORMAT ...``) and the Your-data page use. Each importer reads and
validates every file first (a :class:`~core.errors.ProjectError` names the file, the line and
what was expected) and returns an :class:`~core.importers.base.Imported`;
:func:`~core.importers.base.write_imported` then writes the run atomically. Formats are
documented in ``docs/formats.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from core.errors import ProjectError
from core.importers.base import Given, Imported, imported_metrics, write_imported


@dataclass(frozen=True)
class FileSlot:
    """One input of a format: its role (keyword argument), whether it is required, help."""

    role: str
    required: bool
    help: str


@dataclass(frozen=True)
class Format:
    name: str
    tool: str
    description: str
    files: tuple[FileSlot, ...]
    load: Callable[..., Imported]


def _elp(**kw: Any) -> Imported:
    from core.importers.elp import import_elp

    return import_elp(**kw)


def _tprojection(**kw: Any) -> Imported:
    from core.importers.tprojection import import_tprojection

    return import_tprojection(**kw)


def _easyproject(**kw: Any) -> Imported:
    from core.importers.easyproject import import_easyproject

    return import_easyproject(**kw)


def _alignments(**kw: Any) -> Imported:
    from core.importers.alignments import import_alignments

    return import_alignments(**kw)


def _predictions(**kw: Any) -> Imported:
    from core.importers.predictions import import_predictions

    return import_predictions(**kw)


def _jsonl(**kw: Any) -> Imported:
    from core.importers.jsonl import import_jsonl

    return import_jsonl(**kw)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("elp", "Easy-Label-Projection",
           "English CoNLL + the projected target TSV + the Pharaoh .talp it came from",
           (FileSlot("source", True, "English source CoNLL (token label)"),
            FileSlot("projection", True, "projected target TSV (token label)"),
            FileSlot("alignment", True, "Pharaoh alignment (.talp), one line per block")),
           _elp),
    Format("tprojection", "T-Projection",
           "English CoNLL + output CoNLL, optionally the candidate scores (.json), the model "
           "outputs (.jsonl) and the target gold",
           (FileSlot("source", True, "English source CoNLL (token label)"),
            FileSlot("output", True, "T-Projection's output CoNLL (target words + labels)"),
            FileSlot("scores", False, "candidate scores .json (entity -> candidate -> score)"),
            FileSlot("outputs", False, "model outputs .jsonl (one line per sentence)"),
            FileSlot("gold", False, "target gold CoNLL (same words as the output)")),
           _tprojection),
    Format("easyproject", "EasyProject",
           "English CoNLL + marker translations ([ … ] around entities), one per line",
           (FileSlot("source", True, "English source CoNLL (token label)"),
            FileSlot("translations", True, "marked translations, one sentence per line"),
            FileSlot("entities", False, "entity translations, one line per sentence, "
                                        "separated by ' ||| '"),
            FileSlot("gold", False, "target gold CoNLL (the parsed translation's words)")),
           _easyproject),
    Format("alignments", "aligner",
           "Pharaoh links (i-j, i-j-p), awesome-align's --output_prob_file or SimAlign's "
           "output, with the words",
           (FileSlot("alignment", True, "links: Pharaoh, awesome-align or SimAlign output"),
            FileSlot("probs", False, "awesome-align --output_prob_file (one score per link)"),
            FileSlot("text", False, "awesome-align input: 'source ||| target' per line"),
            FileSlot("source", False, "source words: CoNLL (labels give entities) or text"),
            FileSlot("target", False, "target words: CoNLL (labels are gold) or text")),
           _alignments),
    Format("predictions", "predictions",
           "English CoNLL + target CoNLL with predicted labels (optional gold column or "
           "file) + optional Pharaoh links",
           (FileSlot("source", True, "English source CoNLL (token label)"),
            FileSlot("target", True, "target CoNLL, predicted label in the last column"),
            FileSlot("gold", False, "target gold CoNLL (same tokens)"),
            FileSlot("alignment", False, "Pharaoh links between source and target")),
           _predictions),
    Format("jsonl", "projection-inspector",
           "this project's JSONL export (python -m core export --format jsonl)",
           (FileSlot("path", True, "the .jsonl file"),),
           _jsonl),
)}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ProjectError(f"unknown import format {name!r}", setting="format",
                           hint=f"valid formats: {', '.join(FORMATS)}") from None


__all__ = ["FORMATS", "Format", "FileSlot", "Given", "Imported", "get_format",
           "imported_metrics", "write_imported"]
