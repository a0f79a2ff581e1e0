"""One tagged report as a self-contained HTML page, for reading a report together with its tags.

The page has no external resources (CSS and JS are inlined from ``report.html`` beside this
module), so it can be mailed around or opened offline. Every piece of document text goes through
``html.escape``; the text keeps its line breaks with ``white-space: pre-wrap``.

Tables are drawn as HTML tables from their typed records (``jixiao.tables.records``): header cells
merged across columns span them, each cell holds its stretch of the document text with the
quantities in it marked as anywhere else, a cell with a value shows on hover what it is worth
once the caption's or header's unit is applied (「185.03」 under 万元: 1,850,300 元), and a cell
an audit finding points at is marked. A table is drawn only when its cells cover all of its text
and every quantity in it lies inside one cell; otherwise its text is shown as it is.

Ids tie the text and the side panel together: ``q-N`` is the N-th span, ``s-N`` the N-th
sentence, ``f-N`` the anchor of the N-th audit finding and ``t-N`` the N-th table; panel entries
link to them. A sentence or span that a table cell cuts is continued with ``data-ref``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from importlib.resources import files
from string import Template
from types import MappingProxyType
from typing import Any

from jixiao.document.jsonl import decimal_str
from jixiao.document.model import CATEGORIES, CATEGORY_NAMES_ZH, LABELS, Document, Sentence, Span, Table, TableCell
from jixiao.linebreaks import line_form
from jixiao.outputs.names import readable

LABEL_NAMES_ZH = MappingProxyType({"AMOUNT": "金额", "RATE": "比率", "COUNT": "数量", "MEASURE": "计量"})
KIND_NAMES_ZH = MappingProxyType({"problem": "问题", "recommendation": "建议"})
OP_SIGNS = MappingProxyType({">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="})
ISSUE_KINDS: tuple[str, ...] = ("problem", "recommendation")
UNCATEGORIZED = "uncategorized"
SNIPPET_CHARS = 140
CONTEXT_CHARS = 12
UNIT_SOURCES_ZH = MappingProxyType({"caption": "表题单位", "header": "表头"})


def render_html(doc: Document, findings: list | None = None, model: dict | None = None) -> str:
    """The whole page; ``findings=None`` means the audit could not run (the panel says so)."""
    template = Template(files("jixiao.outputs").joinpath("report.html").read_text("utf-8"))
    return template.substitute(
        title=_e(f"{_title(doc)} · jixiao"),
        header=_header(doc, findings, model),
        body=render_text(doc, findings or []),
        panel=_panel(doc, findings),
    )


def _e(text: Any) -> str:
    return escape(readable(str(text)), quote=True)  # a file name that is not UTF-8 as \xb1


def _title(doc: Document) -> str:
    first = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
    return f"{doc.id} · {first[:40]}" if first else doc.id


def is_issue(sentence: Sentence) -> bool:
    return sentence.kind in ISSUE_KINDS


# --- values ---------------------------------------------------------------------------------


def group_digits(value: Decimal) -> str:
    """Thousands separators make 44143444.67 readable; the exact string stays in data-value."""
    text = decimal_str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    return sign + f"{int(whole):,}" + (f".{frac}" if frac else "")


def format_value(span: Span) -> str:
    """'≈ 80,000元', '≥95%', '300,000–500,000元': what the span means, at a glance."""
    if span.value is None:
        return "—"
    number = group_digits(span.value)
    if span.value_max is not None:
        number += "–" + group_digits(span.value_max)
    prefix = ("≈ " if span.approx else "") + OP_SIGNS.get(span.op or "", span.op or "")
    return f"{prefix}{number}{span.unit or ''}"


def span_tip(span: Span) -> str:
    """The hover text: label, the value at a glance, then the scheme's keys one per line."""
    lines = [f"{span.label} {LABEL_NAMES_ZH.get(span.label, '')}".strip(), format_value(span)]
    if span.value is not None:
        lines.append(f"value: {decimal_str(span.value)}")
    if span.value_max is not None:
        lines.append(f"value_max: {decimal_str(span.value_max)}")
    lines.append(f"unit: {span.unit or '—'}")
    if span.op:
        lines.append(f"op: {span.op}")
    if span.approx:
        lines.append("approx: true")
    if span.score is not None:
        lines.append(f"score: {span.score:.2f}")
    return "\n".join(lines)


