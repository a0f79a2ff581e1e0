"""A consistency finding: a stated figure that does not follow from the figures it derives from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from nlp.document.jsonl import decimal_str


@dataclass(frozen=True)
class Finding:
    """One discrepancy. ``start``/``end`` locate it in the text; ``table``/``row`` in a table."""

    doc_id: str
    check: str  # e.g. "row_rate", "total_sum", "total_rate", "share", "prose_rate", "restatement"
    item: str
    stated: Decimal
    computed: Decimal
    tolerance: Decimal
    context: str
    start: int | None = None
    end: int | None = None
    table: int | None = None
    row: int | None = None
    column: str | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("stated", "computed", "tolerance"):
            out[key] = decimal_str(getattr(self, key))
        return {k: v for k, v in out.items() if v is not None and v != ""}
