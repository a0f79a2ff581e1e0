"""The inputs and outputs of the commands that read reports or corpus files (tag, audit, show,
the converters): what the inputs name, and outputs that must not overwrite them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.cli.console import err, fail

if TYPE_CHECKING:
    from jixiao.inputs import Inputs


def found_inputs(inputs: list[str], quiet: bool = False) -> Inputs:
    """Files, folders (recursive) and globs expanded in a stable order, with their ids and the
    links that could not be followed or inputs that name nothing (listed like unreadable files);
    when no input names anything, or no report at all is found, the command ends as a usage
    error (exit 1) with a one-line message. Files of other formats in the
    folders are left out with a one-line note (unless ``quiet``)."""
    from jixiao.inputs import InputError, find_inputs

    try:
        found = find_inputs(inputs)
    except InputError as exc:
        fail(str(exc))
    if not found.paths and not found.problems:
        fail("no report files found in the inputs" + (f" ({skipped_note(found.skipped)})" if found.skipped else ""))
    if found.skipped and not quiet:
        err().print(f"note: {skipped_note(found.skipped)}", markup=False, highlight=False)
    return found


def skipped_note(skipped: Sequence[str]) -> str:
    """One line on the files a folder held in other formats: how many, of which suffixes."""
    from collections import Counter

    counts = Counter(Path(p).suffix.lower() or "(no suffix)" for p in skipped)
    kinds = ", ".join(f"{suffix} {n}" for suffix, n in counts.most_common(5)) + (", …" if len(counts) > 5 else "")
    return f"{len(skipped)} file(s) in the folders left out ({kinds}): reports are .txt, .docx, .pdf or .doc"


def report_paths(inputs: list[str]) -> list[str]:
    """The report files of ``found_inputs`` (links that could not be followed are left out)."""
    return list(found_inputs(inputs).paths)


def refuse_overwriting_inputs(arguments: Sequence[str], paths: Sequence[str], files: Iterable[str | Path] = (),
                              folders: Iterable[str | Path] = (), suffixes: tuple[str, ...] | None = None) -> None:
    """End the command (exit 1, one line) when an output is, or would become, one of its inputs
    (``jixiao.inputs.check_outputs``)."""
    from jixiao.inputs import InputError, check_outputs

    try:
        if suffixes is None:
            check_outputs(arguments, paths, files=files, folders=folders)
        else:
            check_outputs(arguments, paths, files=files, folders=folders, suffixes=suffixes)
    except InputError as exc:
        fail(str(exc))