def span_attrs(span: Span) -> str:
    pairs = [("data-label", span.label), ("data-start", span.start), ("data-end", span.end)]
    pairs += [("data-value", decimal_str(span.value) if span.value is not None else None), ("data-unit", span.unit)]
    pairs += [("data-op", span.op), ("data-approx", "true" if span.approx else None)]
    pairs += [("data-value-max", decimal_str(span.value_max) if span.value_max is not None else None)]
    pairs.append(("title", span_tip(span)))
    return " ".join(f'{k}="{_e(v)}"' for k, v in pairs if v is not None)


# --- the text -------------------------------------------------------------------------------


def render_text(doc: Document, findings: Sequence[Any] = ()) -> str:
    """The document text with quantity spans, issue sentences, tables and finding anchors marked up.

    The text is cut at every boundary; each piece knows its sentence and span, so tags always
    nest: a span that crosses a sentence boundary is closed and reopened as a continuation. A
    drawn table replaces its stretch of text; its cells are rendered piece by piece the same way.
    """
    spans = _indexed(doc.spans, len(doc.text))
    sentences = [(i, s) for i, s in _indexed(doc.sentences, len(doc.text)) if is_issue(s)]
    anchors = _finding_anchors(doc, findings)
    tables = drawable_tables(doc)
    cuts = {0, len(doc.text), *anchors}
    for item in (*spans, *sentences):
        cuts.update((item[1].start, item[1].end))
    for _, table in tables:
        cuts.update(p for row in table.rows for c in row if c.start is not None for p in (c.start, c.end))
        cuts.update((table.start, table.end))
    writer = _Writer(doc, _finder(sentences), _finder(spans), sorted(cuts), anchors)
    position = 0
    for index, table in tables:
        writer.text(position, table.start or 0)
        writer.table(index, table, [f for f in findings if _points_into(f, index, table)])
        position = table.end or position
    writer.text(position, len(doc.text))
    return writer.finish()


def _indexed(items: Sequence[Any], length: int) -> list[tuple[int, Any]]:
    """(index, item) for items with sane offsets, sorted by start; broken offsets are skipped."""
    kept = ((i, x) for i, x in enumerate(items) if 0 <= x.start < x.end <= length)
    return sorted(kept, key=lambda pair: pair[1].start)


def _finder(items: list[tuple[int, Any]]) -> Callable[[int], tuple[int, Any] | None]:
    """A lookup for the item covering a position (items sorted by start, not overlapping)."""
    starts = [x.start for _, x in items]

    def covering(pos: int) -> tuple[int, Any] | None:
        k = bisect_right(starts, pos) - 1
        return items[k] if k >= 0 and items[k][1].end > pos else None

    return covering


