"""Where the CLI speaks: Rich consoles for stdout and stderr, progress, and user-facing errors.

Progress goes to stderr, so stdout stays clean for what a command outputs. On a terminal it is a
Rich bar (or spinner) that redraws in place; anywhere else (CI logs, pipes, files) it is plain
lines with a time stamp, because a redrawing bar there is either invisible until the end or a
wall of control characters. Plain lines are for steps that take time: what the step reports
(an epoch, a fold) is always written, a bare count only every few seconds, and a step that
ends quickly without reporting anything writes nothing at all.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console

if TYPE_CHECKING:  # the bar is imported when a terminal shows one: most runs never draw it
    from rich.progress import Progress as RichProgress
    from rich.progress import ProgressColumn, TaskID

HEARTBEAT_SECONDS = 60.0  # a plain-line progress with nothing to say still says it is alive this often
PLAIN_STEP_SHARE = 0.1  # in plain mode a silent advance is logged after a tenth of the total ...
PLAIN_INTERVAL_SECONDS = 5.0  # ... and this long since the last line, so quick steps stay quiet


def out() -> Console:
    return Console(highlight=False, soft_wrap=True)


class _Messages(Console):
    """The console on stderr. When its reader goes away (``jixiao tag … 2>&1 | head -1``), the
    messages stop and the command goes on: Rich's default ends the process with exit code 1,
    which would leave a run's output unfinished for want of its progress lines."""

    def on_broken_pipe(self) -> None:  # Rich's hook for exactly this
        self.quiet = True
        try:
            target = sys.stderr.fileno()
        except (OSError, ValueError):  # not a file descriptor (a test's captured stream)
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, target)  # later writes, and the last flush at exit, go nowhere
        finally:
            os.close(null)


def err() -> Console:
    return _Messages(stderr=True, highlight=False, soft_wrap=True)


def one_line(message: str) -> str:
    """A message that may hold line breaks (a library's exception text) as one line, so every
    error the CLI prints stays one line a script can grep."""
    return " ".join(message.splitlines())


def cannot_write(exc: OSError, target: object) -> str:
    """The one line for an output that cannot be written. A folder on the way that is a file
    (-o report.txt/out.jsonl) makes the system say "File exists" or "Not a directory"; the line
    names that file instead."""
    name = exc.filename
    if name and Path(name).name.startswith(tuple(f".{n}." for n in _output_names(target))):
        name = None  # the temporary the output is written through: the user named the output
    where = Path(name) if name else Path(str(target))
    try:
        for folder in (where, *where.parents):
            if folder != Path(str(target)) and folder.is_file():
                return f"{target}: cannot write ({folder} is a file, not a folder)"
    except OSError:  # a name too long to look at
        pass
    return f"{name or target}: cannot write ({exc.strerror or exc})"


EXIT_CANNOT_WRITE = 2  # every command: the run could not go on; 1 stays for usage errors


def fail_cannot_write(exc: OSError, target: object) -> NoReturn:
    """Stop with the one line of ``cannot_write`` and the same exit code in every command, so a
    script tells an unwritable output (a full disk, a read-only folder) from a mistyped option."""
    fail(cannot_write(exc, target), EXIT_CANNOT_WRITE)


def file_output(value: str | None, example: str) -> Path | None:
    """The output file a user named, refused when the name ends with a slash: it names a folder,
    and the path without the slash would otherwise be written as a file of that name."""
    if value is not None and value.endswith(("/", os.sep)):
        fail(f"{value}: ends with a slash, so it names a folder; the output is a file: name it, e.g. {value}{example}")
    return Path(value) if value is not None else None


