"""PDF text layer through pdfplumber; scanned or font-mangled PDFs are refused clearly."""

from __future__ import annotations

from io import BytesIO

from nlp.ingest.errors import IngestError
from nlp.ingest.extracted import Extracted

CID_MARK = "(cid:"


def read_pdf(data: bytes, path: str) -> Extracted:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError(path, "encrypted PDF: remove the password and try again") from exc
    except PDFSyntaxError as exc:
        raise IngestError(path, f"not a readable PDF (truncated or damaged: {exc})") from exc
    except Exception as exc:  # pdfminer raises bare exceptions on many damaged files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise IngestError(path, "encrypted PDF: remove the password and try again") from exc
        raise IngestError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned?): run OCR first")
    if text.count(CID_MARK) > 3:
        raise IngestError(path, "PDF text comes out as (cid:…) glyph codes: its fonts have no Unicode map; run OCR")
    return Extracted(text, "pdf")