class _Writer:
    """Accumulates the marked-up text; holds only the tags that are open right now."""

    def __init__(self, doc: Document, find_sentence: Callable[[int], Any], find_span: Callable[[int], Any],
                 points: list[int], anchors: dict[int, list[str]]) -> None:
        self.doc = doc
        self.find_sentence, self.find_span = find_sentence, find_span
        self.points, self.anchors = points, anchors
        self.parts: list[str] = []
        self.sentence: tuple[int, Sentence] | None = None
        self.span: tuple[int, Span] | None = None
        self.opened: set[int] = set()
        self.opened_sentences: set[int] = set()
        self.badged: set[int] = set()

    def text(self, start: int, end: int) -> None:
        """The text between two cut points, piece by piece."""
        k = bisect_right(self.points, start) - 1
        while k + 1 < len(self.points) and self.points[k] < end:
            a, b = self.points[k], self.points[k + 1]
            self.piece(a, b, self.find_sentence(a), self.find_span(a), self.anchors.get(a, ()))
            k += 1

    def piece(self, a: int, b: int, sentence: Any, span: Any, anchors: Sequence[str]) -> None:
        if sentence != self.sentence:
            self._close_span()
            self._close_sentence()
            if sentence is not None:
                self.parts.append(self._sentence_open(*sentence))
            self.sentence = sentence
        if span != self.span:
            self._close_span()
            if span is not None:
                self.parts.append(self._span_open(*span))
            self.span = span
        self.parts.extend(anchors)
        self.parts.append(_e(self.doc.text[a:b]))

    def table(self, index: int, table: Table, findings: list[Any]) -> None:
        """A table in place of its text: rows of cells, each cell its own stretch of marked-up text.

        Finding anchors that fall between cells go before the table; badges of issue sentences
        that end between cells follow it.
        """
        start, end = table.start or 0, table.end or 0
        self._close_span()
        self._close_sentence(limit=start)
        inside = [(c.start, c.end) for row in table.rows for c in row if c.start is not None and c.end is not None]
        self.parts.extend(tag for at, tags in self.anchors.items() if start <= at < end
                          and not any(s <= at < e for s, e in inside) for tag in tags)
        self.parts.append(f'<table class="doc-table" id="t-{index}" data-table="{index}">{_table_caption(table)}')
        labels = _row_columns(table)
        for position, row in enumerate(table.rows):
            kind = table.row_kinds[position] if position < len(table.row_kinds) else None
            self.parts.append(f'<tr class="r-{_e(kind or "other")}">')
            column = 0
            for cell in row:
                if cell.column is not None and cell.column > column:
                    self.parts.append("<td></td>" * (cell.column - column))
                    column = cell.column
                described = labels.get(position, {}).get(cell.column) if cell.column is not None else None
                flagged = [f for f in findings if _flags(f, position, cell, described)]
                self.parts.append(_cell_open(kind, cell, described, flagged))
                if cell.start is not None and cell.end is not None:
                    self.text(cell.start, cell.end)
                self._close_span()
                self._close_sentence(limit=cell.end)
                self.parts.append("</th>" if kind == "header" else "</td>")
                column += cell.span
            self.parts.append("</tr>")
        self.parts.append("</table>")
        for number, sentence in enumerate(self.doc.sentences):
            if number in self.opened_sentences and number not in self.badged and start <= sentence.end <= end:
                self.parts.append(sentence_tags(sentence))
                self.badged.add(number)

    def _sentence_open(self, index: int, sentence: Sentence) -> str:
        first = index not in self.opened_sentences
        self.opened_sentences.add(index)
        return _sentence_open(index, sentence, first)

    def _span_open(self, index: int, span: Span) -> str:
        first = index not in self.opened
        self.opened.add(index)
        ident = f'id="q-{index}"' if first else f'data-ref="q-{index}"'
        return f'<span class="q q-{_e(span.label)}" {ident} {span_attrs(span)}>'

    def _close_span(self) -> None:
        if self.span is not None:
            self.parts.append("</span>")
            self.span = None

    def _close_sentence(self, limit: int | None = None) -> None:
        """Close the open sentence; its badges follow unless it goes on past ``limit`` (a table cell's end)."""
        if self.sentence is not None:
            index, sentence = self.sentence
            self.parts.append("</mark>")
            if limit is None or sentence.end <= limit:
                self.parts.append(sentence_tags(sentence))
                self.badged.add(index)
            self.sentence = None

    def finish(self) -> str:
        self._close_span()
        self._close_sentence()
        return "".join(self.parts)


