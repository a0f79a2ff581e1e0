"""Bytes to text for plain-text reports.

Order matters: a BOM decides; then strict UTF-8; then strict GB18030 (a superset of GBK and
GB2312); only then a detector, because charset-normalizer misreads dense GBK reports or gives up.
"""

from __future__ import annotations

import codecs

from jixiao.ingest.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding name); raise IngestError for empty, binary or undecodable data."""
    if not data.strip():
        raise IngestError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding), path), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"invalid {encoding} after its byte-order mark at byte {exc.start}") from exc
    if b"\x00" in data:
        raise IngestError(path, "binary file (contains NUL bytes), not a text report")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding), path), encoding
        except UnicodeDecodeError:
            continue
    return _detect(data, path)


def _detect(data: bytes, path: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "cannot decode: not UTF-8, UTF-16 or GB18030, and no encoding detected")
    return _checked(str(best), path), best.encoding


def _checked(text: str, path: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise IngestError(path, "binary file (too many control characters), not a text report")
    return text
