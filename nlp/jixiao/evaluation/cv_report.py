"""Markdown tables for the cross-validation results (eval/cv/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from jixiao.document.model import CATEGORIES, KINDS, LABELS


def span_table(results: dict[str, dict[str, Any]]) -> str:
    head = "| system | " + " | ".join(f"{l} P / R / F1" for l in (*LABELS, "micro")) + " | partial micro F1 | value acc. (matched) |"
    lines = [head, "|---|" + "---|" * (len(LABELS) + 3)]
    for name, m in results.items():
        cells = [f"{m['spans'][l]['p']:.3f} / {m['spans'][l]['r']:.3f} / **{m['spans'][l]['f1']:.3f}**" for l in (*LABELS, "micro")]
        partial = m["spans"]["partial"]["micro"]["f1"]
        cells += [f"{partial:.3f}", f"{m['values']['accuracy']:.4f} ({m['values']['matched']})"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def amount_table(results: dict[str, dict[str, Any]]) -> str:
    lines = ["| system | AMOUNT P | R | F1 | partial F1 |", "|---|---:|---:|---:|---:|"]
    for name, m in results.items():
        a = m["spans"]["AMOUNT"]
        lines.append(f"| {name} | {a['p']:.3f} | {a['r']:.3f} | {a['f1']:.3f} | {m['spans']['partial']['AMOUNT']['f1']:.3f} |")
    return "\n".join(lines)


def issue_table(results: dict[str, dict[str, Any]]) -> str:
    head = "| backend | kind acc. | kind macro-F1 | " + " | ".join(f"{k} F1" for k in KINDS) + " | cat. micro P / R / F1 | cat. macro-F1 |"
    lines = [head, "|---|" + "---:|" * (len(KINDS) + 4)]
    for name, m in results.items():
        k, c = m["kind"], m["categories"]
        kinds = " | ".join(f"{k[x]['f1']:.3f}" for x in KINDS)
        micro = c["micro"]
        lines.append(f"| {name} | {k['accuracy']:.3f} | **{k['macro_f1']:.3f}** | {kinds} | "
                     f"{micro['p']:.3f} / {micro['r']:.3f} / **{micro['f1']:.3f}** | {c['macro_f1']:.3f} |")
    return "\n".join(lines)


def category_table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = ["| category (support) | " + " | ".join(f"{n} P / R / F1" for n in names) + " |", "|---|" + "---|" * len(names)]
    for key in CATEGORIES:
        support = next(iter(results.values()))["categories"][key]["support"]
        cells = [f"{results[n]['categories'][key]['p']:.2f} / {results[n]['categories'][key]['r']:.2f} / {results[n]['categories'][key]['f1']:.2f}" for n in names]
        lines.append(f"| {key} ({support}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def confusion_tables(results: dict[str, dict[str, Any]]) -> str:
    parts = []
    for name, m in results.items():
        matrix = m["kind"]["confusion"]["matrix"]
        rows = [f"| gold {k} | " + " | ".join(str(v) for v in row) + " |" for k, row in zip(KINDS, matrix)]
        parts.append(f"**{name}**\n\n| | " + " | ".join(f"pred {k}" for k in KINDS) + " |\n|---|---:|---:|---:|\n" + "\n".join(rows))
    return "\n\n".join(parts)
