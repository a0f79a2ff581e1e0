"""report.md: the evaluation as Markdown tables, a text bar chart and every error in context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jixiao.evaluation.chart import text_bars
from jixiao.evaluation.report_view import (
    ErrorGroup,
    ScoreRow,
    category_rows,
    kind_rows,
    provenance_lines,
    sentence_error_groups,
    span_error_groups,
    span_rows,
)
from jixiao.evaluation.run import Evaluation


def render_markdown(ev: Evaluation, context_chars: int) -> str:
    m = ev.metrics
    out = ["# Evaluation report", ""]
    out += [f"- {name}: {_cell(value)}" for name, value in provenance_lines(m)]
    if "spans" in m:
        out += _span_section(m)
    if "kind" in m:
        out += _sentence_section(m)
    out += ["", "## Errors"]
    groups = (span_error_groups(ev, context_chars) if "spans" in m else []) + (
        sentence_error_groups(ev, context_chars) if "kind" in m else [])
    for group in groups:
        out += _error_section(group)
    return "\n".join(out) + "\n"


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.4f}"


def _cell(text: str) -> str:
    """Table-safe: pipes escaped, and angle brackets so that 「<5%」 is not read as HTML."""
    return text.replace("|", "\\|").replace("`", "'").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: bool = True) -> list[str]:
    """A Markdown table; with ``numeric`` every column after the first is right-aligned."""
    rule = ["---"] + ["---:" if numeric else "---"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def _score_table(rows: list[ScoreRow], partial: bool = False) -> list[str]:
    header = ["", "P", "R", "F1"] + (["partial F1"] if partial else []) + ["support"]
    body = [[r.name, _fmt(r.p), _fmt(r.r), _fmt(r.f1)] + ([_fmt(r.partial_f1)] if partial else []) + [str(r.support)]
            for r in rows]
    return _table(header, body)


def _span_section(m: dict[str, Any]) -> list[str]:
    rows = span_rows(m)
    chart = text_bars([r.name for r in rows], [("exact F1", [r.f1 for r in rows]),
                                               ("partial F1", [r.partial_f1 or 0.0 for r in rows])])
    values = m["values"]
    return ["", "## Quantity spans", "", *_score_table(rows, partial=True), "",
            f"Macro F1 {m['spans']['macro_f1']:.4f} exact, {m['spans']['partial']['macro_f1']:.4f} partial. "
            f"Value accuracy {values['accuracy']:.4f} on {values['matched']} exactly matched spans.",
            "", "```", chart, "```"]


def _sentence_section(m: dict[str, Any]) -> list[str]:
    kind, cats = m["kind"], m["categories"]
    labels, matrix = kind["confusion"]["labels"], kind["confusion"]["matrix"]
    confusion = _table(["gold \\ predicted", *labels], [[g, *map(str, row)] for g, row in zip(labels, matrix)])
    return ["", "## Sentence kind", "", *_score_table(kind_rows(m)), "",
            f"Macro F1 {kind['macro_f1']:.4f}, accuracy {kind['accuracy']:.4f} on {kind['sentences']} sentences.",
            "", "Confusion matrix (rows gold, columns predicted):", "", *confusion,
            "", "## Categories", "", *_score_table(category_rows(m)), "",
            f"Micro F1 {cats['micro']['f1']:.4f}, macro F1 {cats['macro_f1']:.4f}.", *_calibration_section(m)]


def _calibration_section(m: dict[str, Any]) -> list[str]:
    """Reliability tables: per score bin, the mean score against the share that was right."""
    out = []
    for part, what in (("kind", "predicted kinds by kind_score"), ("categories", "assigned categories by their score")):
        curve = m.get("calibration", {}).get(part)
        if not curve:
            continue
        rows = [[f"{b['low']:.1f}–{b['high']:.1f}", str(b["count"]), f"{b['confidence']:.3f}", f"{b['accuracy']:.3f}"]
                for b in curve["bins"]]
        out += ["", f"## Calibration: {what}", "", *_table(["score", "count", "mean score", "right"], rows), "",
                f"Expected calibration error {curve['ece']:.4f} over {curve['count']}."]
    return out


def _error_section(group: ErrorGroup) -> list[str]:
    lines = ["", f"### {group.title} ({len(group.items)})", "", f"_{group.explanation}_", ""]
    if not group.items:
        return lines + ["None."]
    rows = [[i.snippet.doc_id, f"{i.snippet.start}–{i.snippet.end}", i.label,
             f"{i.snippet.before}**【{i.snippet.text}】**{i.snippet.after}", i.note] for i in group.items]
    return lines + _table(["document", "chars", "label", "context", "note"], rows, numeric=False)
