"""Frozen records for documents, spans, sentences and tables.

Every offset is a Python string index into ``Document.text`` (the cleaned text), end exclusive,
as SCHEME §1 requires. Values are ``Decimal`` so that normalisation never rounds through float.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

LABELS: tuple[str, ...] = ("AMOUNT", "RATE", "COUNT", "MEASURE")
KINDS: tuple[str, ...] = ("problem", "recommendation", "none")
CATEGORIES: tuple[str, ...] = (
    "budget_compilation",
    "budget_execution",
    "contract_rigor",
    "data_collection",
    "performance_targets",
    "implementation_planning",
    "project_decision",
    "supervision",
    "satisfaction_survey",
    "staff_capacity",
)
CATEGORY_NAMES_ZH: dict[str, str] = {
    "budget_compilation": "预算编制",
    "budget_execution": "预算执行",
    "contract_rigor": "合同管理",
    "data_collection": "资料与数据",
    "performance_targets": "绩效目标",
    "implementation_planning": "实施方案",
    "project_decision": "项目决策",
    "supervision": "监督管理",
    "satisfaction_survey": "满意度调查",
    "staff_capacity": "人员能力",
}
OPS: tuple[str, ...] = (">=", "<=", ">", "<", "=")


@dataclass(frozen=True, init=False, slots=True)
class Span:
    """A quantity: label plus its normalized value (SCHEME §1). Slots, not a ``__dict__``: a long
    report has hundreds of thousands of spans."""

    start: int
    end: int
    label: str
    value: Decimal | None = None
    unit: str | None = None
    op: str | None = None
    approx: bool = False
    value_max: Decimal | None = None
    score: float | None = None

    def __init__(self, start: int, end: int, label: str, value: Decimal | None = None, unit: str | None = None,
                 op: str | None = None, approx: bool = False, value_max: Decimal | None = None,
                 score: float | None = None) -> None:
        set_field = object.__setattr__  # frozen: the fields are set once, here
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "label", label)
        set_field(self, "value", value)
        set_field(self, "unit", unit)
        set_field(self, "op", op)
        set_field(self, "approx", approx)
        set_field(self, "value_max", value_max)
        set_field(self, "score", score)

    def with_score(self, score: float | None) -> Span:
        # explicit fields: dataclasses.replace costs several times more, once per span tagged; the
        # score to four places, as the JSON writes it, so a document read back equals the one written
        return Span(self.start, self.end, self.label, self.value, self.unit, self.op, self.approx, self.value_max,
                    None if score is None else round(float(score), 4))


@dataclass(frozen=True, init=False, slots=True)
class Sentence:
    """A sentence with its issue kind and categories (SCHEME §2).

    ``category_scores`` holds a model's confidence per category; gold leaves it empty. Slots, not
    a ``__dict__``: a long report has a million sentences, and a dict per sentence tripled their
    memory.
    """

    start: int
    end: int
    kind: str | None = None
    categories: tuple[str, ...] = ()
    kind_score: float | None = None
    category_scores: dict[str, float] = field(default_factory=dict)
    section: str | None = None

    def __init__(self, start: int, end: int, kind: str | None = None, categories: tuple[str, ...] = (),
                 kind_score: float | None = None, category_scores: dict[str, float] | None = None,
                 section: str | None = None) -> None:
        set_field = object.__setattr__  # frozen: the fields are set once, here
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "kind", kind)
        set_field(self, "categories", categories)
        set_field(self, "kind_score", kind_score)
        set_field(self, "category_scores", {} if category_scores is None else category_scores)
        set_field(self, "section", section)


@dataclass(frozen=True, slots=True)
class TableCell:
    """One cell as printed, once even when merged; the typed fields are set by ``jixiao.tables.records``.

    ``column`` is the column the cell stands in (its first one when ``span`` > 1: a header cell
    merged across columns, such as 「2020年」 over 年初预算 and 调整后预算); ``value`` is the
    figure in 元 for money and in percent for rates, after the unit is inherited from the column
    header or the caption (``49`` under 万元 is 490000).
    """

    text: str
    start: int | None = None
    end: int | None = None
    column: int | None = None
    span: int = 1
    value: Decimal | None = None


@dataclass(frozen=True)
class TableColumn:
    """A column of a typed table: its header flattened to one label, and what it holds.

    ``kind`` is index, item, amount, rate, text or other; ``role`` says which figure of the budget
    cycle an amount is (budget_initial, budget, actual, received) or how a rate derives
    (execution, difference, share). ``unit`` is the unit amounts are printed in (「万元」) or 「%」
    for rates; ``unit_source`` is where it came from: 「header」 (the column's own header), 「caption」
    (a 「单位：万元」 line) or None.
    """

    index: int
    label: str
    kind: str
    role: str | None = None
    unit: str | None = None
    unit_source: str | None = None


@dataclass(frozen=True)
class TableHeader:
    """A header (one or more rows, flattened) and the body rows it governs, by row index."""

    rows: tuple[int, ...]
    body: tuple[int, ...]
    columns: tuple[TableColumn, ...]
    unit: str | None = None
    unit_source: str | None = None


@dataclass(frozen=True)
class Table:
    """A table as rows of cells; offsets point at the table's rendering in the text.

    Ingestion fills ``rows`` and the offsets; ``jixiao.tables.records`` types the table: caption,
    unit and where it came from, headers with their columns, the kind of every row (header, item,
    total, subtotal, detail; None outside any header's body) and the cells' columns and values.
    ``headers`` is None until the table is typed, and an empty tuple when it has no budget header.
    """

    rows: tuple[tuple[TableCell, ...], ...]
    start: int | None = None
    end: int | None = None
    caption: str | None = None
    unit: str | None = None
    unit_source: str | None = None
    headers: tuple[TableHeader, ...] | None = None
    row_kinds: tuple[str | None, ...] = ()

    @property
    def typed(self) -> bool:
        return self.headers is not None


@dataclass(frozen=True)
class Document:
    """One report: cleaned text plus everything found in it."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    tables: tuple[Table, ...] = ()

    def span_text(self, span: Span | Sentence) -> str:
        return self.text[span.start : span.end]

    def replace(self, **changes: Any) -> Document:
        return replace(self, **changes)
