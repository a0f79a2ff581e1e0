"""``jixiao tag``: tag reports into SCHEME JSON Lines (or flat CSV/Parquet tables).

Exit codes: 0 every input tagged, 2 some could not be read (or the run could not go on),
1 usage errors, 130 interrupted (Ctrl-C). An interrupted or failed run keeps its work in
``OUT.partial`` for ``--resume``.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import err, fail, one_line

DEFAULT_OUTPUT = Path("out/tagged")
INTERRUPTED = 130


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def tag(
    inputs: Annotated[list[str], typer.Argument(help="Report files (.txt .docx .pdf .doc), folders (recursive) or globs.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output: a JSON Lines file (default out/tagged.jsonl), or for csv/parquet a folder (default out/tagged) with spans, sentences and documents.jsonl.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="jsonl: one SCHEME record per report; csv, parquet: flat spans and sentences tables keyed by document id.")] = Format.jsonl,
    model: Annotated[Path | None, typer.Option("--model", help="Model folder; default: the bundled model.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes, each with its own copy of the model.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Keep what OUT.partial (or OUT) already holds, matched by file sha256; tag only the rest.")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", help="Where unreadable files are listed; default OUT.errors.jsonl.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary (failures are still listed).")] = False,
) -> None:
    """Tag reports: every quantity with its value, every sentence with kind and categories.

    Results are written in input order to OUT.partial and renamed to OUT when the run completes;
    after Ctrl-C or a crash, the same command with --resume tags only what is missing.
    Exit code 0 when every input was tagged, 2 when some could not be read, 1 for usage errors,
    130 when interrupted.
    """
    from jixiao.cli.inputs import report_paths

    paths = report_paths(inputs)
    target = output or (DEFAULT_OUTPUT.with_suffix(".jsonl") if fmt is Format.jsonl else DEFAULT_OUTPUT)
    _check_target(target, fmt)
    summary = _run(paths, target, fmt.value, model, workers, resume, errors, quiet)
    if summary.failed:
        raise typer.Exit(2)


def _check_target(target: Path, fmt: Format) -> None:
    if fmt is Format.jsonl and target.is_dir():
        fail(f"{target}: a folder; --format jsonl writes a file (csv and parquet write a folder)")
    if fmt is not Format.jsonl and target.is_file():
        fail(f"{target}: a file; --format {fmt.value} writes a folder")


def _run(paths: list[str], target: Path, fmt: str, model: Path | None, workers: int, resume: bool,
         errors: Path | None, quiet: bool):  # type: ignore[no-untyped-def]
    from jixiao.loading import ModelError
    from jixiao.outputs.feedback import interrupted_line, print_summary, reporter_for
    from jixiao.outputs.journal import JournalBusy
    from jixiao.runner import TaggingError, TaggingInterrupted, load_settings, tag_to_file

    console = err()
    interval = float(load_settings().get("progress", {}).get("plain_interval_seconds", 10.0))
    try:
        summary = tag_to_file(paths, target, model=model, fmt=fmt, workers=workers, resume=resume, errors=errors,
                              reporter=reporter_for(console, quiet, interval))
    except (ModelError, JournalBusy) as exc:
        fail(one_line(str(exc)))
    except TaggingInterrupted as exc:
        console.print(interrupted_line(exc.summary), markup=False, highlight=False)
        raise typer.Exit(INTERRUPTED) from None
    except TaggingError as exc:
        fail(one_line(str(exc)), 2)
    except OSError as exc:
        fail(f"{exc.filename or target}: cannot write ({exc.strerror or exc})")
    if not quiet:
        print_summary(console, summary)
    return summary
