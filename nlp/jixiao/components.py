"""What the tagger needs of its two parts, as protocols: the layers below the tagger (quantities,
issues and their loaders) implement them without importing the tagger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from jixiao.document.model import Document, Sentence, Span


class QuantityExtractor(Protocol):
    """Finds the quantities of a text (SCHEME §1): the grammar (``RuleExtractor``), the trained
    linear component, or the spaCy pipeline. ``name`` is what the model's meta.json and the run
    manifest call it."""

    name: str

    def extract(self, text: str) -> list[Span]:
        """The quantity spans of ``text``, sorted and not overlapping, offsets into ``text`` itself,
        each with its normalised value and unit."""
        ...


class SentenceClassifier(Protocol):
    """Gives every sentence its kind (problem, recommendation, none), categories and section
    (SCHEME §2). Backends are registered by name (``jixiao.issues.backends``)."""

    name: str

    def classify(self, doc: Document) -> list[Sentence]:
        """The sentences of ``doc`` (at its own sentence offsets), classified."""
        ...

    def classify_offsets(self, text: str, offsets: Sequence[tuple[int, int]]) -> list[Sentence]:
        """The sentences at ``offsets`` in ``text`` (the tagging path passes the splitter's offsets,
        the evaluation may pass gold ones), classified in that order."""
        ...

    def classify_many(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[list[Sentence]]:
        """``classify_offsets`` of several documents at once (a backend may score them together)."""
        ...
