"""Builders of tiny random Hub-format models for tests (no network, well under a second each).

Each builder trains a small tokenizer with the ``tokenizers`` library on the hand-written
corpus below, builds a model with tiny dimensions and a fixed seed, and writes both with
``save_pretrained`` into a directory, which then loads with ``AutoTokenizer`` /
``AutoModel*.from_pretrained(directory)`` like a real Hub checkpoint. The weights are random:
these models check plumbing (sub-words <-> words, batching, language codes, label decoding),
never quality.

- :func:`build_tiny_nllb` — M2M100 seq2seq with an ``NllbTokenizer`` (BPE + language-code
  special tokens such as ``por_Latn``), the architecture of ``facebook/nllb-200-*``.
- :func:`build_tiny_token_classifier` — token classification with id2label
  ``O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC``; ``arch="xlmr"`` (Unigram/Metaspace
  tokenizer, like ``xlm-roberta-large-finetuned-conll03-english``) or ``arch="bert"``
  (WordPiece). With ``rule=`` the weights are set by hand so that the label of every position
  is ``rule(sub_token)`` regardless of context (see :func:`_make_context_free`).
- :func:`build_tiny_bert` — a ``BertModel`` encoder with a WordPiece ``vocab.txt`` (for
  aligner tests; awesome-align can load it too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

CORPUS = [
    "Angela Merkel visited Microsoft in Redmond on Monday .",
    "The European Commission met in Brussels last week .",
    "Maria Silva works for the United Nations in Geneva .",
    "João mora em São Paulo e trabalha na Petrobras .",
    "A Comissão Europeia reuniu-se em Bruxelas na segunda-feira .",
    "Die Europäische Kommission tagte am Montag in Brüssel .",
    "Der Präsident sprach mit Journalisten in Berlin .",
    "Le président a rencontré des journalistes à Paris .",
    "Barack Obama was born in Honolulu , Hawaii .",
    "The company Apple opened a new store in London yesterday .",
    "Ela comprou livros novos para a biblioteca da escola .",
    "We translated the sentences and aligned every word carefully .",
    "The river flows through the old city towards the sea .",
    "Peter Blackburn wrote a report for the newspaper in 1996 .",
    "Os jogadores do Benfica treinaram em Lisboa durante a manhã .",
    "Kofi Annan spoke at the meeting of the African Union in Addis Ababa .",
    "Siemens und Volkswagen investieren in München und Wolfsburg .",
    "Ngozi Okonjo-Iweala leads the World Trade Organization .",
]

#: The label set of the token-classification builder (IOB2, CoNLL types without MISC).
TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")

#: Language codes the tiny NLLB tokenizer knows (a subset of NLLB-200's).
NLLB_CODES = ("eng_Latn", "por_Latn", "deu_Latn", "fra_Latn", "swh_Latn", "yor_Latn")


def _corpus(repeat: int = 3) -> list[str]:
    return CORPUS * repeat


def _train_bpe(vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size,
                                  special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  show_progress=False)
    tok.train_from_iterator(_corpus(), trainer=trainer)
    return tok


def _train_unigram(vocab_size: int):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, unk_token="<unk>",
                                      special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                      show_progress=False)
    tok.train_from_iterator(_corpus(), trainer=trainer)
    return tok


def _train_wordpiece(vocab_size: int):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size,
                                        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]",
                                                        "[MASK]"],
                                        show_progress=False)
    tok.train_from_iterator(_corpus(), trainer=trainer)
    return tok


def _bert_tokenizer(directory: Path, vocab_size: int, max_length: int):
    from transformers import BertTokenizerFast

    trained = _train_wordpiece(vocab_size)
    vocab = trained.get_vocab()
    tok = BertTokenizerFast(vocab=vocab, do_lower_case=False, strip_accents=False,
                            model_max_length=max_length)
    tok.save_pretrained(directory)
    # A plain vocab.txt (one piece per line, in id order), as real BERT checkpoints have.
    ordered = sorted(vocab.items(), key=lambda kv: kv[1])
    (directory / "vocab.txt").write_text("".join(f"{piece}\n" for piece, _ in ordered),
                                         encoding="utf-8")
    return tok


def build_tiny_nllb(directory: Path, *, seed: int = 0, vocab_size: int = 260,
                    max_positions: int = 128, max_length: int = 24) -> Path:
    """An M2M100 seq2seq model + ``NllbTokenizer`` knowing :data:`NLLB_CODES`; returns the
    model directory (``directory / "tiny-nllb"``)."""
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration
    from transformers import NllbTokenizer

    out = Path(directory) / "tiny-nllb"
    out.mkdir(parents=True, exist_ok=True)
    trained = _train_bpe(vocab_size)
    model_json = json.loads(trained.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model_json["merges"]]
    tok = NllbTokenizer(vocab=model_json["vocab"], merges=merges,
                        additional_special_tokens=list(NLLB_CODES),
                        model_max_length=max_positions)
    tok.save_pretrained(out)
    torch.manual_seed(seed)
    config = M2M100Config(
        vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=max_positions, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, scale_embedding=True,
        pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.eos_token_id)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        max_length=max_length, num_beams=1, do_sample=False, pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id)
    model.save_pretrained(out)
    return out


def _make_context_free(model, tokenizer, rule: Callable[[str], str]) -> None:
    """Set the weights so that position p is labelled ``rule(piece at p)`` whatever the context.

    Every attention and feed-forward output projection is zeroed, so each layer maps x to
    LayerNorm(x); position and token-type embeddings are zeroed, so the hidden state depends on
    the token alone; the token embedding is a spike on the dimension of the wanted label and the
    classifier reads those dimensions.
    """
    import torch

    label2id = model.config.label2id
    hidden = model.config.hidden_size
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(("attention.output.dense.weight", "attention.output.dense.bias",
                              "output.dense.weight", "output.dense.bias",
                              "position_embeddings.weight", "token_type_embeddings.weight")):
                param.zero_()
        emb = model.base_model.embeddings.word_embeddings.weight
        emb.zero_()
        for piece, idx in tokenizer.get_vocab().items():
            emb[idx, label2id[rule(piece)]] = 4.0
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for idx in label2id.values():
            model.classifier.weight[idx, idx] = 1.0
    assert hidden >= len(label2id)


def build_tiny_token_classifier(directory: Path, *, arch: str = "xlmr", seed: int = 0,
                                vocab_size: int = 200, max_length: int = 64,
                                rule: Callable[[str], str] | None = None) -> Path:
    """A token-classification model with id2label :data:`TAGS`; returns its directory.

    ``max_length`` is the longest input in sub-tokens (special tokens included), kept small so
    tests can exercise windowing of long sentences.
    """
    import torch
    from transformers import (BertConfig, BertForTokenClassification, XLMRobertaConfig,
                              XLMRobertaForTokenClassification, XLMRobertaTokenizerFast)

    out = Path(directory) / f"tiny-{arch}-ner{'-rule' if rule else ''}"
    out.mkdir(parents=True, exist_ok=True)
    id2label = dict(enumerate(TAGS))
    label2id = {t: i for i, t in id2label.items()}
    common = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                  intermediate_size=64, hidden_dropout_prob=0.0,
                  attention_probs_dropout_prob=0.0, id2label=id2label, label2id=label2id)
    torch.manual_seed(seed)
    if arch == "xlmr":
        trained = _train_unigram(vocab_size)
        vocab = [tuple(v) for v in json.loads(trained.to_str())["model"]["vocab"]]
        tok = XLMRobertaTokenizerFast(vocab=vocab, model_max_length=max_length)
        tok.save_pretrained(out)
        config = XLMRobertaConfig(vocab_size=len(tok), max_position_embeddings=max_length + 2,
                                  pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                                  eos_token_id=tok.eos_token_id, **common)
        model = XLMRobertaForTokenClassification(config)
    elif arch == "bert":
        tok = _bert_tokenizer(out, vocab_size, max_length)
        config = BertConfig(vocab_size=len(tok), max_position_embeddings=max_length,
                            pad_token_id=tok.pad_token_id, **common)
        model = BertForTokenClassification(config)
    else:
        raise ValueError(f"unknown arch {arch!r}: use 'xlmr' or 'bert'")
    if rule is not None:
        _make_context_free(model, tok, rule)
    model.eval().save_pretrained(out)
    return out


def build_tiny_bert(directory: Path, *, seed: int = 0, vocab_size: int = 200,
                    max_length: int = 128, layers: int = 2) -> Path:
    """A ``BertModel`` encoder (hidden 32) with a cased WordPiece ``vocab.txt``; returns its
    directory (``directory / "tiny-bert"``)."""
    import torch
    from transformers import BertConfig, BertModel

    out = Path(directory) / "tiny-bert"
    out.mkdir(parents=True, exist_ok=True)
    tok = _bert_tokenizer(out, vocab_size, max_length)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=layers,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=max_length, pad_token_id=tok.pad_token_id)
    BertModel(config).eval().save_pretrained(out)
    return out
