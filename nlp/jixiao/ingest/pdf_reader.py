"""PDF text layer through pdfplumber; scanned or font-mangled PDFs are refused clearly.

The text is read line by line with each line's geometry, and lines that the layout wrapped inside
a paragraph are joined again (``pdf_lines``): the text then reads like the document, sentences end
where the document ends them and no number is cut by a line break. Running heads, running feet
and page numbers are left out (``pdf_furniture``). Like every format reader this
one hands back raw text; cleaning and its offset map come after (``ingest.clean``).
"""

from __future__ import annotations

import logging
from io import BytesIO
from statistics import median
from typing import Any

from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted
from jixiao.ingest.pdf_furniture import drop_page_furniture
from jixiao.ingest.pdf_lines import PdfLine, join_lines
from jixiao.ingest.pdf_tables import find_grids, place_grids

CID_MARK = "(cid:"


def read_pdf(data: bytes, path: str) -> Extracted:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            lines = [line for number, page in enumerate(pdf.pages) for line in page_lines(page, number)]
            grids = find_grids(pdf.pages)  # ruled tables (pdf_tables), placed in the text below
            lines = drop_page_furniture(lines, grids)  # running heads and page numbers (pdf_furniture)
    except Exception as exc:  # pdfplumber wraps pdfminer's errors; look through the chain
        chain = _causes(exc)
        if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in chain):
            raise IngestError(path, "encrypted PDF: remove the password and try again") from exc
        if any(isinstance(e, PDFSyntaxError) for e in chain):
            raise IngestError(path, "not a readable PDF (truncated or damaged)") from exc
        raise IngestError(path, f"not a readable PDF ({type(chain[-1]).__name__})") from exc
    text = join_lines(lines)
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned?): run OCR first")
    if text.count(CID_MARK) > 3:
        raise IngestError(path, "PDF text comes out as (cid:…) glyph codes: its fonts have no Unicode map; run OCR")
    return Extracted(text, "pdf", tables=place_grids(grids, lines, text))


def page_lines(page: Any, number: int) -> list[PdfLine]:
    """The text lines of a pdfplumber page, top to bottom, with the geometry the joiner needs."""
    lines = []
    for raw in page.extract_text_lines(return_chars=True):
        chars = [c for c in raw.get("chars", []) if str(c.get("text", "")).strip()]
        size = median(float(c["size"]) for c in chars) if chars else float(raw["bottom"] - raw["top"])
        gaps = [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:])]
        lines.append(PdfLine(text=raw["text"], x0=float(raw["x0"]), x1=float(raw["x1"]), top=float(raw["top"]),
                             bottom=float(raw["bottom"]), size=size, page=number,
                             max_gap=max(gaps, default=0.0), page_height=float(page.height)))
    return lines


def _causes(exc: BaseException) -> list[BaseException]:
    chain = [exc]
    while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and nxt not in chain:
        chain.append(nxt)
    return chain + [a for e in chain for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
