"""Bytes to text for plain-text reports.

Order matters: a BOM decides; then strict UTF-8; then strict GB18030 (a superset of GBK and
GB2312); only then a detector, because charset-normalizer misreads dense GBK reports or gives up.

With ``errors="replace"`` (``jixiao tag --encoding-errors replace``) a report that is UTF-8 or
GB18030 except for a few stray bytes (a truncated copy, a stray byte from another tool) is read
anyway: each byte that does not decode becomes U+FFFD, and the number of such bytes is returned
so that the output records it (``meta.replaced_bytes``). Nothing is replaced silently: strict
decoding is always tried first, and the lenient reading is taken only when at most
``MAX_REPLACED_SHARE`` of the bytes are bad, or a single one (more means the file is in another encoding, which
the detector is better at).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from jixiao.ingest.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAX_CONTROL_SHARE = 0.01
MAX_REPLACED_SHARE = 0.01
ERROR_MODES: tuple[str, ...] = ("strict", "replace")
_ESCAPED = re.compile("[\udc80-\udcff]")  # what "surrogateescape" makes of each undecodable byte


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # bytes that did not decode and became U+FFFD


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding name); raise IngestError for empty, binary or undecodable data."""
    decoded = decode(data, path)
    return decoded.text, decoded.encoding


def decode(data: bytes, path: str, errors: str = "strict") -> Decoded:
    """Decode a text report; ``errors="replace"`` accepts a few undecodable bytes (see the module doc)."""
    if errors not in ERROR_MODES:
        raise ValueError(f"encoding errors must be one of {ERROR_MODES}, not {errors!r}")
    try:
        text, encoding = _strict(data, path, detect=False)
        return Decoded(text, encoding)
    except _Undecodable:
        pass
    nearest = _nearest(data)
    lenient = _lenient(nearest, len(data), path)
    if lenient is not None and errors == "replace":
        return lenient
    try:
        text, encoding = _detect(data, path)
    except IngestError as exc:
        if lenient is None:
            # say how far the file is from the nearest encoding: a damaged report is told from one
            # in another encoding by the count, and the user learns why replacing does not apply
            raise IngestError(path, f"cannot decode: no encoding detected, and {nearest.replaced} of its "
                                    f"{len(data)} bytes are not {nearest.encoding} (more than the "
                                    f"{_allowed(len(data))} that --encoding-errors replace replaces)") from exc
        raise IngestError(path, f"not valid {lenient.encoding}: {lenient.replaced} byte(s) do not decode; "
                                "--encoding-errors replace reads it with them replaced") from exc
    return Decoded(text, encoding)


class _Undecodable(Exception):
    """Neither a byte-order mark nor strict UTF-8 or GB18030 fits."""


def _nearest(data: bytes) -> Decoded:
    """The UTF-8 or GB18030 reading with the fewest bad bytes (each one U+FFFD)."""
    best: Decoded | None = None
    for encoding in ("utf-8", "gb18030"):
        escaped = data.decode(encoding, errors="surrogateescape")
        bad = len(_ESCAPED.findall(escaped))
        if best is None or bad < best.replaced:
            best = Decoded(_ESCAPED.sub("\ufffd", escaped), encoding, bad)
    assert best is not None
    return best


def _allowed(size: int) -> int:
    """Bad bytes a lenient reading may have: ``MAX_REPLACED_SHARE`` of the file, and always one (a
    stray byte in a short note is as plainly damage as in a long report)."""
    return max(1, int(MAX_REPLACED_SHARE * size))


def _lenient(nearest: Decoded, size: int, path: str) -> Decoded | None:
    """The nearest reading, if its bad bytes are few enough and the rest is text."""
    if nearest.replaced > _allowed(size):
        return None
    try:
        return Decoded(_checked(nearest.text, path), nearest.encoding, nearest.replaced)
    except IngestError:
        return None


