"""The ``jixiao`` command: a thin Typer layer over the library's plain functions."""

from __future__ import annotations

import os
import sys
import threading

import typer

from jixiao.cli.audit_cmd import audit
from jixiao.cli.corpus_cmd import corpus_app
from jixiao.cli.evaluate_cmd import evaluate
from jixiao.cli.crossval_cmd import crossval
from jixiao.cli.help import Group
from jixiao.cli.show_cmd import show
from jixiao.cli.tag_cmd import INTERRUPTED, TERMINATED, tag
from jixiao.cli.train_cmd import train_app

app = typer.Typer(
    name="jixiao",
    help="Quantities and issue statements from Chinese budget performance reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"jixiao {version('jixiao')}")
        except PackageNotFoundError:  # run from a source tree without installing it
            typer.echo("jixiao (not installed)")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(False, "--version", help="Print the installed version and exit.",
                                      callback=_version, is_eager=True),
) -> None:
    """Quantities and issue statements from Chinese budget performance reports."""


app.add_typer(corpus_app, name="corpus", cls=Group)
app.command(name="tag")(tag)
app.command(name="show")(show)
app.command(name="audit")(audit)
app.add_typer(train_app, name="train", cls=Group)
app.command(name="crossval")(crossval)
app.command(name="evaluate")(evaluate)

USAGE_ERROR = 1
STOPPED = (INTERRUPTED, TERMINATED)  # a run stopped by Ctrl-C or SIGTERM


def main() -> None:
    """Entry point: usage mistakes exit 1 (not Click's 2, which jixiao keeps for unreadable input)."""
    try:
        result = app(standalone_mode=False)
    except Exception as exc:  # Typer vendors its own Click, so match the exception kinds by name
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        if "UsageError" in kinds:
            exc.show()  # type: ignore[attr-defined]
            sys.exit(USAGE_ERROR)
        if "Abort" in kinds:
            sys.exit(130)
        raise
    code = result if isinstance(result, int) else 0
    if code in STOPPED or _lingering_threads():
        # A run stopped by Ctrl-C or SIGTERM, or ended by a worker's death, has written what it
        # keeps (the journal is written unbuffered and closed) and said so. Leave without the
        # interpreter's exit hooks: the process pool's hook joins its manager thread, which waits
        # for ever on the half message a worker killed while it answered leaves in the result pipe.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _lingering_threads() -> bool:
    """Whether a thread the command started still runs after the command returned (the command's
    own work is done by then; what is left is a pool's manager thread that cannot end)."""
    return any(t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate())


if __name__ == "__main__":
    main()
