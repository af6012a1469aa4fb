"""Evaluation: exact-match entity counts, corpus scores, entity outcomes, projection ratio.

See :mod:`core.metrics.spans` for the precise definitions.
"""

from core.metrics.spans import (
    CATEGORIES,
    GOLD_CATEGORIES,
    PRED_CATEGORIES,
    PRF,
    Counts,
    EntityOutcome,
    ProjCounts,
    Scores,
    SentenceResult,
    SentenceScore,
    aggregate,
    entity_outcomes,
    evaluate_sentence,
    evaluate_tags,
    outcome_counts,
    proj_ratio,
    projection_counts,
    score_sentence,
    worst_first,
)

__all__ = [
    "CATEGORIES", "GOLD_CATEGORIES", "PRED_CATEGORIES", "PRF", "Counts", "EntityOutcome",
    "ProjCounts", "Scores", "SentenceResult", "SentenceScore", "aggregate", "entity_outcomes",
    "evaluate_sentence", "evaluate_tags", "outcome_counts", "proj_ratio", "projection_counts",
    "score_sentence", "worst_first",
]
