"""What every importer shares: given files, block line numbers, span attribution, and writing an
imported run through the run store.

An importer reads the files another tool wrote, validates them (every problem is a
:class:`~core.errors.ProjectError` naming the file, the line and what was expected) and returns
an :class:`Imported`: sentence records plus where each part came from. Only then does
:func:`write_imported` write the run, atomically, so bad input leaves nothing behind.

Provenance: every input file is a :class:`Given` — its name (never its directory) and sha256 —
labelled ``given:<file name>#<sha256 prefix>`` in the signature and in the run's labels.
"""

from __future__ import annotations

import collections
import datetime as _dt
import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from core import __version__
from core.cache import file_lock, sha256_file
from core.config import given_label
from core.errors import ProjectError
from core.metrics import ProjCounts, aggregate
from core.readers.parallel import iter_text_lines
from core.records import evaluate_record, record_row
from core.types import Alignment, Candidate, Projection, Reason, SentenceRecord, Span

PIPELINE = "imported"
KIND = "imported"


# ------------------------------------------------------------------------------ given files


@dataclass(frozen=True)
class Given:
    """One input file: its role (``source``, ``target``, ``alignment``, ``projection``, ...),
    name, and sha256. ``label`` is what the signature and the run's labels show."""

    role: str
    name: str
    sha256: str

    @property
    def label(self) -> str:
        return given_label(self.name, self.sha256)


def given_file(path: str | Path, role: str, *, name: str | None = None) -> Given:
    """Check that ``path`` is a readable file and checksum it (``name``: the name the user
    knows it by, e.g. an upload's file name)."""
    path = Path(path)
    shown = name or path.name
    if not path.is_file():
        raise ProjectError(f"{role} file not found" if not path.exists()
                           else f"{role} path is not a file", path=shown)
    return Given(role, Path(shown).name, sha256_file(path))


def block_lines(path: str | Path) -> list[int]:
    """The 1-based line where each blank-line-separated block of a CoNLL file starts (block k
    is the sentence with id suffix ``:k`` in :func:`core.readers.conll.read_conll`)."""
    starts: list[int] = []
    used = False
    for lineno, text in iter_text_lines(path):
        if not text.strip():
            used = False
            continue
        if not used:
            starts.append(lineno)
            used = True
    return starts


def block_of(sentence_id: str) -> int:
    """The block index at the end of a reader id (``"en.conll.test:17"`` -> 17)."""
    return int(sentence_id.rsplit(":", 1)[1])


def line_of(lines: Sequence[int], k: int) -> int | None:
    return lines[k] if 0 <= k < len(lines) else None


# ------------------------------------------------------------------------------ attribution


def _support(entity: Span, span: Span, alignment: Alignment) -> list[tuple[int, int]]:
    return [(i, j) for i, j in alignment.links
            if entity.start <= i < entity.end and span.start <= j < span.end]


