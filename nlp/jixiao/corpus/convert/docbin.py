"""SCHEME documents to spaCy ``Doc``/``DocBin`` and back, losslessly.

Layout of a converted ``Doc`` (one per report):

- tokens: one per character, except runs of ASCII or full-width digits with inner ``.``/``,``
  which stay whole; tokens are split further wherever a span or sentence starts or ends, so no
  gold boundary is ever lost to tokenization. Whitespace characters are tokens of their own and
  no token has a trailing space, so ``doc.text`` equals the document text exactly.
- ``doc.spans["quantities"]``: the spans with their labels.
- ``doc.user_data``: everything spaCy has no slot for, all msgpack-safe so it survives a
  ``DocBin(store_user_data=True)``: ``("jixiao_span", start, end)`` → value, unit, op, approx,
  value_max, score (decimals as strings); ``("jixiao_sentence", start, end)`` → kind,
  categories and scores; ``"jixiao_id"``; ``"jixiao_meta"`` and ``"jixiao_tables"`` as JSON
  strings (msgpack would turn their lists into tuples). Offsets are character offsets.
- sentence starts are set from the sentences, so ``doc.sents`` works; text between sentences
  joins the sentence before it.
- ``doc.cats``: document-level multi-hot over the ten categories (1.0 when any sentence has
  it). It is derived, for document classifiers, and ignored when reading back.

``quantity_doc`` is the one place a spaCy ``Doc`` is built from text and gold quantity spans:
``to_doc`` uses it with the boundary-preserving tokens above, and training data for a pipeline
uses it with the pipeline's own ``make_doc`` (where a span off that tokenizer's grid is left
out and reported, not silently dropped).

The character tokenizer here is a stand-in until the project tokenizer replaces it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.corpus.convert.errors import ConvertError
from jixiao.document.jsonl import decimal_str, table_from_dict, table_to_dict
from jixiao.document.model import CATEGORIES, LABELS, Document, Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

SPANS_KEY = "quantities"
_RUN = re.compile(r"[0-9０-９]+(?:[.,．][0-9０-９]+)*")


def char_tokens(text: str, boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(start, end) of each token: characters, digit runs kept whole, split at every boundary."""
    cuts = set(boundaries)
    tokens: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        match = _RUN.match(text, index)
        end = match.end() if match else index + 1
        tokens.extend(_split_at(index, end, cuts))
        index = end
    return tokens


def _split_at(start: int, end: int, cuts: set[int]) -> list[tuple[int, int]]:
    points = [start] + sorted(c for c in cuts if start < c < end) + [end]
    return list(zip(points, points[1:]))


def default_vocab() -> Vocab:
    import spacy

    return spacy.blank("zh").vocab


def quantity_doc(make_doc: Callable[[str], Doc], text: str, spans: Iterable[Span], *, offset: int = 0,
                 key: str = SPANS_KEY) -> tuple[Doc, list[Span]]:
    """A spaCy Doc of ``text`` made by ``make_doc``, with the gold ``spans`` in ``doc.spans[key]``.

    ``offset`` is where ``text`` starts in the document the spans' offsets refer to (a chunk of
    a report). Returns the Doc and the spans that do not fall on ``make_doc``'s token boundaries,
    which are left out of the Doc: whether that is an error (conversion, training) or a count
    (a tokenizer comparison) is the caller's decision.
    """
    out = make_doc(text)
    placed, off_grid = [], []
    for span in spans:
        found = out.char_span(span.start - offset, span.end - offset, label=span.label)
        if found is None:
            off_grid.append(span)
        else:
            placed.append(found)
    out.spans[key] = placed
    return out, off_grid


def to_doc(doc: Document, vocab: Vocab | None = None) -> Doc:
    from spacy.tokens import Doc as SpacyDoc

    vocab = vocab or default_vocab()
    bounds = {b for item in (*doc.spans, *doc.sentences) for b in (item.start, item.end)}
    tokens = char_tokens(doc.text, bounds)
    starts = {s.start for s in doc.sentences}
    sent_starts = [start in starts or i == 0 for i, (start, _) in enumerate(tokens)]

    def make_doc(text: str) -> Doc:
        return SpacyDoc(vocab, words=[text[s:e] for s, e in tokens], spaces=[False] * len(tokens),
                        sent_starts=sent_starts if doc.sentences and tokens else None)

    out, off_grid = quantity_doc(make_doc, doc.text, doc.spans)
    if off_grid:
        raise ConvertError(f"span {off_grid[0].start}-{off_grid[0].end} does not fit the text")
    out.user_data.update(_user_data(doc))
    out.cats = _doc_cats(doc)
    return out


