"""Corpus loading for training: gold reports, authored supplement, splits, hashes, DocBins."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import DocBin

from jixiao.document.jsonl import read_documents
from jixiao.document.model import Document

CORPUS = Path("corpus")
SPLITS_FILE = "splits.json"


# meta.set values that no training path may read: the shift split and the classifier's probe sets
EVALUATION_ONLY_SETS = frozenset({"shift-dev", "issues-probe", "issues-probe2", "issues-probe3", "issues-probe4"})


class TrainingDataError(ValueError):
    """Training data that must not be used; the message names the file and document."""


def load_corpus(root: Path = CORPUS) -> list[Document]:
    """Gold reports followed by authored documents, in file order.

    Only ``gold/`` and ``authored/`` are read: the shift split (``corpus/shift/``) is for choosing
    and evaluating models, so it is never loaded here, and a shift document copied into a training
    folder by mistake is refused rather than learnt from."""
    files = sorted((root / "gold").glob("*.jsonl")) + sorted((root / "authored").glob("*.jsonl"))
    docs = []
    where: dict[str, Path] = {}
    for file in files:
        docs.extend(trainable_documents(file, where))
    return docs


def trainable_documents(file: Path, where: dict[str, Path], authored_only: bool = False) -> list[Document]:
    """The documents of ``file``, refused (TrainingDataError) when one belongs to an evaluation set,
    is not authored text (with ``authored_only``) or has an id already in ``where`` (the file each
    id came from, filled in here): the checks every training path applies to what it reads."""
    docs = []
    for doc in read_documents(file):
        if doc.meta.get("set") in EVALUATION_ONLY_SETS:
            raise TrainingDataError(f"{file}: {doc.id} belongs to the {doc.meta['set']} evaluation set; "
                                    "it must not be trained on")
        if authored_only and doc.meta.get("source") != "authored":
            raise TrainingDataError(f"{file}: {doc.id} is not authored training text (meta.source)")
        if doc.id in where:  # the splits name documents by id: both copies would be trained on
            raise TrainingDataError(f"{file}: document id {doc.id!r} is also in {where[doc.id]}; "
                                    "ids must be unique across the corpus")
        where[doc.id] = file
        docs.append(doc)
    return docs


def load_splits(root: Path = CORPUS) -> dict[str, list[str]]:
    return json.loads((root / SPLITS_FILE).read_text("utf-8"))


def select(docs: Sequence[Document], ids: Iterable[str]) -> list[Document]:
    wanted = set(ids)
    return [d for d in docs if d.id in wanted]


def data_hash(docs: Sequence[Document]) -> str:
    """A stable fingerprint of the training data, recorded in model meta."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(doc.id.encode())
        digest.update(doc.text.encode())
        for s in doc.spans:
            digest.update(f"{s.start},{s.end},{s.label},{s.value},{s.unit}".encode())
        for s in doc.sentences:
            digest.update(f"{s.start},{s.end},{s.kind},{','.join(s.categories)}".encode())
    return digest.hexdigest()[:16]


def data_record(splits: dict[str, Sequence[Document]]) -> dict[str, dict[str, Any]]:
    """Per split the fingerprint and the sizes a model's meta.json records: enough to tell whether
    two models saw the same data, and how much of it."""
    return {name: {"hash": data_hash(docs), "documents": len(docs),
                   "sentences": sum(len(d.sentences) for d in docs),
                   "labelled_sentences": sum(1 for d in docs for s in d.sentences if s.kind is not None),
                   "spans": sum(len(d.spans) for d in docs)}
            for name, docs in splits.items()}


def to_docbin(nlp: Language, docs: Sequence[Document], spans_key: str = "quantities") -> DocBin:
    """spaCy Docs with gold quantity spans; a span off the token grid is an error, not a loss."""
    docbin = DocBin(store_user_data=True)
    for doc in docs:
        sdoc = nlp.make_doc(doc.text)
        spans = []
        for s in doc.spans:
            span = sdoc.char_span(s.start, s.end, label=s.label)
            if span is None:
                raise ValueError(f"{doc.id}: span [{s.start},{s.end}) is not on token boundaries")
            spans.append(span)
        sdoc.spans[spans_key] = spans
        sdoc.user_data["doc_id"] = doc.id
        docbin.add(sdoc)
    return docbin
