"""Read one report file of any supported format into a Document of text, tables and metadata.

Formats are sniffed from magic bytes before the extension is trusted: many ``.doc`` files are
really ``.docx``, and encrypted ``.docx`` files are OLE containers.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import replace
from pathlib import Path

from jixiao.document.model import Document, Table, TableCell
from jixiao.ingest.clean import CleanText, clean
from jixiao.ingest.decode import decode_text
from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted
from jixiao.ingest.meta import detect_meta
from jixiao.ingest.text_tables import find_text_tables

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".docx", ".pdf", ".doc")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")


def sniff_format(data: bytes, path: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        if b"word/" not in data[:65536] and b"[Content_Types].xml" not in data:
            raise IngestError(path, "a ZIP archive but not a Word document")
        return "docx"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_OLE):
        if _ENCRYPTED_OOXML in data:
            raise IngestError(path, "encrypted Word document: remove the password and try again")
        return "doc"
    if data.startswith(b"{\\rtf"):
        return "doc"
    suffix = Path(path).suffix.lower()
    if suffix in (".docx", ".pdf", ".doc"):
        raise IngestError(path, f"truncated or damaged {suffix} (its header is missing)")
    return "txt"


def extract(data: bytes, path: str) -> Extracted:
    kind = sniff_format(data, path)
    if kind == "docx":
        from jixiao.ingest.docx_reader import read_docx

        return read_docx(data, path)
    if kind == "pdf":
        from jixiao.ingest.pdf_reader import read_pdf

        return read_pdf(data, path)
    if kind == "doc":
        from jixiao.ingest.doc_reader import convert_doc_to_docx
        from jixiao.ingest.docx_reader import read_docx

        return replace(read_docx(convert_doc_to_docx(data, path), path), format="doc")
    text, encoding = decode_text(data, path)
    return Extracted(text, "txt", encoding=encoding)


def read_bytes(data: bytes, path: str, doc_id: str | None = None) -> Document:
    """Turn a file's bytes into a Document: cleaned text, metadata and tables, nothing else.

    Sentences and sections are document analysis, done once by the tagging path
    (``jixiao.tagger``) on the text returned here, so the Document has no sentences yet.
    """
    extracted = extract(data, path)
    cleaned = clean(extracted.text)
    if not cleaned.text.strip():
        raise IngestError(path, "no text in the file")
    text = cleaned.text
    meta = {"source": path, "sha256": hashlib.sha256(data).hexdigest(), "format": extracted.format}
    if extracted.encoding:
        meta["encoding"] = extracted.encoding
    meta.update(detect_meta(text))
    tables = tuple(_remap_table(t, cleaned) for t in extracted.tables)
    if extracted.format == "txt":
        tables = tuple(find_text_tables(text))
    return Document(id=doc_id or Path(path).stem, text=text, meta=meta, tables=tables)


def read_file(path: str | Path, doc_id: str | None = None) -> Document:
    """Read a report; raise IngestError with a one-line reason for anything unreadable."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise IngestError(name, "is a folder, not a file") from exc
    except FileNotFoundError as exc:
        raise IngestError(name, "no such file") from exc
    except PermissionError as exc:
        raise IngestError(name, "permission denied") from exc
    except OSError as exc:
        raise IngestError(name, f"cannot read ({exc.strerror})") from exc
    return read_bytes(data, name, doc_id)


def _remap_table(table: Table, cleaned: CleanText) -> Table:
    def at(index: int | None) -> int | None:
        return None if index is None else bisect_left(cleaned.offsets, index)

    rows = tuple(tuple(TableCell(c.text, at(c.start), at(c.end)) for c in row) for row in table.rows)
    return Table(rows=rows, start=at(table.start), end=at(table.end), caption=table.caption)
