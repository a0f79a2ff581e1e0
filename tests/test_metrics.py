"""The scoring functions: hand-computed cases, then agreement with nervaluate and scikit-learn.

The library comparisons run on the five gold reports with deterministic damage done to their
annotations (dropped, shifted, relabelled and invented spans; changed kinds and categories;
merged sentences), so every kind of error occurs on real text.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from nervaluate import Evaluator
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from jixiao.document.model import CATEGORIES, KINDS, LABELS, Document, Sentence, Span
from jixiao.evaluation.metrics import (
    accuracy,
    align_sentences,
    classification_scores,
    confusion,
    exact_span_scores,
    macro_f1,
    multilabel_scores,
    partial_span_scores,
    prf,
    same_value,
    value_accuracy,
)
from jixiao.evaluation.score import aligned_sentences, flatten, score_documents

GOLD = [("d", 0, 3, "AMOUNT"), ("d", 5, 8, "RATE"), ("e", 0, 3, "AMOUNT")]
PRED = [("d", 0, 3, "AMOUNT"), ("d", 5, 7, "RATE"), ("e", 0, 3, "RATE")]


# --- hand-computed cases -------------------------------------------------------------------

def test_prf_by_hand() -> None:
    s = prf(3, 1, 2)
    assert (s.p, s.r, s.support) == (0.75, 0.6, 5)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert prf(0, 0, 0).f1 == 1.0 and prf(0, 0, 0).support == 0
    assert (prf(0, 2, 0).p, prf(0, 2, 0).r, prf(0, 2, 0).f1) == (0.0, 0.0, 0.0)
    assert (prf(0, 0, 4).p, prf(0, 0, 4).r, prf(0, 0, 4).f1) == (0.0, 0.0, 0.0)


def test_exact_spans_by_hand() -> None:
    s = exact_span_scores(GOLD, PRED, LABELS)
    assert (s["AMOUNT"].tp, s["AMOUNT"].fp, s["AMOUNT"].fn) == (1, 0, 1)
    assert s["AMOUNT"].f1 == pytest.approx(2 / 3)
    assert (s["RATE"].tp, s["RATE"].fp, s["RATE"].fn) == (0, 2, 1)
    assert (s["micro"].p, s["micro"].r, s["micro"].support) == (pytest.approx(1 / 3), pytest.approx(1 / 3), 3)
    assert s["COUNT"].f1 == 1.0 and s["COUNT"].support == 0


def test_partial_spans_by_hand() -> None:
    s = partial_span_scores(GOLD, PRED, LABELS)
    # the shifted RATE now counts; the RATE on document e overlaps only an AMOUNT, so it does not
    assert (s["RATE"].tp, s["RATE"].fp, s["RATE"].fn) == (1, 1, 0)
    assert (s["AMOUNT"].tp, s["AMOUNT"].fp, s["AMOUNT"].fn) == (1, 0, 1)
    assert (s["micro"].tp, s["micro"].fp, s["micro"].fn) == (2, 1, 1)


def test_partial_never_credits_across_documents_or_touching_ends() -> None:
    other_doc = partial_span_scores([("d", 0, 3, "COUNT")], [("e", 0, 3, "COUNT")], LABELS)
    assert (other_doc["COUNT"].tp, other_doc["COUNT"].fp, other_doc["COUNT"].fn) == (0, 1, 1)
    touching = partial_span_scores([("d", 0, 3, "COUNT")], [("d", 3, 5, "COUNT")], LABELS)
    assert touching["COUNT"].tp == 0
    one_each = partial_span_scores([("d", 0, 3, "COUNT"), ("d", 4, 6, "COUNT")], [("d", 1, 5, "COUNT")], LABELS)
    assert (one_each["COUNT"].tp, one_each["COUNT"].fp, one_each["COUNT"].fn) == (1, 0, 1)


def test_macro_leaves_out_labels_nobody_used() -> None:
    s = exact_span_scores(GOLD, PRED, LABELS)
    assert macro_f1(s, LABELS) == pytest.approx((2 / 3 + 0.0) / 2)
    assert macro_f1(exact_span_scores([], [], LABELS), LABELS) == 1.0


def test_values_compare_as_numbers_with_unit_bound_and_comparator() -> None:
    gold = Span(0, 5, "RATE", Decimal("100.00"), "%", op=">=")
    assert same_value(gold, Span(0, 5, "RATE", Decimal("100"), "%", op=">="))
    assert not same_value(gold, Span(0, 5, "RATE", Decimal("100"), "%"))
    assert not same_value(gold, Span(0, 5, "RATE", Decimal("100"), "个百分点", op=">="))
    ranged = Span(0, 7, "AMOUNT", Decimal("300000"), "元", value_max=Decimal("500000"))
    assert not same_value(ranged, replace(ranged, value_max=None))
    assert not same_value(gold, replace(gold, value=None))
    assert value_accuracy([(gold, gold), (gold, replace(gold, value=Decimal("99")))]) == (0.5, 2)
    assert value_accuracy([]) == (1.0, 0)


def test_classification_by_hand() -> None:
    gold = ["problem", "problem", "none", "recommendation", "none"]
    pred = ["problem", "none", "none", "problem", "none"]
    s = classification_scores(gold, pred, KINDS)
    assert (s["problem"].p, s["problem"].r) == (0.5, 0.5)
    assert (s["none"].p, s["none"].r) == (pytest.approx(2 / 3), 1.0)
    assert (s["recommendation"].p, s["recommendation"].r, s["recommendation"].support) == (0.0, 0.0, 1)
    assert accuracy(gold, pred) == 0.6
    assert confusion(gold, pred, KINDS) == [[1, 0, 1], [1, 0, 0], [0, 0, 2]]


def test_multilabel_by_hand() -> None:
    gold = [frozenset({"contract_rigor"}), frozenset({"contract_rigor", "supervision"}), frozenset()]
    pred = [frozenset({"contract_rigor"}), frozenset({"supervision"}), frozenset({"data_collection"})]
    s = multilabel_scores(gold, pred, CATEGORIES)
    assert (s["contract_rigor"].p, s["contract_rigor"].r) == (1.0, 0.5)
    assert (s["supervision"].tp, s["data_collection"].fp) == (1, 1)
    assert (s["micro"].tp, s["micro"].fp, s["micro"].fn) == (2, 1, 1)
    assert macro_f1(s, CATEGORIES) == pytest.approx((2 / 3 + 1.0 + 0.0) / 3)


def test_gold_sentences_take_the_prediction_they_overlap_most() -> None:
    gold = [(0, 10), (10, 20), (30, 35)]
    pred = [(0, 4), (4, 15), (15, 20)]
    assert align_sentences(gold, pred) == [1, 1, None]


def test_score_documents_by_hand() -> None:
    text = "预算487万元，执行率98%。存在问题：合同不规范。建议加强合同管理。"
    gold = Document("g", text, spans=(Span(2, 7, "AMOUNT", Decimal("4870000"), "元"), Span(11, 14, "RATE", Decimal("98"), "%")),
                    sentences=(Sentence(0, 15, "none"), Sentence(15, 26, "problem", ("contract_rigor",)),
                               Sentence(26, 35, "recommendation", ("contract_rigor",))))
    pred = Document("g", text, spans=(Span(2, 7, "AMOUNT", Decimal("487"), "元"), Span(12, 14, "RATE", Decimal("8"), "%")),
                    sentences=(Sentence(0, 15, "none"), Sentence(15, 26, "problem", ("contract_rigor", "supervision")),
                               Sentence(26, 35, "none")))
    metrics, errors = score_documents([gold], [pred])
    flat = flatten(metrics)
    assert flat["spans.micro.f1"] == 0.5 and flat["spans.partial.micro.f1"] == 1.0
    assert (flat["values.accuracy"], flat["values.matched"]) == (0.0, 1.0)
    assert flat["kind.accuracy"] == pytest.approx(2 / 3) and flat["kind.recommendation.r"] == 0.0
    assert flat["categories.micro.p"] == 0.5 and flat["categories.micro.r"] == 0.5
    assert metrics["kind"]["confusion"]["matrix"] == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
    assert errors.spans_fn == [("g", 11, 14, "RATE", "predicted RATE 「8%」")]
    assert errors.spans_fp == [("g", 12, 14, "RATE", "gold RATE 「98%」")]
    assert errors.values[0][:4] == ("g", 2, 7, "AMOUNT") and "4870000" in errors.values[0][4]
    assert [(m.gold_kind, m.pred_kind, m.pred_categories) for m in errors.sentences] == [
        ("problem", "problem", ("contract_rigor", "supervision")), ("recommendation", "none", ())]


# --- agreement with nervaluate and scikit-learn on the five reports -----------------------------

def damaged_spans(doc: Document) -> Document:
    """Drop every 7th span, shorten every 5th, relabel every 11th, and invent one in some gaps."""
    spans = []
    for i, s in enumerate(doc.spans):
        if i % 7 == 3:
            continue
        if i % 5 == 1 and s.end - s.start > 1:
            s = replace(s, end=s.end - 1)
        if i % 11 == 2:
            s = replace(s, label=LABELS[(LABELS.index(s.label) + 1) % len(LABELS)])
        spans.append(s)
    taken = sorted((s.start, s.end) for s in doc.spans)
    for n, ((_, end), (start, _)) in enumerate(zip(taken, taken[1:])):
        if start - end >= 4 and n % 9 == 0:
            spans.append(Span(end + 1, end + 3, LABELS[n % len(LABELS)]))
    return replace(doc, spans=tuple(sorted(spans, key=lambda s: s.start)))


def inclusive(doc: Document) -> list[dict[str, object]]:
    """nervaluate's entities have inclusive ends; ours are exclusive."""
    return [{"label": s.label, "start": s.start, "end": s.end - 1} for s in doc.spans]


