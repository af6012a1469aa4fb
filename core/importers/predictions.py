"""Plain prediction files: whatever pipeline made them.

Files (sentence k of each belongs together; ``-DOCSTART-`` blocks are skipped in all):

- ``source``: the English CoNLL with labels;
- ``target``: a CoNLL file of the target words with the **predicted** labels in the last
  column; with ``gold_column`` (a 0-based column index, negative from the end, e.g. ``-2`` for
  conlleval's ``token gold predicted``) another column holds the gold labels;
- ``gold`` (optional): a separate target gold CoNLL with the same tokens;
- ``alignment`` (optional): Pharaoh links (``i-j`` or ``i-j-p``) between source and target.

Every predicted span is attributed to a source entity (:func:`core.importers.base.
attribute_spans`): by alignment links when given, else by type and order (the detail says so).
"""

from __future__ import annotations

from pathlib import Path

from core.errors import ProjectError
from core.importers.base import (Given, Imported, attribute_spans, block_lines, block_of,
                                 given_file, line_of)
from core.labels import normalise_tags, split_tag, tags_to_spans
from core.readers.conll import DOCSTART, is_docstart, read_conll
from core.readers.parallel import iter_text_lines
from core.readers.pharaoh import read_pharaoh
from core.types import Alignment, Sentence, SentenceRecord

TOOL = "predictions"


def read_columns(path: Path, shown: str, lang: str, gold_column: int | None
                 ) -> tuple[list[Sentence], list[Sentence] | None, list[int]]:
    """Target words with predicted labels (last column) and, with ``gold_column``, gold."""
    words: list[str] = []
    pred: list[str] = []
    gold: list[str] = []
    blocks: list[tuple[int, list[str], list[str], list[str]]] = []
    start = None
    block = 0
    for n, text in iter_text_lines(path):
        parts = [p for p in text.split("\t") if p.strip()] if "\t" in text else text.split()
        parts = [p.strip() for p in parts]
        if not parts:
            if words:
                blocks.append((block, words, pred, gold))
            if start is not None:
                block += 1
            words, pred, gold, start = [], [], [], None
            continue
        if start is None:
            start = n
        if parts[0] == DOCSTART:
            continue
        need = 2 if gold_column is None else max(3, gold_column + 1 if gold_column >= 0
                                                  else -gold_column + 1)
        if len(parts) < need:
            raise ProjectError(f"{len(parts)} column(s); expected at least {need} (token, "
                               + ("predicted label)" if gold_column is None else
                                  f"gold label in column {gold_column}, predicted label last)"),
                               path=shown, line=n)
        for tag in (parts[-1], *((parts[gold_column],) if gold_column is not None else ())):
            try:
                split_tag(tag)
            except ProjectError as exc:
                raise ProjectError(str(exc), path=shown, line=n) from None
        words.append(parts[0])
        pred.append(parts[-1])
        if gold_column is not None:
            gold.append(parts[gold_column])
    if words:
        blocks.append((block, words, pred, gold))
    preds = [Sentence(f"{path.stem}:{b}", lang, tuple(w), tuple(normalise_tags(p)))
             for b, w, p, _ in blocks]
    golds = [Sentence(f"{path.stem}:{b}", lang, tuple(w), tuple(normalise_tags(g)))
             for b, w, _, g in blocks] if gold_column is not None else None
    return preds, golds, block_lines(path)