def attribute_spans(entities: Sequence[Span], predicted: Sequence[Span],
                    alignment: Alignment | None, tgt_words: Sequence[str], *, tool: str,
                    affinity: Callable[[int, Span], float | None] | None = None,
                    affinity_name: str = "score") -> tuple[list[Projection], list[Span]]:
    """Which source entity each target span of another tool's output came from.

    ``entities`` are the source entities (sorted), ``predicted`` the target spans the tool
    wrote. A span goes to the entity ranked first by: having the tool's own evidence for it
    (``affinity(k, span)``, e.g. a candidate score), the same type, the larger evidence, the
    most alignment links into it. A span
    with no evidence and no link goes to the first entity of its type that has no span yet
    (detail says so). Returns one :class:`Projection` per entity and the spans no entity could
    claim (they stay in the record's ``predicted``).

    Entities left without a span get a reason from the links: ``merged`` (their links end in a
    same-type span owned by another entity), ``lost_collision`` (in another type's span),
    ``no_aligned_words`` (no link at all) or ``not_selected`` (linked words the tool left
    unlabelled); without an alignment the detail says that nothing is known.
    """
    align = alignment if alignment is not None else Alignment.of([])
    owner: dict[int, int] = {}  # span index -> entity
    evidence: dict[int, tuple[float | None, list[tuple[int, int]]]] = {}
    for s_idx, span in enumerate(predicted):
        best: tuple | None = None
        for k, ent in enumerate(entities):
            aff = affinity(k, span) if affinity is not None else None
            sup = _support(ent, span, align)
            if aff is None and not sup:
                continue
            key = (aff is not None, ent.label == span.label, aff or 0.0, len(sup), -k)
            if best is None or key > best[0]:
                best = (key, k, aff, sup)
        if best is not None:
            owner[s_idx] = best[1]
            evidence[s_idx] = (best[2], best[3])
    by_order: set[int] = set()
    for s_idx, span in enumerate(predicted):  # no evidence at all: type and order
        if s_idx in owner:
            continue
        taken = set(owner.values())
        k = next((k for k, e in enumerate(entities) if e.label == span.label and k not in taken),
                 None)
        if k is not None:
            owner[s_idx] = k
            evidence[s_idx] = (None, [])
            by_order.add(s_idx)
    spans_of: dict[int, list[int]] = collections.defaultdict(list)
    for s_idx, k in owner.items():
        spans_of[k].append(s_idx)
    linked_tgt = collections.defaultdict(set)
    for i, j in align.links:
        linked_tgt[i].add(j)
    out: list[Projection] = []
    for k, ent in enumerate(entities):
        mine = sorted(spans_of.get(k, []), key=lambda s: predicted[s].start)
        if mine:
            targets = tuple(predicted[s] for s in mine)
            support = tuple(sorted({lk for s in mine for lk in evidence[s][1]}))
            affs = [evidence[s][0] for s in mine if evidence[s][0] is not None]
            bits = []
            for s in mine:
                sp = predicted[s]
                text = " ".join(tgt_words[sp.start:sp.end])
                how = ("no alignment link supports it; attributed by type and order"
                       if s in by_order else
                       f"{len(evidence[s][1])} supporting link(s)" if evidence[s][0] is None
                       else f"{affinity_name} {evidence[s][0]:.3f}")
                bits.append(f"'{text}' [{sp.start}, {sp.end}) {sp.label} ({how})")
            out.append(Projection(k, ent, targets, Reason.PROJECTED,
                                  f"{tool} labelled " + "; ".join(bits), support,
                                  score=max(affs) if affs else None))
            continue
        linked = sorted({j for i in ent.indices() for j in linked_tgt.get(i, ())})
        holders = [(s, owner[s]) for s, sp in enumerate(predicted)
                   if s in owner and any(sp.start <= j < sp.end for j in linked)]
        if alignment is None or not alignment.links:
            reason, detail, comp = Reason.NOT_SELECTED, (
                f"{tool} labelled no target span for it (no alignment was given, so nothing "
                "more is known)"), None
        elif not linked:
            reason, detail, comp = Reason.NO_ALIGNED_WORDS, (
                f"no target word is linked to it; {tool} labelled no span for it"), None
        elif holders:
            s, other = holders[0]
            same = predicted[s].label == ent.label
            reason = Reason.MERGED if same else Reason.LOST_COLLISION
            detail = (f"its linked target words {linked} lie in the {predicted[s].label} span "
                      f"[{predicted[s].start}, {predicted[s].end}) that {tool} gave to "
                      f"entity {other}")
            comp = other
        else:
            reason, detail, comp = Reason.NOT_SELECTED, (
                f"{tool} left its linked target words {linked} unlabelled"), None
        out.append(Projection(k, ent, (), reason, detail, competitor=comp))
    unclaimed = [sp for s, sp in enumerate(predicted) if s not in owner]
    return out, unclaimed


