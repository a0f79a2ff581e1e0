"""The tagging path shared by ``jixiao tag``, ``jixiao evaluate`` and the Python API.

A Tagger holds a quantity extractor and a sentence classifier; both are loaded once and then
applied to any number of documents. Evaluation calls the same ``tag_document`` on gold text, so
what is scored is exactly what users get.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.components import QuantityExtractor, SentenceClassifier
from jixiao.document.model import Document
from jixiao.document.sections import sectioned_sentences
from jixiao.document.sentences import split_offsets
from jixiao.ingest.errors import IngestError
from jixiao.ingest.reader import read_file
from jixiao.tables.records import typed_tables


@dataclass(frozen=True)
class TagResult:
    """One input's outcome: a tagged document, or the reason it could not be read."""

    source: str
    document: Document | None = None
    error: str | None = None


@dataclass
class Tagger:
    quantities: QuantityExtractor | None
    classifier: SentenceClassifier | None = None
    model_name: str = "jixiao"
    model_version: str = "0"

    def tag_document(self, doc: Document) -> Document:
        """Tag a document whose text (and, if present, sentences) are given.

        Document analysis happens here, once: ingestion returns text, tables and metadata only,
        so the sentences are split here (unless the document brings its own boundaries, as gold
        does for ``evaluate --sentences gold``) and their sections are assigned by the classifier
        that reads them. Tables are typed here too (``jixiao.tables.records``), so the output, the
        audit and ``show`` all read the same table records.
        """
        spans = tuple(self.quantities.extract(doc.text)) if self.quantities is not None else doc.spans
        offsets = [(s.start, s.end) for s in doc.sentences] if doc.sentences else split_offsets(doc.text)
        if self.classifier is not None:
            # the classifier builds the sentence records itself (sections included), once
            sentences = tuple(self.classifier.classify_offsets(doc.text, offsets))
        elif doc.sentences:
            sentences = doc.sentences
        else:
            sentences = sectioned_sentences(doc.text, offsets)
        return replace(doc, spans=spans, sentences=sentences, tables=typed_tables(doc))

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