def _sentence_open(index: int, sentence: Sentence, first: bool = True) -> str:
    kind = sentence.kind or ""
    cats = " ".join(sentence.categories)
    tip = f"{KIND_NAMES_ZH.get(kind, kind)} {kind}: " + ("，".join(category_label(c) for c in sentence.categories) or "—")
    ident = f'id="s-{index}"' if first else f'data-ref="s-{index}"'
    return (f'<mark class="s s-{_e(kind)}" {ident} data-kind="{_e(kind)}" '
            f'data-categories="{_e(cats)}" title="{_e(tip)}">')


def category_label(key: str) -> str:
    return f"{CATEGORY_NAMES_ZH.get(key, key)} {key}" if key in CATEGORY_NAMES_ZH else key


def sentence_tags(sentence: Sentence) -> str:
    """Badges after an issue sentence: its kind, then each category by Chinese name and key."""
    kind = sentence.kind or ""
    tags = [f'<span class="tag k-{_e(kind)}">{_e(KIND_NAMES_ZH.get(kind, kind))}</span>']
    for key in sentence.categories:
        score = sentence.category_scores.get(key)
        tip = f' title="score {score:.2f}"' if isinstance(score, (int, float)) else ""
        name = CATEGORY_NAMES_ZH.get(key, key)
        tags.append(f'<span class="tag cat" data-category="{_e(key)}"{tip}>{_e(name)}<code>{_e(key)}</code></span>')
    return f'<span class="tags">{"".join(tags)}</span>'


def _finding_anchors(doc: Document, findings: Sequence[Any]) -> dict[int, list[str]]:
    """Position → anchor tags (a ⚠ that links to the finding in the panel)."""
    out: dict[int, list[str]] = {}
    for index, finding in enumerate(findings):
        pos = finding_position(doc, finding)
        if pos is not None:
            tip = _e(getattr(finding, "message", "") or getattr(finding, "check", ""))
            out.setdefault(pos, []).append(f'<a class="fmark" id="f-{index}" href="#pf-{index}" title="{tip}">⚠</a>')
    return out


def finding_position(doc: Document, finding: Any) -> int | None:
    """Where a finding points in the text: its start, else its table row's first cell, else the table."""
    start = getattr(finding, "start", None)
    if isinstance(start, int) and 0 <= start <= len(doc.text):
        return start
    table_index, row_index = getattr(finding, "table", None), getattr(finding, "row", None)
    if not isinstance(table_index, int) or not 0 <= table_index < len(doc.tables):
        return None
    table = doc.tables[table_index]
    if isinstance(row_index, int) and 0 <= row_index < len(table.rows):
        cell_starts = [c.start for c in table.rows[row_index] if c.start is not None]
        if cell_starts and 0 <= cell_starts[0] <= len(doc.text):
            return cell_starts[0]
    return table.start if table.start is not None and 0 <= table.start <= len(doc.text) else None


# --- tables ---------------------------------------------------------------------------------


def drawable_tables(doc: Document) -> list[tuple[int, Table]]:
    """The tables that can be drawn as HTML tables without losing or splitting anything.

    A table is drawn when its cells do not overlap and cover every non-blank character of its
    stretch of text, and every quantity span in that stretch lies inside one cell.
    """
    out = []
    for index, table in enumerate(doc.tables):
        if table.start is None or table.end is None or not 0 <= table.start < table.end <= len(doc.text):
            continue
        ranges = sorted((c.start, c.end) for row in table.rows for c in row if c.start is not None and c.end is not None)
        if any(s > e or s < table.start or e > table.end for s, e in ranges):
            continue
        if any(a[1] > b[0] for a, b in zip(ranges, ranges[1:])):
            continue
        covered, position = [], table.start
        for s, e in ranges:
            covered.append(doc.text[position:s])
            position = e
        covered.append(doc.text[position : table.end])
        if "".join(covered).strip():
            continue
        spans = [sp for sp in doc.spans if sp.start < table.end and sp.end > table.start]
        if all(any(s <= sp.start and sp.end <= e for s, e in ranges) for sp in spans):
            out.append((index, table))
    return out