def test_exact_spans_agree_with_nervaluate_strict(gold_docs: list[Document]) -> None:
    pred_docs = [damaged_spans(d) for d in gold_docs]
    ours = score_documents(gold_docs, pred_docs, sentences=False)[0]["spans"]
    theirs = Evaluator([inclusive(d) for d in gold_docs], [inclusive(d) for d in pred_docs], tags=list(LABELS),
                       loader="dict").evaluate()
    assert ours["micro"]["f1"] < 0.95  # the damage shows
    for label in LABELS:
        strict = theirs["entities"][label]["strict"]
        assert (ours[label]["p"], ours[label]["r"], ours[label]["f1"]) == pytest.approx((strict.precision, strict.recall, strict.f1))
    overall = theirs["overall"]["strict"]
    assert (ours["micro"]["p"], ours["micro"]["r"], ours["micro"]["f1"]) == pytest.approx((overall.precision, overall.recall, overall.f1))


def test_partial_spans_agree_with_nervaluate_type_match_per_document(gold_docs: list[Document]) -> None:
    """Our partial = same label and any overlap, full credit: nervaluate's ``ent_type`` per label,
    given one list per document. Its ``partial`` mode is a different measure (half credit, label-blind)."""
    pred_docs = [damaged_spans(d) for d in gold_docs]
    ours = score_documents(gold_docs, pred_docs, sentences=False)[0]["spans"]["partial"]
    theirs = Evaluator([inclusive(d) for d in gold_docs], [inclusive(d) for d in pred_docs], tags=list(LABELS),
                       loader="dict").evaluate()
    for label in LABELS:
        typed = theirs["entities"][label]["ent_type"]
        assert (ours[label]["p"], ours[label]["r"]) == pytest.approx((typed.precision, typed.recall))
    half = theirs["overall"]["partial"]
    assert half.partial > 0 and ours["micro"]["f1"] != pytest.approx(half.f1)


