"""The ``jixiao`` command's entry point, kept apart from the commands.

Worker processes (``jixiao tag --workers N``) are started with ``spawn``, which imports the script
that started their parent; the console script imports this module, so a worker does not load
typer, rich and every command only to tag documents.
"""

from __future__ import annotations


def main() -> None:
    from jixiao.cli.main import main as run

    run()