def _table_caption(table: Table) -> str:
    """A small caption under the table's own: the unit its values were read in and where it came from."""
    if not table.typed:
        return ""
    unit = table.unit or "元"
    origin = UNIT_SOURCES_ZH.get(table.unit_source or "", "未注明，按元")
    return f'<caption class="tmeta">单位 unit: {_e(unit)}（{_e(origin)}）</caption>'


def _row_columns(table: Table) -> dict[int, dict[int, Any]]:
    """Row index -> column index -> the column record of the header the row belongs to."""
    out: dict[int, dict[int, Any]] = {}
    for header in table.headers or ():
        columns = {c.index: c for c in header.columns}
        for position in (*header.rows, *header.body):
            out[position] = columns
    return out


def _cell_open(kind: str | None, cell: TableCell, column: Any, findings: list[Any]) -> str:
    """A cell's opening tag: its span, and on hover its column, its value once the unit is applied and its findings."""
    tag = "th" if kind == "header" else "td"
    classes = ["num"] if cell.value is not None else []
    attrs = [f' colspan="{cell.span}"'] if cell.span > 1 else []
    tip: list[str] = []
    if column is not None and kind != "header":
        tip.append(f"{column.label}" + (f" · {column.role}" if column.role else ""))
    if cell.value is not None:
        rate = column is not None and column.kind == "rate"
        worth = f"{group_digits(cell.value)} %" if rate else f"{group_digits(cell.value)} 元"
        printed = f"{cell.text.strip()}" + ("" if rate or column is None or not column.unit else f" {column.unit}")
        tip.append(f"{printed} → {worth}")
        if not rate:
            unit = column.unit if column is not None and column.unit else "元"
            source = UNIT_SOURCES_ZH.get(column.unit_source or "", "") if column is not None else ""
            tip.append(f"unit: {unit}" + (f"（{source}）" if source else ""))
        attrs.append(f' data-value="{_e(decimal_str(cell.value))}" data-unit="{"%" if rate else "元"}"')
    if findings:
        classes.append("flag")
        tip += [f"⚠ {getattr(f, 'check', '')}: {getattr(f, 'message', '')}" for f in findings]
    if cell.column is not None:
        attrs.append(f' data-column="{cell.column}"')
    if tip:
        attrs.append(f' title="{_e(chr(10).join(tip))}"')
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<{tag}{cls}{''.join(attrs)}>"


def _points_into(finding: Any, index: int, table: Table) -> bool:
    """Whether a finding belongs to this table: it names the table, or its figure stands in it."""
    start = getattr(finding, "start", None)
    if getattr(finding, "table", None) == index:
        return True
    return isinstance(start, int) and table.start is not None and table.end is not None and table.start <= start < table.end


def _flags(finding: Any, row: int, cell: TableCell, column: Any) -> bool:
    """Whether a finding is about this cell: its figure's offsets, or its table row and column."""
    start = getattr(finding, "start", None)
    if isinstance(start, int) and cell.start is not None and cell.end is not None:
        return cell.start <= start < cell.end
    label = getattr(finding, "column", None)
    return getattr(finding, "row", None) == row and column is not None and label == column.label


# --- header ---------------------------------------------------------------------------------


def _header(doc: Document, findings: list | None, model: dict | None) -> str:
    meta = [("id", doc.id)] + [(k, doc.meta[k]) for k in ("unit", "region", "year", "format", "source") if doc.meta.get(k)]
    if model:
        meta.append(("model", " ".join(str(model[k]) for k in ("name", "version") if model.get(k))))
    items = "".join(f"<span><b>{_e(k)}</b> {_e(v)}</span>" for k, v in meta)
    return (f'<h1>{_e(_title(doc))}</h1><div class="meta">{items}</div>'
            f'<div class="legend">{_legend(doc)}</div>'
            f'<div id="counter" data-quantities="{len(doc.spans)}" '
            f'data-sentences="{sum(map(is_issue, doc.sentences))}" '
            f'data-findings="{"" if findings is None else len(findings)}">…</div>')