def test_the_nervaluate_pitfalls_we_avoid() -> None:
    """Exclusive ends passed as they are make touching spans overlap; documents pooled into one
    list credit a prediction in one report for a gold span in another. Our scorer does neither."""

    def type_matches(gold: list[list[dict[str, object]]], pred: list[list[dict[str, object]]]) -> int:
        return Evaluator(gold, pred, tags=["RATE"], loader="dict").evaluate()["overall"]["ent_type"].correct

    touching_gold, touching_pred = {"label": "RATE", "start": 0, "end": 3}, {"label": "RATE", "start": 3, "end": 5}
    assert type_matches([[touching_gold]], [[touching_pred]]) == 1  # [0,3) and [3,5) passed as they are
    assert type_matches([[{**touching_gold, "end": 2}]], [[{**touching_pred, "end": 4}]]) == 0  # inclusive ends
    assert partial_span_scores([("a", 0, 3, "RATE")], [("a", 3, 5, "RATE")], ["RATE"])["RATE"].tp == 0

    span = {"label": "RATE", "start": 0, "end": 2}
    assert type_matches([[span], []], [[], [span]]) == 0  # one list per document
    assert type_matches([[span]], [[span]]) == 1  # the same two reports pooled into one list
    assert partial_span_scores([("a", 0, 3, "RATE")], [("b", 0, 3, "RATE")], ["RATE"])["RATE"].tp == 0


