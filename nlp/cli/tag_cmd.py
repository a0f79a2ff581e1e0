"""``jixiao tag``: tag reports into SCHEME JSON Lines (or flat CSV/Parquet tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nlp.cli.console import err, fail


def tag(
    inputs: Annotated[list[str], typer.Argument(help="Report files (.txt .docx .pdf .doc), folders (recursive) or globs.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file (JSON Lines, or CSV/Parquet with --format).")] = Path("out/tagged.jsonl"),
    model: Annotated[Path | None, typer.Option("--model", help="Model folder; default: the bundled model.")] = None,
    errors: Annotated[Path | None, typer.Option("--errors", help="Where unreadable files are listed; default OUT.errors.jsonl.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Tag reports: every quantity with its value, every sentence with kind and categories.

    Exit code 0 when every input was tagged, 2 when some could not be read, 1 for usage errors.
    """
    from nlp.inputs import InputError, expand_inputs
    from nlp.loading import ModelError, load
    from nlp.runner import run_tagging

    try:
        paths = expand_inputs(inputs)
    except InputError as exc:
        fail(str(exc))
    if not paths:
        fail("no report files found in the inputs")
    try:
        tagger = load(model)
    except ModelError as exc:
        fail(str(exc))
    errors_path = errors or output.with_name(output.name + ".errors.jsonl")
    summary = run_tagging(tagger, paths, output, errors_path, console=None if quiet else err())
    if summary.failed:
        raise typer.Exit(2)
