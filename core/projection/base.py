"""The projector interface and helpers shared by every projection method."""

from __future__ import annotations

from typing import Protocol, Sequence

from core.types import Alignment, Projection, Span


class Projector(Protocol):
    """Projects source entities onto a target sentence through a word alignment."""

    name: str

    def project(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, src_words: Sequence[str] | None = None
                ) -> list[Projection]:
        """One :class:`Projection` per source entity, in the order of ``src_entities``."""
        ...


def projected_spans(projections: Sequence[Projection]) -> list[Span]:
    """The target spans written out by a list of projections, sorted by position."""
    return sorted(span for p in projections for span in p.targets)
