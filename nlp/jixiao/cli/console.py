"""Where the CLI speaks: Rich consoles for stdout and stderr, created on demand."""

from __future__ import annotations

from rich.console import Console


def out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def one_line(message: str) -> str:
    """A message that may hold line breaks (a library's exception text) as one line, so every
    error the CLI prints stays one line a script can grep."""
    return " ".join(message.splitlines())


def fail(message: str, code: int = 1) -> None:
    """Print a one-line usage error and exit; no traceback for user mistakes."""
    import typer

    from rich.markup import escape

    err().print(f"[bold red]error:[/] {escape(message)}", markup=True)
    raise typer.Exit(code)
