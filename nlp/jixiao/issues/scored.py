"""``classify`` for the learned backends: each only scores a batch of inputs; thresholds and the
sentence records are the same for all of them."""

from __future__ import annotations

from typing import Any

from jixiao.document.model import CATEGORIES, Document, Sentence
from jixiao.issues.inputs import Offsets, SentenceInput, apply_predictions, inputs_of, offsets_of, sections_at


class ScoredClassifier:
    """Mixin for a backend with ``scores(inputs)``, ``thresholds`` and ``settings``."""

    thresholds: dict[str, float]
    settings: dict[str, Any]
    # Sentences scored at once: a batch's feature arrays grow with its text, so a very long
    # document is scored in batches (a sentence's scores do not depend on the rest of its batch).
    batch_sentences: int = 4096

    def scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        raise NotImplementedError

    def tagging_scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        """The scores tagging needs; a backend may skip what tagging never reads."""
        return self.scores(inputs)

    def classify(self, doc: Document) -> list[Sentence]:
        return self.classify_offsets(doc.text, offsets_of(doc))

    def classify_offsets(self, text: str, offsets: Offsets) -> list[Sentence]:
        """Sentence records for the sentences at ``offsets``, scored ``batch_sentences`` at a time:
        only the sections are computed for the whole document at once."""
        if not offsets:
            return []
        sections = sections_at(text, offsets)
        default = float(self.settings.get("threshold", 0.5))
        thresholds = {c: self.thresholds.get(c, default) for c in CATEGORIES}
        out: list[Sentence] = []
        for first in range(0, len(offsets), self.batch_sentences):
            last = first + self.batch_sentences
            inputs = inputs_of(text, offsets[first:last], sections[first:last])
            kinds, kind_scores, cats = self.tagging_scores(inputs)
            out += apply_predictions(offsets[first:last], kinds, kind_scores, cats, thresholds, inputs)
        return out
