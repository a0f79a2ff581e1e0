"""The sklearn issue backend's features, computed faster with exactly the same values.

Tagging spent most of its time here (see eval/bench/RESULTS.md): scikit-learn counts character
n-grams with a Python loop and a dictionary lookup per n-gram, and the keyword features run every
rule pattern separately. ``CharNgramTfidf`` computes the identical TF-IDF matrix with NumPy: each
n-gram of up to four characters becomes one integer, looked up in the sorted vocabulary with
``searchsorted``; counting, ordering, weighting and normalising then follow scikit-learn's own
steps and weighting through the vectorizer's public ``idf_`` and ``sklearn.preprocessing.normalize``.
``combined_rules`` joins each rule group into one alternation, which matches exactly when one of
the group's patterns matches.

Both fall back to the original computation for settings they do not reproduce exactly (another
analyzer, a custom preprocessor, patterns with back-references), so outputs never change;
tests/test_tag_features.py compares them on the whole corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from sklearn.preprocessing import normalize

from jixiao.issues.rules import KeywordRules

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's _VectorizerMixin._white_spaces
_KEY_LIMIT = 2**62
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


class CharNgramTfidf:
    """``vectorizer.transform(texts)`` for a fitted ``TfidfVectorizer(analyzer="char")``."""

    def __init__(self, vectorizer: Any) -> None:
        self.vectorizer = vectorizer
        self.vocabulary = vectorizer.vocabulary_
        self.low, self.high = vectorizer.ngram_range
        chars = sorted({ch for gram in self.vocabulary for ch in gram})
        self.alphabet = np.asarray([ord(ch) for ch in chars], dtype=np.int64)
        self.base = len(chars) + 1  # code 0: a character in no vocabulary entry
        codes = {ch: i + 1 for i, ch in enumerate(chars)}
        keys = np.fromiter((self._key(gram, codes) for gram in self.vocabulary), dtype=np.int64, count=len(self.vocabulary))
        ids = np.fromiter(self.vocabulary.values(), dtype=np.int64, count=len(self.vocabulary))
        self.table = KeyTable(keys, ids)

    def _key(self, gram: str, codes: dict[str, int]) -> int:
        key = 0
        for ch in gram:
            key = key * self.base + codes[ch]
        return len(gram) * self.base**self.high + key

    @staticmethod
    def supports(vectorizer: Any) -> bool:
        """Whether the vectorizer's analysis is the one reproduced here (else use its own)."""
        plain = (vectorizer.analyzer == "char" and vectorizer.preprocessor is None and vectorizer.strip_accents is None
                 and vectorizer.input == "content" and hasattr(vectorizer, "vocabulary_") and vectorizer.vocabulary_)
        if not plain:
            return False
        chars = len({ch for gram in vectorizer.vocabulary_ for ch in gram})
        return (vectorizer.ngram_range[1] + 1) * (chars + 1) ** vectorizer.ngram_range[1] < _KEY_LIMIT

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
        """The n-gram count matrix, as ``CountVectorizer._count_vocab`` builds it."""
        prepared = [_WHITE_SPACES.sub(" ", t.lower() if self.vectorizer.lowercase else t) for t in texts]
        lengths = np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared))
        rows, cols = self._hits(self._codes("".join(prepared)), lengths)
        matrix = csr_matrix((np.ones(len(rows), dtype=self.vectorizer.dtype), (rows, cols)),
                            shape=(len(texts), len(self.vocabulary)), dtype=self.vectorizer.dtype)
        matrix.sum_duplicates()
        matrix.sort_indices()
        return matrix

    def _codes(self, text: str) -> np.ndarray:
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        if not len(self.alphabet):
            return np.zeros(len(points), dtype=np.int64)
        index = np.minimum(np.searchsorted(self.alphabet, points), len(self.alphabet) - 1)
        return np.where(self.alphabet[index] == points, index + 1, 0)

    def _hits(self, codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, vocabulary id) of every n-gram occurrence that is in the vocabulary."""
        total = len(codes)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        left = np.repeat(np.cumsum(lengths), lengths) - np.arange(total)  # characters left in the row
        key, valid = np.zeros(total, dtype=np.int64), np.ones(total, dtype=bool)
        found_rows, found_cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for n in range(1, self.high + 1):
            following = np.zeros(total, dtype=np.int64)
            following[: max(total - n + 1, 0)] = codes[n - 1 :]
            key, valid = key * self.base + following, valid & (following > 0)
            if n < self.low:
                continue
            usable = valid & (left >= n)
            found = self.table.lookup(key[usable] + n * self.base**self.high)
            hit = found >= 0
            found_rows.append(rows[usable][hit])
            found_cols.append(found[hit])
        return np.concatenate(found_rows), np.concatenate(found_cols)


class KeyTable:
    """An open-addressing hash table over int64 keys, probed for whole arrays at once.

    Looking up every n-gram of a document with ``searchsorted`` costs about seventeen scattered
    reads per n-gram in a vocabulary of 10^5; a table four to eight times larger than the
    vocabulary answers most lookups with one read."""

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        size = 1 << max(4, int(len(keys) * 4).bit_length())
        self.mask = size - 1
        self.keys = np.full(size, -1, dtype=np.int64)
        self.ids = np.full(size, -1, dtype=np.int32)
        slots = self._slot(keys)
        pending = np.arange(len(keys))
        self.depth = 0
        while len(pending):
            self.depth += 1
            slot = slots[pending]
            free = self.keys[slot] == -1
            # several pending keys may want the same free slot: the first of each wins this round
            _, first = np.unique(slot[free], return_index=True)
            winners = pending[free][first]
            self.keys[slots[winners]], self.ids[slots[winners]] = keys[winners], ids[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self.mask

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        mixed = (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(29)
        return (mixed & np.uint64(self.mask)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The id of each key, -1 for keys not in the table."""
        out = np.full(len(keys), -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slots = self._slot(keys)
        for _ in range(self.depth):
            if not len(pending):
                break
            stored = self.keys[slots]
            hit = stored == keys[pending]
            out[pending[hit]] = self.ids[slots[hit]]
            going_on = ~hit & (stored != -1)
            pending, slots = pending[going_on], (slots[going_on] + 1) & self.mask
        return out


def combined_rules(rules: KeywordRules) -> KeywordRules:
    """The same rules with each group as one pattern (``rule_features`` only asks whether any matches)."""
    return KeywordRules(
        text=rules.text,
        problem=_combined(rules.problem),
        recommendation=_combined(rules.recommendation),
        not_problem=_combined(rules.not_problem),
        categories={key: _combined(patterns) for key, patterns in rules.categories.items()},
    )


def _combined(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """Anchored patterns (``^…``) stay apart from the alternation: alone, the engine tries them at
    the start only; inside an alternation, it would try them at every position."""
    anchored = tuple(p for p in patterns if p.pattern.startswith("^"))
    if anchored and len(anchored) < len(patterns):
        groups = _joined(anchored) + _joined(tuple(p for p in patterns if not p.pattern.startswith("^")))
    else:
        groups = _joined(patterns)
    return groups


def _joined(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    if len(patterns) < 2 or len({p.flags for p in patterns}) != 1:
        return patterns
    if any(_BACKREFERENCE.search(p.pattern) for p in patterns):
        return patterns
    try:  # global inline flags or a group name used twice do not compile: keep the patterns apart
        return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags),)
    except re.error:
        return patterns


@dataclass
class FastFeatures:
    """What the sklearn backend needs to featurise quickly, built once per fitted vectorizer."""

    vectorizer: Any
    rules: KeywordRules
    vocabulary: Any = field(init=False)
    tfidf: CharNgramTfidf | None = field(init=False)
    combined: KeywordRules = field(init=False)

    def __post_init__(self) -> None:
        self.vocabulary = getattr(self.vectorizer, "vocabulary_", None)
        self.tfidf = CharNgramTfidf(self.vectorizer) if CharNgramTfidf.supports(self.vectorizer) else None
        self.combined = combined_rules(self.rules)

    def fits(self, vectorizer: Any) -> bool:
        """Still valid: the same vectorizer, not refitted since (a refit makes a new vocabulary)."""
        return vectorizer is self.vectorizer and getattr(vectorizer, "vocabulary_", None) is self.vocabulary

    def text_features(self, texts: list[str]) -> csr_matrix:
        return self.tfidf.transform(texts) if self.tfidf is not None else self.vectorizer.transform(texts)
