"""The public datasets the project knows by name: where their files sit, where they come from.

``DATASETS`` is one explicit dict from a name (``"masakhaner2"``) to a :class:`DatasetSpec`. A
spec's ``layout`` is a path pattern under a datasets root (``$PROJ_DATASETS`` or
``../shared/datasets``, see :func:`core.paths.datasets_dir`), with the placeholders ``{lang}``,
``{split}`` and, for line-aligned parallel text, ``{side}`` (each side of a pair ``"en-swa"``:
``en`` then ``swa``).
``url`` is the same pattern on the original public repository, pinned to a commit, and
``sha256`` holds the checksum of each file as published at that commit (computed from verified
byte-for-byte copies; ``None`` where no copy was available to hash).

Nothing here is dataset content: the files are never part of this repository (their licences
forbid it). :func:`download` fetches them for users with internet access, verifying checksums.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from core.cache import atomic_write_bytes, sha256_file
from core.errors import ProjectError
from core.labels import LabelMap
from core.paths import REPO_ROOT, datasets_dir
from core.readers.conll import DOCSTART, read_conll
from core.readers.parallel import read_line_aligned, read_tsv_pairs
from core.readers.pharaoh import read_pharaoh
from core.types import Alignment, Sentence

FORMATS = ("conll", "pharaoh", "parallel", "tsv")


@dataclass(frozen=True)
class DatasetSpec:
    """One named dataset: file layout, format, languages and splits, provenance and checksums.

    ``format``: ``conll`` (token label), ``pharaoh`` (word alignments), ``parallel`` (two
    line-aligned files per pair, one per ``{side}``) or ``tsv`` (two-column file with header).
    ``unavailable`` lists ``(lang, split)`` combinations that do not exist upstream.
    ``docstart``: the files contain ``-DOCSTART-`` blocks; ``docstart_markers`` are the words
    that mark them (DeepL mangled a few markers of the German projections into ``-OCSTART-``).
    """

    name: str
    description: str
    layout: str
    format: str
    languages: tuple[str, ...]
    splits: tuple[str, ...]
    url: str | None
    sha256: Mapping[str, str | None]
    licence: str
    citation: str
    entity_types: tuple[str, ...] = ()
    unavailable: frozenset[tuple[str, str]] = frozenset()
    docstart: bool = False
    docstart_markers: tuple[str, ...] = (DOCSTART,)
    #: True for data shipped inside this repository (``data/``), e.g. the demo corpus.
    bundled: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ProjectError(f"dataset {self.name!r}: unknown format {self.format!r}",
                               hint=f"use one of {', '.join(FORMATS)}")

    def parts(self) -> list[tuple[str, str]]:
        """Every available ``(lang, split)`` combination."""
        return [(lang, split) for lang in self.languages for split in self.splits
                if (lang, split) not in self.unavailable]

    def check(self, lang: str, split: str) -> None:
        """Raise :class:`ProjectError` naming the valid choices if ``(lang, split)`` is unknown."""
        if lang not in self.languages:
            raise ProjectError(f"dataset {self.name!r} has no language {lang!r}",
                               setting="lang", hint=f"choose one of {', '.join(self.languages)}")
        if split not in self.splits:
            raise ProjectError(f"dataset {self.name!r} has no split {split!r}",
                               setting="split", hint=f"choose one of {', '.join(self.splits)}")
        if (lang, split) in self.unavailable:
            have = [s for s in self.splits if (lang, s) not in self.unavailable]
            raise ProjectError(f"dataset {self.name!r} has no {split!r} split for {lang!r}",
                               setting="split", hint=f"{lang} has {', '.join(have)}")

    def _sides(self, lang: str) -> tuple[str, ...]:
        if self.format != "parallel":
            return ("",)
        src, sep, tgt = lang.partition("-")
        if not sep:
            raise ProjectError(f"dataset {self.name!r}: parallel language {lang!r} must be a "
                               "pair like 'en-swa'")
        return (src, tgt)

    def relative_paths(self, lang: str, split: str) -> tuple[str, ...]:
        """The file(s) of one part, relative to the datasets root (two for ``parallel``)."""
        self.check(lang, split)
        return tuple(self.layout.format(lang=lang, split=split, side=side)
                     for side in self._sides(lang))

    def urls(self, lang: str, split: str) -> tuple[str, ...] | None:
        """Download URL(s) of one part, in the order of :meth:`relative_paths`, or None."""
        self.check(lang, split)
        if self.url is None:
            return None
        return tuple(self.url.format(lang=lang, split=split, side=side)
                     for side in self._sides(lang))


@dataclass(frozen=True)
class FileCheck:
    """The state of one expected file under a datasets root."""

    lang: str
    split: str
    path: Path
    exists: bool
    size: int | None = None
    sha256: str | None = None
    expected: str | None = None

    @property
    def status(self) -> str:
        """``missing``, ``mismatch``, ``ok`` (checksum verified) or ``unverified``."""
        if not self.exists:
            return "missing"
        if self.expected is None or self.sha256 is None:
            return "unverified"
        return "ok" if self.sha256 == self.expected else "mismatch"


@dataclass(frozen=True)
class DatasetReport:
    """Result of :func:`check_dataset`: one :class:`FileCheck` per expected file."""

    name: str
    root: Path
    files: tuple[FileCheck, ...]

    @property
    def missing(self) -> list[FileCheck]:
        return [f for f in self.files if f.status == "missing"]

    @property
    def mismatched(self) -> list[FileCheck]:
        return [f for f in self.files if f.status == "mismatch"]

    @property
    def ok(self) -> bool:
        """True when every file is present and none has a wrong checksum."""
        return not self.missing and not self.mismatched

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"{self.name} under {self.root}: {len(self.files)} files ({parts})"


# --------------------------------------------------------------------------------------------
# Registry

_GH = "https://raw.githubusercontent.com"
_MASAKHANE_NER = f"{_GH}/masakhane-io/masakhane-ner/ba5843cd"
_EASY_PROJ = f"{_GH}/ikergarcia1996/Easy-Label-Projection/8e037e14/data/ner_datasets"
_TOPRO = f"{_GH}/boleima/ToPro/9300fd37ea92650f528e027da0f427baae3a62a9/download/panx"
_EUROPARL = f"{_GH}/ixa-ehu/ner-evaluation-corpus-europarl/40e84e215a35c7e46c1b169ad88ab55108a8b0de"
_LAFAND = f"{_GH}/masakhane-io/lafand-mt/d441f8b0/data/text_files"
_MENYO = f"{_GH}/uds-lsv/menyo-20k_MT/0f2b019c/data"

_CITE_MASAKHANER2 = ("Adelani et al. 2022. MasakhaNER 2.0: Africa-centric Transfer Learning for "
                     "Named Entity Recognition. EMNLP 2022.")
_CITE_CONLL03 = ("Tjong Kim Sang and De Meulder 2003. Introduction to the CoNLL-2003 Shared Task: "
                 "Language-Independent Named Entity Recognition. CoNLL 2003.")
_CITE_CONLL02 = ("Tjong Kim Sang 2002. Introduction to the CoNLL-2002 Shared Task: "
                 "Language-Independent Named Entity Recognition. CoNLL 2002.")
_CITE_EASY = ("García-Ferrero, Agerri and Rigau 2022. Model and Data Transfer for Cross-Lingual "
              "Sequence Labelling in Zero-Resource Settings. Findings of EMNLP 2022.")
_CITE_PANX = ("Pan et al. 2017. Cross-lingual Name Tagging and Linking for 282 Languages. "
              "ACL 2017; Rahimi, Li and Cohn 2019. Massively Multilingual Transfer for NER. "
              "ACL 2019; Hu et al. 2020. XTREME. ICML 2020.")

_MASAKHANER2_LANGS = ("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos", "nya",
                      "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul")
_PANX_DEV_LANGS = ("af", "ar", "az", "bg", "bn", "de", "el", "en", "es", "et", "eu", "fa", "fi",
                   "fr", "gu", "he", "hi", "hu", "id", "it", "ja", "jv", "ka", "kk", "ko", "lt",
                   "ml", "mr", "ms", "my", "nl", "pa", "pl", "pt", "qu", "ro", "ru", "sw", "ta",
                   "te", "tl", "tr", "uk", "ur", "vi", "yo", "zh")
_PANX_TRAIN_LANGS = ("gu", "jv", "kk", "my", "pa", "qu", "sw", "te", "yo")
_MAFAND_PAIRS = ("en-amh", "en-hau", "en-ibo", "en-kin", "en-lug", "en-nya", "en-pcm", "en-sna",
                 "en-swa", "en-tsn", "en-twi", "en-xho", "en-yor", "en-zul",
                 "fr-bam", "fr-bbj", "fr-ewe", "fr-fon", "fr-mos", "fr-wol")
_MAFAND_NO_TRAIN = ("en-amh", "en-kin", "en-nya", "en-sna", "en-xho")
_DEEPL_LANGS = ("de", "es", "it", "nl")


def _spec(**kwargs: object) -> DatasetSpec:
    """Build a spec and attach the known checksum (or None) of every file it lists."""
    draft = DatasetSpec(sha256={}, **kwargs)  # type: ignore[arg-type]
    hashes = {rel: _SHA256.get(rel) for lang, split in draft.parts()
              for rel in draft.relative_paths(lang, split)}
    return DatasetSpec(sha256=hashes, **kwargs)  # type: ignore[arg-type]


def _build_registry() -> dict[str, DatasetSpec]:
    specs = [
        _spec(name="masakhaner2",
              description="MasakhaNER 2.0: news NER in 20 African languages (PER/ORG/LOC/DATE).",
              layout="masakhaner2/{lang}/{split}.txt", format="conll",
              languages=_MASAKHANER2_LANGS, splits=("train", "dev", "test"),
              url=f"{_MASAKHANE_NER}/MasakhaNER2.0/data/{{lang}}/{{split}}.txt",
              licence="CC BY-NC 4.0", citation=_CITE_MASAKHANER2,
              entity_types=("PER", "ORG", "LOC", "DATE")),
        _spec(name="conll2003_en",
              description="English CoNLL-2003 as MasakhaNER ships it: MISC mapped to O, "
                          "no -DOCSTART- lines.",
              layout="conll2003_en/masakhane_no_misc/{split}.txt", format="conll",
              languages=("en",), splits=("train", "dev", "test"),
              url=f"{_MASAKHANE_NER}/data/conll_2003_en/{{split}}.txt",
              licence="Reuters Corpus terms (research use)", citation=_CITE_CONLL03,
              entity_types=("PER", "ORG", "LOC")),
        _spec(name="conll2003",
              description="English CoNLL-2003 with MISC and -DOCSTART- blocks; the test set is "
                          "block-aligned with conll2003_deepl_projections.",
              layout="conll2003_deepl/original_gold/{lang}.conll.{split}.tsv", format="conll",
              languages=("en",), splits=("train", "dev", "test"),
              url=f"{_EASY_PROJ}/original/{{lang}}/{{lang}}.conll.{{split}}.tsv",
              licence="Reuters Corpus terms (research use)", citation=_CITE_CONLL03,
              entity_types=("PER", "ORG", "LOC", "MISC"), docstart=True),
        _spec(name="conll_target_gold",
              description="Gold test sets of CoNLL-2003 German and CoNLL-2002 Spanish/Dutch "
                          "(not parallel to English).",
              layout="conll2003_deepl/original_gold/{lang}.conll.{split}.tsv", format="conll",
              languages=("de", "es", "nl"), splits=("test",),
              url=f"{_EASY_PROJ}/original/{{lang}}/{{lang}}.conll.{{split}}.tsv",
              licence="CoNLL-2002/2003 terms (research use)",
              citation=f"{_CITE_CONLL03} {_CITE_CONLL02}",
              entity_types=("PER", "ORG", "LOC", "MISC"), docstart=True),
        _spec(name="evalita2009",
              description="Italian EVALITA 2009 NER gold test set (not parallel to English).",
              layout="conll2003_deepl/original_gold/{lang}.evalita.{split}.tsv", format="conll",
              languages=("it",), splits=("test",),
              url=f"{_EASY_PROJ}/original/{{lang}}/{{lang}}.evalita.{{split}}.tsv",
              licence="EVALITA terms (research use)",
              citation="Speranza 2009. The Named Entity Recognition Task at EVALITA 2009.",
              entity_types=("PER", "ORG", "LOC")),
        _spec(name="demo",
              description="Our own demo corpus (bundled): 66 English sentences with gold "
                          "PER/ORG/LOC/MISC and our translations into pt/de/es/fr/sw with gold "
                          "(sentence k of each file translates sentence k of en).",
              layout="demo/{lang}.conll", format="conll",
              languages=("en", "pt", "de", "es", "fr", "sw"), splits=("test",), url=None,
              licence="CC BY 4.0 (this project)", citation="This project, data/demo/README.md",
              entity_types=("PER", "ORG", "LOC", "MISC"), bundled=True),
        _spec(name="europarl_ner",
              description="Europarl-NER: 799 human-translated parallel sentences with gold NER "
                          "on every side (sentence k of each file translates sentence k of the "
                          "others).",
              layout="europarl_ner/{lang}-europarl.{split}.conll02", format="conll",
              languages=("en", "de", "es", "it"), splits=("test",),
              url=f"{_EUROPARL}/{{lang}}-europarl.{{split}}.conll02",
              licence="Europarl terms (no known copyright restrictions)",
              citation="Agerri et al. 2018. Building Named Entity Recognition Taggers via "
                       "Parallel Corpora. LREC 2018.",
              entity_types=("PER", "ORG", "LOC", "MISC")),
        _spec(name="wikiann_panx_dev",
              description="XTREME PAN-X (WikiANN, Rahimi splits) labelled dev sets, 47 "
                          "languages (PER/ORG/LOC).",
              layout="wikiann/xtreme_panx_dev_labeled/{split}-{lang}.tsv", format="conll",
              languages=_PANX_DEV_LANGS, splits=("dev",),
              url=f"{_TOPRO}/{{split}}-{{lang}}.tsv",
              licence="unknown (WikiANN)", citation=_CITE_PANX,
              entity_types=("PER", "ORG", "LOC")),
        _spec(name="wikiann_panx_train_small",
              description="XTREME PAN-X labelled train sets for nine small languages.",
              layout="wikiann/xtreme_panx_train_small/{split}-{lang}.tsv", format="conll",
              languages=_PANX_TRAIN_LANGS, splits=("train",),
              url=f"{_TOPRO}/{{split}}-{{lang}}.tsv",
              licence="unknown (WikiANN)", citation=_CITE_PANX,
              entity_types=("PER", "ORG", "LOC")),
        _spec(name="wikiann_rahimi_african",
              description="WikiANN (Rahimi splits) with test labels for amh/ibo/kin/swa/yor, as "
                          "distributed by the MasakhaNER project.",
              layout="wikiann/rahimi_african_labeled/{lang}/{split}.txt", format="conll",
              languages=("amh", "ibo", "kin", "swa", "yor"), splits=("train", "dev", "test"),
              url=None,  # upstream path inside masakhane-io/masakhane-ner not recorded
              licence="unknown (WikiANN)", citation=_CITE_PANX,
              entity_types=("PER", "ORG", "LOC")),
        _spec(name="conll2003_deepl_projections",
              description="English CoNLL-2003 translated with DeepL, labels projected by an "
                          "aligner; split names are '<aligner>.<split>'. Test files are "
                          "block-aligned 1:1 with conll2003 en test (read with "
                          "keep_docstart=True); the train file is the 14,987-block DeepL "
                          "translation of the English train set.",
              layout="conll2003_deepl/en2{lang}/projections/DeepL.50000.{split}.tsv",
              format="conll", languages=_DEEPL_LANGS,
              splits=("awesome.test", "fast_align.test", "mgiza.test", "simalign.test",
                      "awesome.train"),
              url=f"{_EASY_PROJ}/automatic_projections/en2{{lang}}/DeepL.50000.{{split}}.tsv",
              licence="Apache-2.0 repository; CoNLL terms", citation=_CITE_EASY,
              entity_types=("PER", "ORG", "LOC", "MISC"), docstart=True,
              docstart_markers=(DOCSTART, "-OCSTART-")),
        _spec(name="conll2003_deepl_alignments",
              description="Pharaoh word alignments (English word i - target word j) behind the "
                          "DeepL test projections, one line per block of the English test set.",
              layout="conll2003_deepl/en2{lang}/alignments/DeepL.50000.{split}.talp",
              format="pharaoh", languages=_DEEPL_LANGS,
              splits=("awesome.test", "fast_align.test.grow_diag_final-and",
                      "mgiza.test.grow_diag_final-and", "simalign.test.itermax"),
              url=(f"{_EASY_PROJ}/automatic_projections/alignments/en2{{lang}}/"
                   "DeepL.50000.{split}.talp"),
              licence="Apache-2.0 repository; CoNLL terms", citation=_CITE_EASY),
        _spec(name="mafand_mt",
              description="MAFAND-MT news parallel text, one sentence per line, line-aligned; "
                          "languages are pairs 'en-xxx' / 'fr-xxx'.",
              layout="mafand_mt/{lang}/{split}.{side}", format="parallel",
              languages=_MAFAND_PAIRS, splits=("train", "dev", "test"),
              url=f"{_LAFAND}/{{lang}}/{{split}}.{{side}}",
              licence="CC BY-NC 4.0 (data)",
              citation="Adelani et al. 2022. A Few Thousand Translations Go a Long Way! "
                       "Leveraging Pre-trained Models for African News Translation. NAACL 2022.",
              unavailable=frozenset((pair, "train") for pair in _MAFAND_NO_TRAIN)),
        _spec(name="menyo20k",
              description="MENYO-20k English-Yoruba parallel text, 'English<TAB>Yoruba' with a "
                          "header line.",
              layout="menyo20k_en_yo/{split}.tsv", format="tsv",
              languages=("en-yo",), splits=("train", "dev", "test"),
              url=f"{_MENYO}/{{split}}.tsv",
              licence="CC BY-NC 4.0",
              citation="Adelani et al. 2021. The Effect of Domain and Diacritics in "
                       "Yoruba-English Neural Machine Translation. MT Summit 2021."),
    ]
    return {s.name: s for s in specs}


# --------------------------------------------------------------------------------------------
# Access


def get_dataset(name: str | DatasetSpec) -> DatasetSpec:
    """The spec registered as ``name`` (a spec passes through); unknown names list valid ones."""
    if isinstance(name, DatasetSpec):
        return name
    try:
        return DATASETS[name]
    except KeyError:
        raise ProjectError(f"unknown dataset {name!r}", setting="dataset",
                           hint=f"choose one of {', '.join(sorted(DATASETS))}") from None


def _root(root: str | Path | None, spec: DatasetSpec | None = None) -> Path:
    if spec is not None and spec.bundled:
        return REPO_ROOT / "data"
    return Path(root) if root is not None else datasets_dir()


def dataset_files(name: str | DatasetSpec, lang: str, split: str,
                  root: str | Path | None = None) -> tuple[Path, ...]:
    """Absolute path(s) of one part under ``root`` (default: :func:`datasets_dir`)."""
    spec = get_dataset(name)
    base = _root(root, spec)
    return tuple(base / rel for rel in spec.relative_paths(lang, split))


def dataset_path(name: str | DatasetSpec, lang: str, split: str,
                 root: str | Path | None = None) -> Path:
    """The one file of a part; for ``parallel`` datasets use :func:`dataset_files`."""
    files = dataset_files(name, lang, split, root)
    if len(files) != 1:
        raise ProjectError(f"dataset {get_dataset(name).name!r} has {len(files)} files per part",
                           hint="use dataset_files() for line-aligned parallel text")
    return files[0]


def _existing(paths: tuple[Path, ...], spec: DatasetSpec, lang: str, split: str) -> None:
    for p in paths:
        if not p.is_file():
            raise ProjectError(f"dataset {spec.name!r} ({lang}, {split}) is not there", path=p,
                               hint=f"set $PROJ_DATASETS to the datasets directory or run "
                                    f"download({spec.name!r}, {lang!r}, {split!r}, root)")


def load_dataset(name: str | DatasetSpec, lang: str, split: str,
                 root: str | Path | None = None, *, keep_docstart: bool = False,
                 label_map: LabelMap | None = None, repair: bool = True) -> list[Sentence]:
    """Sentences of an NER part (``conll`` format), ids ``"<name>/<lang>/<split>:<block>"``.

    A missing file or an empty split raises :class:`ProjectError`. ``keep_docstart=True``
    keeps ``-DOCSTART-`` blocks so that parallel block-aligned files stay aligned.
    """
    spec = get_dataset(name)
    if spec.format != "conll":
        raise ProjectError(f"dataset {spec.name!r} is {spec.format}, not NER sentences",
                           setting="dataset", hint="use load_parallel() or load_alignments()")
    path = dataset_path(spec, lang, split, root)
    _existing((path,), spec, lang, split)
    sentences = read_conll(path, lang=lang, label_map=label_map, repair=repair,
                           id_prefix=f"{spec.name}/{lang}/{split}", keep_docstart=keep_docstart,
                           docstart_markers=spec.docstart_markers)
    if not sentences:
        raise ProjectError(f"dataset {spec.name!r} ({lang}, {split}) has no sentences",
                           path=path, hint="the file is empty; download it again")
    return sentences


def load_parallel(name: str | DatasetSpec, lang: str, split: str,
                  root: str | Path | None = None) -> list[tuple[str, str]]:
    """Sentence pairs of a ``parallel`` or ``tsv`` part (source side first)."""
    spec = get_dataset(name)
    if spec.format not in ("parallel", "tsv"):
        raise ProjectError(f"dataset {spec.name!r} is {spec.format}, not parallel text",
                           setting="dataset")
    files = dataset_files(spec, lang, split, root)
    _existing(files, spec, lang, split)
    pairs = read_line_aligned(*files) if spec.format == "parallel" else read_tsv_pairs(files[0])
    if not pairs:
        raise ProjectError(f"dataset {spec.name!r} ({lang}, {split}) has no sentence pairs",
                           path=files[0])
    return pairs


def load_alignments(name: str | DatasetSpec, lang: str, split: str,
                    root: str | Path | None = None) -> list[Alignment]:
    """Alignments of a ``pharaoh`` part, one per line; the aligner name is the split name."""
    spec = get_dataset(name)
    if spec.format != "pharaoh":
        raise ProjectError(f"dataset {spec.name!r} is {spec.format}, not alignments",
                           setting="dataset")
    path = dataset_path(spec, lang, split, root)
    _existing((path,), spec, lang, split)
    alignments = read_pharaoh(path, aligner=split)
    if not alignments:
        raise ProjectError(f"dataset {spec.name!r} ({lang}, {split}) is empty", path=path)
    return alignments


def check_dataset(name: str | DatasetSpec, root: str | Path | None = None) -> DatasetReport:
    """Which files of a dataset are present under ``root``, with their computed checksums."""
    spec = get_dataset(name)
    base = _root(root, spec)
    checks = []
    for lang, split in spec.parts():
        for rel in spec.relative_paths(lang, split):
            path = base / rel
            if path.is_file():
                checks.append(FileCheck(lang, split, path, True, path.stat().st_size,
                                        sha256_file(path), spec.sha256.get(rel)))
            else:
                checks.append(FileCheck(lang, split, path, False, expected=spec.sha256.get(rel)))
    return DatasetReport(spec.name, base, tuple(checks))


def _fetch(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (pinned URLs)
            return response.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProjectError(f"could not download {url}: {reason}",
                           hint="check the internet connection, or copy the file by hand") from None


def download(name: str | DatasetSpec, lang: str, split: str, dest_root: str | Path, *,
             timeout: float = 60.0, overwrite: bool = False) -> list[Path]:
    """Fetch one part from its public source into ``dest_root`` (same layout as the registry).

    Each file's sha256 is checked against the registry before it is written (atomically); on a
    mismatch nothing is written and :class:`ProjectError` says so. A file already present with
    the right checksum is kept unless ``overwrite``. Files without a known checksum are written
    unverified. Returns the paths of the part's files.
    """
    spec = get_dataset(name)
    urls = spec.urls(lang, split)
    rels = spec.relative_paths(lang, split)
    dest = Path(dest_root)
    if urls is None:
        raise ProjectError(f"no public download address is recorded for dataset {spec.name!r}",
                           hint="place the files by hand at "
                                + ", ".join(str(dest / r) for r in rels))
    out = []
    for rel, url in zip(rels, urls):
        target = dest / rel
        expected = spec.sha256.get(rel)
        if (target.is_file() and not overwrite
                and (expected is None or sha256_file(target) == expected)):
            out.append(target)
            continue
        data = _fetch(url, timeout)
        got = hashlib.sha256(data).hexdigest()
        if expected is not None and got != expected:
            raise ProjectError(f"checksum mismatch for {url}: expected sha256 {expected}, got "
                               f"{got}; the file was not written", path=target,
                               hint="retry; if it persists the source changed, check the "
                                    "dataset's repository")
        atomic_write_bytes(target, data)
        out.append(target)
    return out


# --------------------------------------------------------------------------------------------
# sha256 of every file as published at the pinned commit (relative to the datasets root).
# Computed from byte-for-byte copies of the upstream files.

_SHA256: dict[str, str] = {
    "masakhaner2/bam/train.txt":
        "d8c622197cb1101a374d376f6749a5291c2a9d60b0459fc76162cf60054ddc68",
    "masakhaner2/bam/dev.txt":
        "55df0c8a8cedc5a03f28b4e91ed055e327705127886b94210e79dcfaba6fc4d4",
    "masakhaner2/bam/test.txt":
        "b9eab9168a5042d80bb40f4fa3bcceb173542a8708f834bb34513bf5caf8610a",
    "masakhaner2/bbj/train.txt":
        "9f7154bcd94743ed1caf7cd2409c849dc6114f8e1d8473ff2e500d398d2c0469",
    "masakhaner2/bbj/dev.txt":
        "689aed20d04d0471a23d96f89300aac00476e410693f7d74fa570b0164af03bc",
    "masakhaner2/bbj/test.txt":
        "e6ad57c4255c3f6e37d5dcef6dae93094c9412242f5cf8438117a804334de843",
    "masakhaner2/ewe/train.txt":
        "46afa4361f54718c79c6e33f62fa26859fe34520a8c85f0828a608fc7c1839bd",
    "masakhaner2/ewe/dev.txt":
        "0a1a650e438e33bdac2f7d14ca54c37b9e6d6606a7f617e4e73d658a65b13d97",
    "masakhaner2/ewe/test.txt":
        "7030547411e1883d25dc163112e9687a8a7ea34114c21cf96ea3dbdf4270c226",
    "masakhaner2/fon/train.txt":
        "85c99af3da2cddf7e6daa426af3b981daba4e88a8c11cf7ae8e94761c3d7b83e",
    "masakhaner2/fon/dev.txt":
        "d044bff9935e32be9ce03fcc830149c9fcf00b375517bb161c43d680f11e8b7a",
    "masakhaner2/fon/test.txt":
        "a30b8fba1e8ec7c3e49708b9d97441d35e2f2028e6c5971a2b951aa78ecf4536",
    "masakhaner2/hau/train.txt":
        "54c537b644f246b1d1fca61318151f1e01bcd1039ac3df328aed520934bc6d0f",
    "masakhaner2/hau/dev.txt":
        "1eee64451c25a3c96ae7fd780446ba5b29bf4eaca1b70d1d2c4ebc9571a70951",
    "masakhaner2/hau/test.txt":
        "64c27e3e9ce2d47ee12e6e21ae2047cdc320ef9c65baec7d1f331189a881a234",
    "masakhaner2/ibo/train.txt":
        "1bc7d541bb8c66e86c00f48c15f9edf477c3f2e8696299d81f2c4126a8853dc9",
    "masakhaner2/ibo/dev.txt":
        "75cdebb3d04f4300ac1368e4f72a4e2027e586c31db53771a8da548ce368b2ac",
    "masakhaner2/ibo/test.txt":
        "149eb6edd255b35e204764c868949ac263edb06bd190ec000f24168d3d5f4c7d",
    "masakhaner2/kin/train.txt":
        "46ea60481db59e281b6df813043643fecfbc734cb0ffa3eefe86a80ec78c847f",
    "masakhaner2/kin/dev.txt":
        "f7be4442fd522b4d4b112f660d90b9d4b093c02ca758e247687b1771a1fd6134",
    "masakhaner2/kin/test.txt":
        "07a1a34ec9914b13e36391c90fa0c7db7ac1bee06ee1aa5ca61c7abdeaad9558",
    "masakhaner2/lug/train.txt":
        "99cb8c486293b3582676d2f3f5cf1cb94bcebbb7f3661149adf209df9dd8c65b",
    "masakhaner2/lug/dev.txt":
        "cd9bd5126b9596965748a82082cced9cd66f99611836c1fd10b52e0fe59c03c3",
    "masakhaner2/lug/test.txt":
        "025dd4b7036b21f30dca949fd35550b98c68f59c8b11b33e341cd3fc30adf433",
    "masakhaner2/luo/train.txt":
        "2f47f9ccf39bc819d1b44c024fc39a3b04484b360b2701925bbe659cd139e411",
    "masakhaner2/luo/dev.txt":
        "d7b0db8cf9d080ff12045bb0a57e9d3458b53bc8ae4b39d2ee89e4e658777f8e",
    "masakhaner2/luo/test.txt":
        "0630b7e8867dcd3482a5cd0971cfa27ddfcc5c4af144e93cf8694af4700f28b8",
    "masakhaner2/mos/train.txt":
        "00dd6ff8fc4b0d0c2ab40ed3709e200882361e7bdda0b5cc24ef507811bf260b",
    "masakhaner2/mos/dev.txt":
        "ffff7e0e5dced9dadcf05e96a585a181bc4dda044b3d0d44156dc59eb0923f58",
    "masakhaner2/mos/test.txt":
        "45d6354600b4f082237fc434b9174b9d04ec2f94e920c2037796f44cb5671826",
    "masakhaner2/nya/train.txt":
        "8b4547976a24e14d9f82054d424a6df9b03592ed4e785ac843a1c6b8f6eeb87d",
    "masakhaner2/nya/dev.txt":
        "d689023abfe1008453ba2b940f7ff9f30c7c62bb7ba93de3697043f2572cb6c3",
    "masakhaner2/nya/test.txt":
        "f6b0a9e0a3ab1e806090e1200b2e57057e71699ec435831f511504365c45e4bd",
    "masakhaner2/pcm/train.txt":
        "cfeb244f42664d88d703308ae78b30efd96e01ee47599589bb400a37d5e0465e",
    "masakhaner2/pcm/dev.txt":
        "78b78e2ebe7a66e687216aaa205b792f1f04533382df5d8179a5b05a01c70fa6",
    "masakhaner2/pcm/test.txt":
        "9372969a757e73d2cb1eda46c8aa08f4d5dba7d2b88235fa255e576e65b2e055",
    "masakhaner2/sna/train.txt":
        "4f420d98e3ade1144bf977f3ea73ed85473eb92ca593851e59c340e14f343c92",
    "masakhaner2/sna/dev.txt":
        "8d2fbd73c8821eb26b5704d6db0ef3e3652c974c3d8d3c1a783951021cacfa4a",
    "masakhaner2/sna/test.txt":
        "11e5d87026a333ff8744ae25bac09ea452fe8c841ec05919c951a57a360dc114",
    "masakhaner2/swa/train.txt":
        "bdc27d69d5fb4555e988490cc8bcdd4d7516fa3d81cb838ebe978418e52d13d1",
    "masakhaner2/swa/dev.txt":
        "9fb0d2c4e5b98e8b45bcc275bd63c08ac9b71dc8d40c187bfc0883d89dab86a0",
    "masakhaner2/swa/test.txt":
        "8a165881018514d8e24333e6e785f7e1774d0cdbde56cbc39b76dc87db7235d8",
    "masakhaner2/tsn/train.txt":
        "67681289bce4183df1d6ea6cd1c13a537cad845ef4294b6bffb3be235e46732e",
    "masakhaner2/tsn/dev.txt":
        "237ec6ae77d97c1c6d6747ae84efddf0a31fb63766076f43e3b0cb3b302b0aba",
    "masakhaner2/tsn/test.txt":
        "495aa5fcef618b25f75a7b652e3da66c16076f5f0f6b7e4a9df1fdf97ebfa114",
    "masakhaner2/twi/train.txt":
        "486242d83412106ef4511629e99950fb6fe82dabbcda7dfd28bea9aa081ae28d",
    "masakhaner2/twi/dev.txt":
        "21ba2b19cbb15835be77facaa7278c6352268454d0ee76b8d534fc61ba2e6353",
    "masakhaner2/twi/test.txt":
        "fd47aa9e7f6ac36b3210d3482fe348406981d63c9c0d2b5a32bcb6eecb91702a",
    "masakhaner2/wol/train.txt":
        "e5a29d65e67a444d26fec4ab1b9806d9db9e5222af709498bacbaf90847e1e11",
    "masakhaner2/wol/dev.txt":
        "c7873a6fc7007fede9b2b4ec93313696e5dc9a7c83c212e8335739a9c1fe4914",
    "masakhaner2/wol/test.txt":
        "efb2fef612e86ceff6f8340f6dc9f8c45cef585c9dd814e140a8f90d1731c7c8",
    "masakhaner2/xho/train.txt":
        "700e5abdbe655967098887d2d7d798dee8cc76b9450b06bcb20a893f77e5e256",
    "masakhaner2/xho/dev.txt":
        "a24a97ef218c724330ea902fb14f764231ff9900812da90ca359b09ada28b982",
    "masakhaner2/xho/test.txt":
        "b260ab77df44f95c6cba622c6d553febf68fae1fca2a3930eed65b6f229cf2eb",
    "masakhaner2/yor/train.txt":
        "0be68a94d2433677d08c9895f29cd246dff5c199f0e80face6db69f8fccbc94d",
    "masakhaner2/yor/dev.txt":
        "7b14a2a6abede574ab0abcbb59f06ba6fbf20629fa86dc660f9fec9a6dfa9441",
    "masakhaner2/yor/test.txt":
        "08a4b4cffa1ac1d80217cb371f6bacd13deaeed6c0fa43af5e69f13c42bc6ccd",
    "masakhaner2/zul/train.txt":
        "88ffbf188731aa9001a328b1c111da67e80367139e6425547304207d616ae5ab",
    "masakhaner2/zul/dev.txt":
        "8bb6b06e6c4a347e458ce76df17e3ca646ff34b79ecd0037e69f06a0ac75a35d",
    "masakhaner2/zul/test.txt":
        "06e982fa6feb51c799a2fae33fd9fa5f5a40ebd0a6a798c233d9ca958c202e5b",
    "conll2003_en/masakhane_no_misc/train.txt":
        "888f903f46f5a7b93668d7ebc81dfb7525f579229808c58c2b844415681d0081",
    "conll2003_en/masakhane_no_misc/dev.txt":
        "ec49131c6319f856577c616572bab8903379997058ae709afd8de17d62c98c22",
    "conll2003_en/masakhane_no_misc/test.txt":
        "1f7242fd7176209c850f04d3df60eab56707e76ebacf42bdeb5950c5c58b0d23",
    "conll2003_deepl/original_gold/en.conll.train.tsv":
        "c411faf12bba1d4862efeadd0513e47afd2dd0fc9bc077df02312a8009d96909",
    "conll2003_deepl/original_gold/en.conll.dev.tsv":
        "a094579832e26d63584cc25a1a0267d4ff55d3142a9e2a338d006e4b0c4e88a8",
    "conll2003_deepl/original_gold/en.conll.test.tsv":
        "b8915df79168169830d13b24c2f15bd2dcc0fbe707074a98db39863febb60d52",
    "conll2003_deepl/original_gold/de.conll.test.tsv":
        "8051a48a98210afb97a5807b5b5d648735924dbca6436b7b4077ffdf5e86e0a3",
    "conll2003_deepl/original_gold/es.conll.test.tsv":
        "58a0ecd4bd5919690accc47233247f15ea17c2616095c678e2c2f9a7dd461380",
    "conll2003_deepl/original_gold/nl.conll.test.tsv":
        "4a5e8348f1c6786cf5ed5a00240dd3e7cbed2672c28f06c8993df5f621cf06fc",
    "conll2003_deepl/original_gold/it.evalita.test.tsv":
        "cd40f6d555f2606caafcef99caf71541974eed07a834c54a3b1aa132b137d29d",
    "europarl_ner/en-europarl.test.conll02":
        "c760bdac18678e8715c5ef882516006cc4cb08564abfebcd63e4075b00d07efc",
    "europarl_ner/de-europarl.test.conll02":
        "0441cd4f8895f8fbe18e5660388fbfc7c423eaf80c93f67fe75f6f4f5ba7cc04",
    "europarl_ner/es-europarl.test.conll02":
        "ab1cd8bd29d3e30953db6323cf6337fcc5b2d6feacb8f199d3f69d53616e7aad",
    "wikiann/xtreme_panx_dev_labeled/dev-af.tsv":
        "ce74a257f940062d173d3618c490dfaec3d2d1e6b71237c59a15c77cc6b3277b",
    "wikiann/xtreme_panx_dev_labeled/dev-ar.tsv":
        "20426640430d3732540f38c018bef98ab971286bedf0969f60305dd3f725ccdc",
    "wikiann/xtreme_panx_dev_labeled/dev-az.tsv":
        "45665e603950747078dbc53696c9d01adb19e7d9b11428567970d68a9225a933",
    "wikiann/xtreme_panx_dev_labeled/dev-bg.tsv":
        "49499d53d8201dd44ffe8950413521217cd0caa7f0b0c0add473c6b8ddfcf6d4",
    "wikiann/xtreme_panx_dev_labeled/dev-bn.tsv":
        "fe5578af502fad3c7f6cfa326e85cf9d65123bbaa7a44a49f41c838c7186bb34",
    "wikiann/xtreme_panx_dev_labeled/dev-de.tsv":
        "b50464f9f7ff287b48b5d37906c7f36e19340b659e05456e163fb54a626d03d0",
    "wikiann/xtreme_panx_dev_labeled/dev-el.tsv":
        "49669b002c9bb0b409b185e3c3239d95daeb30298c4f3dc1f2c52db3e63de2d9",
    "wikiann/xtreme_panx_dev_labeled/dev-en.tsv":
        "d70ce55d6e88b6c4cabcd8dbb927219c1dd4cd1c523ff045c7994527ce5fa782",
    "wikiann/xtreme_panx_dev_labeled/dev-es.tsv":
        "6ef2f9620cd45c1743278e9c5edb52a29767548e436509eed4c70583f867a6e2",
    "wikiann/xtreme_panx_dev_labeled/dev-et.tsv":
        "301730b44a479ab2cd5bb33343e2345c8cbb4c6e594b0c16b48d8fb4d1a68d10",
    "wikiann/xtreme_panx_dev_labeled/dev-eu.tsv":
        "b5d02874efb76c1828fd3ec27ec89eab55ca37b9fd932c521adadf39596d8e3e",
    "wikiann/xtreme_panx_dev_labeled/dev-fa.tsv":
        "b92170e3b82a2532a94795157cb8c10b8e7107bf3d77fc40f1eb9131b247e827",
    "wikiann/xtreme_panx_dev_labeled/dev-fi.tsv":
        "965b6eb76c0a86fb20edabe87f6714f87bc0493d5aa940ee8eea9bfa5af7208f",
    "wikiann/xtreme_panx_dev_labeled/dev-fr.tsv":
        "1e318728f3881c25e01e6c02c4c7f2e220ff6fe77fb45a7bd829985236309fcc",
    "wikiann/xtreme_panx_dev_labeled/dev-gu.tsv":
        "f032db26318b292d7a09e4cdd1197b275482fdcccea959dd2f3327d8b4a722cc",
    "wikiann/xtreme_panx_dev_labeled/dev-he.tsv":
        "91222afa233928992a7331037c439439d3232e333ce20964c3e3db11cf328aa3",
    "wikiann/xtreme_panx_dev_labeled/dev-hi.tsv":
        "440eadf30016255ae067ecfb25a49b6f564a558bd25fa085b9b84e17328c02d4",
    "wikiann/xtreme_panx_dev_labeled/dev-hu.tsv":
        "902df9cda1085ad6b0d3e9d7383a63bc1dd66ad107e38c55844a646b21db7a23",
    "wikiann/xtreme_panx_dev_labeled/dev-id.tsv":
        "237c1dc3e72e1983766cf75af8bbebe2565a36015511ef6145b57f3056600c57",
    "wikiann/xtreme_panx_dev_labeled/dev-it.tsv":
        "0411f77322fbffb5c65e7f1d72188ae3afdd3cef4597adf6db1260a07df310f5",
    "wikiann/xtreme_panx_dev_labeled/dev-ja.tsv":
        "18f9faa6742e6938fb08673c654b0f6a89ff0789d9a0eda6c7dd3bef5dac38cd",
    "wikiann/xtreme_panx_dev_labeled/dev-jv.tsv":
        "4d528425dd4abc18503eab9ecdae68b8a6806787869c7691de281fe0652698c0",
    "wikiann/xtreme_panx_dev_labeled/dev-ka.tsv":
        "90590ae2e20d5ab62e6d90c5aeace4644d8d4696a48a21e0b984c2e023c08bcc",
    "wikiann/xtreme_panx_dev_labeled/dev-kk.tsv":
        "85ad6d75e92b5911f8e113ea44931001b2550c2a28304c3c747ea9ac3e238f7b",
    "wikiann/xtreme_panx_dev_labeled/dev-ko.tsv":
        "00495b4b0d6e12ca7b09a3b0ba090a5e968e497e252ff70fea1e0eb46551ff2a",
    "wikiann/xtreme_panx_dev_labeled/dev-lt.tsv":
        "5e44ce7ca8936986071ea7a235cc4a76ebc99839849c9411c1c071f3331e6384",
    "wikiann/xtreme_panx_dev_labeled/dev-ml.tsv":
        "74a88f8c41a2ea868e9b1b92955d9324a063c3ad603197f317bcb99956edddf3",
    "wikiann/xtreme_panx_dev_labeled/dev-mr.tsv":
        "c6c737b277d29e84b3824e0ef088db475e04f5b073c9b16667c6305aecb47b30",
    "wikiann/xtreme_panx_dev_labeled/dev-ms.tsv":
        "bc6bdae4a06f938eb3e96c6d69ec6d523e1d45a9f6859115ca92ee06d11e9e5b",
    "wikiann/xtreme_panx_dev_labeled/dev-my.tsv":
        "cd18b049f41eb6c03037860858c6293799ad952fe4ebc8286d80bbcf15369f1a",
    "wikiann/xtreme_panx_dev_labeled/dev-nl.tsv":
        "103b9f06f411b1d1126f8ab39fea95a2c10eeb8039da5a3639d37e57fe51b4ad",
    "wikiann/xtreme_panx_dev_labeled/dev-pa.tsv":
        "f80d1b76a7099b7a0bd5cf235100a8e44c63f4a88408c3275e74e843940104e2",
    "wikiann/xtreme_panx_dev_labeled/dev-pl.tsv":
        "7fe6ef1b0c669a810ce03f5797ca49ad25528d1d8aabae5fdde4898c2e37f58a",
    "wikiann/xtreme_panx_dev_labeled/dev-pt.tsv":
        "2645dfde15f43dcf739c0a67af3d82c22c85d49cf6e0a75a5360b0841478d879",
    "wikiann/xtreme_panx_dev_labeled/dev-qu.tsv":
        "e8eb570657e83b4813fc7bc4bc9cb08d303f81ef6d82dc08d41663b8bcd6a035",
    "wikiann/xtreme_panx_dev_labeled/dev-ro.tsv":
        "e371849b2d3841d4fcc0e760776efce3e6d0f0d447b8dd8e3cd8b6e33e1b0d0a",
    "wikiann/xtreme_panx_dev_labeled/dev-ru.tsv":
        "7ad3ff8c6490f596e202776ef82b726cad89f29ad24e2073def730a7a540dd3b",
    "wikiann/xtreme_panx_dev_labeled/dev-sw.tsv":
        "980f13712c86cc975dfff00e0e718a9a8b0c0edb4428beb297d0ad28940fb1e5",
    "wikiann/xtreme_panx_dev_labeled/dev-ta.tsv":
        "53cf3b75d47005d3dc05bc8f245577a9fff02b33850c3b2092e0827fb993bae5",
    "wikiann/xtreme_panx_dev_labeled/dev-te.tsv":
        "348d134f232ed44652aaa3f5f1549c36769d94bb60a17dc1fda006cb35c9a6e8",
    "wikiann/xtreme_panx_dev_labeled/dev-tl.tsv":
        "54fcd990cc88e7e4fab93f022caeafdc81007c7e516c94f7590077115b0f2adb",
    "wikiann/xtreme_panx_dev_labeled/dev-tr.tsv":
        "34c3401e1c917355f360bef2b5f749a8eaec71488819d7343e9cca77863cf33c",
    "wikiann/xtreme_panx_dev_labeled/dev-uk.tsv":
        "87b1e078fed803b4c5934b4b7d4655c4fde1eba8cd618979e1d929c87467328a",
    "wikiann/xtreme_panx_dev_labeled/dev-ur.tsv":
        "beebc999f536ed17846aa639f948995fa3a7097b8053395d667177991dc72e38",
    "wikiann/xtreme_panx_dev_labeled/dev-vi.tsv":
        "aa11a22666940532caa650d8b34d108a5a52ff581f25abf348c83f40439b730b",
    "wikiann/xtreme_panx_dev_labeled/dev-yo.tsv":
        "0a6e2341b4073cf6994e98892e39e78f3853e65fd92733543b479998c30b88a3",
    "wikiann/xtreme_panx_dev_labeled/dev-zh.tsv":
        "e0f717f66575bf62cd6229c4efa444e87200078bd4076f43fbc1f23bebdffc85",
    "wikiann/xtreme_panx_train_small/train-gu.tsv":
        "4812248407f4741035a30d34f85615dd5db98005df1c178e878f077a0af78fe0",
    "wikiann/xtreme_panx_train_small/train-jv.tsv":
        "87117e6f5dd072a61c9108bc9a66c5512e4184408af8bb870d93e6e7ba64c6b1",
    "wikiann/xtreme_panx_train_small/train-kk.tsv":
        "8f529cf08b38f7959b74d65c93d40ad1fe82256ba1683fcee007e732caa5d1a0",
    "wikiann/xtreme_panx_train_small/train-my.tsv":
        "e045d067b7c97ff0ddec7d3e0f12fd25c9974a66ec342f773613c66a9e40edb1",
    "wikiann/xtreme_panx_train_small/train-pa.tsv":
        "43cfd9004e1a19c2798f798cc5e5494c9743a24e9962e7647918e592a07a3751",
    "wikiann/xtreme_panx_train_small/train-qu.tsv":
        "315d8e68c909c14c26f8810c99b6d2a2d79b1f6f37bb6a9400e9262bac3e1b7c",
    "wikiann/xtreme_panx_train_small/train-sw.tsv":
        "7b21a877d7d81c8f8e987dd3e4ff8c7994fefbaaf715a3bb8a0e81d97836f2e5",
    "wikiann/xtreme_panx_train_small/train-te.tsv":
        "c24aaf91dec766764563276a4655c77499aaaaf0346b9d5abcee10c8f29688a4",
    "wikiann/xtreme_panx_train_small/train-yo.tsv":
        "f5f672b430692103d201b908b87f8997ec06fe362fefb023b59931fda8333dbb",
    "wikiann/rahimi_african_labeled/amh/train.txt":
        "3512989aaf633fcbace171250dd825c85acee0bd9917e3c1feb0ebaee9208102",
    "wikiann/rahimi_african_labeled/amh/dev.txt":
        "6356c3f55b83797a61d762c1848734f1e038387ab670d3dc39f06435270d7da3",
    "wikiann/rahimi_african_labeled/amh/test.txt":
        "a5c1278982bd762d66e72e2c07e75469171aa1e68f562ef4baf5e994222f5b63",
    "wikiann/rahimi_african_labeled/ibo/train.txt":
        "0eeb3b90e2c327a26df61bda702fbc9a71810ebc880b179f761b9db4f05a884b",
    "wikiann/rahimi_african_labeled/ibo/dev.txt":
        "e41428ca36c49d1e6e8001fc3fa043b4d0a3ef3ee6df8c75980e7e5a4fddb08c",
    "wikiann/rahimi_african_labeled/ibo/test.txt":
        "9c43124701af88a1518c2aa72d42e5c654e95e8d1d6edf7674717f2b626f4bda",
    "wikiann/rahimi_african_labeled/kin/train.txt":
        "f30370e4584d149cab5b907fbcfc4e6d87b907818c10f3245385b86b8f5f5cb7",
    "wikiann/rahimi_african_labeled/kin/dev.txt":
        "a6f95c213db0cabe9e5d2a8f1499454f6e85d1b4882bd8a0eee51f0fede04445",
    "wikiann/rahimi_african_labeled/kin/test.txt":
        "ceda2ce38bf0b649fa40eacaa9e38dc825cb5beb2b8642d2f88fad369c9b6ad2",
    "wikiann/rahimi_african_labeled/swa/train.txt":
        "ec20a87777d0f9b60ccb66e1dd1bb1862783e303db08b27cec6f589350b3b7e7",
    "wikiann/rahimi_african_labeled/swa/dev.txt":
        "f5a0e4d527404607a0d0225f0fb41f8e6d2f2a48db30b4f0328ca657c5f7be70",
    "wikiann/rahimi_african_labeled/swa/test.txt":
        "9a49c20b1fbacf11f005ff8a2a919d1c846143e9b44082ae662f9db60b4e4f20",
    "wikiann/rahimi_african_labeled/yor/train.txt":
        "5ac6229c050f4e1360a481163e1139d7651aa08c1e6f59aa4a0824500f3f81b6",
    "wikiann/rahimi_african_labeled/yor/dev.txt":
        "fd956c82062af53aa22ea47fa2d910d0c6489fa88975617255c18d8d47db14fd",
    "wikiann/rahimi_african_labeled/yor/test.txt":
        "df56d4101c2c96493e3d148599053a0d9cf84fb3f30d917bb835584f18ce568b",
    "conll2003_deepl/en2de/projections/DeepL.50000.awesome.test.tsv":
        "287c3ce4d0bf01fc266e06ff27818470aa318fd8b6364af076ac305a36cd20d6",
    "conll2003_deepl/en2de/projections/DeepL.50000.fast_align.test.tsv":
        "562f8a229497f3dc04d08e32b80aa7fb7c2ddb419330603b1195fa7b36ac7af7",
    "conll2003_deepl/en2de/projections/DeepL.50000.mgiza.test.tsv":
        "2d594c5d9159d01ed46633eddf3a0903ac9d24527b88b94f44e6048716b290f3",
    "conll2003_deepl/en2de/projections/DeepL.50000.simalign.test.tsv":
        "557acba0b223cfce35742dcadf1099a1ed589a58d03fdfd8c031d0ff8e7882eb",
    "conll2003_deepl/en2de/projections/DeepL.50000.awesome.train.tsv":
        "f5a03eec56328c6470fca10f22f6cb1219a32251444aaa98dbc622fd9d5358ff",
    "conll2003_deepl/en2es/projections/DeepL.50000.awesome.test.tsv":
        "ad689d3a6bcf0718e80b4429c6746e83ed335ac0694c654b41b8ec8c4248c44d",
    "conll2003_deepl/en2es/projections/DeepL.50000.fast_align.test.tsv":
        "2b2ce12707c11ddd89bab91e2c2c0d3378bbf76e215e1b8ec19bb85405f4095b",
    "conll2003_deepl/en2es/projections/DeepL.50000.mgiza.test.tsv":
        "fbbd89592419c293836e0da8d633186498fbae74384ffd48a5416f052878bdd7",
    "conll2003_deepl/en2es/projections/DeepL.50000.simalign.test.tsv":
        "b67342f84f1e8a59514097ef9fa41292224a0d6c3c91d9782cda502103806494",
    "conll2003_deepl/en2es/projections/DeepL.50000.awesome.train.tsv":
        "49a9d0148e2f3d85a4d0980962aaefa0316a6f79cf632f87e8ae58bba091fb22",
    "conll2003_deepl/en2it/projections/DeepL.50000.awesome.test.tsv":
        "cb4d5026e0db87cfca6562f1fe903a6932d3a088abcfb4c231ee403cd760d468",
    "conll2003_deepl/en2it/projections/DeepL.50000.fast_align.test.tsv":
        "1eecdd18a486f3bb8393c4858f11451f93750c3b2ef817bbb80bb987ca2b18ce",
    "conll2003_deepl/en2it/projections/DeepL.50000.mgiza.test.tsv":
        "6996c0b1ec38ee5e7bc3d990a74f181908f067796021415e41494956701e705f",
    "conll2003_deepl/en2it/projections/DeepL.50000.simalign.test.tsv":
        "08c8ffbbb55d0b2c60e4dc554ff2edb07e9d10c4eac17931d7851d0cf0519dc0",
    "conll2003_deepl/en2it/projections/DeepL.50000.awesome.train.tsv":
        "fe8c3d05123e67007ebfcd4e8f2ee06a9d5001566a4abde7a4dab90dc10e1a87",
    "conll2003_deepl/en2nl/projections/DeepL.50000.awesome.test.tsv":
        "0ab915230e2e030b39284a42023de66aee1ca44a9f036a6fae135e499365b145",
    "conll2003_deepl/en2nl/projections/DeepL.50000.fast_align.test.tsv":
        "eb7c8b9eb681fda36a47ec6264dfd8ae7ff754816cae2c7c394a3acc28d5dea3",
    "conll2003_deepl/en2nl/projections/DeepL.50000.mgiza.test.tsv":
        "05b3e832745ef7fd5262da485df3c8408fee3eea30ecf3d9885fd850c62e42e4",
    "conll2003_deepl/en2nl/projections/DeepL.50000.simalign.test.tsv":
        "9e7aeaea7d8c421180e0f91534242667091e543791d191ea511d6c05390991c1",
    "conll2003_deepl/en2nl/projections/DeepL.50000.awesome.train.tsv":
        "b6cbc5b2d039b00eb3fd45a1ecdd35392af2fb4afe1bb84c8a041d037e6c3fc1",
    "conll2003_deepl/en2de/alignments/DeepL.50000.awesome.test.talp":
        "2f26b39cfefe36919cd5a84d4e3f6157cd61fb9e7fd880459aa94a52b934c01f",
    "conll2003_deepl/en2de/alignments/DeepL.50000.fast_align.test.grow_diag_final-and.talp":
        "90240b9654ba420e435d89a2d0d7e97090e4a45cb8ce82324d93389ec52336d6",
    "conll2003_deepl/en2de/alignments/DeepL.50000.mgiza.test.grow_diag_final-and.talp":
        "f3a369cb98967c82f1a6ecb224580dfc9fe7cef23a95bb6388ab40c21be27586",
    "conll2003_deepl/en2de/alignments/DeepL.50000.simalign.test.itermax.talp":
        "b3a2c2b9b8556f80ccbe4fb8e2f6f148766d9142ae279da3f7154c441f1a9702",
    "conll2003_deepl/en2es/alignments/DeepL.50000.awesome.test.talp":
        "223e65cf10a52faacbe6e3f0dc21ed36b646268dde09b8a3c589dafd0ec5f96b",
    "conll2003_deepl/en2es/alignments/DeepL.50000.fast_align.test.grow_diag_final-and.talp":
        "8b55cf498c71f92089b9ea6eca330a6f729c12098d781be59880b4b23e7012dd",
    "conll2003_deepl/en2es/alignments/DeepL.50000.mgiza.test.grow_diag_final-and.talp":
        "3107ac631b08bb5d9cbc67243c55b15f54132ec1bb06295a33d7bb299d699b83",
    "conll2003_deepl/en2es/alignments/DeepL.50000.simalign.test.itermax.talp":
        "ac929151c238403805c51b68a64404aa8fbdd5bcbe1867349fcb8ee8ff121ade",
    "conll2003_deepl/en2it/alignments/DeepL.50000.awesome.test.talp":
        "57f1f4e84d3afcee7de3619f78c71837b90f0a8e007c82845ad519fca2faf54d",
    "conll2003_deepl/en2it/alignments/DeepL.50000.fast_align.test.grow_diag_final-and.talp":
        "cf1f79b207c1d657422cdb364b148856326b0b60c68f85bf6251f9fbbcbb6c42",
    "conll2003_deepl/en2it/alignments/DeepL.50000.mgiza.test.grow_diag_final-and.talp":
        "1b609a2a52618c63ad643d8892b8cd0ce706e933957d1e694f950bce0a5e268a",
    "conll2003_deepl/en2it/alignments/DeepL.50000.simalign.test.itermax.talp":
        "f7495fc68265b68b22f1fee2a8c12b15570a4ea24840450d4dc47f599906da28",
    "conll2003_deepl/en2nl/alignments/DeepL.50000.awesome.test.talp":
        "3be2dabf09226fff9e11700e5e772f8d61968cb079b52d6f6bd49f99f0d54815",
    "conll2003_deepl/en2nl/alignments/DeepL.50000.fast_align.test.grow_diag_final-and.talp":
        "a0e15fcf67bade5471c4e1f0384fc90b6d36a29677523466699af4cdcf533dd2",
    "conll2003_deepl/en2nl/alignments/DeepL.50000.mgiza.test.grow_diag_final-and.talp":
        "603c056fdf1b8bb921d690ce4541e77c7fbf258d34f79893561d64de5a215023",
    "conll2003_deepl/en2nl/alignments/DeepL.50000.simalign.test.itermax.talp":
        "c0040c97a38dcaa6e38c4e60c13966c0ecda8a00856cb2955a3f6e7a4265774e",
    "mafand_mt/en-amh/dev.en":
        "33452fc372551e980a53646f828a310fa279654861b0cfd600571881c44f9b14",
    "mafand_mt/en-amh/dev.amh":
        "cc39c36f0d014178d2dbfb54df4c636d557d720d44ec9597a972383d4563a4f1",
    "mafand_mt/en-amh/test.en":
        "9fa8bd589aa9642910de2bbb1f7483b8b1d915c72177e07d34be91e343c8076e",
    "mafand_mt/en-amh/test.amh":
        "4bc52f1cc6922b5543fc9ddd5ddae13f45aec4e436706df6eebff355f476193d",
    "mafand_mt/en-hau/train.en":
        "1ba52ed24a0292a6a81dfc4ccc7fb409762981eb6b42d75ff0808c5b6a726bc1",
    "mafand_mt/en-hau/train.hau":
        "6749e5c27ba5685af793284e0c18571a3f75e3c25d0b3746ee4497527520683d",
    "mafand_mt/en-hau/dev.en":
        "6dcc2b92a9aa7c06fbd69a6f925f9717516f5f8bb93a48738b0322f06797b6ee",
    "mafand_mt/en-hau/dev.hau":
        "62afaee1d1f955289089f909f5f4c5e806ab346eb8b2927d8e8b0894d157c5e5",
    "mafand_mt/en-hau/test.en":
        "c824cb0a241e903f4e783b0cc88c1396e63c152e9c802e1da959589730779ead",
    "mafand_mt/en-hau/test.hau":
        "e1f71b7790cbe0360d7b551d422e9df0757cb5effe9f22c8d50481db665ef81c",
    "mafand_mt/en-ibo/train.en":
        "b032197b9f0b7b3c72bb07a4fa84d3b65bb86be1df65a3ed1d41fe01da93bedb",
    "mafand_mt/en-ibo/train.ibo":
        "7aa7864de24bc9434d826c1b934f0347f036fc7345c4b745ea55a2e6fe4ae393",
    "mafand_mt/en-ibo/dev.en":
        "99510f60b4d13d8e8cd0eb762a323ab641bc604d96f545b89ec5de02821e6548",
    "mafand_mt/en-ibo/dev.ibo":
        "8f8e8abf461d8a4bd02dea14f4af4886b44f56ab316b2d170ee98b10ed18e912",
    "mafand_mt/en-ibo/test.en":
        "456746a8a4e9edfa816735e7829b14d64d5cd645fce2046738c12a3462d69936",
    "mafand_mt/en-ibo/test.ibo":
        "d90aeb7e455a9045e1db61ccf929fd75a42a514ebbc569b0fc110ab214f94beb",
    "mafand_mt/en-kin/dev.en":
        "3ea57edc976f1e2dde189ca7bc4dd155545459300657e856ed1306ab622a9b93",
    "mafand_mt/en-kin/dev.kin":
        "7c9a0c942fbd9620418a57a9f5be596ba622a7b5fb7e3f11a19a588fd9b669e1",
    "mafand_mt/en-kin/test.en":
        "f82ef0958ac4e5fd59b80fa1b7ce28b808994db5e4051c264ab987233457443f",
    "mafand_mt/en-kin/test.kin":
        "94ed3fcb2ba06775b99ff0c528840f4d0ff103df62e3677d26a7547249cd7c98",
    "mafand_mt/en-lug/train.en":
        "29ef5c330aa3d107a39ff0d35bf44d67fcf1a6511aee58063e534aa01bad2b0d",
    "mafand_mt/en-lug/train.lug":
        "dae32bd2ad0ea02ff8de3151c2691a427af7536bd3d2263c010f60cdadf428a2",
    "mafand_mt/en-lug/dev.en":
        "5019b2b4be740fa8e7e130850530b36ee96f13f9fbc433508e94fd185932d36f",
    "mafand_mt/en-lug/dev.lug":
        "285077d0bd77412c0df988615674d135846198ba4eb83855676e4558e4668164",
    "mafand_mt/en-lug/test.en":
        "30059653d2d3d84ab2b43d12529793fbc11954582d6c13b516f3d7ca0d7f870a",
    "mafand_mt/en-lug/test.lug":
        "a709e291d07fd52f6367804f9eeeadfca94ae9d84258ad2c556ed8b2d3591808",
    "mafand_mt/en-nya/dev.en":
        "6fd19fba284ea6db3345d910d4e8991636e44b98fb67925b2e730de58f9ebd44",
    "mafand_mt/en-nya/dev.nya":
        "b7ccd812c3e5a125d9b873eba3bfb8db2bb02ab683c7ca1f8edc68bb702cec9b",
    "mafand_mt/en-nya/test.en":
        "9eb9e5b65afb0137a6531ad545b92d7c193bb204f4458d2b0c816b8b70a800a9",
    "mafand_mt/en-nya/test.nya":
        "1b38ae79b413ec3a46f062f60ebfa6fa76661ec50abc2aeeb6c2eb6065505d48",
    "mafand_mt/en-pcm/train.en":
        "ccfac3cf6fc41bf1ce7382b8c323997f71454e46aa94e3496784bebfc96a28d3",
    "mafand_mt/en-pcm/train.pcm":
        "d2f0aac5b801fc3187dba32f146a6793d216a8758db24ef341e7795b22c02e46",
    "mafand_mt/en-pcm/dev.en":
        "11604e3240281e5744314e43f7b81004c0d033b38fb80e9da3a6e8a13d0a39c8",
    "mafand_mt/en-pcm/dev.pcm":
        "c9b04dfc26f8463af4c866bf9b7c529a39097bed7875381ed9925687a7acef87",
    "mafand_mt/en-pcm/test.en":
        "c4b17a61a52a09e7e0b446ba3f99243be350fed2e3b93c569b74bab7865f9517",
    "mafand_mt/en-pcm/test.pcm":
        "d61393d43601714baab3e3cd726be438d4dc1e6951cbf8f8dc644d704ef5bc0b",
    "mafand_mt/en-sna/dev.en":
        "12f29941d4c8471dabbd2d9069ca52b022a64acec2bc66e904b74a1fff62f4da",
    "mafand_mt/en-sna/dev.sna":
        "e1a1906dbef1a236dbc2615c11e4deb358a4fa8c255976fc02e23f3be7b5b165",
    "mafand_mt/en-sna/test.en":
        "a825497afcfbd6149dfebe878c683acd13653f46b87f73f21e0e8ebd6edbdc95",
    "mafand_mt/en-sna/test.sna":
        "6a51ebc948ade9c870ecf50670005e086e78b343a5f8ec96a4736d83eac071c7",
    "mafand_mt/en-swa/train.en":
        "bc6c6f0099aea15ad3a3ffa90d510815d55a004cf1a5c5ebdaba725b3fc52ff1",
    "mafand_mt/en-swa/train.swa":
        "561e4e04014ad64ff6f1878cbcb461b08ad0b1128e4813d554ac0c9830409e67",
    "mafand_mt/en-swa/dev.en":
        "1424c085d0a628a3edf3ed683b89fb184811d2c21f7363f179d5b4305222770d",
    "mafand_mt/en-swa/dev.swa":
        "7cc6dd699ac52b86d99ee79667a01dd9981149c484970cec92d679c065960ff6",
    "mafand_mt/en-swa/test.en":
        "584837ea4a3f4729277e8d5ce8f3b65ab7ef2d5ac28451e0cdcf711266bc68a1",
    "mafand_mt/en-swa/test.swa":
        "ec71f7403fb22ac71aba757c841a10ac9501efa2690045013449080a2821d98c",
    "mafand_mt/en-tsn/train.en":
        "9c823b80c2ca494c53212d2d92450c236331261f938127d8a06761c92ce77ab4",
    "mafand_mt/en-tsn/train.tsn":
        "39940a91586c120ece2cf66c262e211f0fdf7cb1951f82eef2077749450cd2b0",
    "mafand_mt/en-tsn/dev.en":
        "120f72c92307b7bb54a69d5447d1cff6b138668be5df0fc47654e83566d3039a",
    "mafand_mt/en-tsn/dev.tsn":
        "9712333b75266a26888a2c7d909dfccc05f0a19073898872d65891b8274a8b50",
    "mafand_mt/en-tsn/test.en":
        "1a9d73574aedfe3acfba80b3ee6a20c0cb5c814a643b11f01b365dfd77b6acc7",
    "mafand_mt/en-tsn/test.tsn":
        "6241e236d09ef54510fa229bbe01f57beeef5798797af4bff0065c0c7a3feb14",
    "mafand_mt/en-twi/train.en":
        "0c3e374cdd9d7181755f1dab3a7845e69dbec3ee218f1a85088eb53539ccecfd",
    "mafand_mt/en-twi/train.twi":
        "4f3358caba2201725d401b743b3d34fca52ee019ab238a77f1560180e34b2228",
    "mafand_mt/en-twi/dev.en":
        "9ae73d41224d385962cf174d5c4f80e6b22c3cf9092bd80b5b05f3e3d522c611",
    "mafand_mt/en-twi/dev.twi":
        "458d5eaef617c8989a36ff230f7f60ba8a95f0e66c1961802b6254b8c83e7204",
    "mafand_mt/en-twi/test.en":
        "7e26c8614b20bcaf3963bdd2262892b31c1e5d37e96acb615f36b94ba79bd74d",
    "mafand_mt/en-twi/test.twi":
        "a0fe22f380fa40bc112d692b0de145b0c2b0a5858357b412a49e7e11cd6c73b9",
    "mafand_mt/en-xho/dev.en":
        "1d499e10d7e9c460b01fd0fc9a71bf7fa685fbbf22d7a769744afdd113986abf",
    "mafand_mt/en-xho/dev.xho":
        "36ddb46fd4404f0d546191c11e83d86465bde66b6598677f1470c33e09c4952b",
    "mafand_mt/en-xho/test.en":
        "6dad1c87f5c8aa4349ef544cbcbaca3eadfd9bd833d4e7fe7c8a6ca92055d038",
    "mafand_mt/en-xho/test.xho":
        "4f2c15c2a513ea5126597a4c3be225b3e8e3aca22fb77f57c911120dd24e87d6",
    "mafand_mt/en-yor/train.en":
        "2f0f1a4fbc85a1c8c0eecfd53b251ea017dc3563fd4163a6122280141d1d51d7",
    "mafand_mt/en-yor/train.yor":
        "ba3ec6900bdc4c22536649470f4b8a6d968b8907ba264b14c9dbbb749dd42c98",
    "mafand_mt/en-yor/dev.en":
        "cca844e0ff24ec194bc26bb4516829958d5ca107e1be37e10bd5427e7a04297e",
    "mafand_mt/en-yor/dev.yor":
        "daba8dc557860a498d907c1e80acc53a312a3c4db51dac5a99fb9d7742448f40",
    "mafand_mt/en-yor/test.en":
        "14450871324f84a06d555c24ce443255eae7d17cf573c24b7a371b2e6b7815ff",
    "mafand_mt/en-yor/test.yor":
        "4afdb8b53e51847cd1d5589abc7e89de3dd5efa3d538f7dd8b6e80b85ff93730",
    "mafand_mt/en-zul/train.en":
        "1044785bbc675c73311f78cca274cfb03d5d98e77552e33f82f930218e5ac5f7",
    "mafand_mt/en-zul/train.zul":
        "9ce4acc42c98f6598efbe959740e489fc60d59240c226f688b8bf8a26b9e4d85",
    "mafand_mt/en-zul/dev.en":
        "4c2fb2ca804ba51e4df7d3ed2dee0a00e489f74b3af1d52846f2a2036a8f7d9a",
    "mafand_mt/en-zul/dev.zul":
        "194eb4ab90fdd49140645437534c9fb4b901b8523ec7e940afaef6057041bdba",
    "mafand_mt/en-zul/test.en":
        "14b62afd42624cea5d56413874bfac2aa1e6649ba4896e72bd43e6a911f84b54",
    "mafand_mt/en-zul/test.zul":
        "f809e5939908a42adb81e428e9ebc2dddaebde75068610e2bb329ce8dc4f0e06",
    "mafand_mt/fr-bam/train.fr":
        "78287e3eedf0214388471efa57f54c3bac435a4f4f8dc1cb7c885f7eca3a93d9",
    "mafand_mt/fr-bam/train.bam":
        "6c1a78b4c367d6cb35707e9a237e4884d87dd173feebb069045ae6ff464ca894",
    "mafand_mt/fr-bam/dev.fr":
        "3893994f822ec77efad5791a7ed82178ae4b0d61deebfe803b6366bed288aa24",
    "mafand_mt/fr-bam/dev.bam":
        "79018aa5425d65df701679b39be8113213f828403e349082580d895344a9b476",
    "mafand_mt/fr-bam/test.fr":
        "ce2ac8d35b05d36d118650f4b45c6e3f941616c47b83d13eae86f4062cef9397",
    "mafand_mt/fr-bam/test.bam":
        "676dfcb31e4bce3700c20a878437644d84c77fa9d1d4ca2407802c5b3481d22c",
    "mafand_mt/fr-bbj/train.fr":
        "d600db75b6ba74ee44ff305524a74e946be3e4c55f1505c2274a7e438211bfdf",
    "mafand_mt/fr-bbj/train.bbj":
        "ba10b4fed2c783663b79e5e5359405e6c0edfa6389fe6a595bea83487e7a27c2",
    "mafand_mt/fr-bbj/dev.fr":
        "8f1907c1e7edb3c3cfd15fa40b31e6f16c8449ec2067ab5be084e1b74c2671b4",
    "mafand_mt/fr-bbj/dev.bbj":
        "1fcbe027bf25b4fda1e555fd34ef2e5244bb9fb85519dd3831447400c451447c",
    "mafand_mt/fr-bbj/test.fr":
        "91c51565835ddb61c344f10e35a71a9f03e07ce3d84784d095c8ab87ebca8f04",
    "mafand_mt/fr-bbj/test.bbj":
        "5ae01187dff7b2acdd46351f2aab97002a8165ddfeb8d179cce34c956705f2cc",
    "mafand_mt/fr-ewe/train.fr":
        "f1466c5b18f1782d41cdf957dae56d21f9198b0cd35582cd4d7f1db971b44717",
    "mafand_mt/fr-ewe/train.ewe":
        "fcadbbca8afc7022eb548fc63b99fcbcbd4a496a910890e2c13fcad3aa52c63a",
    "mafand_mt/fr-ewe/dev.fr":
        "96f3f5076eb1858ce87eab6815ff6e61b0ce93270c1b168263e03a8bafbaf3ce",
    "mafand_mt/fr-ewe/dev.ewe":
        "c6a29ceb363b23f38fc7591bf8a59921df07e7c3e968ca281955ea24b09a54ee",
    "mafand_mt/fr-ewe/test.fr":
        "35c1f0bb9baa18233f0989b0ea04e9276a74c65bb388db7abbcf59e3c329bbb2",
    "mafand_mt/fr-ewe/test.ewe":
        "db2dd60a7a1fdde35d45d32d3bc82f61cef46e333c0fc3f71d24f270957fdcdd",
    "mafand_mt/fr-fon/train.fr":
        "c067acc436550ad9e3f62979ed3f684165bc4a2786b57c396789c46e81e70aa6",
    "mafand_mt/fr-fon/train.fon":
        "dbcd1184273c29bcedf516717d9b143008487250b3245eb479384efe37906fea",
    "mafand_mt/fr-fon/dev.fr":
        "ea05562274049ce6c5fae0f2d820df134a5b5c4842fb4fb9d7f4f78bfc5fc200",
    "mafand_mt/fr-fon/dev.fon":
        "4bcbdea5c9814bd2d631a6e2108f6ebb445f5949866fdc01dc6d7ad5e762d92a",
    "mafand_mt/fr-fon/test.fr":
        "44ac9220f624c67d2b20c89c48df1db9f7fa6dfd7b805d61c63de20a94d7c4a2",
    "mafand_mt/fr-fon/test.fon":
        "6697e52047fa59f0ffb57f56c4232db03b62cc254e6f95a3e9a98a7618c6ad7a",
    "mafand_mt/fr-mos/train.fr":
        "af3982eb14ddda400a51e4d9ed965fff4abdc0eebe28bbd807284d880a0a9460",
    "mafand_mt/fr-mos/train.mos":
        "8776051d5e6b930df6ce8094326a8d75ee7a98bc732d7e54d9b1e898ad7f816a",
    "mafand_mt/fr-mos/dev.fr":
        "c7aab33a69b054fe0a35396d8fdf86193c686d42041b0ffe7b3b60884a66ec0b",
    "mafand_mt/fr-mos/dev.mos":
        "a2ac7a147a471db598065a9329da270db022debd30d59f4e225f5bcb6a9f7316",
    "mafand_mt/fr-mos/test.fr":
        "753673be6456275e2d780c994ce66da70dfde2bdd60bd56029cdd37096f640ae",
    "mafand_mt/fr-mos/test.mos":
        "ff6a0a281a2faabf08245f19c2625f1d28b1f97eee5982a4d3ed177db8d01b59",
    "mafand_mt/fr-wol/train.fr":
        "987c466f9eff9eb0e5eff1d37a0ca9df732906ae7b8e80641272393aa9b0f939",
    "mafand_mt/fr-wol/train.wol":
        "25e20bf635e30b594c6588610dfe2b513c29affb41350203d9c008553f6f582f",
    "mafand_mt/fr-wol/dev.fr":
        "804afe0c3f493efdce83d51c45f5beb3debb6c25cacd494be800e5fb47daa7d4",
    "mafand_mt/fr-wol/dev.wol":
        "7d762845b7afd48cac1f05ba4e3ef157e5fb5b300f84ab2549049e482612791d",
    "mafand_mt/fr-wol/test.fr":
        "a1bcd21130ef55231a09ac9a3b5530ac8af3a7f7d47f5e883a1d8e8ef06f3b98",
    "mafand_mt/fr-wol/test.wol":
        "50b59b30dadf320882633149e9764537947db2eaf9fca2e68f64ed1767e61709",
    "menyo20k_en_yo/train.tsv":
        "3c152119d4dc1fba12ee9424f1e7fd11648acfa8e2ea7f6464a37a18e69d9a06",
    "menyo20k_en_yo/dev.tsv":
        "1dc0d4a6839077495c4999fcf769fe7be9135f3410750cf2a165d70076001f2f",
    "menyo20k_en_yo/test.tsv":
        "43673048b1f163f96f085906b26e28a219a660c4e5fa9064d556576a861a7a43",
}

DATASETS: dict[str, DatasetSpec] = _build_registry()
