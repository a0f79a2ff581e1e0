"""Build ``corpus/docs.jsonl`` from ``corpus/raw``: the reports' text and sentences, no labels.

The index gives each report its id and metadata; the text comes from the same ingestion path
that tagging uses, and the sentences and sections from the same document analysis
(``sectioned_sentences``), so gold offsets and tagger offsets agree.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from jixiao.document.model import Document
from jixiao.document.sections import sectioned_sentences
from jixiao.ingest.errors import IngestError
from jixiao.ingest.reader import read_file


def read_index(raw_dir: Path) -> list[dict[str, str]]:
    with open(raw_dir / "index.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def build_docs(raw_dir: Path) -> list[Document]:
    """The documents of the index, in its order. Raises BuildError listing every report that could
    not be read (a corpus missing one of its reports is not written at all)."""
    docs = []
    problems: list[str] = []
    for row in read_index(raw_dir):
        try:
            doc = read_file(raw_dir / row["file"], doc_id=row["id"])
        except IngestError as exc:
            problems.append(str(exc))
            continue
        meta = dict(doc.meta)
        meta.update(
            source=(raw_dir / row["file"]).as_posix(),  # where it was read from, as the folder was named
            unit=row["issuing_unit"],
            region=row["region"],
            year=int(row["year"]),
            report_type=row["report_type"],
        )
        docs.append(replace(doc, meta=meta, sentences=sectioned_sentences(doc.text), tables=()))
    if problems:
        raise BuildError(problems)
    return docs


class BuildError(Exception):
    """Reports of the index that could not be read, one line each (``problems``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
