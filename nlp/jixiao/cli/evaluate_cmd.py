"""``jixiao evaluate``: score a model on gold data, write the reports, and gate CI on the figures.

Exit code 0 when the figures pass; 1 when a minimum or the baseline is not met (and for usage
errors); 2 when the data, thresholds, baseline or output cannot be read or written.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rich.markup import escape

from jixiao.cli.console import err, fail, fail_cannot_write, out

if TYPE_CHECKING:
    from jixiao.evaluation.gate import Failure
    from jixiao.evaluation.run import Evaluation

EXIT_GATE = 1
EXIT_UNREADABLE = 2


class Boundaries(str, Enum):
    predicted = "predicted"
    gold = "gold"


class Context(str, Enum):
    document = "document"
    none = "none"


def evaluate(
    data: Annotated[Path | None, typer.Option("--data", help="Gold JSON Lines file to evaluate on.")] = None,
    split: Annotated[str | None, typer.Option("--split", help="Or a split of the corpus: train, dev, test (corpus/splits.json) or shift (corpus/shift/).")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus folder with splits.json, gold/ and authored/ (for --split).")] = Path("corpus"),
    model: Annotated[Path | None, typer.Option("--model", help="Model folder, or a bundled model's name (jixiao-default, jixiao-rules); default: jixiao-default, as for `jixiao tag`.")] = None,
    thresholds: Annotated[Path | None, typer.Option("--thresholds", help="TOML file whose \\[min] table gives minimum figures by dotted metric name.")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="A metrics.json to compare against.")] = None,
    max_drop: Annotated[float | None, typer.Option("--max-drop", help="Largest allowed drop of any score below --baseline (default 0).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for metrics.json, predictions.jsonl, report.md and report.html.")] = Path("out/eval"),
    compare: Annotated[tuple[Path, Path] | None, typer.Option("--compare", metavar="A.json B.json", help="Print two metrics.json files side by side: which model, data and code each measured, and the figures that differ, with deltas; nothing else.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="With --compare: every figure, unchanged ones included.")] = False,
    sentences: Annotated[Boundaries, typer.Option("--sentences", help="Sentence boundaries the classifier is given: predicted (what `jixiao tag` does) or gold (a diagnostic; the report says so).")] = Boundaries.predicted,
    context: Annotated[Context, typer.Option("--context", help="document: sentences classified in their document, as `jixiao tag` does; none: each sentence on its own, with no heading or neighbour.")] = Context.document,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only gate failures and errors.")] = False,
) -> None:
    """Tag the gold texts the way `jixiao tag` does and score the result against the gold.

    Exit code 0 when every figure passes; 1 when one is below its minimum or dropped more than --max-drop below the baseline (or for usage errors); 2 for unreadable files.
    """
    if compare is not None:
        if data is not None or split is not None or thresholds is not None or baseline is not None:
            _fail("--compare takes two metrics.json files and no other input")
        _compare(*compare, show_all)
        return
    if show_all:
        _fail("--all goes with --compare A.json B.json")
    if (data is None) == (split is None):
        _fail("give either --data FILE or --split NAME")
    from jixiao.evaluation.data import SPLIT_NAMES

    if split is not None and split not in SPLIT_NAMES:
        _fail(f"--split {split!r} is not a split; choose one of {', '.join(SPLIT_NAMES)}")
    if max_drop is not None and baseline is None:
        _fail("--max-drop needs --baseline")
    if max_drop is not None and max_drop < 0:
        _fail("--max-drop must be zero or more")
    minimums, base = _gate_inputs(thresholds, baseline)
    ev = _run(data, split, corpus, model, sentences.value, context.value)
    _write(out_dir, ev, quiet)
    if base is not None and _data_hash(base) not in (None, _data_hash(ev.metrics)):
        # figures of other gold data are not a baseline for these: say so, the gate still runs
        err().print(f"warning: --baseline {baseline} measured other data ({(base.get('data') or {}).get('path')}, "
                    f"sha256 {str(_data_hash(base))[:16]}) than this run ({(ev.metrics.get('data') or {}).get('path')}, "
                    f"sha256 {str(_data_hash(ev.metrics))[:16]}): its figures may not be comparable", markup=False)
    failures = _gate(ev.metrics, minimums, base, max_drop or 0.0)
    if failures:
        console = err()
        for failure in failures:
            console.print(f"[bold red]gate:[/] {escape(failure.message())}", markup=True, highlight=False)
        raise typer.Exit(EXIT_GATE)
    if not quiet and (minimums or base is not None):
        err().print(f"gate passed: {len(minimums)} minimum(s){', baseline' if base is not None else ''}", markup=False)


def _gate_inputs(thresholds: Path | None, baseline: Path | None) -> tuple[dict[str, float], dict[str, Any] | None]:
    """Read the gate files before tagging, so a typo fails at once rather than after the run."""
    from jixiao.evaluation.gate import GateFileError, read_metrics, read_thresholds

    try:
        minimums = read_thresholds(thresholds) if thresholds is not None else {}
        base = read_metrics(baseline) if baseline is not None else None
    except GateFileError as exc:
        _fail(str(exc), EXIT_UNREADABLE)
    return minimums, base


def _run(data: Path | None, split: str | None, corpus: Path, model: Path | None, sentences: str,
         context: str) -> Evaluation:
    from jixiao.evaluation.data import DataError, read_data_file, read_split
    from jixiao.evaluation.provenance import model_identity
    from jixiao.evaluation.run import evaluate_tagger
    from jixiao.loading import RULES_MODEL_NAME, ModelError, load, resolve_model

    try:
        gold = read_data_file(data) if data is not None else read_split(corpus, split or "")
    except DataError as exc:
        _fail(str(exc), EXIT_UNREADABLE)
    try:
        tagger = load(model)
    except ModelError as exc:
        _fail(str(exc))
    folder = None if str(model) == RULES_MODEL_NAME else resolve_model(model)
    return evaluate_tagger(tagger, gold, sentences, context, model_identity(folder))


def _write(out_dir: Path, ev: Evaluation, quiet: bool) -> None:
    from jixiao.evaluation.outputs import write_outputs
    from jixiao.evaluation.settings import load_settings

    try:
        paths = write_outputs(out_dir, ev, int(load_settings()["report"]["context_chars"]))
    except OSError as exc:
        fail_cannot_write(exc, out_dir)
    if not quiet:
        console = err()
        for line in _summary(ev):
            console.print(line, markup=False)
        console.print("wrote " + ", ".join(str(p) for p in paths), markup=False)


def _summary(ev: Evaluation) -> list[str]:
    m, e = ev.metrics, ev.errors
    lines = [f"{m['model']['name']} {m['model']['version']} (model hash {m['model_identity'].get('hash') or 'none'}) "
             f"on {m['data']['path']} ({m['documents']} document(s), data hash {str(m['data']['sha256'])[:16]})"]
    if "spans" in m:
        lines.append(f"spans: micro F1 {m['spans']['micro']['f1']:.4f}, macro F1 {m['spans']['macro_f1']:.4f}; "
                     f"values {m['values']['accuracy']:.4f} on {m['values']['matched']} matched; "
                     f"{len(e.spans_fp)} false positive(s), {len(e.spans_fn)} false negative(s), {len(e.values)} wrong value(s)")
    if "kind" in m:
        lines.append(f"sentences: kind macro F1 {m['kind']['macro_f1']:.4f}, accuracy {m['kind']['accuracy']:.4f}; "
                     f"categories micro F1 {m['categories']['micro']['f1']:.4f}, macro F1 {m['categories']['macro_f1']:.4f}; "
                     f"{len(e.sentences)} sentence(s) wrong")
    return lines


def _data_hash(metrics: dict[str, Any]) -> str | None:
    data = metrics.get("data")
    return data.get("sha256") if isinstance(data, dict) else None


def _gate(metrics: dict[str, Any], minimums: dict[str, float], base: dict[str, Any] | None,
          max_drop: float) -> list[Failure]:
    from jixiao.evaluation.gate import check_baseline, check_minimums
    from jixiao.evaluation.settings import load_settings

    failures = check_minimums(metrics, minimums)
    if base is not None:
        names = tuple(load_settings()["baseline"]["score_names"])
        failures += check_baseline(metrics, base, max_drop, names)
    return failures


def _compare(first: Path, second: Path, show_all: bool) -> None:
    from rich.table import Table

    from jixiao.evaluation.compare import compare_rows, identity_rows
    from jixiao.evaluation.gate import GateFileError, read_metrics
    from jixiao.evaluation.settings import load_settings

    try:
        a, b = read_metrics(first), read_metrics(second)
    except GateFileError as exc:
        _fail(str(exc), EXIT_UNREADABLE)
    settings = load_settings()
    scores = tuple(settings["baseline"]["score_names"])
    console = out()
    who = Table(title="jixiao evaluate --compare", caption=f"A = {first}\nB = {second}")
    who.add_column("measured", no_wrap=True)
    for name in ("A", "B"):
        who.add_column(name, overflow="fold")
    for what, va, vb in identity_rows(a, b):
        style = "bold" if va != vb else None
        who.add_row(what, escape(va), escape(vb), style=style)
    console.print(who)
    rows = compare_rows(a, b, settings["compare"]["first"])
    shown = rows if show_all else [r for r in rows if r.changed]
    table = Table(caption=f"{len(shown)} of {len(rows)} figures" + ("" if show_all else " (those that differ; --all for every one)"))
    table.add_column("metric", overflow="fold")
    for name in ("A", "B", "Δ (B − A)"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in shown:
        is_score = row.metric.rsplit(".", 1)[-1] in scores
        table.add_row(row.metric, _num(row.a, is_score), _num(row.b, is_score), _delta(row.delta, is_score))
    console.print(table)


def _fail(message: str, code: int = 1) -> None:
    """``fail`` with the message taken literally: '[min]' in a message is not Rich markup."""
    fail(message, code)


def _num(x: float | None, is_score: bool) -> str:
    if x is None:
        return "—"
    return f"{x:.4f}" if is_score or x != int(x) else f"{x:.0f}"


def _delta(d: float | None, is_score: bool) -> str:
    """Signed change; scores are coloured (green up, red down), counts are not."""
    if d is None:
        return "—"
    if abs(d) < 1e-12:
        return "0"
    text = f"{d:+.4f}" if is_score or d != int(d) else f"{d:+.0f}"
    return f"[{'green' if d > 0 else 'red'}]{text}[/]" if is_score else text
