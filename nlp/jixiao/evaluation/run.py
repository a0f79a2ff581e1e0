"""Evaluate a Tagger on gold documents through the very path ``jixiao tag`` takes.

Each gold document is reduced to its id, text and meta and handed to ``Tagger.tag_document``,
which splits sentences and assigns sections exactly as it does for a file read by ``tag``; the
gold annotations never reach the tagger. Gold sentences are then scored against the predicted
sentence they overlap most, so gold whose boundaries differ from the splitter is still scored on
its own sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from jixiao.document.model import Document, Sentence
from jixiao.evaluation.data import EvalData
from jixiao.evaluation.provenance import code_state
from jixiao.evaluation.score import Errors, score_documents
from jixiao.components import SentenceClassifier
from jixiao.tagger import Tagger


@dataclass(frozen=True)
class Evaluation:
    metrics: dict[str, Any]
    errors: Errors
    gold: list[Document]
    predictions: list[Document]


SENTENCE_BOUNDARIES = ("predicted", "gold")
CONTEXTS = ("document", "none")


def predict(tagger: Tagger, gold: Sequence[Document], sentences: str = "predicted",
            context: str = "document") -> list[Document]:
    """What ``jixiao tag`` outputs for each gold text.

    With ``sentences="gold"`` the classifier is given the gold sentence boundaries instead of the
    splitter's (labels are never passed on): a diagnostic, not what users get, and reports say
    which was used. With ``context="none"`` every sentence is classified on its own, as if it were
    the whole document: no heading above it, nothing around it — how well the classifier reads
    the sentence itself."""
    if sentences not in SENTENCE_BOUNDARIES:
        raise ValueError(f"sentences must be one of {SENTENCE_BOUNDARIES}, not {sentences!r}")
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {CONTEXTS}, not {context!r}")
    out = []
    for g in gold:
        given = tuple(Sentence(s.start, s.end) for s in g.sentences) if sentences == "gold" else ()
        doc = tagger.tag_document(Document(id=g.id, text=g.text, meta=dict(g.meta), sentences=given))
        if context == "none" and tagger.classifier is not None:
            doc = replace(doc, sentences=tuple(_alone(tagger.classifier, doc.text, s) for s in doc.sentences))
        out.append(doc)
    return out


def _alone(classifier: SentenceClassifier, text: str, sentence: Sentence) -> Sentence:
    (found,) = classifier.classify_offsets(text[sentence.start : sentence.end], [(0, sentence.end - sentence.start)])
    return replace(found, start=sentence.start, end=sentence.end)


def scored_parts(gold: Sequence[Document]) -> dict[str, bool]:
    """Score spans only when the gold has spans, sentences only when some carry a kind: a file
    annotated for one task would otherwise score the other as all false positives (or as perfect)."""
    return {
        "spans": any(d.spans for d in gold),
        "sentences": any(s.kind is not None for d in gold for s in d.sentences),
    }


def evaluate_tagger(tagger: Tagger, data: EvalData, sentences: str = "predicted",
                    context: str = "document", model: dict[str, Any] | None = None) -> Evaluation:
    """Tag the gold texts, score them, and record which model, data and code were measured.

    ``model`` is the model's identity (``provenance.model_identity``: content hash, backends,
    training-data hashes), recorded beside ``model`` (the name and version ``jixiao tag`` writes
    into its records). The code is recorded as its commit and whether the tree had uncommitted
    changes (``dirty``)."""
    predictions = predict(tagger, data.documents, sentences, context)
    scores, errors = score_documents(data.documents, predictions, **scored_parts(data.documents))
    code = code_state()
    metrics = {"model": tagger.model_info, "model_identity": model or {}, "data": data.describe(),
               "commit": code["commit"], "dirty": code["dirty"], "sentence_boundaries": sentences,
               "context": context, **scores}
    return Evaluation(metrics, errors, list(data.documents), predictions)
