"""Easy-Label-Projection (García-Ferrero et al. 2022) outputs.

Three files, block-aligned (block k of each is sentence pair k):

- the English source CoNLL (``token label``; ``-DOCSTART-`` blocks allowed);
- the projected target TSV the tool wrote (``token label``: the target words with the
  projected labels);
- the Pharaoh alignment (``.talp``, one line per block, ``i-j`` with i = English word) the
  projection came from.

Document-marker blocks (``-DOCSTART-``, and DeepL's ``-OCSTART-``) are skipped; sentence ids are
``<source file stem>:<block>`` so several imports of one source line up (compare page). Each
target span is attributed to the source entity whose words are linked into it
(:func:`core.importers.base.attribute_spans`). There is no target gold: the run says so and
the inspector shows links and projections without outcomes; ``silver`` names another run whose
projections serve as a clearly labelled silver reference.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import ProjectError
from core.importers.base import (Given, Imported, attribute_spans, block_lines, block_of,
                                 given_file, line_of, silver_reference)
from core.readers.conll import DOCSTART, is_docstart, read_conll
from core.readers.pharaoh import read_pharaoh
from core.types import Sentence, SentenceRecord

TOOL = "Easy-Label-Projection"
MARKERS = (DOCSTART, "-OCSTART-")


def read_blocks(path: Path, shown: str, lang: str) -> tuple[list[Sentence], list[int]]:
    """All blocks of a CoNLL file (marker blocks kept) and their first lines."""
    try:
        sents = read_conll(path, lang=lang, keep_docstart=True, docstart_markers=MARKERS)
        lines = block_lines(path)
    except ProjectError as exc:
        raise ProjectError(str(exc).replace(str(path), shown)) from None
    return sents, lines


def count_mismatch(what: str, shown: str, n: int, other: str, m: int, unit: str,
                   line: int | None) -> ProjectError:
    return ProjectError(f"{n} {unit} in the {what} but {m} in the {other}",
                        path=shown, line=line,
                        hint="the files must be block-aligned: block k of one is sentence "
                             "pair k of the others")


def import_elp(source: str | Path, projection: str | Path, alignment: str | Path, *,
               lang: str, source_lang: str = "en", dataset: str | None = None,
               names: dict[str, str] | None = None, runs_root: str | Path | None = None,
               silver: str | None = None) -> Imported:
    """Read an Easy-Label-Projection projection (see the module docstring).

    ``names`` maps ``source``/``projection``/``alignment`` to the names the user knows the
    files by (uploads); ``silver`` (with ``runs_root``) names a run used as silver reference.
    """
    names = names or {}
    paths = {"source": Path(source), "projection": Path(projection),
             "alignment": Path(alignment)}
    shown = {k: names.get(k, str(p)) for k, p in paths.items()}
    given: list[Given] = [given_file(p, role, name=names.get(role))
                          for role, p in paths.items()]
    src, src_lines = read_blocks(paths["source"], shown["source"], source_lang)
    tgt, tgt_lines = read_blocks(paths["projection"], shown["projection"], lang)
    try:
        aligns = read_pharaoh(paths["alignment"], aligner="")
    except ProjectError as exc:
        raise ProjectError(str(exc).replace(str(paths["alignment"]), shown["alignment"])) \
            from None
    if len(tgt) != len(src):
        n = min(len(src), len(tgt))
        raise count_mismatch("projection file", shown["projection"], len(tgt), "source file",
                             len(src), "sentences (blank-line blocks)",
                             line_of(tgt_lines, n) or (tgt_lines[-1] if tgt_lines else 1))
    if len(aligns) != len(src):
        raise count_mismatch("alignment file", shown["alignment"], len(aligns),
                             "source file", len(src), "lines", min(len(aligns), len(src)) + 1)
    aligner = f"elp:{paths['alignment'].name.removesuffix('.talp')}"
    method = "easy-label-projection"
    records: list[SentenceRecord] = []
    unclaimed = skipped = 0
    src_stem = Path(shown["source"]).stem
    for k, (s, t, a) in enumerate(zip(src, tgt, aligns)):
        if block_of(s.id) != k or block_of(t.id) != k:  # defensive: readers keep every block
            raise ProjectError(f"block {k} is out of order", path=shown["projection"])
        s_doc, t_doc = is_docstart(s, MARKERS), is_docstart(t, MARKERS)
        if s_doc or t_doc:
            if s_doc != t_doc:
                which, other = ("source", "projection") if s_doc else ("projection", "source")
                lines = src_lines if s_doc else tgt_lines
                raise ProjectError(f"block {k} is a document marker in the {which} file but "
                                   f"a sentence in the {other} file", path=shown[which],
                                   line=line_of(lines, k),
                                   hint="the files must be block-aligned")
            skipped += 1
            continue
        for i, j in (*a.links, *a.possible):
            if not (0 <= i < len(s.words) and 0 <= j < len(t.words)):
                raise ProjectError(
                    f"link {i}-{j} is out of range: block {k} has {len(s.words)} source words "
                    f"({shown['source']}:{line_of(src_lines, k)}) and {len(t.words)} target "
                    f"words ({shown['projection']}:{line_of(tgt_lines, k)})",
                    path=shown["alignment"], line=k + 1,
                    hint="expected 0-based 'i-j' links with i < source and j < target words")
        alignment = a.__class__(a.links, aligner, a.possible, a.scores)
        entities = tuple(sorted(s.spans))
        predicted = tuple(sorted(t.spans))
        projections, rest = attribute_spans(entities, predicted, alignment, t.words, tool=TOOL)
        unclaimed += len(rest)
        sid = f"{src_stem}:{k}"
        extra = {"given": {"projection": f"{shown['projection']}:{line_of(tgt_lines, k)}"}}
        if rest:
            extra["unclaimed_spans"] = [[x.start, x.end, x.label] for x in rest]
        records.append(SentenceRecord(
            sid, lang, Sentence(sid, source_lang, s.words, s.labels),
            Sentence(sid, lang, t.words, None), entities, alignment, tuple(projections),
            predicted, None, extra=extra))
    imp = Imported("elp", TOOL, records, given, lang, source_lang,
                   dataset or Path(shown["source"]).stem or "imported",
                   aligner=aligner, method=method,
                   notes={"blocks": len(src), "document_markers_skipped": skipped,
                          "unclaimed_spans": unclaimed})
    if silver:
        if runs_root is None:
            raise ProjectError("a silver reference needs the runs root", setting="silver")
        imp.records, matched = silver_reference(imp.records, runs_root, silver)
        imp.reference, imp.silver_run = "silver", silver
        imp.notes["silver_matched"] = matched
    return imp
