"""``jixiao tag``: tag reports into SCHEME JSON Lines (or flat CSV/Parquet tables).

Exit codes: 0 every input tagged, 2 some could not be read or went over a limit (or the run could not go on, or
an output cannot be written),
1 usage errors (an output that would overwrite an input, a model that does not load, a resume
that would mix models), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). An interrupted or
failed run keeps its work in ``OUT.partial`` for ``--resume``.
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from jixiao.cli.console import EXIT_CANNOT_WRITE, err, fail, fail_cannot_write, file_output, one_line, require
from jixiao.ingest.limits import DEFAULT_LIMITS

DEFAULT_OUTPUT = Path("out/tagged")
INTERRUPTED = 130
TERMINATED = 143


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class EncodingErrors(str, Enum):
    strict = "strict"
    replace = "replace"


def tag(
    inputs: Annotated[list[str], typer.Argument(help="Report files (.txt .docx .pdf .doc; a named file with another suffix is read by its content), folders (recursive, links followed; only those four formats) or globs.")],
    output: Annotated[str | None, typer.Option("-o", "--output", help="Output: a JSON Lines file (default out/tagged.jsonl), or for csv/parquet (and --engine ray) a folder (default out/tagged). Never one of the inputs.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="jsonl: one SCHEME record per report; csv, parquet: a folder with documents.jsonl and flat spans, sentences and tables files keyed by document id and source.")] = Format.jsonl,
    model: Annotated[Path | None, typer.Option("--model", help="Model folder, or a bundled model's name (jixiao-default, jixiao-rules); default: jixiao-default.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, show_default="every core for 1 MB or more in several files, else 1", help="Tagging processes (this one and N-1 workers), each with its own copy of the model; at most the CPU cores available. With --engine ray: the maximum number of actors.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Keep what OUT.partial (or OUT) already holds for the same inputs (same path and sha256) and the same model; tag only the rest.")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", help="Where files that could not be read or went over a limit are listed; default OUT.errors.jsonl.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary (failures are still listed).")] = False,
    encoding_errors: Annotated[EncodingErrors, typer.Option("--encoding-errors", help="replace: read a text report with a few undecodable bytes as U+FFFD (counted in meta.replaced_bytes) instead of refusing it.")] = EncodingErrors.strict,
    keep_line_breaks: Annotated[bool, typer.Option("--keep-line-breaks", help="Keep every line break of a .txt or Word report as it is. By default a hard-wrapped one (lines cut at a fixed width inside paragraphs, or a Word document with a paragraph per line of a PDF) has those breaks joined again, counted in meta.joined_line_breaks.")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0, callback=_finite, help="Seconds to read and tag one file before it is listed as an error; 0: no limit.")] = DEFAULT_LIMITS.seconds or 0,
    max_docx_xml_mb: Annotated[float, typer.Option("--max-docx-xml-mb", min=0, callback=_finite, help="The largest decompressed XML accepted in one .docx (zip bombs); 0: no limit.")] = DEFAULT_LIMITS.docx_xml_mb or 0,
    max_docx_unzipped_mb: Annotated[float, typer.Option("--max-docx-unzipped-mb", min=0, callback=_finite, help="The largest decompressed content (images included) accepted in one .docx; 0: no limit.")] = DEFAULT_LIMITS.docx_unzipped_mb or 0,
    max_xml_depth: Annotated[int, typer.Option("--max-xml-depth", min=0, help="The deepest element nesting accepted in a .docx's XML; 0: no limit.")] = DEFAULT_LIMITS.xml_depth or 0,
    max_pdf_pages: Annotated[int, typer.Option("--max-pdf-pages", min=0, help="The most pages accepted in one PDF; 0: no limit.")] = DEFAULT_LIMITS.pdf_pages or 0,
    max_chars: Annotated[int, typer.Option("--max-chars", min=0, help="The most characters of text accepted in one file, any format; 0: no limit.")] = DEFAULT_LIMITS.characters or 0,
    engine: Annotated[Engine, typer.Option("--engine", help="local: this machine (a process pool with --workers); ray: a Ray cluster (needs the extra: pip install 'jixiao\\[ray]'), writing shards into the folder OUT.")] = Engine.local,
    address: Annotated[str | None, typer.Option("--address", help="With --engine ray: the cluster to join (as for ray.init, e.g. 10.0.0.5:6379 or auto); default: start Ray on this machine.")] = None,
) -> None:
    """Tag reports: every quantity with its value, every sentence with kind and categories.

    Results are written in input order to OUT.partial and renamed to OUT when the run completes;
    after Ctrl-C, SIGTERM or a crash, the same command with --resume tags only what is missing.
    Document ids are the paths relative to the inputs' common folder, without suffix (kept where
    two files would share an id). Exit code 0 when every input was tagged, 2 when some could not
    be read or went over a limit (--time-limit, --max-*) or an output cannot be written, 1 for usage errors, 130 when
    interrupted, 143 when terminated.
    """
    from jixiao.cli.inputs import found_inputs
    from jixiao.ingest.limits import Limits
    from jixiao.runner import Reading

    found = found_inputs(inputs, quiet)
    folder_output = fmt is not Format.jsonl or engine is Engine.ray
    named = Path(output) if folder_output and output is not None else file_output(output, "tagged.jsonl")
    target = named or (DEFAULT_OUTPUT if folder_output else DEFAULT_OUTPUT.with_suffix(".jsonl"))
    try:
        _check_target(target, fmt, engine)
    except OSError as exc:  # a name the system refuses to look at (too long, …)
        fail_cannot_write(exc, target)
    limits = Limits(docx_xml_mb=max_docx_xml_mb or None, docx_unzipped_mb=max_docx_unzipped_mb or None,
                    xml_depth=max_xml_depth or None, pdf_pages=max_pdf_pages or None, characters=max_chars or None,
                    seconds=time_limit or None)
    reading = Reading(limits, encoding_errors.value, join_lines=not keep_line_breaks)
    if engine is Engine.ray:
        if resume:
            fail("--resume works with the local engine; a Ray run writes its shards anew")
        _run_ray(found, target, fmt.value, model, reading, workers or 1, address, errors, quiet)
        return
    if address is not None:
        fail("--address names a Ray cluster: use it with --engine ray")
    summary = _run(found, target, fmt.value, model, workers, resume, errors, quiet, reading)
    if summary.failed:
        raise typer.Exit(2)


def _finite(value: float) -> float:
    """A limit is a number: inf and nan would pass ``min=0`` and then break every file (or turn a
    limit off without saying so); 0 is how a limit is turned off."""
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds or megabytes; 0 turns the limit off")
    return value


def _check_target(target: Path, fmt: Format, engine: Engine) -> None:
    if engine is Engine.ray:
        if fmt is Format.csv:
            fail("--engine ray writes jsonl or parquet shards, not csv")
        if target.is_file():
            fail(f"{target}: a file; --engine ray writes a folder of shards")
        return
    if fmt is Format.jsonl and target.is_dir():
        fail(f"{target}: a folder; --format jsonl writes a file (csv and parquet write a folder)")
    if fmt is not Format.jsonl and target.is_file():
        fail(f"{target}: a file; --format {fmt.value} writes a folder")


class _WithResume:
    """The run's reporter, plus one line after the start line saying what --resume left out."""

    def __init__(self, inner: Any, console: Any) -> None:
        self.inner, self.console = inner, console

    def start(self, summary: Any) -> None:
        self.inner.start(summary)
        parts = []
        if summary.retagged:
            parts.append(f"{summary.retagged} record(s) of files that changed since (or got another id) are tagged again")
        if summary.dropped:
            parts.append(f"{summary.dropped} record(s) of files no longer among the inputs are dropped")
        if parts:
            self.console.print("resume: " + "; ".join(parts), markup=False, highlight=False, soft_wrap=True)

    def advance(self, summary: Any) -> None:
        self.inner.advance(summary)

    def failure(self, source: str, reason: str) -> None:
        self.inner.failure(source, reason)

    def stop(self, summary: Any) -> None:
        self.inner.stop(summary)


