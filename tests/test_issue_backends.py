"""Round trips of the spaCy and transformers issue classifiers: train briefly on a few dozen real
sentences, save, load, classify a real report. The transformers test builds a tiny BERT (random
weights, a character vocabulary from the corpus) and stands it in for a local Chinese BERT."""

from __future__ import annotations

import inspect
import json
import math
import socket
from pathlib import Path

import pytest

from jixiao.document.model import CATEGORIES, KINDS, Document, Sentence
from jixiao.document.sentences import split_offsets
from jixiao.issues.inputs import SECTION_MARKERS, labelled_sentences
from jixiao.training import SPANS_CONFIG

ROOT = Path(__file__).resolve().parent.parent
TRAIN_ID, DEV_ID, TEST_ID = "000_d6a03cfb2cfdfbfd", "003_7a2d2a46f442ff4e", "001_f25cf90dc0a01762"


def _by_id(docs: list[Document], doc_id: str) -> Document:
    return next(d for d in docs if d.id == doc_id)


def _blank(doc: Document) -> Document:
    """The report's sentence offsets without their labels, as tagging sees them."""
    return doc.replace(sentences=tuple(Sentence(s.start, s.end) for s in doc.sentences))


def _few_labelled(doc: Document, issues: int, others: int) -> Document:
    """Keep the labels of the first ``issues`` problem/recommendation and ``others`` none sentences."""
    kept, counts = [], {"issue": 0, "none": 0}
    for s in doc.sentences:
        group = "none" if s.kind == "none" else "issue"
        if s.kind is not None and counts[group] < (issues if group == "issue" else others):
            counts[group] += 1
            kept.append(s)
        else:
            kept.append(Sentence(s.start, s.end))
    return doc.replace(sentences=tuple(kept))


@pytest.fixture(scope="module")
def train_docs(gold_docs: list[Document]) -> list[Document]:
    """A few dozen sentences: part of a training report and one authored report (training-only data)."""
    from jixiao.document.jsonl import read_documents

    authored = read_documents(ROOT / "corpus" / "authored" / "issues_1.jsonl")[0]
    assert authored.meta["source"] == "authored"
    docs = [_few_labelled(_by_id(gold_docs, TRAIN_ID), issues=15, others=15), authored]
    assert 50 <= len(labelled_sentences(docs)) <= 80
    return docs


@pytest.fixture(scope="module")
def report(gold_docs: list[Document]) -> Document:
    return _blank(_by_id(gold_docs, TEST_ID))


def _check_output(report: Document, out: list[Sentence]) -> None:
    assert [(s.start, s.end) for s in out] == [(s.start, s.end) for s in report.sentences]
    for s in out:
        assert s.kind in KINDS
        assert s.kind_score is not None and 0.0 <= s.kind_score <= 1.0
        assert set(s.categories) <= set(CATEGORIES)
        assert all(0.0 <= v <= 1.0 for v in s.category_scores.values())
        assert bool(s.categories) == (s.kind != "none")  # an issue keeps at least its best category


def _same_predictions(a: list[Sentence], b: list[Sentence]) -> None:
    assert [(s.kind, s.categories) for s in a] == [(s.kind, s.categories) for s in b]
    assert all(math.isclose(x.kind_score or 0, y.kind_score or 0, abs_tol=1e-5) for x, y in zip(a, b))


# scikit-learn ------------------------------------------------------------------------------------

def test_sklearn_backend_round_trip(train_docs: list[Document], gold_docs: list[Document], report: Document,
                                    tmp_path: Path) -> None:
    from jixiao.issues.sklearn_backend import load_sklearn, save_sklearn, train_sklearn

    model = train_sklearn(train_docs, [_by_id(gold_docs, DEV_ID)], {"max_features": 20000})
    assert set(model.thresholds) <= set(CATEGORIES)
    training = labelled_sentences(train_docs)
    kinds, _, _ = model.scores([t.input for t in training])
    assert sum(k == t.kind for k, t in zip(kinds, training)) >= 0.9 * len(training)  # it learnt its data

    save_sklearn(model, tmp_path / "issues")
    assert sorted(p.name for p in (tmp_path / "issues").iterdir()) == ["config.json", "keywords.yaml",
                                                                     "vocabulary.json", "weights.safetensors"]
    loaded = load_sklearn(tmp_path / "issues")
    assert loaded.thresholds == model.thresholds
    assert loaded.vectorizer.vocabulary_ == model.vectorizer.vocabulary_
    out = loaded.classify(report)
    _check_output(report, out)
    _same_predictions(out, model.classify(report))