def _strict(data: bytes, path: str, detect: bool = True) -> tuple[str, str]:
    if not data.strip():
        raise IngestError(path, "no text in the file (only white space)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding), path), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"invalid {encoding} after its byte-order mark at byte {exc.start}") from exc
    if b"\x00" in data:
        unmarked = _utf16_without_bom(data)
        if unmarked is not None:
            return _checked(unmarked[0], path), unmarked[1]
        raise IngestError(path, "binary file (contains NUL bytes), not a text report")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _odd_share(text) > ODD_SHARE:
            big5 = _big5(data)  # Big5 bytes are valid GB18030 too, read as kana and symbols
            if big5 is not None:
                return _checked(big5, path), "big5"
        if encoding == "gb18030" and _private_use(text):
            raise IngestError(path, f"not text in a known encoding: read as GB18030, {_private_share(text):.0%} of its "
                                    "non-ASCII characters are private-use code points (binary data or another encoding)")
        return _checked(text, path), encoding
    if not detect:
        raise _Undecodable
    return _detect(data, path)


# Kana, bopomofo and vertical punctuation: rare in a Chinese report, frequent in Big5 bytes read
# as GB18030 (「預算執行率」 comes out as 「箇衡磅︽瞯」 with ヘ, ㄏ, ︽ among them). Box-drawing
# characters are not among them: a GBK report may draw its tables with ┌─┬│.
_ODD = re.compile("[\u3040-\u30ff\u3100-\u312f\ufe30-\ufe4f]")
ODD_SHARE = 0.02


# Private-use code points: GB18030 maps its user-defined byte ranges there (and a few vendor glyphs
# of GBK). A report has a handful at most (a rare name character made by hand); arbitrary bytes from
# 0x81 up decode as GB18030 too, about a sixth of them private-use.
_PRIVATE = re.compile("[\ue000-\uf8ff]")
PRIVATE_SHARE = 0.08
PRIVATE_MIN = 20


def _private_share(text: str) -> float:
    wide = len(text) - len(text.encode("ascii", "ignore"))
    return len(_PRIVATE.findall(text)) / wide if wide else 0.0


def _private_use(text: str) -> bool:
    """Whether the GB18030 reading is mostly private-use: at least ``PRIVATE_MIN`` such characters
    and more than ``PRIVATE_SHARE`` of the non-ASCII ones."""
    return len(_PRIVATE.findall(text)) >= PRIVATE_MIN and _private_share(text) > PRIVATE_SHARE


def _odd_share(text: str) -> float:
    """The share of kana, bopomofo and vertical forms among the non-ASCII characters (counted in C:
    every GBK report passes here)."""
    wide = len(text) - len(text.encode("ascii", "ignore"))
    return len(_ODD.findall(text)) / wide if wide else 0.0


def _big5(data: bytes) -> str | None:
    """The Big5 reading of bytes that read oddly as GB18030, when it decodes and reads plainly."""
    try:
        text = data.decode("big5")
    except UnicodeDecodeError:
        return None
    return text if _odd_share(text) <= ODD_SHARE / 4 else None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of UTF-16 saved without a byte-order mark (some Windows tools do), which has
    NUL bytes (of ASCII characters, and of 一, 开, 最 …). Accepted only when the whole file decodes
    strictly to printable text that is mostly Chinese, ASCII and CJK punctuation, which binary data
    is not."""
    if len(data) % 2:
        return None
    # both byte orders are read; the one that gives Chinese text wins: read in the wrong order, a
    # report's characters scatter over the whole plane (一 U+4E00 turns into N, 是 into ⽦)
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
        if not text or printable < 0.99 * len(text) or any("\ue000" <= ch <= "\uf8ff" for ch in text):
            continue
        plain = sum(ch < "\u0080" or "\u3000" <= ch <= "\u303f" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
                    for ch in text) / len(text)
        if plain >= 0.9 and (best is None or plain > best[0]):
            best = (plain, text, encoding)
    return None if best is None else (best[1], best[2])


def _detect(data: bytes, path: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "cannot decode: not UTF-8, UTF-16 or GB18030, and no encoding detected")
    return _checked(str(best), path), best.encoding


_CONTROLS = tuple(chr(code) for code in range(32) if chr(code) not in "\n\r\t\f\v")


def _checked(text: str, path: str) -> str:
    controls = sum(map(text.count, _CONTROLS))  # str.count per character: a C loop, not a Python one
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise IngestError(path, "binary file (too many control characters), not a text report")
    return text