def _user_data(doc: Document) -> dict[Any, Any]:
    data: dict[Any, Any] = {"jixiao_id": doc.id, "jixiao_meta": json.dumps(doc.meta, ensure_ascii=False)}
    if doc.tables:
        data["jixiao_tables"] = json.dumps([table_to_dict(t) for t in doc.tables], ensure_ascii=False)
    for span in doc.spans:
        data[("jixiao_span", span.start, span.end)] = _span_attrs(span)
    for sentence in doc.sentences:
        data[("jixiao_sentence", sentence.start, sentence.end)] = _sentence_attrs(sentence)
    return data


def _span_attrs(span: Span) -> dict[str, Any]:
    return {
        "value": None if span.value is None else decimal_str(span.value),
        "unit": span.unit,
        "op": span.op,
        "approx": span.approx,
        "value_max": None if span.value_max is None else decimal_str(span.value_max),
        "score": span.score,
    }


def _sentence_attrs(sentence: Sentence) -> dict[str, Any]:
    return {
        "kind": sentence.kind,
        "categories": list(sentence.categories),
        "kind_score": sentence.kind_score,
        "category_scores": dict(sentence.category_scores),
        "section": sentence.section,
    }


def _doc_cats(doc: Document) -> dict[str, float]:
    present = {c for s in doc.sentences for c in s.categories}
    return {c: 1.0 if c in present else 0.0 for c in CATEGORIES}


def from_doc(spacy_doc: Doc, fallback_id: str = "doc") -> Document:
    """Read a Doc written by ``to_doc``; Docs from elsewhere give spans (or entities) only."""
    data = spacy_doc.user_data
    return Document(
        id=str(data.get("jixiao_id", fallback_id)),
        text=spacy_doc.text,
        meta=json.loads(data.get("jixiao_meta", "{}")),
        spans=tuple(_spans(spacy_doc)),
        sentences=tuple(_sentences(data)),
        tables=tuple(table_from_dict(t) for t in json.loads(data.get("jixiao_tables", "[]"))),
    )


def _spans(spacy_doc: Doc) -> Iterator[Span]:
    group = spacy_doc.spans[SPANS_KEY] if SPANS_KEY in spacy_doc.spans else spacy_doc.ents
    for item in sorted(group, key=lambda s: s.start_char):
        if item.label_ not in LABELS:
            raise ConvertError(f"span label {item.label_!r} is not one of {', '.join(LABELS)}")
        attrs = spacy_doc.user_data.get(("jixiao_span", item.start_char, item.end_char), {})
        yield _span(item.start_char, item.end_char, item.label_, attrs)


def _span(start: int, end: int, label: str, attrs: dict[str, Any]) -> Span:
    def dec(key: str) -> Decimal | None:
        return None if attrs.get(key) is None else Decimal(attrs[key])

    return Span(start, end, label, value=dec("value"), unit=attrs.get("unit"), op=attrs.get("op"),
                approx=bool(attrs.get("approx", False)), value_max=dec("value_max"), score=attrs.get("score"))


def _sentences(data: dict[Any, Any]) -> Iterator[Sentence]:
    keys = sorted(k for k in data if isinstance(k, tuple) and len(k) == 3 and k[0] == "jixiao_sentence")
    for _, start, end in keys:
        attrs = data[("jixiao_sentence", start, end)]
        yield Sentence(
            start=start,
            end=end,
            kind=attrs.get("kind"),
            categories=tuple(attrs.get("categories") or ()),
            kind_score=attrs.get("kind_score"),
            category_scores=dict(attrs.get("category_scores") or {}),
            section=attrs.get("section"),
        )


def to_docbin_bytes(docs: Iterable[Document], vocab: Vocab | None = None) -> bytes:
    from spacy.tokens import DocBin

    vocab = vocab or default_vocab()
    return DocBin(docs=(to_doc(d, vocab) for d in docs), store_user_data=True).to_bytes()


def from_docbin_bytes(data: bytes, vocab: Vocab | None = None, name: str = "doc") -> list[Document]:
    from spacy.tokens import DocBin

    try:
        spacy_docs = list(DocBin().from_bytes(data).get_docs(vocab or default_vocab()))
    except Exception as exc:  # spaCy and msgpack raise many types for a corrupt file
        raise ConvertError(f"not a spaCy DocBin ({type(exc).__name__})") from exc
    return [from_doc(d, f"{name}-{i}") for i, d in enumerate(spacy_docs, 1)]


def write_docbin(path: str | Path, docs: Iterable[Document]) -> int:
    """Write the documents as one DocBin; ``docs`` is consumed once, as each is converted."""
    from jixiao.atomic import write_bytes

    count = [0]

    def counted() -> Iterator[Document]:
        for doc in docs:
            count[0] += 1
            yield doc

    write_bytes(path, to_docbin_bytes(counted()))
    return count[0]


def read_docbin(path: str | Path) -> list[Document]:
    return from_docbin_bytes(Path(path).read_bytes(), name=Path(path).stem)
