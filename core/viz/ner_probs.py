"""The NER model's label probabilities for the words of one sentence (inspector table).

:func:`ner_prob_rows` turns per-word probabilities (:class:`~core.models.tagging.WordProbs`, in
IOB2 tags) into one row per word: the word, the model's best tag, its probability, the
probability of every tag (percent) and the gold tag when known. :func:`tag_words` runs a
registered tagger that gives probabilities (``ner:me5-small-conll03``) on word lists.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.labels import spans_to_tags
from core.types import SentenceRecord

#: The packaged model the inspector uses when the run stored no probabilities.
DEFAULT_TAGGER = "ner:me5-small-conll03"


def tag_words(tagger: Any, sentences: Sequence[Sequence[str]]) -> list[Any]:
    """Mapped per-word probabilities (``WordProbs``) of each sentence."""
    return [t.mapped for t in tagger.tag_with_probs([list(s) for s in sentences])]


def ner_prob_rows(words: Sequence[str], probs: Any,
                  gold: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per word: ``word``, ``best`` tag, ``p(best)``, ``gold`` (when given) and the
    percent probability of every tag (columns in the model's tag order, ``O`` first)."""
    rows = []
    tags = list(probs.tags)
    for w, word in enumerate(words):
        p = probs.probs[w]
        k = int(p.argmax())
        row: dict[str, Any] = {"#": w, "word": word, "best": tags[k],
                               "p(best)": round(float(p[k]), 3)}
        if gold is not None:
            row["gold"] = gold[w]
        for t, v in zip(tags, p):
            row[t] = round(100 * float(v), 1)
        rows.append(row)
    return rows


def record_ner_rows(record: SentenceRecord, probs: Any) -> list[dict[str, Any]]:
    """:func:`ner_prob_rows` for the target words of a record (gold tags when the run has
    gold)."""
    gold = None
    if record.gold is not None:
        gold = spans_to_tags(record.gold, len(record.target.words))
    return ner_prob_rows(record.target.words, probs, gold)
