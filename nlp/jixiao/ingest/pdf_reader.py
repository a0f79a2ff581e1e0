"""PDF text layer through pdfplumber; scanned or font-mangled PDFs are refused clearly."""

from __future__ import annotations

import logging
from io import BytesIO

from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted

CID_MARK = "(cid:"


def read_pdf(data: bytes, path: str) -> Extracted:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfplumber wraps pdfminer's errors; look through the chain
        chain = _causes(exc)
        if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in chain):
            raise IngestError(path, "encrypted PDF: remove the password and try again") from exc
        if any(isinstance(e, PDFSyntaxError) for e in chain):
            raise IngestError(path, "not a readable PDF (truncated or damaged)") from exc
        raise IngestError(path, f"not a readable PDF ({type(chain[-1]).__name__})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned?): run OCR first")
    if text.count(CID_MARK) > 3:
        raise IngestError(path, "PDF text comes out as (cid:…) glyph codes: its fonts have no Unicode map; run OCR")
    return Extracted(text, "pdf")


def _causes(exc: BaseException) -> list[BaseException]:
    chain = [exc]
    while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and nxt not in chain:
        chain.append(nxt)
    return chain + [a for e in chain for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
