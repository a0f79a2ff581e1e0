"""What a batch run shows while it works and when it ends, on a Rich console (stderr).

On a terminal: a live progress bar (documents, characters per second, failures, ETA). Without
one (logs, CI): a plain line at most every few seconds, so logs stay short. ``--quiet``: only
the failures, which a user must see. The end summary counts the whole output, kept and new.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from typing import Any

from rich.console import Console

from jixiao.document.model import CATEGORIES, CATEGORY_NAMES_ZH, LABELS
from jixiao.outputs.summary import Summary
from jixiao.outputs.names import readable


def rate_text(characters: int, seconds: float) -> str:
    rate = characters / seconds if seconds > 0 else 0.0
    if rate >= 1e6:
        return f"{rate / 1e6:.2f}M chars/s"
    return f"{rate / 1e3:.0f}k chars/s"


def eta_seconds(summary: Summary) -> float | None:
    """Remaining documents times the mean time per document so far."""
    if not summary.done:
        return None
    return (summary.todo - summary.done) * summary.elapsed() / summary.done


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Quiet:
    """No progress and no summary; failures still get their one line each."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def start(self, summary: Summary) -> None: ...

    def advance(self, summary: Summary) -> None: ...

    def failure(self, source: str, reason: str) -> None:
        self.console.print(failure_line(source, reason), markup=False, highlight=False, soft_wrap=True)

    def stop(self, summary: Summary) -> None: ...


class PlainLines(Quiet):
    """Periodic progress lines for logs; the last line always comes at the end."""

    def __init__(self, console: Console, interval: float) -> None:
        super().__init__(console)
        self.interval = interval
        self.last = 0.0

    def start(self, summary: Summary) -> None:
        self.last = time.perf_counter()
        self.console.print(_start_line(summary), markup=False, highlight=False, soft_wrap=True)

    def advance(self, summary: Summary) -> None:
        if time.perf_counter() - self.last >= self.interval:
            self._line(summary)

    def _line(self, summary: Summary) -> None:
        self.last = time.perf_counter()
        failed = f" ({summary.done - summary.failed} tagged, {summary.failed} failed)" if summary.failed else ""
        self.console.print(
            f"done {summary.done}/{summary.todo} input(s){failed}, "
            f"{rate_text(summary.tagged.characters, summary.elapsed())}, ETA {clock(eta_seconds(summary))}"
            + (f"; {working_text(summary.working)}" if summary.working else ""),
            markup=False, highlight=False, soft_wrap=True)

    def stop(self, summary: Summary) -> None:
        if summary.todo:
            self._line(summary)


class ProgressBar(Quiet):
    """A Rich progress bar that disappears when the run ends (the summary follows)."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self.progress: Any = None
        self.task: Any = None

    def start(self, summary: Summary) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console.print(_start_line(summary), markup=False, highlight=False, soft_wrap=True)
        self.progress = Progress(TextColumn("tagging"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                 TextColumn("{task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA {task.fields[eta]}"),
                                 TextColumn("{task.fields[now]}", markup=False), console=self.console, transient=True)
        self.progress.start()
        self.task = self.progress.add_task("tag", total=summary.todo, rate="", failed="", eta="?", now="")

    def advance(self, summary: Summary) -> None:
        failed = f"{summary.failed} failed" if summary.failed else ""
        self.progress.update(self.task, completed=summary.done, rate=rate_text(summary.tagged.characters, summary.elapsed()),
                             failed=failed, eta=clock(eta_seconds(summary)),
                             now=working_text(summary.working) if summary.working else "")

    def failure(self, source: str, reason: str) -> None:
        target = self.progress.console if self.progress is not None else self.console
        target.print(failure_line(source, reason), markup=False, highlight=False, soft_wrap=True)

    def stop(self, summary: Summary) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def working_text(working: tuple[str, str, float]) -> str:
    """What this process is tagging now: 「big.txt: quantities 45%」, 「64 files: sentences」 (a
    report of many megabytes takes a minute, with no input done meanwhile)."""
    name, step, share = working
    return f"{printable(Path(name).name)}: {step}" + (f" {share:.0%}" if share else "")


def failure_line(source: str, reason: str) -> str:
    """The one line a failure gets: a file name holding a line break or a byte that is not UTF-8
    (a GBK name unpacked from an archive) is shown escaped, so that it stays one line."""
    return f"{printable(source)}: {printable(reason)}"


def printable(text: str) -> str:
    """``text`` with control characters and undecodable bytes escaped (``\\n``, ``\\xb1``)."""
    if text.isprintable():
        return text
    raw = readable(text)
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in raw)


def reporter_for(console: Console, quiet: bool, interval: float) -> Quiet:
    if quiet:
        return Quiet(console)
    return ProgressBar(console) if console.is_terminal else PlainLines(console, interval)


def _start_line(summary: Summary) -> str:
    kept = f", {summary.kept.documents} kept from an earlier run" if summary.kept.documents else ""
    model = model_text(summary)
    workers = f" in {summary.workers} worker processes" if summary.workers > 1 else ""
    return f"tagging {summary.todo} of {summary.inputs} input(s){kept}" + (f" with {model}" if model else "") + workers


def model_text(summary: Summary) -> str:
    return " ".join(summary.model.get(k, "") for k in ("name", "version")).strip()


def summary_lines(summary: Summary) -> list[str]:
    """The end-of-run summary: documents, failures, spans per label, issue sentences per category."""
    total = summary.total
    if not summary.published:
        return [f"no input could be read ({summary.failed} failed, listed in {summary.errors}); "
                f"{summary.output} is left as an earlier run wrote it"]
    lines = [f"{summary.output}: {total.documents} document(s) ({summary.tagged.documents} tagged now, "
             f"{summary.kept.documents} kept), {summary.failed} failed"
             + (f", listed in {summary.errors}" if summary.failed else "")]
    model = f", model {model_text(summary)}" if model_text(summary) else ""
    steady = summary.steady_rate()
    after = f"; {rate_text(int(steady), 1.0)} after the first batch" if steady is not None else ""
    lines.append(f"{summary.tagged.characters:,} characters in {summary.elapsed():.1f} s "
                 f"({rate_text(summary.tagged.characters, summary.elapsed())}{after}){model}")
    lines.append("spans: " + " · ".join(f"{label} {total.spans.get(label, 0):,}" for label in LABELS))
    lines.append(f"problem sentences: {total.kinds.get('problem', 0):,}; by category: " + _by_category(total.problems))
    lines.append(f"recommendation sentences: {total.kinds.get('recommendation', 0):,}; by category: "
                 + _by_category(total.recommendations))
    return lines


def _by_category(counts: Any) -> str:
    found = [f"{CATEGORY_NAMES_ZH[c]} {c} {counts[c]:,}" for c in CATEGORIES if counts.get(c)]
    return " · ".join(found) or "none"


def print_summary(console: Console, summary: Summary) -> None:
    for line in summary_lines(summary):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def interrupted_line(summary: Summary, why: str = "interrupted") -> str:
    kept = summary.kept.documents + summary.tagged.documents
    if not kept:
        return f"{why} before any document was tagged: nothing is kept"
    rest = "to tag the rest" if summary.done < summary.todo else "to write the output"
    return f"{why}: {kept} document(s) are kept in {summary.journal}; run the same command with --resume {rest}"