def _legend(doc: Document) -> str:
    """Checkboxes that switch highlighting per label and kind (pure CSS via :has)."""
    counts = {key: 0 for key in (*LABELS, *ISSUE_KINDS)}
    for span in doc.spans:
        counts[span.label] = counts.get(span.label, 0) + 1
    for sentence in doc.sentences:
        if is_issue(sentence):
            counts[sentence.kind or ""] += 1
    boxes = [_toggle(label, f"{LABEL_NAMES_ZH[label]} {label}", f"q q-{label}", counts[label]) for label in LABELS]
    boxes += [_toggle(kind, f"{KIND_NAMES_ZH[kind]} {kind}", f"s s-{kind}", counts[kind]) for kind in ISSUE_KINDS]
    return "".join(boxes)


def _toggle(key: str, name: str, classes: str, count: int) -> str:
    return (f'<label class="toggle"><input type="checkbox" id="t-{_e(key)}" checked>'
            f'<span class="{_e(classes)}">{_e(name)}</span> <span class="n">{count}</span></label>')


# --- side panel -----------------------------------------------------------------------------


def _panel(doc: Document, findings: list | None) -> str:
    issues = [s for s in doc.sentences if is_issue(s)]
    nav = [("p-issues", "问题与建议", len(issues)), ("p-findings", "核查发现", "—" if findings is None else len(findings)),
           ("p-quantities", "数量", len(doc.spans))]
    links = "".join(f'<a href="#{k}">{_e(n)} <span class="n">{_e(c)}</span></a>' for k, n, c in nav)
    return (f'<nav class="jumps">{links}</nav>'
            f'<section id="p-issues"><h2>问题与建议 <small>problems &amp; recommendations by category</small></h2>{issue_panel(doc)}</section>'
            f'<section id="p-findings"><h2>一致性核查 <small>audit findings</small></h2>{findings_panel(doc, findings)}</section>'
            f'<section id="p-quantities"><h2>数量 <small>quantities by label</small></h2>{quantity_panel(doc)}</section>')


def _group(summary: str, entries: list[str], extra_class: str = "") -> str:
    return (f'<details class="group {extra_class}" open><summary>{summary} <span class="n">{len(entries)}</span></summary>'
            f'<ol>{"".join(entries)}</ol></details>')


def quantity_panel(doc: Document) -> str:
    """Spans grouped by label in scheme order; each entry shows text, value and left context."""
    labels = list(LABELS) + sorted({s.label for s in doc.spans} - set(LABELS))
    groups = []
    for label in labels:
        entries = [_quantity_entry(doc, i, s) for i, s in enumerate(doc.spans) if s.label == label]
        if entries:
            summary = f'<span class="q q-{_e(label)}">{_e(LABEL_NAMES_ZH.get(label, label))}</span> {_e(label)}'
            groups.append(_group(summary, entries))
    return "".join(groups) or '<p class="empty">没有数量 no quantities</p>'


def _quantity_entry(doc: Document, index: int, span: Span) -> str:
    left = line_form(doc.text[max(0, span.start - CONTEXT_CHARS) : span.start]).split("\n")[-1].strip()
    return (f'<li><a class="jump qe" href="#q-{index}" data-target="q-{index}" title="{_e(span_tip(span))}">'
            f'<span class="ctx"><bdi dir="ltr">{_e(left)}</bdi></span><span class="q q-{_e(span.label)}">{_e(doc.span_text(span))}</span>'
            f'<span class="val">{_e(format_value(span))}</span></a></li>')


