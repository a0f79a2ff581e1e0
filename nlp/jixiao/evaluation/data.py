"""The gold data an evaluation runs on: a JSON Lines file, or a named split of the corpus.

The fingerprint is the SHA-256 of the gold lines as stored, so a metrics.json says exactly which
annotations it was measured against; a split's fingerprint equals that of a file holding the
split's lines in splits.json order (for a one-report split, the report's gold file).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jixiao.document.jsonl import FormatError, document_from_dict, read_documents
from jixiao.document.model import CATEGORIES, KINDS, LABELS, Document

SPLITS_FILE = "splits.json"
GOLD_FOLDERS: tuple[str, ...] = ("gold", "authored")
SHIFT_SPLIT = "shift"  # corpus/shift/: evaluation only, never listed in splits.json, never trained on
SPLIT_NAMES: tuple[str, ...] = ("train", "dev", "test", SHIFT_SPLIT)  # what --split accepts


class DataError(ValueError):
    """Gold data that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class EvalData:
    documents: list[Document]
    source: str
    sha256: str

    def describe(self) -> dict[str, str | int]:
        return {"path": self.source, "sha256": self.sha256, "documents": len(self.documents)}


def read_data_file(path: Path) -> EvalData:
    """Gold documents from one JSON Lines file."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        docs = read_documents(path)
    except FormatError as exc:
        raise DataError(str(exc)) from exc
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not docs:
        raise DataError(f"{path}: no documents in the file")
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise DataError(f"{path}: document id {doc.id!r} occurs more than once")
        seen.add(doc.id)
    check_labels(docs, str(path))
    return EvalData(docs, str(path), digest)


def check_labels(docs: list[Document], where: str) -> None:
    """Raise DataError naming the first label, kind or category outside the scheme, or the first
    overlapping spans or sentences: a misspelled kind would otherwise end scoring in a KeyError, a
    misspelled label be scored as a label of its own, and overlapping gold be scored twice."""
    for doc in docs:
        for span in doc.spans:
            if span.label not in LABELS:
                raise DataError(f"{where} [{doc.id}]: span {span.start}-{span.end} has label {span.label!r}, not one of "
                                f"{', '.join(LABELS)} (jixiao corpus validate {where} lists every problem)")
        for sentence in doc.sentences:
            if sentence.kind is not None and sentence.kind not in KINDS:
                raise DataError(f"{where} [{doc.id}]: sentence {sentence.start}-{sentence.end} has kind {sentence.kind!r}, "
                                f"not one of {', '.join(KINDS)} (jixiao corpus validate {where} lists every problem)")
            unknown = [c for c in sentence.categories if c not in CATEGORIES]
            if unknown:
                raise DataError(f"{where} [{doc.id}]: sentence {sentence.start}-{sentence.end} has category {unknown[0]!r}, "
                                f"not a category of the scheme (jixiao corpus validate {where} lists every problem)")
        for what, items in (("spans", doc.spans), ("sentences", doc.sentences)):
            ordered = sorted((item.start, item.end) for item in items)
            for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
                if s2 < e1:  # a gold span matched twice, a predicted one counted against both
                    raise DataError(f"{where} [{doc.id}]: {what} {s1}-{e1} and {s2}-{e2} overlap "
                                    f"(jixiao corpus validate {where} lists every problem)")


def read_split(corpus: Path, name: str) -> EvalData:
    """Gold documents of split ``name`` (train, dev, test) as listed in ``corpus/splits.json``,
    or every document of ``corpus/shift/`` for ``shift`` (the registers unlike the five reports)."""
    if not corpus.is_dir():  # the default, ./corpus, is there only in the repository's root
        raise DataError(f"{corpus}: no such corpus folder (pass --corpus, or run from the repository's root)")
    if name == SHIFT_SPLIT:
        return _read_shift(corpus / SHIFT_SPLIT)
    splits_path = corpus / SPLITS_FILE
    try:
        splits = json.loads(splits_path.read_text("utf-8"))
    except OSError as exc:
        raise DataError(f"{splits_path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{splits_path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    ids = splits.get(name) if isinstance(splits, dict) else None
    if not isinstance(ids, list) or not ids:
        raise DataError(f"{splits_path}: no split named {name!r}")
    lines = _gold_lines(corpus)
    absent = [i for i in ids if i not in lines]
    if absent:
        raise DataError(f"{splits_path}: split {name!r} names documents not in the corpus: {', '.join(absent[:5])}")
    digest = hashlib.sha256(b"".join(lines[i][0] for i in ids)).hexdigest()
    return EvalData([lines[i][1] for i in ids], f"{splits_path}#{name}", digest)


def _read_shift(folder: Path) -> EvalData:
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise DataError(f"{folder}: no shift split (*.jsonl) here")
    parts = [read_data_file(f) for f in files]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    return EvalData([d for p in parts for d in p.documents], f"{folder}/*.jsonl", digest)


def _gold_lines(corpus: Path) -> dict[str, tuple[bytes, Document]]:
    """Every corpus document by id, with its stored line (newline included) for the fingerprint."""
    found: dict[str, tuple[bytes, Document]] = {}
    for folder in GOLD_FOLDERS:
        for path in sorted((corpus / folder).glob("*.jsonl")):
            for number, line in enumerate(_read_lines(path), 1):
                if not line.strip():
                    continue
                try:
                    doc = document_from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise DataError(f"{path}:{number}: {exc}") from exc
                found[doc.id] = (line if line.endswith(b"\n") else line + b"\n", doc)
    return found


def _read_lines(path: Path) -> list[bytes]:
    try:
        return path.read_bytes().splitlines(keepends=True)
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from exc
