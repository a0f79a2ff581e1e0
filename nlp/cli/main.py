"""The ``jixiao`` command: a thin Typer layer over the library's plain functions."""

from __future__ import annotations

import typer

from nlp.cli.corpus_cmd import corpus_app
from nlp.cli.tag_cmd import tag

app = typer.Typer(
    name="jixiao",
    help="Quantities and issue statements from Chinese budget performance reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(corpus_app, name="corpus")
app.command(name="tag")(tag)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