def _output_names(target: object) -> list[str]:
    """The output's name and, for a symbolic link, the name of the file it is written through."""
    names = [Path(str(target)).name]
    try:
        names.append(os.path.basename(os.path.realpath(str(target))))
    except OSError:
        pass
    return names


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line usage error and exit; no traceback for user mistakes."""
    import typer

    from rich.markup import escape

    err().print(f"[bold red]error:[/] {escape(one_line(message))}", markup=True)
    raise typer.Exit(code)


def require(module: str, purpose: str, *, extra: str | None = None, package: str | None = None) -> None:
    """Import an optional dependency, or stop with one line naming what installs it: the jixiao
    extra (``pip install 'jixiao[datasets]'``) or else the package itself (instead of a traceback
    from deep inside the step that needed it)."""
    try:
        found = importlib.util.find_spec(module) is not None  # found, not imported: some print on import
    except (ImportError, ValueError):  # a parent package missing, or the module blocked
        found = False
    if not found:
        how = f"pip install 'jixiao[{extra}]'" if extra else f"pip install {package or module}"
        fail(f"{purpose} needs the optional package {module!r}: {how}")


class Progress:
    """Progress of one long step, used as a context manager.

    ``advance`` moves a counted step on (documents, folds, epochs) and may say what was done (a
    line that stays, on a terminal above the bar); ``status`` says where a step is without a line
    of its own (on the bar, and in plain mode with the next heartbeat). With ``total=None`` the
    step has no count (a classifier fitting): a spinner with the elapsed time on a terminal, and in
    plain mode a line every ``HEARTBEAT_SECONDS`` while it runs. A step ends with a "done in" line
    (in plain mode only when it wrote anything before).
    """

    def __init__(self, description: str, total: int | None = None, console: Console | None = None) -> None:
        self.description = description
        self.total = total
        self.console = console or err()
        self.completed = 0
        self._started = 0.0
        self._rich: RichProgress | None = None
        self._task: TaskID | None = None
        self._last_logged = 0
        self._last_line = 0.0
        self._status = ""
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    @property
    def live(self) -> bool:
        return self.console.is_terminal

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
            if self.total is not None:
                columns += [BarColumn(), MofNCompleteColumn()]
            columns += [TimeElapsedColumn(), TextColumn("{task.fields[message]}")]
            rich = RichProgress(*columns, console=self.console, transient=True)  # the "done" line stays
            rich.start()
            self._task = rich.add_task(self.description, total=self.total, message="")
            self._rich = rich
        else:
            if self.total is None:
                self._heartbeat = threading.Thread(target=self._beat, daemon=True)
                self._heartbeat.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        elapsed = time.monotonic() - self._started
        outcome = "done" if kind is None else "stopped"
        if self._rich is not None:
            self._rich.stop()
        if (self._rich is not None and kind is None) or (self._rich is None and self._last_line):
            self._line(f"{self.description}: {outcome} in {_duration(elapsed)}")

    def advance(self, message: str = "", steps: int = 1) -> None:
        self.completed += steps
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, advance=steps, message="")
            if message:  # what a step reports stays on screen above the bar
                self._rich.console.print(f"{self.description}: {self._counted(message)}", markup=False, highlight=False)
            return
        if message or self._due():
            self._line(f"{self.description}: {self._counted(message)}")
            self._last_logged = self.completed

    def _counted(self, message: str) -> str:
        """The count and what the step says; a step without a total that says what it did
        (「epoch 3/15」) needs no running count before it."""
        if not self.total:
            return message or str(self.completed)
        return f"{self.completed}/{self.total}" + (f" {message}" if message else "")

    def status(self, message: str) -> None:
        self._status = message
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, message=message)

    def _due(self) -> bool:
        if not self.total or time.monotonic() - max(self._last_line, self._started) < PLAIN_INTERVAL_SECONDS:
            return False
        return self.completed - self._last_logged >= max(1, int(self.total * PLAIN_STEP_SHARE))

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            status = f"; {self._status}" if self._status else ""
            self._line(f"{self.description}: still running, {_duration(time.monotonic() - self._started)} so far{status}")

    def _line(self, message: str) -> None:
        self._last_line = time.monotonic()
        self.console.print(f"[{time.strftime('%H:%M:%S')}] {message}", markup=False, highlight=False)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
