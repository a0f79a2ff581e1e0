"""Spans to per-character BIO tags and back, for CoNLL files and Hugging Face rows.

Reading accepts BIOES and IOB1 as well (an ``I-`` after ``O`` or after another label opens a
span), because external taggers write all three; writing is always plain BIO.
"""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.corpus.convert.errors import ConvertError
from jixiao.document.model import LABELS, Span


def tag_names() -> list[str]:
    """All BIO tags in a fixed order, for class-label features."""
    return ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in ("B", "I")]


def spans_to_tags(length: int, spans: Sequence[Span], offset: int = 0) -> list[str]:
    """Tags for ``length`` characters starting at ``offset``; spans must lie inside that window."""
    tags = ["O"] * length
    for span in sorted(spans, key=lambda s: s.start):
        start, end = span.start - offset, span.end - offset
        if start < 0 or end > length or start >= end:
            raise ConvertError(f"span {span.start}-{span.end} lies outside the tagged text")
        if any(tag != "O" for tag in tags[start:end]):
            raise ConvertError(f"span {span.start}-{span.end} overlaps another span")
        tags[start] = f"B-{span.label}"
        tags[start + 1 : end] = [f"I-{span.label}"] * (end - start - 1)
    return tags


def tags_to_spans(tags: Sequence[str], offset: int = 0) -> list[Span]:
    """Spans (label and offsets only: tags carry no values) from one run of tags."""
    spans: list[Span] = []
    open_label: str | None = None
    open_start = 0
    for index, tag in enumerate([*tags, "O"]):
        prefix, label = _split(tag, index)
        continues = prefix in ("I", "E") and label == open_label
        if open_label is not None and not continues:
            spans.append(Span(open_start + offset, index + offset, open_label))
            open_label = None
        if prefix in ("B", "S") or (prefix in ("I", "E") and not continues):
            open_label, open_start = label, index
        if prefix in ("E", "S"):
            spans.append(Span(open_start + offset, index + 1 + offset, label))
            open_label = None
    return spans


def _split(tag: str, index: int) -> tuple[str, str | None]:
    if tag == "O":
        return "O", None
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I", "E", "S"):
        raise ConvertError(f"tag {tag!r} at position {index} is not O, B-, I-, E- or S-")
    if label not in LABELS:
        raise ConvertError(f"tag {tag!r}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
    return prefix, label