def import_predictions(source: str | Path, target: str | Path, *, lang: str,
                       gold: str | Path | None = None, gold_column: int | None = None,
                       alignment: str | Path | None = None, tool: str | None = None,
                       source_lang: str = "en", dataset: str | None = None,
                       names: dict[str, str] | None = None) -> Imported:
    """Read plain prediction files (see the module docstring)."""
    if gold is not None and gold_column is not None:
        raise ProjectError("give the gold labels either as a column or as a file, not both",
                           setting="gold_column")
    names = names or {}
    paths: dict[str, Path] = {"source": Path(source), "target": Path(target)}
    for role, p in (("gold", gold), ("alignment", alignment)):
        if p is not None:
            paths[role] = Path(p)
    shown = {k: names.get(k, str(p)) for k, p in paths.items()}
    given: list[Given] = [given_file(p, role, name=names.get(role))
                          for role, p in paths.items()]

    def reread(fn, role):
        try:
            return fn()
        except ProjectError as exc:
            raise ProjectError(str(exc).replace(str(paths[role]), shown[role])) from None

    src = [s for s in reread(lambda: read_conll(paths["source"], lang=source_lang), "source")
           if not is_docstart(s)]
    src_lines = reread(lambda: block_lines(paths["source"]), "source")
    pred, gold_sents, tgt_lines = reread(
        lambda: read_columns(paths["target"], shown["target"], lang, gold_column), "target")
    gold_lines = tgt_lines
    gold_where = shown["target"]
    if "gold" in paths:
        gold_sents = [s for s in reread(lambda: read_conll(paths["gold"], lang=lang), "gold")
                      if not is_docstart(s)]
        gold_lines = reread(lambda: block_lines(paths["gold"]), "gold")
        gold_where = shown["gold"]
    if len(pred) != len(src):
        n = min(len(pred), len(src))
        raise ProjectError(f"{len(pred)} sentences in the target file but {len(src)} in the "
                           "source file", path=shown["target"],
                           line=line_of(tgt_lines, block_of(pred[n].id)) if n < len(pred)
                           else (tgt_lines[-1] if tgt_lines else 1),
                           hint="sentence k of the target must be the translation of "
                                "sentence k of the source")
    if gold_sents is not None:
        if len(gold_sents) != len(pred):
            raise ProjectError(f"{len(gold_sents)} sentences in the gold file but {len(pred)} "
                               "in the target file", path=gold_where,
                               line=gold_lines[-1] if gold_lines else 1)
        for k, (g, p) in enumerate(zip(gold_sents, pred)):
            if len(g.words) != len(p.words):
                raise ProjectError(f"sentence {k} has {len(g.words)} tokens in the gold file but "
                                   f"{len(p.words)} in the target file ({shown['target']}:"
                                   f"{line_of(tgt_lines, block_of(p.id))})", path=gold_where,
                                   line=line_of(gold_lines, block_of(g.id)),
                                   hint="gold and predictions must have the same tokens")
    aligns: list[Alignment] | None = None
    if "alignment" in paths:
        aligns = reread(lambda: read_pharaoh(paths["alignment"]), "alignment")
        if len(aligns) != len(src):
            raise ProjectError(f"{len(aligns)} lines in the alignment file but {len(src)} "
                               "sentence pairs", path=shown["alignment"],
                               line=min(len(aligns), len(src)) + 1)
    tool = tool or TOOL
    label = f"{tool.lower()}:{Path(shown['alignment']).name}" if aligns is not None else None
    records: list[SentenceRecord] = []
    stem = Path(shown["source"]).stem
    unclaimed = 0
    for k, (s, p) in enumerate(zip(src, pred)):
        a = None
        if aligns is not None:
            a = aligns[k]
            for i, j in (*a.links, *a.possible):
                if not (0 <= i < len(s.words) and 0 <= j < len(p.words)):
                    raise ProjectError(
                        f"link {i}-{j} is out of range: sentence pair {k} has {len(s.words)} "
                        f"source words ({shown['source']}:"
                        f"{line_of(src_lines, block_of(s.id))}) and {len(p.words)} target words "
                        f"({shown['target']}:{line_of(tgt_lines, block_of(p.id))})",
                        path=shown["alignment"], line=k + 1)
            a = Alignment(a.links, label or "", a.possible, a.scores)
        entities = tuple(sorted(s.spans))
        predicted = tuple(sorted(p.spans))
        projections, rest = attribute_spans(entities, predicted, a, p.words, tool=tool)
        unclaimed += len(rest)
        sid = f"{stem}:{block_of(s.id)}"
        g = gold_sents[k] if gold_sents is not None else None
        extra = {"unclaimed_spans": [[x.start, x.end, x.label] for x in rest]} if rest else {}
        records.append(SentenceRecord(
            sid, lang, Sentence(sid, source_lang, s.words, s.labels),
            Sentence(sid, lang, p.words, g.labels if g is not None else None), entities,
            a if a is not None else Alignment.of([]), tuple(projections), predicted,
            tuple(tags_to_spans(g.labels)) if g is not None else None, extra=extra))
    return Imported("predictions", tool, records, given, lang, source_lang,
                    dataset or stem or "imported", aligner=label,
                    method=f"{tool.lower()}:{Path(shown['target']).stem}",
                    reference="gold" if gold_sents is not None else None,
                    notes={"sentences": len(records), "unclaimed_spans": unclaimed},
                    options={"gold_column": gold_column})
