"""Bounds on the work one input file may cause, checked before a format reader sees it.

A batch runs over folders nobody has vetted, so one file must not be able to take all memory or
all night: a 4 MB ``.docx`` can hold a gigabyte of XML (a zip bomb), a PDF can claim a million
pages, and a text file can be larger than any report. The readers themselves (python-docx,
pdfplumber) would start working on such files and not stop, so the checks here look first, with
cheap public means: the sizes a zip archive declares for its members (``zipfile`` stops reading a
member at its declared size, so a member cannot decompress to more than it declares), a streaming
parse of each XML member that only counts nesting depth, and pdfminer's page iterator stopped one
page past the limit. A file over a limit is an ``IngestError`` with a one-line reason naming the
limit and the flag that changes it, so a batch lists it and goes on.

The defaults are far above any real report (the five reports of the corpus are each under
100,000 characters; a long 部门决算 PDF has a few hundred pages) and each can be changed with a
``jixiao tag`` option. The per-file time limit is enforced by the runner, around reading and
tagging together (``jixiao.runner.deadline``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from itertools import islice
from typing import IO

from jixiao.ingest.errors import IngestError

MB = 1_000_000
XML_SNIFF_BYTES = 64


@dataclass(frozen=True)
class Limits:
    """What one input file may cost; ``None`` turns a limit off."""

    docx_xml_mb: float | None = 200.0  # decompressed XML in a .docx (what lxml must parse)
    docx_unzipped_mb: float | None = 1000.0  # everything in a .docx decompressed, images included
    xml_depth: int | None = 100  # element nesting in any XML part of a .docx
    pdf_pages: int | None = 2000
    characters: int | None = 20_000_000  # extracted text, any format
    seconds: float | None = 300.0  # reading and tagging one file (enforced by the runner)


DEFAULT_LIMITS = Limits()


def megabytes(value: float) -> str:
    """A size in MB as a limit message shows it: whole MB from 10 up, else two significant digits
    (a limit of 0.001 MB is not "0 MB")."""
    if value >= 10:
        return f"{value:,.0f} MB"
    return f"{float(f'{value:.2g}'):f}".rstrip("0").rstrip(".") + " MB"


def check_docx(data: bytes, path: str, limits: Limits) -> None:
    """Refuse a .docx whose members decompress to more than the limits, or whose XML nests too deep.

    An archive that is not a readable zip is left to the reader, which says what is wrong with it.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        xml = [info for info in members if _is_xml(archive, info)]
        xml_total = sum(info.file_size for info in xml)
        if limits.docx_xml_mb is not None and xml_total > limits.docx_xml_mb * MB:
            raise IngestError(path, f"holds {megabytes(xml_total / MB)} of XML, over the limit of "
                                    f"{megabytes(limits.docx_xml_mb)} (--max-docx-xml-mb); a zip bomb?")
        total = sum(info.file_size for info in members)
        if limits.docx_unzipped_mb is not None and total > limits.docx_unzipped_mb * MB:
            raise IngestError(path, f"decompresses to {megabytes(total / MB)}, over the limit of "
                                    f"{megabytes(limits.docx_unzipped_mb)} (--max-docx-unzipped-mb); a zip bomb?")
        if limits.xml_depth is not None:
            for info in xml:
                with archive.open(info) as member:
                    depth = _depth_over(member, limits.xml_depth)
                if depth:
                    raise IngestError(path, f"{info.filename} nests XML elements more than {limits.xml_depth} deep "
                                            "(--max-xml-depth)")


def _is_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """XML by content, not by name: a part is parsed as XML whatever its name says."""
    try:
        with archive.open(info) as member:
            head = member.read(XML_SNIFF_BYTES)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _depth_over(stream: IO[bytes], limit: int) -> bool:
    """Whether elements nest deeper than ``limit``; a streaming parse that keeps no tree.

    Entities are not resolved and nothing is fetched; XML that does not parse is the reader's
    to report, so it is not an error here.
    """
    from lxml import etree

    depth = 0
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                              no_network=True, load_dtd=False, huge_tree=False):
            if event == "start":
                depth += 1
                if depth > limit:
                    return True
            else:
                depth -= 1
                element.clear()
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError):
        return False
    return False


def check_pdf(data: bytes, path: str, limits: Limits) -> None:
    """Refuse a PDF with more pages than the limit, counting no further than one past it.

    A PDF pdfminer cannot open is left to the reader, which says why.
    """
    if limits.pdf_pages is None:
        return
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        pages = sum(1 for _ in islice(PDFPage.create_pages(document), limits.pdf_pages + 1))
    except Exception:  # noqa: BLE001 - damaged or encrypted: the reader reports it properly
        return
    if pages > limits.pdf_pages:
        raise IngestError(path, f"more than {limits.pdf_pages:,} pages (--max-pdf-pages)")


def check_text_bytes(size: int, path: str, limits: Limits) -> None:
    """Refuse a text file too large to hold fewer characters than the limit (4 bytes a character
    at most), before it is read into memory."""
    if limits.characters is not None and size > 4 * limits.characters:
        raise IngestError(path, f"{size:,} bytes of text, so more than {limits.characters:,} characters even at 4 bytes "
                                "a character (--max-chars)")


def check_characters(count: int, path: str, limits: Limits) -> None:
    if limits.characters is not None and count > limits.characters:
        raise IngestError(path, f"{count:,} characters of text, more than {limits.characters:,} characters (--max-chars)")
