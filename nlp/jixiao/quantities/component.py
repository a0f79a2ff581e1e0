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
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, SpanGroup
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer, SparseLinear

from jixiao.document.model import Span
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.decisions import CLASSES, CandidateDecisions, Features, _softmax
from jixiao.quantities.grammar import GRAMMAR_FILE, Grammar, packaged_grammar_text, parse_grammar

SPANS_KEY = "quantities"
VALUES_KEY = "jixiao_quantity_values"


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
    """The spaCy factory of ``jixiao_quantities``, as training configs name it (``[components.quantities]``)."""
    return QuantityComponent(nlp.vocab, model, name, use_filters=use_filters, threshold=threshold, mode=mode,
                             veto=veto, rescue=rescue)


class QuantityComponent(TrainablePipe, CandidateDecisions):
    """The trainable quantity component of a spaCy pipeline: the grammar proposes candidates and a
    linear model over hashed features of each accepts or rejects them (``mode`` "model"), or vetoes
    and rescues the grammar's own decisions (``mode`` "combined"). Spans go to
    ``doc.spans["quantities"]``, their values to ``doc.user_data``."""

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
        if self.model.has_param("W"):  # the arrays tagging scores with, without spaCy or thinc
            from jixiao.quantities.linear_extractor import save_linear_weights

            save_linear_weights(self.model.get_param("W"), self.model.get_param("b"),
                                self.model.get_dim("length"), self.cfg, Path(path))

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

    def raw_scores(self, features: Features) -> np.ndarray:
        return np.asarray(self.model.predict(features))

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
