"""Word aligner outputs with per-link scores: awesome-align, SimAlign, any Pharaoh file.

Alignment styles (``style``, ``auto`` detects):

- ``pharaoh``: one line per sentence pair, ``i-j`` links, or ``i-j-p`` with a score ``p``;
- awesome-align: its ``--output_file`` (``i-j``) plus, optionally, its ``--output_prob_file``
  (``probs``): one line per sentence, one probability per link in the order of the links;
- ``simalign``: the files of SimAlign's ``align_files.py`` (``<output>.itermax``, ...):
  ``<sentence id><TAB>links``, links ``i-j`` or, with ``--add-probs``, ``i-j-.mean-.max``
  (the mean similarity is the score; SimAlign writes 1.0 as ``.0``, read as 1.0).

The words come from ``text`` (awesome-align's input, ``source ||| target`` per line) or from
``source`` and ``target``: CoNLL files (a source with labels gives entities; a target with
labels is the gold standard) or tokenised text, one sentence per line (SimAlign's
``<id><TAB>sentence`` lines are read too). With source entities and a ``method`` (e.g.
``heuristic``) our projector projects them through the given links; without a method the run
shows the links and the source entities only.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import ProjectError
from core.importers.base import Given, Imported, block_lines, given_file, line_of
from core.labels import tags_to_spans
from core.readers.conll import is_docstart, read_conll
from core.readers.parallel import read_lines
from core.readers.pharaoh import parse_pharaoh_line
from core.types import Alignment, Sentence, SentenceRecord

STYLES = ("auto", "pharaoh", "simalign")
_SIM_LINK = re.compile(r"(\d+)-(\d+)(?:-(\d*\.\d+|\d+)-(\d*\.\d+|\d+))?")
_SIM_LINE = re.compile(r"^\d+\t")


def _sim_score(text: str) -> float:
    return 1.0 if text == ".0" else float(text)


def parse_simalign_line(text: str) -> tuple[str, Alignment]:
    """``"3\\t0-0 1-2-.912-.934"`` -> ("3", links with the mean scores)."""
    sid, _, rest = text.partition("\t")
    links, scores = [], {}
    for item in rest.split():
        m = _SIM_LINK.fullmatch(item)
        if m is None:
            raise ProjectError(f"malformed SimAlign link {item!r}: expected 'i-j' or "
                               "'i-j-.mean-.max'")
        link = (int(m.group(1)), int(m.group(2)))
        links.append(link)
        if m.group(3) is not None:
            scores[link] = _sim_score(m.group(3))
    return sid.strip(), Alignment.of(links, scores=scores)


def is_conll(lines: list[str]) -> bool:
    """CoNLL when every line is ``token ... tag`` (the last field a valid tag), or when blank
    lines separate blocks of one token per line; otherwise one sentence per line."""
    from core.labels import split_tag

    body = [x for x in lines if x.strip()]
    if not body:
        return False
    fields = [x.split() for x in body[:200]]
    if all(len(f) >= 2 for f in fields):
        try:
            for f in fields:
                split_tag(f[-1])
        except ProjectError:
            return False
        return True
    return len(body) < len(lines) and all(len(f) == 1 for f in fields)


def _read_side(path: Path, shown: str, lang: str) -> tuple[list[Sentence], list[int], bool]:
    """Sentences of one side, their first lines, and whether they carry labels."""
    try:
        lines = read_lines(path)
        if is_conll(lines) and all(len(x.split()) == 1 for x in lines if x.strip()):
            blocks: list[list[str]] = [[]]
            starts: list[int] = []
            for n, x in enumerate(lines, 1):
                if not x.strip():
                    if blocks[-1]:
                        blocks.append([])
                    continue
                if not blocks[-1]:
                    starts.append(n)
                blocks[-1].append(x.strip())
            blocks = [b for b in blocks if b]
            return ([Sentence(f"{path.stem}:{k}", lang, tuple(b)) for k, b in enumerate(blocks)],
                    starts, False)
        if is_conll(lines):
            sents = [s for s in read_conll(path, lang=lang) if not is_docstart(s)]
            starts = block_lines(path)
            by_block = [starts[int(s.id.rsplit(':', 1)[1])] for s in sents]
            unlabelled = all(all(t == "O" for t in (s.labels or ())) for s in sents)
            return sents, by_block, not unlabelled
    except ProjectError as exc:
        raise ProjectError(str(exc).replace(str(path), shown)) from None
    sents, nums = [], []
    for n, text in enumerate(lines, 1):
        if _SIM_LINE.match(text):
            text = text.split("\t", 1)[1]
        words = tuple(text.split())
        sents.append(Sentence(f"{path.stem}:{len(sents)}", lang, words, None))
        nums.append(n)
    return sents, nums, False


def import_alignments(alignment: str | Path, *, lang: str, text: str | Path | None = None,
                      source: str | Path | None = None, target: str | Path | None = None,
                      probs: str | Path | None = None, style: str = "auto",
                      method: str | None = None, tool: str | None = None,
                      source_lang: str = "en", dataset: str | None = None,
                      names: dict[str, str] | None = None) -> Imported:
    """Read an aligner's output (see the module docstring)."""
    if style not in STYLES:
        raise ProjectError(f"unknown alignment style {style!r}", setting="style",
                           hint=f"use one of {', '.join(STYLES)}")
    if (text is None) == (source is None or target is None):
        raise ProjectError("give either the text file (source ||| target) or both the source "
                           "and the target file", setting="text")
    names = names or {}
    paths: dict[str, Path] = {"alignment": Path(alignment)}
    for role, p in (("probs", probs), ("text", text), ("source", source), ("target", target)):
        if p is not None:
            paths[role] = Path(p)
    shown = {k: names.get(k, str(p)) for k, p in paths.items()}
    given: list[Given] = [given_file(p, role, name=names.get(role))
                          for role, p in paths.items()]

    def lines_of(role: str) -> list[str]:
        try:
            return read_lines(paths[role])
        except ProjectError as exc:
            raise ProjectError(str(exc).replace(str(paths[role]), shown[role])) from None

    # ---- words
    src_labelled = tgt_labelled = False
    if "text" in paths:
        src, tgt, src_lines = [], [], []
        for n, line in enumerate(lines_of("text"), 1):
            left, sep, right = line.partition("|||")
            if not sep:
                raise ProjectError("expected 'source words ||| target words'",
                                   path=shown["text"], line=n)
            sid = f"{Path(shown['text']).stem}:{n - 1}"
            src.append(Sentence(sid, source_lang, tuple(left.split())))
            tgt.append(Sentence(sid, lang, tuple(right.split())))
            src_lines.append(n)
        tgt_lines = src_lines
        words_file = {"source": shown["text"], "target": shown["text"]}
    else:
        src, src_lines, src_labelled = _read_side(paths["source"], shown["source"],
                                                  source_lang)
        tgt, tgt_lines, tgt_labelled = _read_side(paths["target"], shown["target"], lang)
        if len(src) != len(tgt):
            raise ProjectError(f"{len(tgt)} sentences in the target file but {len(src)} in the "
                               "source file", path=shown["target"],
                               line=line_of(tgt_lines, min(len(src), len(tgt)))
                               or (tgt_lines[-1] + 1 if tgt_lines else 1),
                               hint="sentence k of one file must translate sentence k of the "
                                    "other")
        words_file = {"source": shown["source"], "target": shown["target"]}

    # ---- links
    raw = lines_of("alignment")
    kind = style
    if kind == "auto":
        kind = "simalign" if raw and all(_SIM_LINE.match(x) or not x.strip() for x in raw) \
            and any(_SIM_LINE.match(x) for x in raw) else "pharaoh"
    tool = tool or ("SimAlign" if kind == "simalign" else
                    "awesome-align" if "probs" in paths else "aligner")
    aligns: list[Alignment] = []
    for n, line in enumerate(raw, 1):
        try:
            if kind == "simalign":
                _, a = parse_simalign_line(line) if line.strip() else ("", Alignment.of([]))
            else:
                a = parse_pharaoh_line(line)
        except ProjectError as exc:
            raise ProjectError(str(exc), path=shown["alignment"], line=n) from None
        aligns.append(a)
    if len(aligns) != len(src):
        raise ProjectError(f"{len(aligns)} lines in the alignment file but {len(src)} sentence "
                           "pairs", path=shown["alignment"], line=min(len(aligns), len(src)) + 1,
                           hint="one alignment line per sentence pair, in order")
    if "probs" in paths:
        prob_lines = lines_of("probs")
        if len(prob_lines) != len(aligns):
            raise ProjectError(f"{len(prob_lines)} lines in the probability file but "
                               f"{len(aligns)} in the alignment file", path=shown["probs"],
                               line=min(len(prob_lines), len(aligns)) + 1)
        for n, (line, a, raw_line) in enumerate(zip(prob_lines, list(aligns), raw), 1):
            order = [parse_pharaoh_line(x).links[0] for x in raw_line.split()
                     if "-" in x]
            values = line.split()
            if len(values) != len(order):
                raise ProjectError(f"{len(values)} probabilities for {len(order)} links on line "
                                   f"{n} of {shown['alignment']}", path=shown["probs"], line=n,
                                   hint="awesome-align writes one probability per link, in "
                                        "the order of the links")
            try:
                scores = {lk: float(v) for lk, v in zip(order, values)}
            except ValueError:
                raise ProjectError("a probability is not a number", path=shown["probs"],
                                   line=n) from None
            aligns[n - 1] = Alignment.of(a.links, possible=a.possible, scores=scores)
    stem = Path(shown["alignment"]).name
    label = f"{tool.lower()}:{stem}"
    for k, (a, s, t) in enumerate(zip(aligns, src, tgt)):
        for i, j in (*a.links, *a.possible):
            if not (0 <= i < len(s.words) and 0 <= j < len(t.words)):
                raise ProjectError(
                    f"link {i}-{j} is out of range: sentence pair {k} has {len(s.words)} source "
                    f"words ({words_file['source']}:{line_of(src_lines, k)}) and "
                    f"{len(t.words)} target words ({words_file['target']}:"
                    f"{line_of(tgt_lines, k)})", path=shown["alignment"], line=k + 1,
                    hint="expected 0-based 'i-j' links, i = source word")
    projector = None
    if method:
        if not src_labelled:
            raise ProjectError("projecting needs source labels: give the source as CoNLL with "
                               "labels", setting="method")
        from core.projection.registry import get_projector

        projector = get_projector(method)
    records: list[SentenceRecord] = []
    for k, (a, s, t) in enumerate(zip(aligns, src, tgt)):
        a = Alignment(a.links, label, a.possible, a.scores)
        entities = tuple(sorted(s.spans)) if src_labelled else ()
        projections: tuple = ()
        candidates: tuple = ()
        if projector is not None:
            if hasattr(projector, "project_with_candidates"):
                projs, cands = projector.project_with_candidates(entities, a, t.words,
                                                                 src_words=s.words)
                candidates = tuple(cands)
            else:
                projs = projector.project(entities, a, t.words, src_words=s.words)
            projections = tuple(projs)
        predicted = tuple(sorted(sp for p in projections for sp in p.targets))
        gold = tuple(tags_to_spans(t.labels)) if tgt_labelled and t.labels else None
        sid = s.id
        records.append(SentenceRecord(
            sid, lang, Sentence(sid, source_lang, s.words, s.labels if src_labelled else None),
            Sentence(sid, lang, t.words, t.labels if tgt_labelled else None), entities, a,
            projections, predicted, gold if projector is not None else None, candidates))
    scored = sum(1 for a in aligns for _ in a.scores)
    links = sum(len(a.links) for a in aligns)
    return Imported("alignments", tool, records, given, lang, source_lang,
                    dataset or Path(shown.get("text") or shown["source"]).stem or "imported",
                    aligner=label, method=method,
                    reference="gold" if tgt_labelled and projector is not None else None,
                    notes={"sentences": len(records), "links": links, "scored_links": scored,
                           "style": kind},
                    options={"style": kind, "method": method})
