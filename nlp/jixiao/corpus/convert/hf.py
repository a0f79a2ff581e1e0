"""SCHEME documents to a Hugging Face ``datasets.DatasetDict`` (export only).

The export is a ``DatasetDict`` with one ``Dataset`` per split, named as in ``corpus/splits.json``
(``train``, ``dev``, ``test``) plus ``shift`` when the corpus has one, so a model trained from it
sees exactly the documents jixiao's own training sees; ``datasets.load_from_disk`` gives it back.

Two shapes, because models differ in what they see:

- ``documents_dataset``: one row per report: ``id``, ``text``, ``meta`` (a JSON string: report
  metadata is not uniform enough for a fixed schema), ``chars`` and ``bio_tags`` (one per
  character, so token classifiers can train without a tokenizer), ``spans`` and ``sentences`` as
  column-of-lists structs with document offsets.
- ``sentences_dataset``: one row per sentence: ``id`` (``doc_id:index``), ``doc_id``,
  ``index``, ``start``/``end`` in the document, ``text``, ``chars``, ``bio_tags``, ``spans``
  with offsets relative to the sentence, ``kind`` (class label; -1 when unannotated),
  ``categories`` as a list of keys and ``category_labels`` as a multi-hot vector in
  ``CATEGORIES`` order. A span outside every sentence cannot be placed and is an error.

Values are decimal strings so that no float rounding creeps in; ``None`` where absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.corpus.convert.bio import spans_to_tags, tag_names
from jixiao.corpus.convert.errors import ConvertError
from jixiao.document.jsonl import decimal_str
from jixiao.document.model import CATEGORIES, KINDS, Document, Sentence, Span

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict, Features

SHAPES = ("documents", "sentences")


def _span_feature() -> dict[str, Any]:
    from datasets import Value

    return {
        "start": Value("int32"),
        "end": Value("int32"),
        "label": Value("string"),
        "value": Value("string"),
        "value_max": Value("string"),
        "unit": Value("string"),
        "op": Value("string"),
        "approx": Value("bool"),
    }


def document_features() -> Features:
    from datasets import ClassLabel, Features, Sequence, Value

    return Features({
        "id": Value("string"),
        "text": Value("string"),
        "meta": Value("string"),
        "chars": Sequence(Value("string")),
        "bio_tags": Sequence(ClassLabel(names=tag_names())),
        "spans": Sequence(_span_feature()),
        "sentences": Sequence({
            "start": Value("int32"),
            "end": Value("int32"),
            "kind": Value("string"),
            "categories": Sequence(Value("string")),
        }),
    })


def sentence_features() -> Features:
    from datasets import ClassLabel, Features, Sequence, Value

    return Features({
        "id": Value("string"),
        "doc_id": Value("string"),
        "index": Value("int32"),
        "start": Value("int32"),
        "end": Value("int32"),
        "text": Value("string"),
        "chars": Sequence(Value("string")),
        "bio_tags": Sequence(ClassLabel(names=tag_names())),
        "spans": Sequence(_span_feature()),
        "kind": ClassLabel(names=list(KINDS)),
        "categories": Sequence(Value("string")),
        "category_labels": Sequence(Value("int8"), length=len(CATEGORIES)),
    })


def _span_columns(spans: list[Span] | tuple[Span, ...], offset: int = 0) -> dict[str, list[Any]]:
    """Spans as a struct of lists, the shape ``datasets`` stores a sequence of records in."""
    def dec(value: Any) -> str | None:
        return None if value is None else decimal_str(value)

    return {
        "start": [s.start - offset for s in spans],
        "end": [s.end - offset for s in spans],
        "label": [s.label for s in spans],
        "value": [dec(s.value) for s in spans],
        "value_max": [dec(s.value_max) for s in spans],
        "unit": [s.unit for s in spans],
        "op": [s.op for s in spans],
        "approx": [s.approx for s in spans],
    }


def document_row(doc: Document) -> dict[str, Any]:
    try:
        tags = spans_to_tags(len(doc.text), doc.spans)
    except ConvertError as exc:
        raise ConvertError(f"document {doc.id}: {exc}") from exc
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": json.dumps(doc.meta, ensure_ascii=False),
        "chars": list(doc.text),
        "bio_tags": tags,
        "spans": _span_columns(doc.spans),
        "sentences": {
            "start": [s.start for s in doc.sentences],
            "end": [s.end for s in doc.sentences],
            "kind": [s.kind for s in doc.sentences],
            "categories": [list(s.categories) for s in doc.sentences],
        },
    }


def sentence_rows(doc: Document) -> list[dict[str, Any]]:
    _check_placed(doc)
    return [_sentence_row(doc, index, sentence) for index, sentence in enumerate(doc.sentences)]


def _check_placed(doc: Document) -> None:
    for span in doc.spans:
        if not any(s.start <= span.start and span.end <= s.end for s in doc.sentences):
            raise ConvertError(f"document {doc.id}: span {span.start}-{span.end} is not inside any sentence")


def _sentence_row(doc: Document, index: int, sentence: Sentence) -> dict[str, Any]:
    spans = [s for s in doc.spans if sentence.start <= s.start and s.end <= sentence.end]
    text = doc.text[sentence.start : sentence.end]
    return {
        "id": f"{doc.id}:{index}",
        "doc_id": doc.id,
        "index": index,
        "start": sentence.start,
        "end": sentence.end,
        "text": text,
        "chars": list(text),
        "bio_tags": spans_to_tags(len(text), spans, sentence.start),
        "spans": _span_columns(spans, sentence.start),
        "kind": -1 if sentence.kind is None else KINDS.index(sentence.kind),
        "categories": list(sentence.categories),
        "category_labels": [int(c in sentence.categories) for c in CATEGORIES],
    }


def documents_dataset(docs: Iterable[Document]) -> Dataset:
    from datasets import Dataset

    return Dataset.from_list([document_row(d) for d in docs], features=document_features())


def sentences_dataset(docs: Iterable[Document]) -> Dataset:
    from datasets import Dataset

    rows = [row for doc in docs for row in sentence_rows(doc)]
    return Dataset.from_list(rows, features=sentence_features())


def to_dataset(docs: Iterable[Document], shape: str = "documents") -> Dataset:
    if shape not in SHAPES:
        raise ConvertError(f"unknown dataset shape {shape!r} (expected documents or sentences)")
    return documents_dataset(docs) if shape == "documents" else sentences_dataset(docs)


def to_dataset_dict(splits: Mapping[str, Iterable[Document]], shape: str = "documents") -> DatasetDict:
    """One dataset per named split, all with the same features (an empty split stays, empty)."""
    from datasets import DatasetDict

    return DatasetDict({name: to_dataset(docs, shape) for name, docs in splits.items()})


def save_dataset(path: str | Path, splits: Mapping[str, Iterable[Document]], shape: str = "documents") -> dict[str, int]:
    """Build the ``DatasetDict``, then write it with ``save_to_disk`` into a folder swapped in
    whole; returns the rows per split."""
    import datasets

    from jixiao.atomic import build_folder

    dataset = to_dataset_dict(splits, shape)
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()  # the caller shows progress; datasets' own bars would interleave with it
    try:
        build_folder(path, lambda folder: dataset.save_to_disk(str(folder)))
    finally:
        if bars:
            datasets.enable_progress_bars()
    return {name: len(rows) for name, rows in dataset.items()}