def damaged_sentences(doc: Document) -> Document:
    """Change every 9th kind, drop or add categories, and merge every 13th sentence with the next."""
    out: list[Sentence] = []
    sentences = list(doc.sentences)
    i = 0
    while i < len(sentences):
        s = sentences[i]
        kind, cats = s.kind or "none", tuple(s.categories)
        if i % 9 == 4:
            kind = KINDS[(KINDS.index(kind) + 1) % len(KINDS)]
            cats = () if kind == "none" else cats or ("supervision",)
        elif kind != "none" and i % 4 == 1:
            cats = cats[1:] or (CATEGORIES[i % len(CATEGORIES)],)
        elif kind != "none" and i % 6 == 2:
            cats = tuple(sorted(set(cats) | {CATEGORIES[i % len(CATEGORIES)]}))
        end = s.end
        if i % 13 == 6 and i + 1 < len(sentences):
            end = sentences[i + 1].end
            i += 1
        out.append(Sentence(s.start, end, kind, cats))
        i += 1
    return replace(doc, sentences=tuple(out))


def test_sentence_scores_agree_with_scikit_learn(gold_docs: list[Document]) -> None:
    pred_docs = [damaged_sentences(d) for d in gold_docs]
    metrics = score_documents(gold_docs, pred_docs, spans=False)[0]
    aligned = [a for g, p in zip(gold_docs, pred_docs) for a in aligned_sentences(g, p)]
    gold_kinds = [a.gold.kind for a in aligned]
    pred_kinds = [a.kind for a in aligned]
    kind = metrics["kind"]
    assert 0.5 < kind["accuracy"] < 0.99  # the damage shows
    p, r, f, support = precision_recall_fscore_support(gold_kinds, pred_kinds, labels=list(KINDS), zero_division=0)
    for i, k in enumerate(KINDS):
        assert (kind[k]["p"], kind[k]["r"], kind[k]["f1"], kind[k]["support"]) == pytest.approx((p[i], r[i], f[i], support[i]))
    assert kind["macro_f1"] == pytest.approx(f1_score(gold_kinds, pred_kinds, average="macro", zero_division=0))
    assert kind["accuracy"] == pytest.approx(accuracy_score(gold_kinds, pred_kinds))
    assert kind["confusion"]["matrix"] == confusion_matrix(gold_kinds, pred_kinds, labels=list(KINDS)).tolist()

    binarizer = MultiLabelBinarizer(classes=list(CATEGORIES))
    y_true = binarizer.fit_transform([set(a.gold.categories) for a in aligned])
    y_pred = binarizer.transform([set(a.categories) for a in aligned])
    cats = metrics["categories"]
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    for i, c in enumerate(CATEGORIES):
        assert (cats[c]["p"], cats[c]["r"], cats[c]["f1"], cats[c]["support"]) == pytest.approx((p[i], r[i], f[i], support[i]))
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    assert (cats["micro"]["p"], cats["micro"]["r"], cats["micro"]["f1"]) == pytest.approx(micro[:3])
    present = [i for i in range(len(CATEGORIES)) if y_true[:, i].any() or y_pred[:, i].any()]
    assert cats["macro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="macro", labels=present, zero_division=0))


def test_a_perfect_prediction_scores_one(gold_docs: list[Document]) -> None:
    flat = flatten(score_documents(gold_docs, gold_docs)[0])
    assert all(flat[k] == 1.0 for k in flat if k.rsplit(".", 1)[-1] in ("p", "r", "f1", "macro_f1", "accuracy"))
