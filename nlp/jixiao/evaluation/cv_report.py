"""Markdown tables for the cross-validation results (eval/cv/RESULTS.md)."""

from __future__ import annotations

from collections.abc import Sequence
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


def _ci(entry: dict[str, float]) -> str:
    return f"**{entry['value']:.3f}** [{entry['low']:.3f}, {entry['high']:.3f}]"


def _spread(entry: dict[str, float | int]) -> str:
    if entry["n"] < 2:
        return f"{entry['mean']:.3f} (one fold)"
    return f"{entry['mean']:.3f} ± {entry['sd']:.3f} ({entry['min']:.3f}–{entry['max']:.3f})"


def headline_table(intervals: dict[str, dict[str, dict[str, float]]],
                   folds: dict[str, dict[str, dict[str, float | int]]], figures: Sequence[str]) -> str:
    """Per system and figure: the pooled value with its bootstrap interval, and the per-fold
    mean ± standard deviation (min–max)."""
    head = "| system | " + " | ".join(f"{f} pooled [95% CI] | {f} per fold, mean ± sd (min–max)" for f in figures) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(figures)]
    for system in intervals:
        cells = []
        for figure in figures:
            cells.append(_ci(intervals[system][figure]) if figure in intervals[system] else "—")
            cells.append(_spread(folds[system][figure]) if figure in folds.get(system, {}) else "—")
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fold_table(per_fold: dict[str, list[dict[str, float]]], fold_names: Sequence[str], figure: str) -> str:
    """One figure for every fold (rows) and system (columns)."""
    systems = list(per_fold)
    lines = ["| fold (held-out report) | " + " | ".join(systems) + " |", "|---|" + "---:|" * len(systems)]
    for index, name in enumerate(fold_names):
        cells = [per_fold[s][index].get(figure) for s in systems]
        lines.append(f"| {name} | " + " | ".join("—" if c is None else f"{c:.3f}" for c in cells) + " |")
    return "\n".join(lines)


def shift_table(summary: dict[str, dict[str, dict[str, float | int]]], figures: Sequence[str]) -> str:
    """The shift split scored by each fold's model: mean ± sd (min–max) over the fold models."""
    lines = ["| system | " + " | ".join(figures) + " |", "|---|" + "---:|" * len(figures)]
    for system, entries in summary.items():
        lines.append(f"| {system} | " + " | ".join(_spread(entries[f]) if f in entries else "—" for f in figures) + " |")
    return "\n".join(lines)


def data_table(folds: Sequence[dict[str, Any]]) -> str:
    """The folds and the data each saw: held-out report, its size, and both data hashes."""
    lines = ["| fold | held-out report | sentences (labelled) | spans | test data hash | training data hash (documents) |",
             "|---:|---|---:|---:|---|---|"]
    for fold in folds:
        lines.append(f"| {fold['fold']} | {fold['test']} | {fold['test_sentences']} ({fold['test_labelled']}) | "
                     f"{fold['test_spans']} | `{fold['test_hash']}` | `{fold['train_hash']}` ({fold['train_documents']}) |")
    return "\n".join(lines)


def interval_table(intervals: dict[str, dict[str, dict[str, float]]], figures: Sequence[str]) -> str:
    """Pooled value [95% CI] per system (rows) and figure (columns)."""
    lines = ["| system | " + " | ".join(figures) + " |", "|---|" + "---:|" * len(figures)]
    for system, entries in intervals.items():
        lines.append(f"| {system} | " + " | ".join(_ci(entries[f]) if f in entries else "—" for f in figures) + " |")
    return "\n".join(lines)


_ABOUT = ("Leave-one-report-out over the five reports: each fold trains on four reports plus the authored "
          "supplement (never tested on) and scores the fifth; held-out predictions of all folds are pooled. "
          "No fold tunes anything on its test report.")


