"""``jixiao audit``: list the figures in reports that do not add up."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import err

EXIT_FINDINGS = 3
EXIT_UNREADABLE = 2


def audit(
    inputs: Annotated[list[str], typer.Argument(help="Report files (.txt .docx .pdf .doc), folders (recursive) or globs; "
                                                     "or JSON Lines files of tagged documents (jixiao tag's output), each document audited.")],
    output_name: Annotated[str, typer.Option("-o", "--output", help="Findings, one JSON object per line.")] = "out/findings.jsonl",
    fail_on_findings: Annotated[bool, typer.Option("--fail-on-findings", help="Exit 3 when there is any finding.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Check every stated rate, total, share and restated figure against the figures it derives from.

    A figure is reported only when no amounts that round to the printed ones give it.

    Exit code 0; 2 when some input could not be read (whatever the findings of the others) or the findings cannot be written; 3 with --fail-on-findings when every input was read and there are findings; 1 for usage errors.
    """
    from jixiao.audit.runner import audit_files
    from jixiao.cli.console import Progress, fail, fail_cannot_write, file_output
    from jixiao.cli.inputs import found_inputs, refuse_overwriting_inputs
    from jixiao.cli.tag_cmd import INTERRUPTED, TERMINATED
    from jixiao.runner import Terminated, sigterm_as_interrupt

    output = file_output(output_name, "findings.jsonl") or Path(output_name)
    found = found_inputs(inputs, quiet)
    refuse_overwriting_inputs(inputs, found.paths, files=[output])
    try:
        bar = None if quiet else Progress(f"auditing {len(found.paths)} input(s)", total=len(found.paths))
        with sigterm_as_interrupt(), bar or nullcontext():  # SIGTERM unwinds like Ctrl-C: the temporary is removed
            summary = audit_files(list(found.paths), output, ids=list(found.ids), done=bar.advance if bar else None,
                                  problems=found.problems)
    except OSError as exc:  # the output's folder cannot be made or written, the disk is full, …
        fail_cannot_write(exc, output)
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
        err().print(f"{stopped}: no findings written; {output} is as it was", markup=False)
        raise typer.Exit(TERMINATED if isinstance(exc, Terminated) else INTERRUPTED) from None
    console = err()
    for path, reason in summary.failed:
        console.print(f"{path}: {reason}", markup=False)
    if not summary.written:
        console.print(f"no input could be read; {output} is left as an earlier run wrote it", markup=False)
    elif not quiet:
        checks = ", ".join(f"{check} {count}" for check, count in sorted(summary.by_check.items()))
        console.print(f"{summary.documents} document(s), {summary.findings} finding(s)"
                      f"{' (' + checks + ')' if checks else ''} -> {output}", markup=False)
    if summary.failed:  # an input left out is told first: the findings cover only the others
        raise typer.Exit(EXIT_UNREADABLE)
    if fail_on_findings and summary.findings:
        raise typer.Exit(EXIT_FINDINGS)
