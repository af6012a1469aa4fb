"""Word aligners behind one interface: ``align(pairs) -> list[Alignment]`` (batched).

- :class:`~core.aligners.embedding.EmbeddingAligner`: SimAlign's methods (inter/argmax, itermax,
  mwmf, distortion) and AWESoME-style extraction on any transformers encoder, batched and
  windowed for long sentences; ``EmbeddingAligner.from_name("me5-small")``.
- :func:`~core.aligners.awesome.awesome_aligner`: the same, AWESoME extraction only.
- :class:`~core.aligners.simalign_backend.SimAlignPackageAligner`: the ``simalign`` package.
- :mod:`~core.aligners.simalign_methods`: the extraction methods as pure numpy functions.

Torch and transformers are imported only when an encoder is used.
"""

from core.aligners.awesome import awesome_aligner
from core.aligners.base import Aligner, Pair
from core.aligners.embedding import EmbeddingAligner, SubwordView, load_encoder
from core.aligners.simalign_backend import SimAlignPackageAligner

__all__ = ["Aligner", "EmbeddingAligner", "Pair", "SimAlignPackageAligner", "SubwordView",
           "awesome_aligner", "load_encoder"]
