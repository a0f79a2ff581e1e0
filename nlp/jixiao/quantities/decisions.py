"""From grammar candidates and a linear model's scores to quantity spans, without spaCy.

The grammar proposes candidates (and joined ranges); a sparse linear model over local-context
features scores, per candidate, its label against NONE; the decision rules (``model`` or
``combined`` mode) turn the scores into spans. The same code serves the spaCy component, which
trains the model, and ``LinearQuantityExtractor``, which tags with the exported weights and
NumPy alone: the two differ only in ``raw_scores``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from murmurhash.mrmr import hash_unicode

from jixiao.document.model import LABELS, Span
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.features import candidate_features
from jixiao.quantities.filters import filter_flags
from jixiao.quantities.finder import find_candidates, raw_candidates, range_variants
from jixiao.quantities.grammar import Grammar
from jixiao.quantities.normalize import normalize

CLASSES: tuple[str, ...] = ("NONE", *LABELS)
_MASK = 0xFFFFFFFF
_KEY_CACHE_LIMIT = 200_000

Features = tuple[np.ndarray, np.ndarray, np.ndarray]  # hashed keys, values, features per candidate


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _key(c: Candidate) -> tuple[int, int, str]:
    return (c.start, c.end, c.label)


def _outside(candidates: list[Candidate], accepted: list[Candidate], length: int) -> list[Candidate]:
    """The grammar's accepted candidates and every candidate overlapping none of them."""
    accepted_keys = {_key(c) for c in accepted}
    covered = bytearray(length + 1)
    for c in accepted:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    return [c for c in candidates if _key(c) in accepted_keys or not any(covered[c.start : c.end])]


class CandidateDecisions:
    """The decision half of the quantity model; a subclass provides ``grammar``, ``cfg``,
    ``_feature_keys`` (a dict) and ``raw_scores`` (class scores per candidate)."""

    grammar: Grammar
    cfg: dict[str, Any]
    _feature_keys: dict[str, int]

    def raw_scores(self, features: Features) -> np.ndarray:
        raise NotImplementedError

    def candidates(self, text: str) -> list[Candidate]:
        return self._scan(text)[1]

    def _scan(self, text: str) -> tuple[list[Candidate], list[Candidate], dict[Candidate, list[str]]]:
        """(raw grammar matches, unique candidates incl. joined ranges, filter flags of each):
        computed once per text and shared by the model's features and the grammar's decisions."""
        grammar = self.grammar
        raw = raw_candidates(text, grammar)
        unique: dict[tuple[int, int, str], Candidate] = {}
        for c in raw + range_variants(text, raw, grammar):
            unique.setdefault(_key(c), c)
        flags: dict[Candidate, list[str]] = {}
        for c in [*raw, *unique.values()]:
            if c not in flags:
                flags[c] = filter_flags(text, c, grammar)
        return raw, list(unique.values()), flags

    def _features(self, text: str, candidates: list[Candidate],
                  flags: dict[Candidate, list[str]] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        grammar, use_filters = self.grammar, bool(self.cfg["use_filters"])
        keys: list[int] = []
        lengths: list[int] = []
        key_of = self._feature_keys
        if len(key_of) > _KEY_CACHE_LIMIT:
            key_of.clear()
        for c in candidates:
            feats = candidate_features(text, c, grammar, use_filters, None if flags is None else flags[c])
            for f in feats:
                key = key_of.get(f)
                if key is None:
                    key = key_of[f] = hash_unicode(f) & _MASK
                keys.append(key)
            lengths.append(len(feats))
        return (np.asarray(keys, dtype="uint64"), np.ones(len(keys), dtype="float32"),
                np.asarray(lengths, dtype="int32"))

    def candidate_scores(self, text: str) -> tuple[list[Candidate], np.ndarray]:
        """Each candidate and the probability that it is a span with its grammar label."""
        _, candidates, flags = self._scan(text)
        return candidates, self._scores(text, candidates, flags)

    def _scores(self, text: str, candidates: list[Candidate], flags: dict[Candidate, list[str]]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype="float32")
        probs = _softmax(self.raw_scores(self._features(text, candidates, flags)))
        label_index = np.asarray([CLASSES.index(c.label) for c in candidates])
        own = probs[np.arange(len(candidates)), label_index]
        return own / np.maximum(own + probs[:, 0], 1e-9)

    def extract(self, text: str) -> list[Span]:
        """Model mode: the model alone decides. Combined mode: the grammar's own decisions stand
        unless the model is very sure otherwise (below ``veto`` it drops a rule span, above
        ``rescue`` it adds a candidate the rules filtered out); spans carry the model's score."""
        if self.cfg.get("mode", "model") == "combined":
            return self._extract_combined(text)
        return self._extract_model(text)

    def _extract_combined(self, text: str) -> list[Span]:
        """Only candidates whose score can matter are scored: the grammar's spans (veto) and the
        candidates that overlap no kept span (rescue); the others could never be taken."""
        raw, candidates, flags = self._scan(text)
        accepted = find_candidates(text, self.grammar, raw, flags)
        score_of = self._score_map(text, _outside(candidates, accepted, len(text)), flags)
        veto, rescue = float(self.cfg["veto"]), float(self.cfg["rescue"])
        taken = bytearray(len(text) + 1)
        spans: list[Span] = []
        for c in accepted:
            score = score_of.get(_key(c), 1.0)
            span = normalize(text, c, self.grammar) if score >= veto else None
            if span is not None:
                taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                spans.append(span.with_score(score))
        # candidates freed by a veto (rare) are scored now
        freed = [c for c in candidates if _key(c) not in score_of and not any(taken[c.start : c.end])]
        score_of.update(self._score_map(text, freed, flags))
        scored = [(c, score_of[_key(c)]) for c in candidates if _key(c) in score_of]
        for c, score in sorted(scored, key=lambda cs: -cs[1]):
            if score >= rescue and not any(taken[c.start : c.end]):
                span = normalize(text, c, self.grammar)
                if span is not None:
                    taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                    spans.append(span.with_score(float(score)))
        return sorted(spans, key=lambda s: s.start)

    def _score_map(self, text: str, candidates: list[Candidate],
                   flags: dict[Candidate, list[str]]) -> dict[tuple[int, int, str], float]:
        scores = self._scores(text, candidates, flags)
        return {_key(c): float(s) for c, s in zip(candidates, scores)}

    def _extract_model(self, text: str) -> list[Span]:
        candidates, scores = self.candidate_scores(text)
        threshold = float(self.cfg["threshold"])
        order = sorted(range(len(candidates)), key=lambda i: (-scores[i], -(candidates[i].end - candidates[i].start)))
        taken = bytearray(len(text) + 1)
        spans: list[Span] = []
        for i in order:
            c = candidates[i]
            if scores[i] < threshold or any(taken[c.start : c.end]):
                continue
            span = normalize(text, c, self.grammar)
            if span is not None:
                taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                spans.append(span.with_score(float(scores[i])))
        return sorted(spans, key=lambda s: s.start)
