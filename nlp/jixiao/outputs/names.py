"""File names that are not UTF-8, written where UTF-8 text must hold them.

A name unpacked from an archive made on a Chinese Windows machine is often GBK bytes; Python holds
each byte that is not UTF-8 as a lone surrogate, which no UTF-8 file can store. The JSON records'
``source`` keeps them as JSON escapes that read back as the path; CSV, Parquet, HTML and messages
write each such byte as ``\\xb1`` instead, and so does every document id (``jixiao.inputs``), so that
the records and the tables of a run share their ids.
"""

from __future__ import annotations


def readable(text: str) -> str:
    """``text`` with every undecodable byte of a file name written as ``\\xb1`` (unchanged if none)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no byte was decoded into (from the API)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
