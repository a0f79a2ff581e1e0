"""``jixiao corpus``: validate, split, build and convert corpus files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nlp.cli.console import err, fail, out

corpus_app = typer.Typer(help="Validate, split, build and convert annotated corpora.", no_args_is_help=True)


@corpus_app.command("validate")
def validate(files: Annotated[list[Path], typer.Argument(help="Corpus JSON Lines files.")]) -> None:
    """Check offsets, span text, overlaps, labels, kinds, categories and values; exit 1 on any problem."""
    from nlp.corpus.validate import validate_file

    total = 0
    for path in files:
        problems = validate_file(path)
        total += len(problems)
        for problem in problems:
            out().print(problem, markup=False)
    if total:
        err().print(f"{total} problem(s) in {len(files)} file(s)")
        raise typer.Exit(1)
    err().print(f"ok: {len(files)} file(s) valid")


@corpus_app.command("build")
def build(
    raw_dir: Annotated[Path, typer.Option(help="Folder with the reports and index.tsv.")] = Path("corpus/raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the documents.")] = Path("corpus/docs.jsonl"),
) -> None:
    """Ingest the indexed reports into unlabelled documents (text and sentences)."""
    from nlp.corpus.build import build_docs
    from nlp.document.jsonl import write_documents

    if not (raw_dir / "index.tsv").exists():
        fail(f"{raw_dir}: no index.tsv")
    docs = build_docs(raw_dir)
    write_documents(output, docs)
    err().print(f"wrote {len(docs)} documents to {output}")
