"""Aligners by the names users type (configs, CLI, app).

===============================  =============================================================
name                             aligner
===============================  =============================================================
``me5-small:itermax``            our embedding aligner on an encoder with a SimAlign method
                                 (``inter``/``argmax``, ``itermax``, ``mwmf``, ``fwd``, ``rev``)
``me5-small:awesome``            AWESoME-style extraction (softmax both ways, threshold 1e-3)
``hub:<model id>:itermax``       the same on a Hub encoder (``bert`` = mBERT, ``xlmr``)
``...:itermax:layer=6,distortion=0.5``  settings after a third ``:``
``simalign:me5-small:itermax``   the ``simalign`` package itself on that encoder
``eflomal`` / ``eflomal:intersection``  eflomal trained on the language's parallel corpus
                                 (symmetrization ``grow-diag-final-and`` by default)
``file:<path>``                  a Pharaoh file, line k = sentence k of the corpus
``union(A,B)``                   ``intersection``, ``grow-diag``, ``grow-diag-final-and`` too
===============================  =============================================================

Every aligner built here has ``name`` and ``signature`` (what the step cache keys on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import __version__
from core.errors import ProjectError

EMBEDDING_METHODS = ("inter", "argmax", "itermax", "mwmf", "fwd", "rev", "awesome")
COMBINATIONS = ("union", "intersection", "grow-diag", "grow-diag-final-and")
ENCODERS = ("me5-small",)

#: What selectboxes offer by default (all run offline here).
OFFLINE_CHOICES = ("me5-small:inter", "me5-small:itermax", "me5-small:mwmf", "me5-small:awesome",
                   "eflomal")


def _settings(text: str, spec: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = part.partition("=")
        if not eq:
            raise ProjectError(f"bad setting {part!r} in aligner {spec!r}: expected key=value",
                               setting="aligner")
        try:
            out[key.strip()] = int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            out[key.strip()] = value.strip()
    return out


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


def _encoder_signature(encoder: str) -> str:
    if encoder == "me5-small":
        from core.models.me5 import build_me5

        return f"me5-small@{build_me5().name}"
    return encoder


def _embedding(encoder: str, method: str, settings: dict[str, Any], spec: str) -> Any:
    from core.aligners.embedding import EmbeddingAligner

    allowed = {"layer", "distortion", "batch_size", "awesome_threshold"}
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ProjectError(f"unknown aligner setting(s) {unknown} in {spec!r}", setting="aligner",
                           hint=f"valid: {', '.join(sorted(allowed))}")
    ref = encoder[4:] if encoder.startswith("hub:") else encoder
    aligner = EmbeddingAligner.from_name(ref, methods=(method,), **settings)
    return _sign(aligner, _encoder_signature(encoder))


def _sign(aligner: Any, encoder_signature: str) -> Any:
    aligner.encoder_signature = encoder_signature
    aligner.signature = (f"{encoder_signature}|{aligner.methods[0]}|layer={aligner.layer}|"
                         f"distortion={aligner.distortion}|core={__version__}")
    return aligner


def method_view(aligner: Any, method: str) -> Any:
    """Another extraction method on an embedding aligner built here (shares its loaded model),
    with its own name and signature."""
    return _sign(aligner.for_method(method), aligner.encoder_signature)


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


def get_aligner(spec: str, *, lang: str = "", source_lang: str = "en",
                datasets_root: str | Path | None = None) -> Any:
    """Build the aligner ``spec`` names (see module docstring); errors list the valid forms."""
    spec = spec.strip()
    combination = split_combination(spec)
    if combination:
        head, args = combination
        from core.aligners.combine import CombinedAligner

        a, b = (get_aligner(x, lang=lang, source_lang=source_lang, datasets_root=datasets_root)
                for x in args)
        combined = CombinedAligner(a, b, how=head)
        combined.signature = f"{head}({a.signature},{b.signature})"
        return combined
    if spec.startswith("file:"):
        from core.aligners.external import ExternalAligner

        from core.cache import sha256_file

        ext = ExternalAligner(spec[5:])
        ext.signature = f"file:{ext.path.name}#{sha256_file(ext.path)[:16]}"
        return ext
    if spec == "eflomal" or spec.startswith("eflomal:"):
        from core.aligners.eflomal_aligner import EflomalAligner

        sym = spec.partition(":")[2] or "grow-diag-final-and"
        if not lang:
            raise ProjectError("eflomal needs the target language to pick a training corpus",
                               setting="lang")
        ef = EflomalAligner(lang, symmetrization=sym, datasets_root=datasets_root)
        ef.signature = f"eflomal:{sym}|train={lang}|core={__version__}"
        return ef
    if spec.startswith("simalign:"):
        from core.aligners.simalign_backend import SimAlignPackageAligner
        from core.aligners.embedding import load_encoder

        _, encoder, method = (spec.split(":") + ["", ""])[:3]
        if method not in EMBEDDING_METHODS[:-1]:
            raise ProjectError(f"unknown simalign method {method!r} in {spec!r}",
                               setting="aligner", hint="use inter, itermax or mwmf")
        pkg = SimAlignPackageAligner(encoder=load_encoder(encoder), methods=(method,),
                                     name=f"simalign:{encoder}")
        pkg.signature = f"simalign-package|{_encoder_signature(encoder)}|{method}"
        return pkg
    parts = spec.split(":")
    settings: dict[str, Any] = {}
    if len(parts) >= 2 and "=" in parts[-1]:
        settings = _settings(parts.pop(), spec)
    if len(parts) >= 2 and parts[-1] in EMBEDDING_METHODS:
        method = parts.pop()
        encoder = ":".join(parts)
        if encoder in ENCODERS or encoder.startswith("hub:") or Path(encoder).is_dir():
            return _embedding(encoder, method, settings, spec)
    raise ProjectError(f"unknown aligner {spec!r}", setting="aligner",
                       hint="valid forms: " + ", ".join(OFFLINE_CHOICES) +
                            ", hub:<model>:<method>, simalign:<encoder>:<method>, "
                            "file:<pharaoh file>, union(A,B), intersection(A,B), "
                            "grow-diag(A,B), grow-diag-final-and(A,B); methods: "
                            + ", ".join(EMBEDDING_METHODS))