def render_results(results: dict[str, Any]) -> str:
    """eval/cv/RESULTS.md from what ``jixiao crossval`` measured (its metrics.json)."""
    data, boot = results["data"], results["bootstrap"]
    dirty = {True: "with uncommitted changes", False: "with no uncommitted changes"}.get(results.get("dirty"),
                                                                                         "(uncommitted changes unknown)")
    commit = str(results.get("commit") or "unknown")[:12]
    folds = data["folds"]
    sections = [
        f"# Cross-validation results\n\nMeasured at commit `{commit}` {dirty}, with\n\n```bash\n{results['command']}\n```",
        _ABOUT + (f" This run covers {len(folds)} fold(s) only ({', '.join(f['test'] for f in folds)}): "
                  "its figures are not those of the full cross-validation." if len(folds) < _fold_count(data) else ""),
        f"**Bold** figures are pooled over the held-out predictions of all folds, with a {boot['confidence']:.0%} "
        f"percentile bootstrap interval over held-out sentences ({boot['resamples']} resamples, seed {boot['seed']}). "
        "*Per fold* is the mean ± sample standard deviation (min–max) of the figure computed on each fold's "
        "held-out report alone: how much the result depends on which report is held out.",
        "## Data\n\n" + f"Corpus: {data['documents']} documents, data hash `{data['corpus_hash']}` "
        "(`jixiao.training.data.data_hash`: ids, text, spans and sentence labels)."
        + (f" Shift split: `{data['shift']['path']}`, {data['shift']['documents']} documents, "
           f"sha256 `{str(data['shift']['sha256'])[:16]}`." if "shift" in data else "")
        + "\n\n" + data_table(folds),
    ]
    if "spans" in results:
        sections.append(_quantities(results["spans"], results["spans_detail"]))
    if "issues" in results:
        sections.append(_issues(results["issues"], results["issues_detail"], results.get("settings", {})))
    return "\n\n".join(sections) + "\n"


def _fold_count(data: dict[str, Any]) -> int:
    return int(data.get("all_folds", len(data["folds"])))


def _quantities(pooled: dict[str, Any], detail: dict[str, Any]) -> str:
    from jixiao.evaluation.cv_stats import SPAN_FIGURES

    ours = {k: v for k, v in pooled.items() if not k.startswith("jionlp")}
    parts = [
        "## Quantities\n\n`rules` is the grammar alone; `model` is the trained component on context features only; "
        "`combined` is the component with the grammar's filters as features (the mode `jixiao train spans --backend linear` trains; the bundled model ships `rules`, chosen by the shift split in eval/quantities/RESULTS.md). "
        f"Span component config sha256 `{detail.get('config_sha256', '?')}`.",
        "### Headline\n\n" + headline_table(detail["intervals"], detail["fold_spread"], ["spans.micro.f1"]),
        "### Per label, pooled [95% CI]\n\n" + interval_table(detail["intervals"], list(SPAN_FIGURES[1:-1])),
    ]
    if ours:
        parts.append("### Precision, recall, F1\n\n" + span_table(ours))
    if any(k.startswith("jionlp") for k in pooled):
        parts.append("### AMOUNT against JioNLP `extract_money`\n\n" + amount_table(pooled))
    parts.append("### Micro F1 per fold\n\n" + fold_table(detail["per_fold"], detail["folds"], "spans.micro.f1"))
    if "shift" in detail:
        parts.append("### Shift split\n\nEach fold's model (or the rules) on every document of the shift split, "
                     "which no model is trained on: mean ± sd (min–max) over the fold models.\n\n"
                     + shift_table(detail["shift"], ["spans.micro.f1", *SPAN_FIGURES[1:-1]]))
    return "\n\n".join(parts)


def _issues(pooled: dict[str, Any], detail: dict[str, Any], settings: dict[str, Any]) -> str:
    from jixiao.evaluation.cv_stats import ISSUE_FIGURES

    parts = [
        "## Issue classifier\n\nEvery backend is trained with its packaged settings "
        "(`jixiao/configs/issues_<backend>.cfg`, as `jixiao train issues` uses them; listed in metrics.json), "
        "untuned inside the folds.",
        "### Headline\n\n" + headline_table(detail["intervals"], detail["fold_spread"], list(ISSUE_FIGURES)),
        "### Precision, recall, F1\n\n" + issue_table(pooled),
        "### Per category\n\n" + category_table(pooled),
        "### Kind macro-F1 per fold\n\n" + fold_table(detail["per_fold"], detail["folds"], "kind.macro_f1"),
        "### Category micro-F1 per fold\n\n" + fold_table(detail["per_fold"], detail["folds"], "categories.micro.f1"),
    ]
    if "shift" in detail:
        parts.append("### Shift split\n\nEach fold's model on every document of the shift split, which no model is "
                     "trained on: mean ± sd (min–max) over the fold models.\n\n"
                     + shift_table(detail["shift"], list(ISSUE_FIGURES)))
    parts.append("### Kind confusion matrices (pooled)\n\n" + confusion_tables(pooled))
    return "\n\n".join(parts)
