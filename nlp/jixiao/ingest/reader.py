"""Read one report file of any supported format into a Document of text, tables and metadata.

Formats are sniffed from magic bytes before the extension is trusted: many ``.doc`` files are
really ``.docx``, and encrypted ``.docx`` files are OLE containers. Before a format reader runs,
the file is checked against the limits of ``ingest.limits`` (zip bombs, page counts, sizes), so
that a hostile or broken file costs a bounded amount of work and ends as one IngestError.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from jixiao.document.model import Document, Table, TableCell
from jixiao.ingest.clean import CleanText, clean
from jixiao.ingest.decode import decode
from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits, check_characters, check_docx, check_pdf, check_text_bytes
from jixiao.ingest.meta import detect_meta
from jixiao.ingest.text_tables import find_text_tables
from jixiao.ingest.text_wraps import Unwrapped, join_wrapped_lines

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".docx", ".pdf", ".doc")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_CONTAINERS = (b"PK\x03\x04", b"%PDF", _OLE, b"{\\rtf")
# Formats whose lines may be a layout's and not the author's: their hard wraps are joined
# (a PDF's are joined by ``pdf_lines`` from the page's geometry)
_JOINED_FORMATS = frozenset({"txt", "docx", "doc"})


# Formats people keep beside their reports that are not reports: refused by name rather than
# read as a damaged Word file or as text
UNSUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".xls", ".xlsm", ".et", ".pptx", ".ppt", ".odt", ".ods",
                                         ".zip", ".rar", ".7z", ".gz", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".ofd",
                                         ".jsonl", ".ndjson", ".json", ".html", ".htm", ".xml")
# Files in a folder that may well be reports in a form jixiao does not read (scans, spreadsheets,
# web pages, archives, WPS and RTF documents): a folder run says how many it left out. Outputs,
# indexes and metadata beside the reports (.jsonl, .json, .tsv, .csv, .xml) are left out silently.
REPORT_LIKE_SUFFIXES: frozenset[str] = frozenset(UNSUPPORTED_SUFFIXES) - {".jsonl", ".ndjson", ".json", ".xml"} | {".rtf", ".wps", ".md"}
# What to do instead, for the formats people most often hand to `jixiao tag` by mistake: tagging a
# tagged or gold JSON Lines file, or a web page's markup, as report text gives nonsense without error.
UNSUPPORTED_HINTS: dict[str, str] = {
    ".jsonl": "; tagged or gold JSON Lines files are read by `jixiao audit` and `jixiao show`, and by "
              "`jixiao evaluate --data`",
    ".ndjson": "; tagged or gold JSON Lines files are read by `jixiao audit` and `jixiao show`, and by "
               "`jixiao evaluate --data`",
    ".json": "; documents for jixiao are JSON Lines, one per line (.jsonl), as `jixiao tag` writes them",
    ".html": "; save the page as text (.txt) first",
    ".htm": "; save the page as text (.txt) first",
}


def sniff_format(data: bytes, path: str) -> str:
    """The format of a file's bytes (``txt``, ``docx``, ``pdf`` or ``doc``) by their content, not
    the name; raises IngestError with the reason for a file that is none of them."""
    suffix = Path(path).suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise IngestError(path, f"a {suffix} file, not a supported format (.txt, .docx, .pdf, .doc)"
                          + UNSUPPORTED_HINTS.get(suffix, ""))
    if not data:
        raise IngestError(path, "empty file")
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
    named = f" named {suffix}" if suffix else ""
    if _MHT.search(data[:2048]):
        raise IngestError(path, f"a web archive (MHT){named}, not a report's text: save the page as text (.txt) first")
    if _WORDML.search(data[:1024]):
        raise IngestError(path, f"a Word XML document (WordML){named}: save it as .docx in Word or WPS first")
    if _html_page(data):
        # web sites serve pages as .doc (Word opens them) and people save them as .txt: the markup,
        # scripts and entities would be read as report text
        raise IngestError(path, f"an HTML page{named}, not a report's text: save the page as text (.txt) first")
    if suffix in (".docx", ".pdf", ".doc"):
        if _plain_text(data):
            return "txt"  # a text file given a Word or PDF name: read as what it is
        raise IngestError(path, f"truncated or damaged {suffix} (its header is missing)")
    return "txt"


_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
                         rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|meta\s|body[\s>])", re.I | re.S)
# a saved web archive: MIME headers of a multipart/related message (a report that merely starts
# with a "Date:" or "From:" line is text)
_MHT = re.compile(rb"MIME-Version:\s*1\.0.{0,1024}?Content-Type:\s*multipart/related", re.I | re.S)
_WORDML = re.compile(rb"<\?mso-application\s+progid=\"Word\.Document\"", re.I)


def _html_page(data: bytes) -> bool:
    """Whether a file's bytes start as a web page (after a BOM, white space and comments), in any
    ASCII-compatible encoding or UTF-16."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode("utf-8", "ignore")
        except UnicodeDecodeError:
            return False
    return _HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def _plain_text(data: bytes) -> bool:
    """Whether bytes read as text: UTF-16 after its byte-order mark, or UTF-8 or GB18030 without a
    NUL byte (strict decoding of the first 64 KB)."""
    head = data[:65536]
    cut = len(data) > len(head)  # a character may be cut by the window's end
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return _decodes(head[2 : len(head) - len(head) % 2], encoding, cut)
    return b"\x00" not in head and any(_decodes(head, encoding, cut) for encoding in ("utf-8", "gb18030"))


def _decodes(data: bytes, encoding: str, cut: bool) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        return cut and exc.start >= len(data) - 4


