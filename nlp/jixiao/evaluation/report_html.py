"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from jixiao.evaluation.chart import svg_bars
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

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:72em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
mark{background:#ffd54f;padding:0 .1em}.fp mark{background:#ffab91}.fn mark{background:#90caf9}
td.ctx{max-width:40em}.note{color:#555;font-size:.9em}dl{display:grid;grid-template-columns:8em auto}
dd{margin:0;font-family:monospace}
"""


def render_html(ev: Evaluation, context_chars: int) -> str:
    m = ev.metrics
    body = ["<h1>Evaluation report</h1>", _provenance(m)]
    if "spans" in m:
        body.append(_span_section(m))
    if "kind" in m:
        body.append(_sentence_section(m))
    groups = (span_error_groups(ev, context_chars) if "spans" in m else []) + (
        sentence_error_groups(ev, context_chars) if "kind" in m else [])
    body.append("<h2>Errors</h2>")
    body += [_error_section(g) for g in groups]
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>jixiao evaluation</title>"
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")


def _provenance(m: dict[str, Any]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in provenance_lines(m))
    return f"<dl>{items}</dl>"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.4f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """Cells are escaped here; only ``header`` and cell text go in, never markup."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i >= numeric_from else ''}>{escape(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _score_table(rows: list[ScoreRow], partial: bool = False) -> str:
    header = ["", "P", "R", "F1"] + (["partial F1"] if partial else []) + ["support"]
    return _table(header, [[r.name, _num(r.p), _num(r.r), _num(r.f1)] + ([_num(r.partial_f1)] if partial else [])
                           + [str(r.support)] for r in rows])


def _span_section(m: dict[str, Any]) -> str:
    rows = span_rows(m)
    chart = svg_bars([r.name for r in rows], [("exact F1", [r.f1 for r in rows]),
                                              ("partial F1", [r.partial_f1 or 0.0 for r in rows])],
                     "Span F1 per label")
    values = m["values"]
    return ("<h2>Quantity spans</h2>" + _score_table(rows, partial=True)
            + f"<p>Macro F1 {m['spans']['macro_f1']:.4f} exact, {m['spans']['partial']['macro_f1']:.4f} partial. "
            f"Value accuracy {values['accuracy']:.4f} on {values['matched']} exactly matched spans.</p>" + chart)


def _sentence_section(m: dict[str, Any]) -> str:
    kind, cats = m["kind"], m["categories"]
    labels, matrix = kind["confusion"]["labels"], kind["confusion"]["matrix"]
    confusion = _table(["gold \\ predicted", *labels], [[g, *map(str, row)] for g, row in zip(labels, matrix)])
    chart = svg_bars([r.name for r in category_rows(m)], [("F1", [r.f1 for r in category_rows(m)])],
                     "Category F1")
    return ("<h2>Sentence kind</h2>" + _score_table(kind_rows(m))
            + f"<p>Macro F1 {kind['macro_f1']:.4f}, accuracy {kind['accuracy']:.4f} on {kind['sentences']} sentences.</p>"
            + "<h3>Confusion matrix</h3><p>Rows gold, columns predicted.</p>" + confusion
            + "<h2>Categories</h2>" + _score_table(category_rows(m))
            + f"<p>Micro F1 {cats['micro']['f1']:.4f}, macro F1 {cats['macro_f1']:.4f}.</p>" + chart
            + _calibration(m))


def _calibration(m: dict[str, Any]) -> str:
    """Reliability curves as bars of the observed accuracy per score bin beside the mean score."""
    out = ""
    for part, what in (("kind", "predicted kinds by kind_score"), ("categories", "assigned categories by their score")):
        curve = m.get("calibration", {}).get(part)
        if not curve:
            continue
        names = [f"{b['low']:.1f}–{b['high']:.1f} ({b['count']})" for b in curve["bins"]]
        out += (f"<h2>Calibration: {escape(what)}</h2>"
                + svg_bars(names, [("mean score", [b["confidence"] for b in curve["bins"]]),
                                   ("right", [b["accuracy"] for b in curve["bins"]])], "Reliability")
                + f"<p>Expected calibration error {curve['ece']:.4f} over {curve['count']}.</p>")
    return out


def _error_section(group: ErrorGroup) -> str:
    head = f"<h3>{escape(group.title)} ({len(group.items)})</h3><p class=note>{escape(group.explanation)}</p>"
    if not group.items:
        return head + "<p>None.</p>"
    css = "fp" if "positive" in group.title else "fn" if "negative" in group.title else ""
    rows = "".join(
        f"<tr class=\"{css}\"><td>{escape(i.snippet.doc_id)}</td><td class=n>{i.snippet.start}–{i.snippet.end}</td>"
        f"<td>{escape(i.label)}</td><td class=ctx>{escape(i.snippet.before)}<mark>{escape(i.snippet.text)}</mark>"
        f"{escape(i.snippet.after)}</td><td class=note>{escape(i.note)}</td></tr>"
        for i in group.items)
    return (head + "<table><thead><tr><th>document</th><th>chars</th><th>label</th><th>context</th><th>note</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")
