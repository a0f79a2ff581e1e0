"""The tagging path shared by ``jixiao tag``, ``jixiao evaluate`` and the Python API.

A Tagger holds a quantity extractor and a sentence classifier; both are loaded once and then
applied to any number of documents. Evaluation calls the same ``tag_document`` on gold text, so
what is scored is exactly what users get.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.components import QuantityExtractor, SentenceClassifier
from jixiao.document.model import Document, Span
from jixiao.document.sections import sectioned_sentences
from jixiao.document.sentences import chunk_bounds, split_offsets
from jixiao.ingest.errors import IngestError
from jixiao.ingest.meta import detect_meta
from jixiao.ingest.reader import read_file
from jixiao.ingest.text_tables import find_text_tables
from jixiao.linebreaks import line_form
from jixiao.tables.records import typed_tables

# Longer texts are tagged a piece at a time (see ``Tagger._quantities``); every real report is
# shorter, so for them nothing changes.
CHUNK_CHARS = 200_000
# Characters of text read on either side of a piece: more than any quantity feature looks at.
CHUNK_CONTEXT = 200

# ``progress(step, share)``: what a long call is doing and how far it is, for a caller that shows it
# (``jixiao tag`` on one very large report); ``share`` of that step done, from 0 to 1.
StepProgress = Callable[[str, float], None]


def _no_progress(step: str, share: float) -> None:
    """The progress of a caller that shows none."""


@dataclass(frozen=True)
class TagResult:
    """One input's outcome: a tagged document, or the reason it could not be read."""

    source: str
    document: Document | None = None
    error: str | None = None


@dataclass
class Tagger:
    """A loaded model: its quantity extractor and sentence classifier (``jixiao.load()``), and the
    tagging path every command, the evaluation and the training share."""

    quantities: QuantityExtractor | None
    classifier: SentenceClassifier | None = None
    model_name: str = "jixiao"
    model_version: str = "0"
    chunk_chars: int = CHUNK_CHARS

    def tag_document(self, doc: Document, progress: StepProgress | None = None) -> Document:
        """Tag a document whose text (and, if present, sentences) are given.

        Document analysis happens here, once: ingestion returns text, tables and metadata only,
        so the sentences are split here (unless the document brings its own boundaries, as gold
        does for ``evaluate --sentences gold``) and their sections are assigned by the classifier
        that reads them. Tables are typed here too (``jixiao.tables.records``), so the output, the
        audit and ``show`` all read the same table records.
        """
        return self.tag_documents([doc], progress)[0]

    def tag_documents(self, docs: Iterable[Document], progress: StepProgress | None = None) -> list[Document]:
        """``tag_document`` of each document; the classifier scores their sentences together,
        which makes many short documents much cheaper than one call each. ``docs`` may be any
        iterable (a generator is read once, here). ``progress`` hears of each step (quantities,
        a piece at a time; sentences; tables): a report of many megabytes takes a minute."""
        docs = list(docs)
        # every line break read as \n (the same length, so offsets index the document's own text)
        texts = [line_form(doc.text) for doc in docs]
        offsets = [[(s.start, s.end) for s in doc.sentences] if doc.sentences else split_offsets(text)
                   for doc, text in zip(docs, texts)]
        report = progress or _no_progress
        total, done, spans = sum(map(len, texts)) or 1, 0, []
        for doc, text, o in zip(docs, texts, offsets):
            piece_done = lambda piece, before=done: report("quantities", (before + piece) / total)  # noqa: E731
            spans.append(self._quantities(text, o, piece_done) if self.quantities is not None else doc.spans)
            done += len(text)
        report("sentences", 0.0)
        if self.classifier is not None:
            # the classifier builds the sentence records itself (sections included), once
            sentences = [tuple(s) for s in self.classifier.classify_many(list(zip(texts, offsets)))]
        else:
            sentences = [doc.sentences if doc.sentences else sectioned_sentences(text, o)
                         for doc, text, o in zip(docs, texts, offsets)]
        report("tables", 0.0)
        return [replace(doc, spans=sp, sentences=se, tables=typed_tables(doc))
                for doc, sp, se in zip(docs, spans, sentences)]

    def _quantities(self, text: str, offsets: list[tuple[int, int]],
                    done: Callable[[int], None] = lambda end: None) -> tuple[Span, ...]:
        """The quantities of a text, a piece of about ``chunk_chars`` characters at a time: the
        extractor's working memory grows with the text it is given.

        Pieces are cut between sentences (a quantity never crosses one), at a paragraph end where
        there is one, and each is read with ``CHUNK_CONTEXT`` characters of the text on either
        side, so that every quantity is scored with the same context as in the whole text; a
        piece keeps the quantities that start inside it. ``done`` hears how many characters are
        read after each piece."""
        assert self.quantities is not None
        if len(text) <= self.chunk_chars:
            return tuple(self.quantities.extract(text))
        spans: list[Span] = []
        bounds = chunk_bounds(text, offsets, self.chunk_chars)
        for start, end in zip(bounds, bounds[1:]):
            left = max(0, start - CHUNK_CONTEXT)
            for span in self.quantities.extract(text[left : end + CHUNK_CONTEXT]):
                if start <= span.start + left < end:
                    spans.append(span if not left else replace(span, start=span.start + left, end=span.end + left))
            done(end)
        return tuple(spans)

    def tag_text(self, text: str, doc_id: str = "text") -> Document:
        """Tag ``text`` as given: offsets index ``text`` itself. Its tables are found as in a
        ``.txt`` report (``find_text_tables``), so the audit checks them as it does for files, and
        its unit, region and year are read into ``meta`` as for a file; a file read by ``tag_file``
        is also cleaned (invisible characters, Word bookmarks) and its hard-wrapped lines joined,
        which ``tag_text`` leaves to the caller."""
        if not isinstance(text, str):
            raise TypeError(f"tag_text takes the text as a str, not {type(text).__name__}"
                            + (" (decode the bytes first, or use tag_file)" if isinstance(text, (bytes, bytearray)) else ""))
        lines = line_form(text)
        return self.tag_document(Document(id=doc_id, text=text, meta=detect_meta(lines),
                                          tables=tuple(find_text_tables(lines))))

    def tag_file(self, path: str | Path) -> Document:
        """Read and tag one file; raises IngestError for unreadable input."""
        return self.tag_document(read_file(path))

    def tag_many(self, paths: Iterable[str | Path]) -> Iterator[TagResult]:
        """Tag files one by one, in order; unreadable ones come back with their reason. A single
        path (a string) is a TypeError at the call, not a file per character."""
        from jixiao.inputs import path_list

        return self._tag_each(path_list(paths))

    def _tag_each(self, paths: Iterable[str | Path]) -> Iterator[TagResult]:
        for path in paths:
            try:
                yield TagResult(str(path), self.tag_file(path))
            except IngestError as exc:
                yield TagResult(str(path), error=exc.reason)

    @property
    def model_info(self) -> dict[str, str]:
        return {"name": self.model_name, "version": self.model_version}

    def __repr__(self) -> str:
        # the parts hold the whole grammar and keyword lists: a REPL shows what the tagger is
        parts = ", ".join(f"{role}={getattr(part, 'name', type(part).__name__)!r}"
                          for role, part in (("quantities", self.quantities), ("classifier", self.classifier))
                          if part is not None)
        return f"Tagger({self.model_name} {self.model_version}: {parts})"
