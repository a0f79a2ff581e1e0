"""``classify`` for the learned backends: each only scores a batch of inputs; thresholds and the
sentence records are the same for all of them."""

from __future__ import annotations

from collections.abc import Sequence
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
        return self.classify_many([(text, offsets)])[0]

    def classify_many(self, items: Sequence[tuple[str, Offsets]]) -> list[list[Sentence]]:
        """Sentence records for the sentences at each document's offsets.

        The sentences of all the documents are scored together, about ``batch_sentences`` at a
        time: a short document scored alone pays NumPy's fixed cost per call for a few sentences,
        and a long one scored whole holds feature arrays as large as its text. Only sections are
        computed a document at a time (they depend on the headings before a sentence)."""
        default = float(self.settings.get("threshold", 0.5))
        thresholds = {c: self.thresholds.get(c, default) for c in CATEGORIES}
        out: list[list[Sentence]] = [[] for _ in items]
        inputs: list[SentenceInput] = []
        offsets_in: list[tuple[int, int]] = []  # the offsets of each input
        runs: list[tuple[int, int]] = []  # (document, number of inputs), in input order

        def score() -> None:
            kinds, kind_scores, cats = self.tagging_scores(inputs)
            sentences = apply_predictions(offsets_in, kinds, kind_scores, cats, thresholds, inputs)
            first = 0
            for doc, count in runs:
                out[doc].extend(sentences[first : first + count])
                first += count
            inputs.clear()
            offsets_in.clear()
            runs.clear()

        for doc, (text, offsets) in enumerate(items):
            sections = sections_at(text, offsets) if offsets else []
            for first in range(0, len(offsets), self.batch_sentences):
                part = offsets[first : first + self.batch_sentences]
                inputs.extend(inputs_of(text, part, sections[first : first + self.batch_sentences]))
                offsets_in.extend(part)
                runs.append((doc, len(part)))
                if len(inputs) >= self.batch_sentences:
                    score()
        if inputs:
            score()
        return out