def extract(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS, encoding_errors: str = "strict") -> Extracted:
    """The raw text, format and tables of a file's bytes; the limits are checked before each reader."""
    return _extract(data, path, limits, encoding_errors)[0]


def _extract(data: bytes, path: str, limits: Limits, encoding_errors: str) -> tuple[Extracted, int]:
    """``extract`` plus the number of bytes replaced in decoding (text files only)."""
    kind = sniff_format(data, path)
    if kind == "docx":
        from jixiao.ingest.docx_reader import read_docx

        check_docx(data, path, limits)
        return read_docx(data, path), 0
    if kind == "pdf":
        from jixiao.ingest.pdf_reader import read_pdf

        check_pdf(data, path, limits)
        return read_pdf(data, path), 0
    if kind == "doc":
        from jixiao.ingest.doc_reader import convert_doc_to_docx
        from jixiao.ingest.docx_reader import read_docx

        converted = convert_doc_to_docx(data, path)
        check_docx(converted, path, limits)
        return replace(read_docx(converted, path), format="doc"), 0
    check_text_bytes(len(data), path, limits)
    decoded = decode(data, path, encoding_errors)
    return Extracted(decoded.text, "txt", encoding=decoded.encoding), decoded.replaced


def read_bytes(data: bytes, path: str, doc_id: str | None = None, *, limits: Limits = DEFAULT_LIMITS,
               encoding_errors: str = "strict", join_lines: bool = True) -> Document:
    """Turn a file's bytes into a Document: cleaned text, metadata and tables, nothing else.

    Sentences and sections are document analysis, done once by the tagging path
    (``jixiao.tagger``) on the text returned here, so the Document has no sentences yet.
    ``encoding_errors="replace"`` reads a text file with a few undecodable bytes, recording how
    many were replaced in ``meta.replaced_bytes``. ``join_lines=False`` keeps every line break of
    a text or Word file as it is; by default a hard-wrapped one (a text file saved at a fixed
    width, a Word document with a paragraph per line of a PDF) has the lines its layout broke
    joined again (``jixiao.ingest.text_wraps``, counted in ``meta.joined_line_breaks``).
    """
    extracted, replaced = _extract(data, path, limits, encoding_errors)
    check_characters(len(extracted.text), path, limits)
    cleaned = clean(extracted.text)
    if not cleaned.text.strip():
        raise IngestError(path, "no text in the file")
    # a Word document made from a PDF often has a paragraph (or a manual line break) per line of
    # the PDF's layout: joined back as in a hard-wrapped text file, its tables' offsets mapped along
    unwrapped = Unwrapped(cleaned.text, 0)
    if extracted.format in _JOINED_FORMATS and join_lines:
        unwrapped = join_wrapped_lines(cleaned.text, _without_tables(cleaned, extracted.tables))
    text, joins = unwrapped.text, unwrapped.joins
    meta = {"source": path, "sha256": hashlib.sha256(data).hexdigest(), "format": extracted.format}
    if extracted.encoding:
        meta["encoding"] = extracted.encoding
    if replaced:
        meta["replaced_bytes"] = replaced
    if joins:
        meta["joined_line_breaks"] = joins  # a hard-wrapped file, its lines joined back
    meta.update(detect_meta(text))
    joined = unwrapped.index_map()
    tables = tuple(_remap_table(t, lambda index: joined(cleaned.cleaned_index(index))) for t in extracted.tables)
    if extracted.format == "txt":
        tables = tuple(find_text_tables(text))
    return Document(id=doc_id or Path(path).stem, text=text, meta=meta, tables=tables)


def read_file(path: str | Path, doc_id: str | None = None, *, limits: Limits = DEFAULT_LIMITS,
              encoding_errors: str = "strict", join_lines: bool = True) -> Document:
    """Read a report; raise IngestError with a one-line reason for anything unreadable or over a
    limit. ``encoding_errors`` and ``join_lines``: as for ``read_bytes``."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            if head.startswith(_CONTAINERS) or limits.characters is None:
                data = head + handle.read()
            else:  # read as text: bounded before it is read whole
                check_text_bytes(os.fstat(handle.fileno()).st_size, name, limits)
                # a pipe or a device has no size to check: read one byte past the limit at most
                data = head + handle.read(max(0, 4 * limits.characters + 1 - len(head)))
                check_text_bytes(len(data), name, limits)
    except IsADirectoryError as exc:
        raise IngestError(name, "is a folder, not a file") from exc
    except FileNotFoundError as exc:
        raise IngestError(name, "no such file") from exc
    except PermissionError as exc:
        raise IngestError(name, "permission denied") from exc
    except OSError as exc:
        raise IngestError(name, f"cannot read ({exc.strerror})") from exc
    return read_bytes(data, name, doc_id, limits=limits, encoding_errors=encoding_errors, join_lines=join_lines)


def _without_tables(cleaned: CleanText, tables: tuple[Table, ...]) -> str | None:
    """The cleaned text with the lines of the extracted tables left out (None: no tables)."""
    if not tables:
        return None
    parts, last = [], 0
    for table in tables:
        if table.start is None or table.end is None:
            continue
        start, end = cleaned.cleaned_index(table.start), cleaned.cleaned_index(table.end)
        parts.append(cleaned.text[last:start])
        last = max(last, end)
    return "".join(parts) + cleaned.text[last:]


def _remap_table(table: Table, index_of: Callable[[int], int]) -> Table:
    """The table with its offsets into the extracted text mapped to the document's (``index_of``)."""
    def at(index: int | None) -> int | None:
        return None if index is None else index_of(index)

    rows = tuple(tuple(TableCell(c.text, at(c.start), at(c.end)) for c in row) for row in table.rows)
    return Table(rows=rows, start=at(table.start), end=at(table.end), caption=table.caption)
