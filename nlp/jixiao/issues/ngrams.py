"""Character n-gram TF-IDF rows computed with NumPy alone, equal to scikit-learn's.

Tagging must not import scikit-learn or SciPy (they cost seconds of start-up and a hundred MB per
worker). ``NgramIndex`` holds what a fitted ``TfidfVectorizer(analyzer="char", sublinear_tf=True)``
knows — the n-gram vocabulary, the idf weights, the n-gram range — and produces, for a batch of
texts, the non-zero entries of the TF-IDF matrix as three arrays (row, column, value), sorted by row
then column: scikit-learn's preprocessing (lowercase, runs of white space folded to one space),
counting, ``1 + log(tf)``, idf weighting and row-wise L2 normalisation, in that order.

Each n-gram of up to four characters becomes one integer (its characters' codes in a base as large
as the vocabulary's alphabet), looked up for whole arrays at once in an open-addressing hash table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's preprocessing of char analyzers
_SEPARATOR = "\x00"  # not white space: runs of it are never folded
KEY_LIMIT = 2**62  # keys of n-grams over the alphabet must fit in int64
BMP = 0x10000
PROBES = 3  # hash-table rounds before the keys still pending are looked up by binary search
# fewer keys pending than this are looked up by binary search at once: a round costs a dozen
# NumPy calls whatever its size, more than the search of a few hundred keys
FEW_PENDING = 256


def run_starts(values: np.ndarray) -> np.ndarray:
    """The index where each run of equal values begins, in an array sorted (or grouped) by value:
    the ``indices`` of ``np.add.reduceat`` over the runs."""
    return np.concatenate(([True], values[1:] != values[:-1])).nonzero()[0]


@dataclass
class NgramIndex:
    grams: list[str]
    idf: np.ndarray
    low: int = 1
    high: int = 4
    lowercase: bool = True
    alphabet: np.ndarray = field(init=False, repr=False)
    base: int = field(init=False, repr=False)
    table: KeyTable = field(init=False, repr=False)
    bmp_codes: np.ndarray = field(init=False, repr=False)
    unigram_ids: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        joined = "".join(self.grams)
        # the characters in code point order (sorted(set(joined)), as whole arrays; not np.unique,
        # which imports numpy.ma, 15 ms of every start, to ask whether the array is masked)
        points = np.sort(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        self.alphabet = (points[run_starts(points)] if len(points) else points).astype(np.int64)
        self.base = len(self.alphabet) + 1  # code 0: a character in no vocabulary entry
        if (self.high + 1) * self.base**self.high >= KEY_LIMIT:
            raise ValueError(f"an alphabet of {len(self.alphabet)} characters is too large for {self.high}-grams")
        # most text is in the Basic Multilingual Plane: its code of each character is one read
        self.bmp_codes = np.zeros(BMP, dtype=np.int64)
        in_bmp = self.alphabet < BMP
        self.bmp_codes[self.alphabet[in_bmp]] = np.flatnonzero(in_bmp) + 1
        lengths = np.fromiter(map(len, self.grams), dtype=np.int64, count=len(self.grams))
        self.table = KeyTable(self._keys(joined, lengths), np.arange(len(self.grams), dtype=np.int64))
        self.idf = np.asarray(self.idf, dtype=np.float32)
        # the ids of the one-character entries by code, looked up without hashing
        self.unigram_ids = np.full(self.base, -1, dtype=np.int64)
        single = np.flatnonzero(lengths == 1)
        if len(single):
            self.unigram_ids[self._codes("".join(self.grams[i] for i in single.tolist()))] = single

    def _keys(self, joined: str, lengths: np.ndarray) -> np.ndarray:
        """The key of every vocabulary entry (``lengths``: their lengths): its characters' codes as
        the digits of a number in base ``base``, plus its length times ``base ** high``, so that
        n-grams of different lengths never share a key."""
        if not len(lengths):
            return np.zeros(0, dtype=np.int64)
        if lengths.min() < 1 or lengths.max() > self.high:
            raise ValueError(f"vocabulary entries must have 1 to {self.high} characters")
        ends = np.cumsum(lengths)
        power = np.repeat(ends, lengths) - 1 - np.arange(len(joined))  # places after each character
        digits = self._codes(joined) * np.int64(self.base) ** power
        return np.add.reduceat(digits, ends - lengths) + lengths * np.int64(self.base) ** self.high

    def __len__(self) -> int:
        return len(self.grams)

    def hits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, vocabulary id) of every n-gram occurrence in the vocabulary, after scikit-learn's
        preprocessing of char analyzers, in no particular order."""
        prepared = self._prepared(texts)
        if not prepared:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        lengths = np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared))
        # the texts joined by one character each, whose code is set to 0 (no n-gram runs over it)
        codes = self._codes(_SEPARATOR.join(prepared) + _SEPARATOR)
        codes[(lengths + 1).cumsum() - 1] = 0
        return self._hits(codes, lengths)

    def _prepared(self, texts: Sequence[str]) -> list[str]:
        """scikit-learn's preprocessing of each text, done on all texts joined when that gives the
        same strings (no text holds the separator, no character changes length or, like Σ, case
        by context)."""
        joined = _SEPARATOR.join(texts)
        lowered = joined.lower() if self.lowercase else joined
        if len(lowered) == len(joined) and joined.count(_SEPARATOR) == len(texts) - 1 and "Σ" not in joined:
            return _WHITE_SPACES.sub(" ", lowered).split(_SEPARATOR) if texts else []
        return [_WHITE_SPACES.sub(" ", t.lower() if self.lowercase else t) for t in texts]

    def tfidf(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the L2-normalised sublinear TF-IDF matrix, sorted by row."""
        rows, cols = self.hits(texts)
        if not len(rows):
            return rows, cols, np.zeros(0, dtype=np.float32)
        # np.unique by hand, of (row, column) packed in one integer (the column in the low bits:
        # shifts and masks unpack it several times faster than a division); NumPy's default sort
        # (SIMD on x86) is several times faster here than the stable one, and equal keys are
        # equal whatever their order
        shift = len(self.grams).bit_length()
        keys = np.sort((rows << shift) | cols)
        first = run_starts(keys)
        counts = np.concatenate((first[1:], [len(keys)])) - first  # the runs' lengths
        keys = keys[first]
        rows, cols = keys >> shift, keys & ((1 << shift) - 1)
        values = (np.log(counts.astype(np.float32)) + np.float32(1.0)) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values.astype(np.float64) ** 2, minlength=len(texts)))
        values = (values / norms[rows]).astype(np.float32)
        return rows, cols, values

    def _codes(self, text: str) -> np.ndarray:
        """Each character's code: 1 + its place in the alphabet, 0 for characters outside it."""
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        if not len(self.alphabet):
            return np.zeros(len(points), dtype=np.int64)
        if not len(points) or points.max() < BMP:
            return self.bmp_codes[points]
        index = np.minimum(np.searchsorted(self.alphabet, points), len(self.alphabet) - 1)
        return np.where(self.alphabet[index] == points, index + 1, 0)

    def _hits(self, codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, vocabulary id) of every n-gram occurrence that is in the vocabulary; ``codes``:
        those of the texts of ``lengths`` characters, each followed by a code 0."""
        rows = np.repeat(np.arange(len(lengths)), lengths + 1)
        key, valid = codes, codes > 0
        found_rows, found_cols = [], []
        for n in range(1, self.high + 1):
            if n > 1:
                # the n-grams that start where n - 1 codes follow (the last code is 0: none is lost)
                following = codes[n - 1 :]
                key, valid = key[: len(following)] * self.base + following, valid[: len(following)] & (following > 0)
            if n < self.low:
                continue
            if n == 1:  # code 0 has no unigram: no mask needed
                found = self.unigram_ids[codes]
                hit = (found >= 0).nonzero()[0]
                found_rows.append(rows[hit])
                found_cols.append(found[hit])
            else:
                # one lookup per length: joined, the keys of a large batch were looked up more
                # slowly than apart (arrays past the cache), besides the copies
                usable = valid.nonzero()[0]
                found = self.table.lookup(key[usable] + n * self.base**self.high)
                hit = found >= 0
                found_rows.append(rows[usable[hit]])
                found_cols.append(found[hit])
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_rows), np.concatenate(found_cols)


# the multiplier of Fibonacci hashing (2**64 / golden ratio) as a signed 64-bit integer
_MIX = np.int64(0x9E3779B97F4A7C15 - (1 << 64))


class KeyTable:
    """An open-addressing hash table over int64 keys, probed for whole arrays at once.

    Looking up every n-gram of a document with ``searchsorted`` costs about seventeen scattered
    reads per n-gram in a vocabulary of 10^5; a table four to eight times larger than the
    vocabulary answers most lookups with one read."""

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.sorted_keys, self.sorted_ids = keys[order], ids[order]
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
        # Fibonacci hashing in signed 64-bit arithmetic: the product wraps to the same bits as in
        # unsigned arithmetic, and the mask keeps only bits the sign never reaches (no conversions)
        return ((keys.astype(np.int64, copy=False) * _MIX) >> 29) & self.mask

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The id of each key, -1 for keys not in the table.

        Most keys are settled by the first probe, made for all of them at once; those still
        pending after ``PROBES`` rounds (long clusters are rare but make a round trip each), or
        once fewer than ``FEW_PENDING`` are, are found by binary search."""
        slots = self._slot(keys)
        stored = self.keys[slots]
        # the id in the key's slot: its own, or -1 for an empty slot; a slot that holds another
        # key leaves the key pending, at -1 until a later probe finds it
        out = self.ids[slots].astype(np.int64)
        pending = ((stored != keys) & (stored != -1)).nonzero()[0]
        out[pending] = -1
        slots = (slots[pending] + 1) & self.mask
        for _ in range(min(self.depth, PROBES) - 1):
            if len(pending) < FEW_PENDING:
                break
            stored = self.keys[slots]
            hit = stored == keys[pending]
            out[pending[hit]] = self.ids[slots[hit]]
            going_on = ~hit & (stored != -1)
            pending, slots = pending[going_on], (slots[going_on] + 1) & self.mask
        if len(pending):
            where = np.minimum(np.searchsorted(self.sorted_keys, keys[pending]), len(self.sorted_keys) - 1)
            found = self.sorted_keys[where] == keys[pending]
            out[pending[found]] = self.sorted_ids[where[found]]
        return out
