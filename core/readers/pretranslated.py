"""Pre-translated translate-test input (docs/pipelines.md): one JSON object per line."""

from __future__ import annotations

from pathlib import Path

from core.cache import sha256_file
from core.errors import ProjectError
from core.readers.parallel import read_json_lines
from core.types import Item, Sentence


def read_pretranslated(path: str | Path, lang: str, source_lang: str = "en") -> list[Item]:
    """Translate-test input already translated (format: docs/pipelines.md).

    One JSON object per line: ``id`` (optional), ``target_words`` and ``target_labels``
    (IOB2, same length), ``source_words`` (the English translation's words), and optionally
    ``source_labels`` (English IOB2 labels; the tagger is then skipped) and ``alignment``
    (Pharaoh ``i-j`` with i = English word; the aligner is then skipped). Given alignments are
    named ``given:<file name>#<sha256 prefix>`` (see
    :func:`core.pipeline.provenance.given_parts`).
    """
    from core.config import given_label
    from core.readers.pharaoh import parse_pharaoh_line

    path = Path(path)
    items: list[Item] = []
    rows = read_json_lines(path)  # names the file and line of what is not a JSON object
    label = given_label(path.name, sha256_file(path))
    for n, obj in rows:
        for key in ("target_words", "target_labels", "source_words"):
            if not isinstance(obj.get(key), list) or not all(isinstance(w, str)
                                                             for w in obj[key]):
                raise ProjectError(f"'{key}' must be a list of strings", path=path, line=n)
        sid = str(obj.get("id", f"{path.stem}:{len(items)}"))
        try:
            target = Sentence(sid, lang, tuple(obj["target_words"]), tuple(obj["target_labels"]))
            src_labels = obj.get("source_labels")
            source = Sentence(sid, source_lang, tuple(obj["source_words"]),
                              tuple(src_labels) if src_labels is not None else None)
            target.spans, source.spans  # validate tags now, with the line number
            alignment = None
            if obj.get("alignment") is not None:
                alignment = parse_pharaoh_line(str(obj["alignment"]), aligner=label,
                                               where=f"{path}:{n}")
                alignment.check_bounds(len(source.words), len(target.words),
                                       where=f"{path}:{n} alignment")
        except ProjectError as exc:
            raise ProjectError(str(exc), path=path, line=n) from None
        items.append(Item(len(items), sid, target, source, " ".join(source.words), alignment))
    if not items:
        raise ProjectError("no sentences in the input file", path=path, setting="input")
    return items
