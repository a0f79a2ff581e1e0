"""The sklearn backend's fast features equal scikit-learn's and the rules' own, value for value.

The vectorizers are fitted here on the annotated corpus, as training does, and applied to every
sentence of the five reports (text the vocabulary partly lacks) plus awkward strings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from jixiao.document.sentences import split_offsets
from jixiao.ingest.reader import read_file
from jixiao.issues.fast_features import CharNgramTfidf, FastFeatures
from jixiao.issues.inputs import SentenceInput, inputs_at, sentence_inputs
from jixiao.issues.rule_features import rule_features
from jixiao.issues.rules import load_keywords
from jixiao.issues.sklearn_backend import DEFAULTS, SklearnIssueModel

AWKWARD = ["", " ", "A", "ABC  DEF\t\tg", "Ａ Ｂ　Ｃ", "𝒜𝒜𝒜𝒜𝒜", "İstanbul", "xxx", "年", "\u3000\u3000预算  执行率为98.16%",
           "合同\n\n管理", "【问题部分】资料不完整", "\ud800 lone surrogate", "ΟΔΟΣ  ΣΑΣ", "x\x00y", "\x00"]


@pytest.fixture(scope="module")
def training_texts(gold_docs) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.marked() for d in gold_docs for i in sentence_inputs(d)]


@pytest.fixture(scope="module")
def report_inputs(report_paths: list[Path]) -> list[list[SentenceInput]]:
    texts = [read_file(p).text for p in report_paths]  # ingestion gives text; the sentences are split as tagging does
    return [inputs_at(t, split_offsets(t)) for t in texts] + [[SentenceInput(t, "other") for t in AWKWARD]]


def same(a: csr_matrix, b: csr_matrix) -> bool:
    a, b = csr_matrix(a), csr_matrix(b)
    return (a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


SETTINGS = [
    {"ngram_range": (DEFAULTS["ngram_min"], DEFAULTS["ngram_max"]), "sublinear_tf": True, "dtype": np.float32,
     "max_features": DEFAULTS.get("max_features")},
    {"ngram_range": (2, 3), "lowercase": False, "binary": True, "norm": "l1"},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=["backend-defaults", "other-settings"])
def test_char_ngram_tfidf_equals_scikit_learn(settings: dict, training_texts: list[str],  # type: ignore[type-arg]
                                              report_inputs: list[list[SentenceInput]]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char", **settings).fit(training_texts)
    assert CharNgramTfidf.supports(vectorizer)
    fast = CharNgramTfidf(vectorizer)
    for inputs in report_inputs:
        texts = [i.marked() for i in inputs]
        assert same(fast.transform(texts), vectorizer.transform(texts))


def test_other_analyzers_use_scikit_learn_itself(training_texts: list[str]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2)).fit(training_texts[:200])
    features = FastFeatures(vectorizer, load_keywords())
    assert not CharNgramTfidf.supports(vectorizer) and features.tfidf is None
    assert same(features.text_features(training_texts[:50]), vectorizer.transform(training_texts[:50]))


def test_the_backend_features_are_unchanged(training_texts: list[str], report_inputs: list[list[SentenceInput]]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True).fit(training_texts)
    model = SklearnIssueModel(vectorizer, LogisticRegression(), {})

    def reference(inputs: list[SentenceInput]) -> csr_matrix:
        return hstack([vectorizer.transform([i.marked() for i in inputs]),
                       csr_matrix(rule_features(inputs, load_keywords()) * float(model.settings["rule_weight"]))]).tocsr()

    for inputs in report_inputs:
        assert same(model.features(inputs), reference(inputs))
    vectorizer.fit(training_texts[:100])  # a refitted vocabulary is noticed, not served from the old one
    assert same(model.features(report_inputs[0]), reference(report_inputs[0]))


def test_stacked_weights_give_scikit_learns_probabilities(gold_docs, report_inputs: list[list[SentenceInput]]) -> None:  # type: ignore[no-untyped-def]
    from jixiao.issues.sklearn_backend import train_sklearn

    model = train_sklearn(gold_docs[:3], [], {"max_features": 5000, "C_kind": 1.0, "C_category": 1.0})
    for inputs in report_inputs:
        X = model.features(inputs)
        kinds, kind_scores, cats = model.scores(inputs)
        expected = model.kind_model.predict_proba(X)
        assert kinds == [model.kind_model.classes_[i] for i in expected.argmax(axis=1)]
        assert np.allclose(kind_scores, expected.max(axis=1), atol=1e-6)
        for category, clf in model.category_models.items():
            assert np.allclose([c[category] for c in cats], clf.predict_proba(X)[:, 1], atol=1e-6)
    model.category_models["supervision"] = model.category_models["contract_rigor"]  # replaced: not served stale
    _, _, cats = model.scores(report_inputs[0])
    assert np.allclose([c["supervision"] for c in cats], [c["contract_rigor"] for c in cats])


def test_key_table_answers_as_a_dictionary_would_with_long_probe_chains() -> None:
    """Lookups settle in a few hash-table rounds, then by binary search: both must agree with a
    plain dictionary, for present and absent keys, in crowded clusters too."""
    import numpy as np

    from jixiao.issues.ngrams import PROBES, KeyTable

    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(0, 2**40, size=5000))
    keys = np.concatenate([keys, np.arange(10**6, 10**6 + 3000)])  # consecutive keys crowd the table
    ids = rng.permutation(len(keys)).astype(np.int64)
    table = KeyTable(keys, ids)
    assert table.depth > PROBES  # some chains are longer than the rounds tried before the search
    known = dict(zip(keys.tolist(), ids.tolist()))
    queries = np.concatenate([keys, rng.integers(0, 2**40, size=5000), np.arange(10**6 - 50, 10**6 + 3050)])
    assert table.lookup(queries).tolist() == [known.get(k, -1) for k in queries.tolist()]