def issue_panel(doc: Document) -> str:
    """Problem and recommendation sentences under each of their categories (scheme order)."""
    by_category: dict[str, list[str]] = {}
    for index, sentence in enumerate(doc.sentences):
        if is_issue(sentence):
            for key in sentence.categories or (UNCATEGORIZED,):
                by_category.setdefault(key, []).append(_issue_entry(doc, index, sentence, key))
    order = list(CATEGORIES) + sorted(set(by_category) - set(CATEGORIES) - {UNCATEGORIZED}) + [UNCATEGORIZED]
    groups = []
    for key in order:
        if key in by_category:
            name = CATEGORY_NAMES_ZH.get(key, "未分类" if key == UNCATEGORIZED else key)
            groups.append(_group(f"{_e(name)} <code>{_e(key)}</code>", by_category[key]))
    return "".join(groups) or '<p class="empty">没有问题或建议句 no problem or recommendation sentences</p>'


def _issue_entry(doc: Document, index: int, sentence: Sentence, key: str) -> str:
    kind = sentence.kind or ""
    text = " ".join(doc.span_text(sentence).split())
    snippet = text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
    score = sentence.category_scores.get(key)
    tip = f' title="{_e(category_label(key))}: score {score:.2f}"' if isinstance(score, (int, float)) else ""
    return (f'<li><a class="jump" href="#s-{index}" data-target="s-{index}"{tip}>'
            f'<span class="tag k-{_e(kind)}">{_e(KIND_NAMES_ZH.get(kind, kind))}</span>'
            f'<span class="snippet">{_e(snippet)}</span></a></li>')


def findings_panel(doc: Document, findings: list | None) -> str:
    """The audit's findings: what was stated, what the figures give, within what tolerance."""
    if findings is None:
        return '<p class="na">audit not available（一致性核查不可用）</p>'
    if not findings:
        return '<p class="ok">未发现不一致 no findings: the stated figures agree with the figures they derive from</p>'
    return f'<ol class="findings">{"".join(finding_entry(doc, i, f) for i, f in enumerate(findings))}</ol>'


def finding_entry(doc: Document, index: int, finding: Any) -> str:
    get = lambda name: getattr(finding, name, None)  # noqa: E731 - findings are duck-typed on purpose
    nums = [("stated", get("stated")), ("computed", get("computed")), ("tolerance", get("tolerance"))]
    numbers = "".join(f"<span><b>{k}</b> {_e(_num(v))}</span>" for k, v in nums if v is not None)
    diff = _difference(get("stated"), get("computed"))
    if diff is not None:
        numbers += f"<span><b>diff</b> {_e(diff)}</span>"
    parts = [f'<div class="f-head"><code class="check">{_e(get("check") or "?")}</code> '
             f'<span class="item">{_e(get("item") or "")}</span></div>', f'<div class="f-nums">{numbers}</div>']
    if get("message"):
        parts.append(f'<div class="f-msg">{_e(get("message"))}</div>')
    if get("context"):
        parts.append(f'<div class="f-ctx">{_e(" ".join(str(get("context")).split()))}</div>')
    parts.append(_finding_where(doc, index, finding))
    return f'<li class="finding" id="pf-{index}">{"".join(parts)}</li>'


def _num(value: Any) -> str:
    return decimal_str(value) if isinstance(value, Decimal) else str(value)


def _difference(stated: Any, computed: Any) -> str | None:
    if isinstance(stated, Decimal) and isinstance(computed, Decimal):
        return decimal_str(stated - computed)
    return None


def _finding_where(doc: Document, index: int, finding: Any) -> str:
    where = []
    start, end = getattr(finding, "start", None), getattr(finding, "end", None)
    if start is not None:
        where.append(f"text {start}–{end if end is not None else '?'}")
    for name in ("table", "row", "column"):
        if getattr(finding, name, None) is not None:
            where.append(f"{name} {getattr(finding, name)}")
    label = _e(", ".join(where) or "no location")
    if finding_position(doc, finding) is None:
        return f'<div class="f-where">{label}</div>'
    data = f' data-start="{_e(start)}" data-end="{_e(end)}"' if start is not None and end is not None else ""
    return f'<div class="f-where"><a class="jump" href="#f-{index}" data-target="f-{index}"{data}>↪ {label}</a></div>'
