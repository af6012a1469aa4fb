"""The public datasets the project knows by name: where their files sit, where they come from.

``DATASETS`` is one explicit dict from a name (``"masakhaner2"``) to a :class:`DatasetSpec`. A
spec's ``layout`` is a path pattern under a datasets root (``$PROJ_DATASETS`` or
``../shared/datasets``, see :func:`core.paths.datasets_dir`), with the placeholders ``{lang}``,
``{split}`` and, for line-aligned parallel text, ``{side}`` (each side of a pair ``"en-swa"``:
``en`` then ``swa``).
``url`` is the same pattern on the original public repository, pinned to a commit, and
``sha256`` holds the checksum of each file as published at that commit (computed from verified
byte-for-byte copies; ``None`` where no copy was available to hash), read from
``data/datasets.sha256`` (:data:`CHECKSUMS_FILE`, ``sha256sum`` format).

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
# Checksums


def read_checksums(path: str | Path | None = None) -> dict[str, str]:
    """``{relative path: sha256}`` from a file in ``sha256sum`` format (default
    :data:`CHECKSUMS_FILE`): one ``<64 hex digits>  <path>`` per line (``sha256sum``'s binary
    marker ``*`` before the path is accepted). A malformed or repeated line raises
    :class:`ProjectError` naming the file and line."""
    path = Path(path) if path is not None else CHECKSUMS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError("checksum file not found", path=path) from None
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        digest, sep, rel = line.partition(" ")
        rel = rel[1:] if rel[:1] in (" ", "*") else ""
        if not sep or len(digest) != 64 or not rel \
                or any(c not in "0123456789abcdef" for c in digest):
            raise ProjectError(f"not a sha256sum line: {line!r}", path=path, line=n,
                               hint="expected '<64 lowercase hex digits>  <relative path>'")
        if rel in out:
            raise ProjectError(f"{rel} is listed twice", path=path, line=n)
        out[rel] = digest
    return out


#: sha256 of every registered file as published at the pinned commit, in ``sha256sum`` format
#: with paths relative to the datasets root, computed from byte-for-byte copies of the upstream
#: files. Check a datasets directory with ``cd <datasets> && sha256sum -c --ignore-missing
#: <repository>/data/datasets.sha256``.
CHECKSUMS_FILE = REPO_ROOT / "data" / "datasets.sha256"
_SHA256: dict[str, str] = read_checksums(CHECKSUMS_FILE)

DATASETS: dict[str, DatasetSpec] = _build_registry()
