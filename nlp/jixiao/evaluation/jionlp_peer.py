"""JioNLP's money extraction as a peer: its results as AMOUNT spans on the same text."""

from __future__ import annotations

import contextlib
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.document.model import Span


def load_jionlp() -> Any:
    """Import JioNLP quietly (it prints a banner on import)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp

    return jionlp


class JioNLPMoney:
    name = "jionlp"

    def __init__(self) -> None:
        self._jio = load_jionlp()

    def extract(self, text: str) -> list[Span]:
        spans = []
        for item in self._jio.ner.extract_money(text, with_parsing=True):
            start, end = item["offset"]
            while start < end and text[start].isspace():
                start += 1
            try:
                value: Decimal | None = Decimal(str(item.get("detail", {}).get("num")))
            except (InvalidOperation, TypeError):
                value = None
            spans.append(Span(start, end, "AMOUNT", value, "元"))
        return spans