def test_sklearn_backend_names_a_broken_model(train_docs: list[Document], tmp_path: Path) -> None:
    from jixiao.issues.sklearn_backend import load_sklearn, save_sklearn, train_sklearn

    save_sklearn(train_sklearn(train_docs, [], {"max_features": 2000}), tmp_path / "issues")
    (tmp_path / "issues" / "weights.safetensors").write_bytes(b"\x80\x04not safetensors")
    with pytest.raises(ValueError, match="not a readable sklearn issue model"):
        load_sklearn(tmp_path / "issues")


# spaCy -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spans_pipeline(gold_docs: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A briefly trained quantity pipeline, to be bundled into the classifier's pipeline."""
    from jixiao.training.spans import train_spans

    out = tmp_path_factory.mktemp("spans")
    return train_spans([_by_id(gold_docs, TRAIN_ID)], [], out, SPANS_CONFIG, seed=13,
                       overrides={"training.max_epochs": 1})


def test_spacy_backend_round_trip(train_docs: list[Document], gold_docs: list[Document], report: Document,
                                  spans_pipeline: Path, tmp_path: Path) -> None:
    from jixiao.issues.spacy_backend import load_spacy, save_spacy, train_spacy

    settings = {"overrides": {"training.max_epochs": 4}, "spans_model": str(spans_pipeline)}
    model = train_spacy(train_docs, [_by_id(gold_docs, DEV_ID)], settings)
    assert model.pipeline.pipe_names == ["textcat", "textcat_multilabel"]
    assert set(model.thresholds) <= set(CATEGORIES)
    training = labelled_sentences(train_docs)
    kinds, _, _ = model.scores([t.input for t in training])
    assert sum(k == t.kind for k, t in zip(kinds, training)) >= 0.9 * len(training)  # it learnt its data

    save_spacy(model, tmp_path / "issues")
    loaded = load_spacy(tmp_path / "issues")
    assert loaded.pipeline.pipe_names == ["textcat", "textcat_multilabel", "quantities"]
    assert loaded.thresholds == model.thresholds
    out = loaded.classify(report)
    _check_output(report, out)
    _same_predictions(out, model.classify(report))

    sentence = "项目预算资金487万元，执行率为98.16%，但合同未约定履行期限。"
    doc = loaded.pipeline(sentence)  # one pipeline: quantities and both classifiers
    assert math.isclose(sum(doc.cats[k] for k in KINDS), 1.0, abs_tol=1e-4)
    assert set(CATEGORIES) <= set(doc.cats)
    quantities = loaded.pipeline.get_pipe("quantities").extract(sentence)
    assert {sentence[s.start:s.end] for s in quantities} <= {"487万元", "98.16%"}


def test_spacy_backend_rejects_a_missing_spans_model(train_docs: list[Document], tmp_path: Path) -> None:
    from jixiao.issues.spacy_backend import train_spacy

    with pytest.raises(ValueError, match="spans_model"):
        train_spacy(train_docs, [], {"spans_model": str(tmp_path / "nowhere")})


# transformers ------------------------------------------------------------------------------------

def _char_tokenizer(vocab_file: Path):  # type: ignore[no-untyped-def]
    from transformers import BertTokenizerFast

    keyword = "vocab" if "vocab" in inspect.signature(BertTokenizerFast.__init__).parameters else "vocab_file"
    return BertTokenizerFast(**{keyword: str(vocab_file)}, do_lower_case=False)


