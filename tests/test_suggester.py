"""The grammar suggester for spaCy's spancat, and the pkuseg tokenizer it was compared under."""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed

import jixiao.quantities.pkuseg_tokenizer  # noqa: F401  (registers the tokenizer)
import jixiao.quantities.suggester  # noqa: F401  (registers the suggester)
import jixiao.quantities.tokenizer  # noqa: F401  (registers the tokenizer)
from jixiao.quantities.pkuseg_tokenizer import PkusegModelError, load_segmenter

SUGGESTER = {"@misc": "jixiao.grammar_suggester.v1"}

TINY_SPANCAT = """
[nlp]
lang = "zh"
pipeline = ["tok2vec", "spancat"]
tokenizer = {"@tokenizers": "jixiao.char_digit_tokenizer.v1"}
[components]
[components.tok2vec]
factory = "tok2vec"
[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"
[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 32
attrs = ["NORM", "SHAPE"]
rows = [500, 100]
include_static_vectors = false
[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 32
depth = 1
window_size = 1
maxout_pieces = 2
[components.spancat]
factory = "spancat"
spans_key = "quantities"
max_positive = 1
[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"
[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 32
[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"
[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 32
[components.spancat.suggester]
@misc = "jixiao.grammar_suggester.v1"
"""


@pytest.fixture(scope="module")
def char_nlp() -> spacy.language.Language:
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "jixiao.char_digit_tokenizer.v1"}}})


@pytest.fixture(scope="module")
def suggester():  # type: ignore[no-untyped-def]
    return spacy.registry.resolve({"s": SUGGESTER})["s"]


def proposals(suggester, docs) -> list[set[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    ragged = suggester(docs)
    rows = ragged.dataXd.tolist()
    out, offset = [], 0
    for length in ragged.lengths.tolist():
        out.append({tuple(r) for r in rows[offset : offset + length]})
        offset += length
    return out


def test_suggester_reaches_the_gold_spans_of_the_five_reports(gold_docs, char_nlp, suggester) -> None:
    docs = [char_nlp.make_doc(d.text) for d in gold_docs]
    found = total = 0
    for gold, doc, proposed in zip(gold_docs, docs, proposals(suggester, docs)):
        for s in gold.spans:
            span = doc.char_span(s.start, s.end)
            total += 1
            found += span is not None and (span.start, span.end) in proposed
    assert total > 800
    assert found / total >= 0.99
    proposed_count = sum(len(p) for p in proposals(suggester, docs))
    assert proposed_count < 2 * total  # a short list, unlike every n-gram up to some length


def test_near_variants_without_comparator_and_with_range_partner(char_nlp, suggester) -> None:
    text = "满意度≥95%，资金30万元-50万元，比例90%～100%，面积5-10亩，下降5%-10个百分点。"
    doc = char_nlp.make_doc(text)
    texts = {doc[a:b].text for a, b in proposals(suggester, [doc])[0]}
    assert {"≥95%", "95%", "30万元", "50万元", "30万元-50万元", "90%", "100%", "90%～100%", "5-10亩", "10亩"} <= texts
    plain = spacy.registry.resolve({"s": {**SUGGESTER, "variants": False}})["s"]
    plain_texts = {doc[a:b].text for a, b in proposals(plain, [doc])[0]}
    assert texts - plain_texts == {"5", "5%-10个百分点"}  # a range's first side; partners of unlike units


def test_docs_without_candidates_give_an_empty_ragged(char_nlp, suggester) -> None:
    ragged = suggester([char_nlp.make_doc("没有任何数量的句子。"), char_nlp.make_doc("")])
    assert ragged.dataXd.shape == (0, 2)
    assert ragged.lengths.tolist() == [0, 0]
    mixed = suggester([char_nlp.make_doc("无"), char_nlp.make_doc("共52个项目")])
    assert mixed.lengths.tolist() == [0, 1]
    assert mixed.dataXd.tolist() == [[1, 3]]


def test_coarse_tokens_expand_a_candidate_to_the_covering_tokens(suggester) -> None:
    vocab = spacy.blank("zh").vocab
    doc = spacy.tokens.Doc(vocab, words=["资金", "30万元已", "拨付"])
    assert proposals(suggester, [doc]) == [{(1, 2)}]


def test_spancat_with_the_grammar_suggester_trains_and_predicts() -> None:
    fix_random_seed(0)
    pipeline = spacy.util.load_model_from_config(spacy.util.load_config_from_str(TINY_SPANCAT), auto_fill=True)
    text = "2021年预算执行率为98.16%，惠及3684户，资金30万元，第七次会议。"
    gold = {("98.16%", "RATE"), ("3684户", "COUNT"), ("30万元", "AMOUNT")}
    reference = pipeline.make_doc(text)
    reference.spans["quantities"] = [
        reference.char_span(text.index(t), text.index(t) + len(t), label=label) for t, label in gold
    ]
    examples = [Example(pipeline.make_doc(text), reference)]
    optimizer = pipeline.initialize(lambda: examples)
    for _ in range(30):
        pipeline.update(examples, sgd=optimizer)
    predicted = pipeline(text)
    assert {(s.text, s.label_) for s in predicted.spans["quantities"]} == gold
    restored = spacy.util.load_model_from_config(pipeline.config, auto_fill=True).from_bytes(pipeline.to_bytes())
    again = restored(text)
    assert {(s.text, s.label_) for s in again.spans["quantities"]} == gold


def test_pkuseg_tokenizer_refuses_a_folder_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(PkusegModelError, match=f"{tmp_path}: not a pkuseg model folder"):
        load_segmenter(tmp_path)
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "jixiao.pkuseg_tokenizer.v1"}}})
    with pytest.raises(PkusegModelError, match="no model"):
        pipeline.make_doc("资金30万元")


def test_a_trained_pkuseg_model_tokenizes_and_travels_with_the_pipeline(tmp_path: Path) -> None:
    import spacy_pkuseg

    lines = ["资金 30万元 已 拨付", "惠及 3684户 居民", "执行率 为 98.16%", "安排 预算 487万", "共 52个 项目"] * 4
    data = tmp_path / "segmentation.txt"
    data.write_text("\n".join(lines) + "\n", "utf-8")
    random.seed(0)
    with contextlib.redirect_stdout(io.StringIO()):
        spacy_pkuseg.train(str(data), str(data), str(tmp_path / "model"), train_iter=2)
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "jixiao.pkuseg_tokenizer.v1"}}})
    pipeline.tokenizer.initialize(pkuseg_model=str(tmp_path / "model"))
    text = "资金 20万元已拨付，\n惠及100户居民。"
    doc = pipeline(text)
    assert doc.text == text
    assert [t.text for t in doc] == ["资金", "20万元", "已", "拨付", "，", "\n", "惠及", "100户", "居民", "。"]
    pipeline.to_disk(tmp_path / "pipeline")
    assert [t.text for t in spacy.load(tmp_path / "pipeline")(text)] == [t.text for t in doc]
