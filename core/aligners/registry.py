"""Aligners by the names users type (configs, CLI, app): one table, :data:`ALIGNERS`.

=====================================  =======================================================
name                                   aligner
=====================================  =======================================================
``<encoder>:<method>``                 our embedding aligner on an encoder of the models
                                       registry (``me5-small``, ``hub:<id or dir>``, a model
                                       directory) with a SimAlign method (``inter``/``argmax``,
                                       ``itermax``, ``mwmf``, ``fwd``, ``rev``) or ``awesome``
                                       (AWESoME extraction, softmax both ways, threshold 1e-3)
``...:itermax:layer=6,distortion=0.5``  settings after a last ``:`` (:mod:`core.specs`)
``simalign:<encoder>:<method>``        the ``simalign`` package itself on that encoder
``eflomal`` / ``eflomal:<sym>``        eflomal trained on the language's parallel corpus
                                       (symmetrization ``grow-diag-final-and`` by default)
``eflomal:priors``                     the same, priors mode (fast for one sentence)
``file:<path>``                        a Pharaoh file, line k = sentence k of the corpus
``union(A,B)``                         ``intersection``, ``grow-diag``, ``grow-diag-final-and``
=====================================  =======================================================

The encoders are the ``encoder`` entries of :mod:`core.models.registry`: adding an encoder
there (one ``Entry``) makes ``<new encoder>:<method>`` an aligner for every method. Every
aligner built here has ``name`` and ``signature`` (what the step cache keys on), computed from
its frozen settings. :func:`parse_aligner` checks a name without loading anything (the
cluster's config check uses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Union

from core import specs
from core.errors import ProjectError

EMBEDDING_METHODS = ("inter", "argmax", "itermax", "mwmf", "fwd", "rev", "awesome")
SIMALIGN_METHODS = ("inter", "argmax", "itermax", "mwmf", "fwd", "rev")
COMBINATIONS = ("union", "intersection", "grow-diag", "grow-diag-final-and")
EMBEDDING_SETTINGS = frozenset({"layer", "distortion", "batch_size", "awesome_threshold"})

#: What the app offers (all run offline): the me5-small methods (the default first), eflomal
#: for a corpus (joint training) and for one sentence (priors mode).
OFFLINE_CHOICES = ("me5-small:itermax", "me5-small:inter", "me5-small:mwmf", "me5-small:awesome",
                   "me5-small-ft:itermax", "me5-small-ft:inter", "me5-small-ft:mwmf",
                   "me5-small-ft:awesome", "eflomal", "eflomal:priors")


@dataclass(frozen=True)
class AlignerEntry:
    """One form of aligner name: a fixed name or a prefix (ending in ``:``), how its argument
    is checked (``check``, loads nothing) and built (``build``), and a one-line description."""

    key: str
    check: Callable[[str, str], Any]
    build: Callable[..., Any]
    help: str

    @property
    def is_prefix(self) -> bool:
        return self.key.endswith(":")


@dataclass(frozen=True)
class AlignerSpec:
    """A checked aligner name: its entry, the argument after the prefix and what the check
    made of it (e.g. ``(encoder, method, settings)``)."""

    text: str
    entry: AlignerEntry
    parsed: Any


# ---------------------------------------------------------------------------------- forms


def _encoder(name: str, spec: str) -> str:
    """An encoder name of the models registry (SimAlign's short names ``hub:bert`` /
    ``hub:xlmr`` included); a :class:`ProjectError` lists the valid aligner forms."""
    from core.models.registry import parse

    try:
        parse(name, "encoder")
    except ProjectError:
        raise _unknown(spec) from None
    return name


def _check_embedding(arg: str, spec: str) -> tuple[str, str, dict[str, Any]]:
    parsed = specs.parse_spec(arg, setting="aligner")
    if len(parsed.parts) < 2 or parsed.parts[-1] not in EMBEDDING_METHODS:
        raise _unknown(spec)
    encoder, method = ":".join(parsed.parts[:-1]), parsed.parts[-1]
    specs.check_settings(parsed.settings, EMBEDDING_SETTINGS, spec=spec, setting="aligner",
                         what="aligner")
    return _encoder(encoder, spec), method, dict(parsed.settings)


def _build_embedding(parsed: tuple[str, str, dict[str, Any]], **_: Any) -> Any:
    from core.aligners.embedding import EmbeddingAligner

    encoder, method, settings = parsed
    enc = _load_encoder(encoder)
    if getattr(enc, "layer", None) is not None:  # an adapter aligns at its training layer
        settings = {"layer": enc.layer, **settings}
    return EmbeddingAligner(enc.model, enc.tokenizer, methods=(method,),
                            name=encoder.removeprefix("hub:"),
                            encoder_signature=encoder_signature(encoder, enc), **settings)


def _load_encoder(name: str) -> Any:
    from core.aligners.embedding import SIMALIGN_MODEL_ALIASES
    from core.models.registry import load_encoder

    if name.startswith("hub:"):
        name = "hub:" + SIMALIGN_MODEL_ALIASES.get(name[4:], name[4:])
    return load_encoder(name)


def encoder_signature(encoder: str, loaded: Any = None) -> str:
    """The identity of an encoder name in aligner signatures: ``me5-small@<converted
    directory>`` (the name of the converted weights' directory, which carries their hash), else
    the signature the models registry's encoder declares (``loaded``: the encoder, if loaded)."""
    if encoder == "me5-small":
        from core.models.me5 import build_me5

        return f"me5-small@{build_me5().name}"
    return str((loaded if loaded is not None else _load_encoder(encoder)).signature)


def _check_simalign(arg: str, spec: str) -> tuple[str, str]:
    parsed = specs.parse_spec(arg, setting="aligner")
    if len(parsed.parts) != 2 or parsed.settings or parsed.parts[1] not in SIMALIGN_METHODS:
        raise ProjectError(f"unknown simalign method in {spec!r}", setting="aligner",
                           hint="simalign:<encoder>:<method> with method inter, itermax or mwmf")
    return parsed.parts[0], parsed.parts[1]


def _build_simalign(parsed: tuple[str, str], **_: Any) -> Any:
    from core.aligners.simalign_backend import SimAlignPackageAligner

    encoder, method = parsed
    enc = _load_encoder(encoder if encoder == "me5-small" or Path(encoder).is_dir()
                        or encoder.startswith("hub:") else f"hub:{encoder}")
    pkg = SimAlignPackageAligner(encoder=(enc.model, enc.tokenizer), methods=(method,),
                                 name=f"simalign:{encoder}")
    pkg.signature = f"simalign-package|{encoder_signature(encoder, enc)}|{method}"
    return pkg


def _check_eflomal(arg: str, spec: str) -> dict[str, str]:
    from core.aligners.combine import check_heuristic
    from core.aligners.eflomal_aligner import MODES

    if arg in MODES:
        return {"mode": arg}
    return {"symmetrization": check_heuristic(arg or "grow-diag-final-and", setting="aligner")}


def _build_eflomal(parsed: dict[str, str], *, lang: str, datasets_root: Any = None,
                   **_: Any) -> Any:
    from core.aligners.eflomal_aligner import EflomalAligner

    if not lang:
        raise ProjectError("eflomal needs the target language to pick a training corpus",
                           setting="lang")
    return EflomalAligner(lang, datasets_root=datasets_root, **parsed)


def _check_file(arg: str, spec: str) -> Path:
    path = Path(arg)
    if not path.is_file():
        raise ProjectError("alignment file not found", path=path, setting="aligner")
    return path


def _build_file(parsed: Path, **_: Any) -> Any:
    from core.aligners.external import ExternalAligner

    return ExternalAligner(parsed)


#: Every form of aligner name. The embedding entry (key ``""``) takes every name the others
#: do not: ``<encoder>:<method>[:settings]`` with an encoder of :mod:`core.models.registry`.
ALIGNERS: tuple[AlignerEntry, ...] = (
    AlignerEntry("file:", _check_file, _build_file,
                 "Pharaoh file: line k holds the links of sentence k"),
    AlignerEntry("eflomal", _check_eflomal, _build_eflomal,
                 "eflomal trained on the language's parallel corpus (grow-diag-final-and)"),
    AlignerEntry("eflomal:", _check_eflomal, _build_eflomal,
                 "eflomal with a symmetrization (intersection, union, grow-diag, "
                 "grow-diag-final-and) or priors mode (priors)"),
    AlignerEntry("simalign:", _check_simalign, _build_simalign,
                 "the simalign package on <encoder>:<method>"),
    AlignerEntry("", _check_embedding, _build_embedding,
                 "our embedding aligner: <encoder>:<method>[:layer=..,distortion=..]"),
)


def _unknown(spec: str) -> ProjectError:
    from core.models.registry import choices

    return ProjectError(
        f"unknown aligner {spec!r}", setting="aligner",
        hint="valid forms: <encoder>:<method> with an encoder of "
             f"{', '.join(choices('encoder'))} or a model directory, "
             "simalign:<encoder>:<method>, eflomal[:<symmetrization>|:priors], "
             f"file:<pharaoh file>, {', '.join(f'{c}(A,B)' for c in COMBINATIONS)}; methods: "
             f"{', '.join(EMBEDDING_METHODS)}; e.g. {', '.join(OFFLINE_CHOICES)}")


def _split_top(text: str) -> list[str]:
    """Split at commas outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        depth += (ch == "(") - (ch == ")")
        cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def split_combination(spec: str) -> tuple[str, list[str]] | None:
    """``("union", [A, B])`` for a combination spec such as ``union(A,B)``, else ``None``;
    a combination of other than two aligners is a :class:`ProjectError`."""
    head, paren, rest = spec.strip().partition("(")
    if not (paren and head in COMBINATIONS and spec.strip().endswith(")")):
        return None
    args = _split_top(rest[:-1])
    if len(args) != 2:
        raise ProjectError(f"{head}(A,B) needs exactly two aligners, got {len(args)}",
                           setting="aligner")
    return head, args


#: A checked aligner name: one entry's spec, or ``(combination, [A, B])`` whose parts are
#: checked names themselves (combinations nest: ``union(intersection(A,B),C)``).
ParsedAligner = Union[AlignerSpec, tuple[str, list["ParsedAligner"]]]


def parse_aligner(spec: str) -> ParsedAligner:
    """Check an aligner name against :data:`ALIGNERS` without loading anything: an
    :class:`AlignerSpec`, or ``(combination, [A, B])``."""
    spec = spec.strip()
    combination = split_combination(spec)
    if combination:
        head, args = combination
        return head, [parse_aligner(a) for a in args]
    for entry in ALIGNERS:
        if entry.is_prefix and spec.startswith(entry.key):
            return AlignerSpec(spec, entry, entry.check(spec[len(entry.key):], spec))
        if not entry.is_prefix and entry.key and spec == entry.key:
            return AlignerSpec(spec, entry, entry.check("", spec))
    fallback = next(e for e in ALIGNERS if e.key == "")
    return AlignerSpec(spec, fallback, fallback.check(spec, spec))


def get_aligner(spec: str, *, lang: str = "", source_lang: str = "en",
                datasets_root: str | Path | None = None) -> Any:
    """Build the aligner ``spec`` names (see the module docstring); errors list the forms."""
    return _build(parse_aligner(spec), lang=lang, source_lang=source_lang,
                  datasets_root=datasets_root)


def _build(parsed: ParsedAligner, **where: Any) -> Any:
    """The aligner of a checked name (a combination builds its parts, checked once)."""
    if isinstance(parsed, tuple):
        from core.aligners.combine import CombinedAligner

        head, (a, b) = parsed
        return CombinedAligner(_build(a, **where), _build(b, **where), how=head)
    return parsed.entry.build(parsed.parsed, **where)


def method_view(aligner: Any, method: str) -> Any:
    """Another extraction method on an embedding aligner (shares its loaded model); its name
    and signature follow from its settings."""
    return aligner.for_method(method)
