"""SCHEME documents to character-per-line BIO (CoNLL style) and back.

Layout: each document opens with ``-DOCSTART- <id>`` and a blank line (the CoNLL-2003
marker, which common loaders skip). Then one line per character, ``<char> <tag>`` with a single
space, tags ``O``/``B-LABEL``/``I-LABEL``, and a blank line after each sentence unit.

Every character of the text is written, so reading gives back the exact text and span offsets:
units run from one sentence start to the next (see ``units``), which puts the white space
between sentences at the end of the unit before. Characters that would break the line format
are escaped: ``\\s`` (space), ``\\n``, ``\\t``, ``\\r``, ``\\\\`` (backslash) and ``\\uXXXX``
for any other white space.

What is lost: values, units, op, approx and scores (tags carry labels only), sentence kinds
and categories. Sentence offsets are recovered as each block with surrounding white space
trimmed, which matches sentences from the toolkit's splitter. Reading also accepts BIOES and
IOB1 tags, tab separators, and files without ``-DOCSTART-`` (all blocks then form one
document named after the file).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from jixiao.corpus.convert.bio import spans_to_tags, tags_to_spans
from jixiao.corpus.convert.errors import ConvertError
from jixiao.corpus.convert.units import cover, trimmed
from jixiao.document.model import Document, Sentence, Span

DOCSTART = "-DOCSTART-"
_ESCAPES = {" ": "\\s", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}


def escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    return f"\\u{ord(ch):04x}" if ch.isspace() else ch


def unescape(token: str) -> str:
    if token in _UNESCAPES:
        return _UNESCAPES[token]
    if token.startswith("\\u") and len(token) == 6:
        try:
            return chr(int(token[2:], 16))
        except ValueError:
            pass
    if len(token) != 1:
        raise ConvertError(f"token {token!r} is not one character or a known escape")
    return token


# ---- export ---------------------------------------------------------------------------------


def to_lines(docs: Iterable[Document]) -> Iterator[str]:
    for doc in docs:
        yield f"{DOCSTART} {doc.id}"
        yield ""
        for unit in cover(doc):
            tags = spans_to_tags(unit.end - unit.start, unit.spans, unit.start)
            for ch, tag in zip(doc.text[unit.start : unit.end], tags):
                yield f"{escape(ch)} {tag}"
            yield ""


# ---- import ---------------------------------------------------------------------------------


def read_lines(lines: Iterable[str], name: str = "conll") -> list[Document]:
    docs: list[Document] = []
    doc_id: str | None = None
    blocks: list[list[tuple[str, str]]] = [[]]
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line.startswith(DOCSTART):
            if doc_id is not None or any(blocks):
                docs.append(_document(doc_id or name, blocks))
            doc_id, blocks = line[len(DOCSTART) :].strip() or f"{name}-{len(docs) + 1}", [[]]
        elif not line.strip():
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(_token(line, number))
    if doc_id is not None or any(blocks):
        docs.append(_document(doc_id or name, blocks))
    return docs


def _token(line: str, number: int) -> tuple[str, str]:
    parts = line.split("\t") if "\t" in line else line.split(" ")
    parts = [p for p in parts if p != ""]
    if len(parts) < 2:
        raise ConvertError(f"line {number}: expected '<char> <tag>', got {line!r}")
    try:
        return unescape(parts[0]), parts[-1]
    except ConvertError as exc:
        raise ConvertError(f"line {number}: {exc}") from exc


def _document(doc_id: str, blocks: list[list[tuple[str, str]]]) -> Document:
    text_parts: list[str] = []
    spans: list[Span] = []
    sentences: list[Sentence] = []
    base = 0
    for block in (b for b in blocks if b):
        chars = "".join(ch for ch, _ in block)
        try:
            spans.extend(tags_to_spans([tag for _, tag in block], base))
        except ConvertError as exc:
            raise ConvertError(f"document {doc_id}: {exc}") from exc
        text_parts.append(chars)
        bounds = trimmed(chars, 0, len(chars))
        if bounds:
            sentences.append(Sentence(bounds[0] + base, bounds[1] + base))
        base += len(chars)
    return Document(id=doc_id, text="".join(text_parts), spans=tuple(spans), sentences=tuple(sentences))


def read_conll(path: str | Path) -> list[Document]:
    with open(path, encoding="utf-8") as handle:
        return read_lines(handle, Path(path).stem)
