"""One colour scheme for every page (colour-blind-safe: Plotly's "Safe" qualitative palette,
from Carto's Safe scheme, plus neutral greys).

Methods and aligners get stable colours by name (a registry order first, then a hash of the
name), so the same method has the same colour on every chart and page.
"""

from __future__ import annotations

import hashlib

SAFE = ("#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288", "#AA4499", "#44AA99",
        "#999933", "#882255", "#661100", "#6699CC", "#888888")

#: Entity outcome categories (core.metrics): exact is green, errors warm, spurious purple.
OUTCOME_COLORS = {"exact": "#117733", "boundary": "#DDCC77", "wrong_type": "#CC6677",
                  "missed": "#882255", "spurious": "#AA4499"}

#: Entity types.
TYPE_COLORS = {"PER": "#88CCEE", "ORG": "#DDCC77", "LOC": "#44AA99", "MISC": "#AA4499",
               "DATE": "#999933"}

#: Link classes when two aligners are compared.
LINK_COLORS = {"both": "#332288", "only_a": "#88CCEE", "only_b": "#CC6677", "gold": "#117733",
               "selected": "#DDCC77", "other": "#BBBBBB"}
LINK_DASH = {"both": "solid", "only_a": "dash", "only_b": "dot", "gold": "longdash",
             "selected": "solid", "other": "solid"}

_KNOWN = ("heuristic", "easy_label", "candidates-ngram-greedy", "candidates-ngram-exact",
          "candidates-ner-greedy", "candidates-ner-exact", "easyproject", "model-transfer")


def color_for(name: str | None) -> str:
    """A stable colour for a method/aligner/pipeline name."""
    if not name:
        return SAFE[-1]
    base = name.partition(":")[0] if name.partition(":")[0] in _KNOWN else name
    if base in _KNOWN:
        return SAFE[_KNOWN.index(base) % (len(SAFE) - 1)]
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16)
    return SAFE[digest % (len(SAFE) - 1)]


def color_map(names: list[str]) -> dict[str, str]:
    return {n: color_for(n) for n in names}