@pytest.fixture(scope="module")
def tiny_bert(gold_docs: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide BERT with a character vocabulary from the corpus, saved like a local model."""
    import torch
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-chinese-bert")
    chars = sorted({ch for d in gold_docs for s in d.sentences for ch in d.span_text(s) if not ch.isspace()}
                   | {ch for marker in SECTION_MARKERS.values() for ch in marker})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", "utf-8")
    tokenizer = _char_tokenizer(folder / "vocab.txt")
    assert tokenizer.convert_tokens_to_ids("合") != tokenizer.unk_token_id
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=160)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hub access is switched off and any socket connection fails loudly."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_transformers_backend_round_trip(tiny_bert: Path, train_docs: list[Document], gold_docs: list[Document],
                                         report: Document, tmp_path: Path, no_network: None) -> None:
    from jixiao.issues.hf_backend import LABELS, load_hf, save_hf, train_hf

    settings = {"base_model": str(tiny_bert), "max_steps": 4, "batch_size": 12, "learning_rate": 1e-3}
    model = train_hf(train_docs, [_by_id(gold_docs, DEV_ID)], settings)
    assert len(model.losses) == 4 and all(math.isfinite(x) and x > 0 for x in model.losses)
    assert model.model.config.num_labels == len(LABELS) == 13
    assert set(model.thresholds) <= set(CATEGORIES)

    folder = tmp_path / "issues"
    save_hf(model, folder)
    files = {p.name for p in folder.iterdir()}
    assert "model.safetensors" in files and "config.json" in files
    assert not [f for f in files if f.endswith((".bin", ".pt", ".pth", ".pkl"))]
    saved = json.loads((folder / "jixiao_issues.json").read_text("utf-8"))
    assert saved["labels"] == list(LABELS) and saved["thresholds"] == model.thresholds

    loaded = load_hf(folder)
    out = loaded.classify(report)
    _check_output(report, out)
    _same_predictions(out, model.classify(report))
    kinds, categories = loaded.probabilities(["合同未约定履行期限。", "【建议部分】加强合同管理。"])
    assert all(math.isclose(sum(row), 1.0, abs_tol=1e-5) for row in kinds)  # one kind: softmax
    assert all(len(row) == len(CATEGORIES) for row in categories)
    assert all(0.0 < p < 1.0 for row in categories for p in row)  # independent sigmoids


def test_transformers_backend_refuses_hub_names(train_docs: list[Document], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, no_network: None) -> None:
    from jixiao.issues.hf_backend import train_hf

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="bert-base-chinese: base_model must be a local model folder"):
        train_hf(train_docs, [], {"base_model": "bert-base-chinese"})


def test_transformers_backend_refuses_pickled_weights(tmp_path: Path) -> None:
    from jixiao.issues.hf_backend import load_hf

    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded")
    (tmp_path / "jixiao_issues.json").write_text("{}", "utf-8")
    with pytest.raises(ValueError, match="safetensors weights needed"):
        load_hf(tmp_path)


def test_transformers_backend_needs_the_tokenizer_files(tiny_bert: Path, train_docs: list[Document], tmp_path: Path,
                                                        no_network: None) -> None:
    import shutil

    from jixiao.issues.hf_backend import train_hf

    for name in ("config.json", "model.safetensors"):
        shutil.copy(tiny_bert / name, tmp_path / name)
    with pytest.raises(ValueError, match="no tokenizer vocabulary"):
        train_hf(train_docs, [], {"base_model": str(tmp_path)})


def test_rules_backend_reads_the_sentence_not_the_heading() -> None:
    from jixiao.issues.rules import RuleClassifier

    def kinds(text: str) -> list[str]:
        return [s.kind for s in RuleClassifier().classify(Document("r", text, sentences=tuple(
            Sentence(s, e) for s, e in split_offsets(text))))]

    plain = "合同未约定履行期限。\n应加强合同管理，规范合同签订。\n项目合同已全部签订。"
    assert kinds(plain) == ["problem", "recommendation", "none"], "no heading above any of them"
    assert kinds("一、主要做法\n" + plain.split("\n")[1]) == ["none", "none"], "an imperative under 做法 is practice"
    assert kinds("二、部门职能\n加强合同管理，规范合同签订。") == ["none", "none"], "a duty under 职能"