def place_text(words: Sequence[str], text: str) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where the whitespace-split ``text`` occurs in ``words``."""
    toks = text.split()
    n = len(toks)
    if not n:
        return []
    return [(s, s + n) for s in range(len(words) - n + 1) if list(words[s:s + n]) == toks]


def merge_candidates(cands: Sequence[Candidate]) -> tuple[Candidate, ...]:
    """One candidate per (range, origin), with the score maps of the duplicates merged."""
    merged: dict[tuple[int, int, str], dict[int, dict[str, float]]] = {}
    for c in cands:
        slot = merged.setdefault((c.start, c.end, c.origin), {})
        for k, comps in c.scores.items():
            slot.setdefault(int(k), {}).update(comps)
    return tuple(Candidate(s, e, o, sc) for (s, e, o), sc in sorted(merged.items()))


# ------------------------------------------------------------------------------ the result


@dataclass
class Imported:
    """An imported run before it is written: records and where every part came from.

    ``fmt`` is the registry name (``elp``, ``tprojection``, ...), ``tool`` the tool's name.
    ``aligner`` / ``method`` are labels (the tool and a file stem, never a path). ``reference``
    is ``"gold"`` (the target labels are a gold standard), ``"silver"`` (another run's
    projections stand in for gold: see ``silver_run``) or ``None`` (no reference).
    """

    fmt: str
    tool: str
    records: list[SentenceRecord]
    given: list[Given]
    lang: str
    source_lang: str = "en"
    dataset: str = "imported"
    split: str = "given"
    aligner: str | None = None
    method: str | None = None
    reference: str | None = None
    silver_run: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def given_labels(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for g in self.given:
            out[g.role] = g.label if g.role not in out else f"{out[g.role]}+{g.label}"
        return out

    def digest(self) -> str:
        blob = json.dumps({"fmt": self.fmt, "given": [[g.role, g.name, g.sha256]
                                                      for g in self.given],
                           "lang": self.lang, "dataset": self.dataset,
                           "options": self.options, "silver": self.silver_run},
                          sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:8]

    def signature(self) -> str:
        """What determines the run: the tool, the data, every given part, the code version."""
        parts = [f"pipeline:{PIPELINE}", f"tool:{self.tool}",
                 f"data:{self.dataset}/{self.lang}/{self.split}"]
        parts += [f"{role}:{label}" for role, label in self.given_labels().items()]
        if self.method:
            parts.append(f"proj:{self.method}")
        if self.silver_run:
            parts.append(f"silver:{self.silver_run}")
        parts.append(f"v:{__version__}")
        return "|".join(parts) + f"|#{self.digest()}"

    def run_id(self, name: str | None = None) -> str:
        from core.runs import slug

        stem = name or f"{self.dataset}-{self.lang}-imported-{self.fmt}"
        what = self.aligner or self.method or ""
        what = what.split(":", 1)[-1] if what else ""
        return slug(f"{stem}-{what}-{self.digest()}" if what else f"{stem}-{self.digest()}")


def run_summary(imp: Imported) -> dict[str, Any]:
    """The ``run`` block of metrics.json (what the dashboard and the app group by)."""
    return {"kind": KIND, "tool": imp.tool, "format": imp.fmt, "dataset": imp.dataset,
            "lang": imp.lang, "split": imp.split, "pipeline": PIPELINE,
            "aligner": imp.aligner, "method": imp.method, "back_translation": False,
            "signature": imp.signature()}


def imported_metrics(imp: Imported) -> dict[str, Any]:
    """metrics.json of an imported run. Without gold, ``overall`` is ``None``, ``evaluated``
    and ``has_gold`` are false; against a silver run the scores go under ``silver`` (never
    ``overall``: a silver reference is not gold)."""
    records = imp.records
    results = [r for r in (evaluate_record(x) for x in records) if r is not None]
    proj = ProjCounts(sum(p.projected for x in records for p in x.projections),
                      sum(len(x.projections) for x in records))
    empty = {"overall": None, "per_type": None, "outcomes": None, "proj_ratio": proj.ratio,
             "projected": proj.projected, "source_entities": proj.total}
    gold = imp.reference == "gold" and bool(results)
    scores = aggregate(results, proj=proj).to_dict() if gold else empty
    reasons = collections.Counter(p.reason.value for x in records for p in x.projections)
    issues = collections.Counter(i.kind for x in records for i in x.marker_issues or ())
    out = {
        **scores,
        "evaluated": gold,
        "has_gold": gold,
        "reference": imp.reference if results else None,
        "sentences_total": len(records),
        "reasons": dict(sorted(reasons.items())),
        "marker_issues": dict(sorted(issues.items())),
        "run": run_summary(imp),
    }
    if imp.reference == "silver" and results:
        out["silver"] = {"run": imp.silver_run,
                         "note": "scores against another run's projections (a silver "
                                 "reference), not against gold",
                         **aggregate(results, proj=proj).to_dict()}
    if not gold:
        out["note"] = ("no gold: the target labels of this import are the tool's output only; "
                       "outcomes and F1 are not computed")
        if imp.reference == "silver":
            out["note"] = ("no gold: compared against a silver reference (another run's "
                           "projections), see 'silver'")
    return out


def write_imported(imp: Imported, runs_root: str | Path, *, run_id: str | None = None,
                   name: str | None = None) -> Path:
    """Write ``imp`` as an ordinary run (kind ``imported``) and return its directory.

    An existing run with that id is an error (runs are never modified); two writers of one id
    are refused by a lock; the directory appears complete or not at all.
    """
    from core.pipeline.provenance import git_commit
    from core.runs import remove_stale_temps, run_dir, write_run

    if not imp.records:
        raise ProjectError("nothing to import: the files hold no sentence",
                           path=imp.given[0].name if imp.given else None)
    run_id = run_id or imp.run_id(name)
    final = run_dir(runs_root, run_id)
    if final.exists():
        raise ProjectError("this run already exists", path=final,
                           hint="delete it to import again, or give another --name")
    rows = [record_row(r, k) for k, r in enumerate(imp.records)]
    manifest = {
        "kind": KIND, "tool": imp.tool, "format": imp.fmt,
        "config": {"pipeline": PIPELINE, "dataset": imp.dataset, "lang": imp.lang,
                   "split": imp.split, "source_lang": imp.source_lang, "aligner": imp.aligner,
                   "method": imp.method, "format": imp.fmt, "options": imp.options,
                   "name": name},
        "signature": imp.signature(),
        "given": imp.given_labels(),
        "inputs": {g.name: g.sha256 for g in imp.given},
        "reference": {"kind": imp.reference, "run": imp.silver_run} if imp.reference else None,
        "components": {},
        "code": {"version": __version__, "git": git_commit(),
                 "python": platform.python_version()},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {"sentences": len(imp.records)},
        "import": dict(imp.notes),
    }
    with file_lock(Path(runs_root) / ".locks" / f"{run_id}.lock", what=f"run {run_id}"):
        remove_stale_temps(runs_root, run_id)
        return write_run(runs_root, run_id, manifest, rows, imported_metrics(imp))


def silver_reference(records: Sequence[SentenceRecord], runs_root: str | Path, run_id: str
                     ) -> tuple[list[SentenceRecord], int]:
    """``records`` with the predicted spans of run ``run_id`` as their (silver) reference,
    matched by sentence id where the target words are the same; returns the records and the
    number matched. Unmatched sentences get no reference (``gold = None``)."""
    from dataclasses import replace

    from core.records import record_from_row
    from core.runs import read_sentences

    df = read_sentences(runs_root, run_id)
    other = {}
    for row in df.to_dict("records"):
        rec = record_from_row(row)
        other[rec.id] = rec
    out, matched = [], 0
    for r in records:
        o = other.get(r.id)
        if o is not None and tuple(o.target.words) == tuple(r.target.words):
            matched += 1
            extra = {**r.extra, "reference": f"silver:{run_id}"}
            out.append(replace(r, gold=tuple(o.predicted), extra=extra))
        else:
            out.append(replace(r, gold=None))
    if not matched:
        raise ProjectError(f"no sentence of run {run_id} has the ids and target words of this "
                           "import", setting="silver",
                           hint="the silver run must cover the same sentences")
    return out, matched