def _run(found: Any, target: Path, fmt: str, model: Path | None, workers: int | None, resume: bool,
         errors: Path | None, quiet: bool, reading: Any) -> Any:
    from jixiao.inputs import InputError, UnwritableOutput
    from jixiao.loading import ModelError
    from jixiao.outputs.feedback import interrupted_line, print_summary, reporter_for
    from jixiao.outputs.journal import JournalBusy
    from jixiao.runner import (TERMINATED as WHY_TERMINATED, ResumeRefused, TaggingError, TaggingInterrupted,
                               auto_workers, capped_workers, load_settings, tag_to_file)

    console = err()
    if workers is None:
        workers = auto_workers(found.paths)
    capped, warning = capped_workers(workers)
    if warning:
        console.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    interval = float(load_settings().get("progress", {}).get("plain_interval_seconds", 10.0))
    reporter = reporter_for(console, quiet, interval)
    try:
        summary = tag_to_file(found, target, model=model, fmt=fmt, workers=capped, resume=resume, errors=errors,
                              reporter=reporter if quiet else _WithResume(reporter, console), reading=reading)
    except (ModelError, JournalBusy, ResumeRefused, InputError) as exc:
        fail(one_line(str(exc)))
    except UnwritableOutput as exc:
        fail(one_line(str(exc)), EXIT_CANNOT_WRITE)
    except TaggingInterrupted as exc:
        console.print(interrupted_line(exc.summary, exc.why), markup=False, highlight=False)
        raise typer.Exit(TERMINATED if exc.why == WHY_TERMINATED else INTERRUPTED) from None
    except TaggingError as exc:
        fail(one_line(str(exc)), 2)
    except OSError as exc:
        fail_cannot_write(exc, target)
    if not quiet or not summary.published:  # even quiet: the user must not take the earlier OUT for this run's
        print_summary(console, summary)
    return summary


