"""Run a Tagger over many files: stream results to OUT.partial, list failures, rename at the end.

Output lines are whole documents written in input order, so an interrupted run leaves only
``OUT.partial`` (never a file that looks complete) and ``--resume`` can pick up from it.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from nlp.outputs.records import error_line, output_line
from nlp.tagger import Tagger, TagResult

PLAIN_PROGRESS_SECONDS = 10.0


@dataclass
class Summary:
    documents: int = 0
    failed: int = 0
    characters: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, result: TagResult) -> None:
        if result.document is None:
            self.failed += 1
            return
        doc = result.document
        self.documents += 1
        self.characters += len(doc.text)
        self.spans.update(s.label for s in doc.spans)
        for sentence in doc.sentences:
            if sentence.kind in ("problem", "recommendation"):
                self.problems.update(f"{sentence.kind}:{c}" for c in sentence.categories)


def run_tagging(tagger: Tagger, paths: list[str], output: Path, errors_path: Path, console: Console | None) -> Summary:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    summary = Summary()
    started = time.perf_counter()
    with open(partial, "w", encoding="utf-8") as out, open(errors_path, "w", encoding="utf-8") as errs:
        for result in _with_progress(tagger.tag_many(paths), len(paths), console, summary):
            summary.add(result)
            if result.document is not None:
                out.write(output_line(result.document, result.source, tagger.model_info) + "\n")
            else:
                errs.write(error_line(result.source, result.error or "unreadable") + "\n")
                errs.flush()
                Console(stderr=True, highlight=False, soft_wrap=True).print(f"{result.source}: {result.error}", markup=False)
    summary.seconds = time.perf_counter() - started
    os.replace(partial, output)
    if summary.failed == 0:
        errors_path.unlink(missing_ok=True)
    if console is not None:
        print_summary(console, summary, output)
    return summary


def _with_progress(results: Iterable[TagResult], total: int, console: Console | None, summary: Summary) -> Iterable[TagResult]:
    if console is None:
        yield from results
        return
    if console.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("tagging"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("tag", total=total, rate="")
            started = time.perf_counter()
            for result in results:
                yield result
                rate = summary.characters / max(time.perf_counter() - started, 1e-9)
                progress.update(task, advance=1, rate=f"{rate / 1000:,.0f} k chars/s")
        return
    last = time.perf_counter()
    for index, result in enumerate(results, 1):
        yield result
        if time.perf_counter() - last >= PLAIN_PROGRESS_SECONDS or index == total:
            console.print(f"tagged {index}/{total} files", markup=False)
            last = time.perf_counter()


def print_summary(console: Console, summary: Summary, output: Path) -> None:
    rate = summary.characters / summary.seconds if summary.seconds else 0.0
    console.print(
        f"{summary.documents} document(s) tagged, {summary.failed} failed, "
        f"{summary.characters:,} characters in {summary.seconds:.1f} s ({rate:,.0f} chars/s) → {output}",
        markup=False,
    )
    if summary.spans:
        console.print("spans: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.spans.items())), markup=False)
    if summary.problems:
        top = ", ".join(f"{k} {v}" for k, v in summary.problems.most_common())
        console.print(f"problem/recommendation sentences by category: {top}", markup=False)
