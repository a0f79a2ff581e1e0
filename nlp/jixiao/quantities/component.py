"""The trained quantity component: a spaCy pipe that labels or rejects the grammar's candidates.

The grammar proposes candidates (and joined ranges); a sparse linear model over local-context
features decides, per candidate, between its label and NONE. Scoring touches only candidates,
so the component runs at the speed of the grammar scan. ``extract(text)`` is what tagging calls;
``__call__`` (for spaCy pipelines, training and evaluation) uses the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from murmurhash.mrmr import hash_unicode
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, SpanGroup
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer, SparseLinear

from jixiao.document.model import LABELS, Span
from jixiao.quantities.features import candidate_features
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.filters import filter_flags
from jixiao.quantities.finder import find_candidates, raw_candidates, range_variants
from jixiao.quantities.grammar import GRAMMAR_FILE, Grammar, packaged_grammar_text, parse_grammar
from jixiao.quantities.normalize import normalize

CLASSES: tuple[str, ...] = ("NONE", *LABELS)
SPANS_KEY = "quantities"
VALUES_KEY = "jixiao_quantity_values"
_MASK = 0xFFFFFFFF
_KEY_CACHE_LIMIT = 200_000


@registry.architectures("jixiao.CandidateLinear.v1")
def candidate_linear(length: int = 2**18) -> Model:
    """One weight row per hashed feature and class: a multinomial logistic regression."""
    return SparseLinear(nO=len(CLASSES), length=length)


@Language.factory(
    "jixiao_quantities",
    default_config={
        "model": {"@architectures": "jixiao.CandidateLinear.v1", "length": 2**18},
        "use_filters": True,
        "threshold": 0.5,
        "mode": "combined",
        "veto": 0.05,
        "rescue": 0.95,
    },
    default_score_weights={"spans_quantities_f": 1.0, "spans_quantities_p": 0.0, "spans_quantities_r": 0.0},
)
def make_quantities(nlp: Language, name: str, model: Model, use_filters: bool, threshold: float, mode: str,
                    veto: float, rescue: float) -> QuantityComponent:
    return QuantityComponent(nlp.vocab, model, name, use_filters=use_filters, threshold=threshold, mode=mode,
                             veto=veto, rescue=rescue)


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


class QuantityComponent(TrainablePipe):
    def __init__(self, vocab: Vocab, model: Model, name: str = "quantities", *, use_filters: bool = True,
                 threshold: float = 0.5, mode: str = "combined", veto: float = 0.05, rescue: float = 0.95) -> None:
        if mode not in ("model", "combined"):
            raise ValueError(f"mode must be 'model' or 'combined', not {mode!r}")
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg = {"use_filters": use_filters, "threshold": threshold, "labels": list(CLASSES), "mode": mode,
                    "veto": veto, "rescue": rescue}
        self._training_cache: dict[str, tuple[list[Candidate], tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        self._feature_keys: dict[str, int] = {}  # feature string -> hashed key, bounded by _KEY_CACHE_LIMIT
        # a new component is trained with the package's grammar; a saved one keeps its own copy
        self.grammar_text: str | None = None
        self._grammar: Grammar | None = None

    @property
    def grammar(self) -> Grammar:
        if self._grammar is None:
            self.grammar_text = packaged_grammar_text()
            self._grammar = parse_grammar(self.grammar_text)
        return self._grammar

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """spaCy's serialization plus the grammar the weights were trained with: the feature columns
        depend on it, so the model folder, not the package, is where it is read from."""
        super().to_disk(path, exclude=exclude)
        text = self.grammar_text if self.grammar_text is not None else packaged_grammar_text()
        (Path(path) / GRAMMAR_FILE).write_text(text, "utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> QuantityComponent:
        super().from_disk(path, exclude=exclude)
        file = Path(path) / GRAMMAR_FILE
        try:
            self.grammar_text = file.read_text("utf-8")
            self._grammar = parse_grammar(self.grammar_text)
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{file}: the component's grammar is missing or unreadable ({exc})") from exc
        self._feature_keys.clear()
        return self

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
        probs = _softmax(np.asarray(self.model.predict(self._features(text, candidates, flags))))
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

    # spaCy pipeline protocol -------------------------------------------------------------
    def predict(self, docs: Iterable[Doc]) -> list[list[Span]]:
        return [self.extract(doc.text) for doc in docs]

    def set_annotations(self, docs: Iterable[Doc], predictions: list[list[Span]]) -> None:
        for doc, spans in zip(docs, predictions):
            group = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand") for s in spans]
            doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=[g for g in group if g is not None])
            doc.user_data[VALUES_KEY] = spans

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optimizer | None = None,
               losses: dict[str, float] | None = None) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        for example in examples:
            text = example.reference.text
            candidates, features = self._training_inputs(text)
            if not candidates:
                continue
            gold = {(s.start_char, s.end_char): s.label_ for s in example.reference.spans.get(SPANS_KEY, [])}
            truth = np.asarray([CLASSES.index(gold.get((c.start, c.end), "NONE")) for c in candidates])
            scores, backprop = self.model.begin_update(features)
            probs = _softmax(np.asarray(scores))
            gradient = probs.copy()
            gradient[np.arange(len(truth)), truth] -= 1.0
            backprop(self.model.ops.asarray2f(gradient / len(truth)))
            losses[self.name] += float(-np.log(probs[np.arange(len(truth)), truth] + 1e-9).mean())
        if sgd is not None:
            self.finish_update(sgd)
        return losses

    def _training_inputs(self, text: str) -> tuple[list[Candidate], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Candidates and features of a training text, computed once per training run, not per epoch."""
        if text not in self._training_cache:
            candidates = self.candidates(text)
            self._training_cache[text] = (candidates, self._features(text, candidates) if candidates else (
                np.zeros(0, dtype="uint64"), np.zeros(0, dtype="float32"), np.zeros(0, dtype="int32")))
        return self._training_cache[text]

    def get_loss(self, examples: Iterable[Example], scores: Any) -> tuple[float, Any]:
        raise NotImplementedError("the loss is computed inside update()")

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        self.model.initialize()

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return Scorer.score_spans(examples, attr=f"spans_{SPANS_KEY}",
                                  getter=lambda doc, key: doc.spans.get(SPANS_KEY, []), has_annotation=None,
                                  allow_overlap=False, labeled=True)

    @property
    def labels(self) -> tuple[str, ...]:
        return CLASSES