def _run_ray(found: Any, target: Path, fmt: str, model: Path | None, reading: Any, workers: int,
             address: str | None, errors: Path | None, quiet: bool) -> None:
    require("ray", "--engine ray", extra="ray")
    from jixiao.inputs import InputError
    from jixiao.loading import ModelError
    from jixiao.ray_engine import tag_on_ray

    console = err()
    try:
        summary = tag_on_ray(found, target, model=model, fmt=fmt, reading=reading,
                             workers=workers if workers > 1 else None, address=address, errors=errors)
    except (ModelError, InputError) as exc:
        fail(one_line(str(exc)))
    except KeyboardInterrupt:
        console.print(f"interrupted: {target} is left as it was; run the same command again", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except OSError as exc:
        fail_cannot_write(exc, target)
    except Exception as exc:  # noqa: BLE001 - Ray reports cluster problems as its own exception types
        fail(one_line(f"the Ray run failed ({type(exc).__name__}: {exc})"), 2)
    for failure in summary.failures:
        console.print(f"{failure['file']}: {failure['reason']}", markup=False, highlight=False, soft_wrap=True)
    if not summary.published:
        console.print(f"no input could be read ({len(summary.failures)} failed, listed in {summary.errors}); "
                      f"{target} is left as an earlier run wrote it", markup=False, highlight=False)
    elif not quiet:
        model_text = " ".join(str(summary.model.get(k) or "") for k in ("name", "version")).strip()
        listed = f", listed in {summary.errors}" if summary.failures else ""
        console.print(f"{target}: {summary.documents} document(s) tagged on Ray with {model_text}, "
                      f"{len(summary.failures)} failed{listed}; {summary.seconds:.1f} s", markup=False, highlight=False)
    if summary.failures:
        raise typer.Exit(2)
