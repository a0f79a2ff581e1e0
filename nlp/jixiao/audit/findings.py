"""A consistency finding: a stated figure that does not follow from the figures it derives from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from jixiao.document.jsonl import decimal_str


@dataclass(frozen=True)
class Finding:
    """One discrepancy. ``start``/``end`` locate it in the text; ``table``/``row`` in a table.

    ``stated``, ``computed`` and ``tolerance`` are in ``unit`` (「%」 for rates, else the money
    unit the stated figure is printed in); the finding stands because |stated - computed| exceeds
    what rounding of the printed inputs allows. ``stated_text`` is the figure as printed
    (「100.00%」), ``related_start``/``related_end`` point at the other statement of a figure stated
    twice.
    """

    doc_id: str
    check: str  # row_rate, total_rate, total_sum, share, prose_rate, prose_change, parts_sum, restatement
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
    unit: str | None = None
    stated_text: str | None = None
    related_start: int | None = None
    related_end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("stated", "computed", "tolerance"):
            out[key] = decimal_str(getattr(self, key))
        return {k: v for k, v in out.items() if v is not None and v != ""}
