"""The sklearn issue backend's features, computed faster with exactly the same values.

Tagging spent most of its time here (see eval/bench/RESULTS.md): scikit-learn counts character
n-grams with a Python loop and a dictionary lookup per n-gram, and the keyword features run every
rule pattern separately. ``CharNgramTfidf`` computes the identical TF-IDF matrix with NumPy: each
n-gram of up to four characters becomes one integer, looked up in the sorted vocabulary with
``searchsorted``; counting, ordering, weighting and normalising then follow scikit-learn's own
steps and weighting through the vectorizer's public ``idf_`` and ``sklearn.preprocessing.normalize``.
``rule_scanner`` (in ``rule_features``) finds every rule group in one multi-pattern pass.

Both fall back to the original computation for settings they do not reproduce exactly (another
analyzer, a custom preprocessor, patterns with back-references), so outputs never change;
tests/test_tag_features.py compares them on the whole corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from sklearn.preprocessing import normalize

from jixiao.issues.ngrams import KEY_LIMIT, NgramIndex
from jixiao.issues.rule_features import rule_scanner
from jixiao.issues.rules import KeywordRules
from jixiao.issues.scanner import KeywordScanner



class CharNgramTfidf:
    """``vectorizer.transform(texts)`` for a fitted ``TfidfVectorizer(analyzer="char")``: the n-gram
    hits come from ``NgramIndex`` (the linear backend's NumPy-only index), the weighting follows
    scikit-learn's ``TfidfTransformer`` with the vectorizer's public parameters."""

    def __init__(self, vectorizer: Any) -> None:
        self.vectorizer = vectorizer
        self.vocabulary = vectorizer.vocabulary_
        grams = [""] * len(self.vocabulary)
        for gram, index in self.vocabulary.items():
            grams[index] = gram
        low, high = vectorizer.ngram_range
        idf = vectorizer.idf_ if vectorizer.use_idf else np.ones(len(grams))
        self.index = NgramIndex(grams, idf, low, high, vectorizer.lowercase)

    @staticmethod
    def supports(vectorizer: Any) -> bool:
        """Whether the vectorizer's analysis is the one reproduced here (else use its own)."""
        plain = (vectorizer.analyzer == "char" and vectorizer.preprocessor is None and vectorizer.strip_accents is None
                 and vectorizer.input == "content" and hasattr(vectorizer, "vocabulary_") and vectorizer.vocabulary_)
        if not plain:
            return False
        chars = len({ch for gram in vectorizer.vocabulary_ for ch in gram})
        return (vectorizer.ngram_range[1] + 1) * (chars + 1) ** vectorizer.ngram_range[1] < KEY_LIMIT

    def transform(self, texts: list[str]) -> csr_matrix:
        """TfidfTransformer's steps on the counts, with the fitted vectorizer's public parameters."""
        matrix = self.counts(texts)
        if self.vectorizer.binary:
            matrix.data.fill(1)
        if self.vectorizer.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        if self.vectorizer.use_idf:
            matrix.data *= self.vectorizer.idf_[matrix.indices]
        if self.vectorizer.norm is not None:
            matrix = normalize(matrix, norm=self.vectorizer.norm, copy=False)
        return matrix

    def counts(self, texts: list[str]) -> csr_matrix:
        """The n-gram count matrix, as ``CountVectorizer`` builds it."""
        rows, cols = self.index.hits(texts)
        matrix = csr_matrix((np.ones(len(rows), dtype=self.vectorizer.dtype), (rows, cols)),
                            shape=(len(texts), len(self.vocabulary)), dtype=self.vectorizer.dtype)
        matrix.sum_duplicates()
        matrix.sort_indices()
        return matrix


@dataclass
class FastFeatures:
    """What the sklearn backend needs to featurise quickly, built once per fitted vectorizer."""

    vectorizer: Any
    rules: KeywordRules
    vocabulary: Any = field(init=False)
    tfidf: CharNgramTfidf | None = field(init=False)
    scanner: KeywordScanner = field(init=False)

    def __post_init__(self) -> None:
        self.vocabulary = getattr(self.vectorizer, "vocabulary_", None)
        self.tfidf = CharNgramTfidf(self.vectorizer) if CharNgramTfidf.supports(self.vectorizer) else None
        self.scanner = rule_scanner(self.rules)

    def fits(self, vectorizer: Any) -> bool:
        """Still valid: the same vectorizer, not refitted since (a refit makes a new vocabulary)."""
        return vectorizer is self.vectorizer and getattr(vectorizer, "vocabulary_", None) is self.vocabulary

    def text_features(self, texts: list[str]) -> csr_matrix:
        return self.tfidf.transform(texts) if self.tfidf is not None else self.vectorizer.transform(texts)
