"""The one grammar of the names users type for aligners, projection methods and models:
``part:part:...[:key=value,key=value]``.

The parts are separated by ``:``; a last part holding ``=`` is the settings: comma-separated
``key=value`` pairs whose values read as ``none``/``null``, ``true``/``false``, an integer, a
float, or else a string (``weights=align 0.5 + ner 0.5``). Examples: ``heuristic``,
``candidates-ngram-exact:max_len=10``, ``me5-small:itermax:layer=6,distortion=0.5``,
``hub:xlm-roberta-base:awesome``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import ProjectError


@dataclass(frozen=True)
class Spec:
    """A parsed name: its ``:``-separated parts (settings removed) and the settings."""

    text: str
    parts: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def head(self) -> str:
        """The name without settings (``me5-small:itermax`` of ``me5-small:itermax:layer=6``)."""
        return ":".join(self.parts)


def value(text: str) -> Any:
    """A setting's value: ``None``, a bool, an int, a float or the stripped string."""
    low = text.strip().lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def parse_settings(text: str, *, spec: str, setting: str) -> dict[str, Any]:
    """``"a=1,b=x"`` -> ``{"a": 1, "b": "x"}``; a part without ``=`` is a :class:`ProjectError`
    naming ``setting``."""
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, eq, val = part.partition("=")
        if not eq or not key.strip():
            raise ProjectError(f"bad setting {part!r} in {spec!r}: expected key=value",
                               setting=setting)
        out[key.strip()] = value(val)
    return out


def parse_spec(text: str, *, setting: str) -> Spec:
    """Split ``text`` into parts and settings (a last part with ``=``, or an empty one)."""
    text = text.strip()
    parts = text.split(":")
    settings: dict[str, Any] = {}
    if len(parts) >= 2 and ("=" in parts[-1] or not parts[-1].strip()):
        settings = parse_settings(parts.pop(), spec=text, setting=setting)
    return Spec(text, tuple(p.strip() for p in parts), settings)


def check_settings(settings: dict[str, Any], allowed: set[str] | frozenset[str], *, spec: str,
                   setting: str, what: str) -> None:
    """Unknown keys are a :class:`ProjectError` ("unknown <what> setting(s)") listing the
    valid ones."""
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        raise ProjectError(f"unknown {what} setting(s) {unknown} in {spec!r}",
                           setting=setting, hint=f"valid settings: {', '.join(sorted(allowed))}")
