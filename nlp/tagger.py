"""The tagging path shared by ``jixiao tag``, ``jixiao evaluate`` and the Python API.

A Tagger holds a quantity extractor and a sentence classifier; both are loaded once and then
applied to any number of documents. Evaluation calls the same ``tag_document`` on gold text, so
what is scored is exactly what users get.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from nlp.document.model import Document, Sentence, Span
from nlp.document.sections import assign_sections
from nlp.document.sentences import split_offsets
from nlp.ingest.errors import IngestError
from nlp.ingest.reader import read_file


class QuantityExtractor(Protocol):
    name: str

    def extract(self, text: str) -> list[Span]: ...


class SentenceClassifier(Protocol):
    name: str

    def classify(self, doc: Document) -> list[Sentence]: ...


@dataclass(frozen=True)
class TagResult:
    """One input's outcome: a tagged document, or the reason it could not be read."""

    source: str
    document: Document | None = None
    error: str | None = None


@dataclass
class Tagger:
    quantities: QuantityExtractor
    classifier: SentenceClassifier | None = None
    model_name: str = "jixiao"
    model_version: str = "0"

    def tag_document(self, doc: Document) -> Document:
        """Tag a document whose text (and, if present, sentences) are given."""
        if not doc.sentences:
            offsets = split_offsets(doc.text)
            # A classifier assigns sections itself (from the same detector); do it once.
            sections = assign_sections(doc.text, offsets) if self.classifier is None else [None] * len(offsets)
            doc = replace(doc, sentences=tuple(Sentence(s, e, section=k) for (s, e), k in zip(offsets, sections)))
        spans = tuple(self.quantities.extract(doc.text))
        doc = replace(doc, spans=spans)
        if self.classifier is not None:
            doc = replace(doc, sentences=tuple(self.classifier.classify(doc)))
        return doc

    def tag_text(self, text: str, doc_id: str = "text") -> Document:
        return self.tag_document(Document(id=doc_id, text=text))

    def tag_file(self, path: str | Path) -> Document:
        """Read and tag one file; raises IngestError for unreadable input."""
        return self.tag_document(read_file(path))

    def tag_many(self, paths: Iterable[str | Path]) -> Iterator[TagResult]:
        """Tag files one by one, in order; unreadable ones come back with their reason."""
        for path in paths:
            try:
                yield TagResult(str(path), self.tag_file(path))
            except IngestError as exc:
                yield TagResult(str(path), error=exc.reason)

    @property
    def model_info(self) -> dict[str, str]:
        return {"name": self.model_name, "version": self.model_version}
