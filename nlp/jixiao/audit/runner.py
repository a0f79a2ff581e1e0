"""Run every check over a document, or over files into a findings JSON Lines file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.audit.findings import Finding
from jixiao.audit.parts_checks import parts_findings
from jixiao.audit.prose_checks import prose_findings
from jixiao.audit.restatement import restatement_findings
from jixiao.audit.statements import paragraphs
from jixiao.audit.table_checks import table_findings
from jixiao.document.jsonl import JSONL_SUFFIXES, FormatError, document_from_dict, iter_raw, json_text
from jixiao.document.model import Document
from jixiao.quantities.rules import RuleExtractor
from jixiao.tables.budget import budget_tables
from jixiao.tables.records import with_typed_tables


def audit_document(doc: Document, extractor: RuleExtractor | None = None) -> list[Finding]:
    """Every figure in ``doc`` that does not follow from the figures it derives from.

    Tables are the typed table records of ``doc.tables`` — as ``jixiao tag`` wrote them, or typed
    here by the same code (``jixiao.tables.records``) when the document comes straight from a
    file; prose figures are re-extracted with the rule extractor (not taken from ``doc.spans``)
    so that the audit gives the same answer whichever model tagged the document. Findings are in
    reading order, one per stated figure and check.
    """
    doc = with_typed_tables(doc)
    tables = budget_tables(doc)
    prose = paragraphs(doc, extractor)
    findings: list[Finding] = []
    for table in tables:
        findings.extend(table_findings(doc.id, table))
    findings.extend(prose_findings(doc.id, doc.text, prose))
    findings.extend(parts_findings(doc.id, doc.text, prose))
    findings.extend(restatement_findings(doc.id, doc.text, prose, tables))
    return _ordered(findings)


def _ordered(findings: list[Finding]) -> list[Finding]:
    unique = {(f.check, f.start, f.end, f.related_start): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.start if f.start is not None else -1, f.check))


@dataclass
class AuditSummary:
    documents: int = 0
    findings: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    by_check: dict[str, int] = field(default_factory=dict)
    written: bool = True  # False when no input could be read and an earlier output was left as it was


class _NothingRead(Exception):
    """Raised at the end of the findings when not one input was read, to abandon the write."""


def audit_files(paths: Iterable[str], output: Path, ids: Iterable[str] | None = None,
                done: Callable[[], None] | None = None, problems: Iterable[tuple[str, str]] = ()) -> AuditSummary:
    """Audit each file and write one finding per line; unreadable files are listed, not fatal.

    ``ids`` are the document ids of the report files, as ``jixiao tag`` gives them (the paths
    relative to the inputs' common folder, ``jixiao.inputs.find_inputs``), so that findings join
    the tagged records; without them a report's id is its file name without suffix. ``done`` is
    called after each input (a progress bar); ``problems`` are inputs already known unreadable
    (``find_inputs``), listed first. Documents
    read from JSON Lines keep their own ids. The output is written atomically, so an interrupted
    run never leaves a findings file that looks complete, and a run that could read none of its
    inputs leaves an earlier one as it was (``written`` is then False).
    """
    from jixiao.atomic import write_lines

    paths = list(paths)
    names = list(ids) if ids is not None else [None] * len(paths)
    if len(names) != len(paths):
        raise ValueError(f"{len(paths)} paths but {len(names)} ids")
    summary = AuditSummary(failed=list(problems))  # links and inputs that name nothing, listed first
    findings = _audit_each(zip(paths, names), RuleExtractor(), summary, done)

    def lines() -> Iterator[str]:
        yield from (json_text(f.as_dict()) for f in findings)
        if summary.documents == 0 and summary.failed and Path(output).exists():
            raise _NothingRead  # an earlier findings file is not replaced by an empty one

    try:
        write_lines(output, lines())
    except _NothingRead:
        summary.written = False
    return summary


def _audit_each(paths: Iterable[tuple[str, str | None]], extractor: RuleExtractor,
                summary: AuditSummary, done: Callable[[], None] | None = None) -> Iterator[Finding]:
    from jixiao.ingest.errors import IngestError
    from jixiao.ingest.reader import read_file

    for path, doc_id in paths:
        if Path(path).suffix.lower() in JSONL_SUFFIXES:  # documents as `jixiao tag` wrote them
            docs = _tagged_documents(path, summary)
        else:
            try:
                docs = iter([read_file(path, doc_id)])
            except IngestError as exc:
                summary.failed.append((path, exc.reason))
                if done is not None:
                    done()
                continue
        for doc in docs:
            summary.documents += 1
            for finding in audit_document(doc, extractor):
                summary.findings += 1
                summary.by_check[finding.check] = summary.by_check.get(finding.check, 0) + 1
                yield finding
        if done is not None:
            done()


def _tagged_documents(path: str, summary: AuditSummary) -> Iterator[Document]:
    """The documents of a JSON Lines file; a line that is no document is listed as a failure of
    ``path:line`` and the others are audited."""
    try:
        for number, raw in iter_raw(path):
            try:
                yield document_from_dict(raw)
            except (FormatError, KeyError, TypeError, ValueError, AttributeError) as exc:
                summary.failed.append((f"{path}:{number}", f"not a document ({exc})"))
    except FormatError as exc:  # a line that is not JSON ends the file: "path:line: reason"
        where, _, reason = str(exc).removeprefix(f"{path}:").partition(": ")
        summary.failed.append((f"{path}:{where}", reason))
    except UnicodeDecodeError:
        summary.failed.append((path, "not UTF-8 text"))
    except OSError as exc:
        summary.failed.append((path, f"cannot read ({exc.strerror or exc})"))
