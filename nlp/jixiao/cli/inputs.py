"""The inputs and outputs of the commands that read reports or corpus files (tag, audit, show,
the converters): what the inputs name, and outputs that must not overwrite them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.cli.console import fail

if TYPE_CHECKING:
    from jixiao.inputs import Inputs


def found_inputs(inputs: list[str]) -> Inputs:
    """Files, folders (recursive) and globs expanded in a stable order, with their ids and the
    links that could not be followed; inputs that name nothing, or no report at all, end the
    command as a usage error (exit 1) with a one-line message."""
    from jixiao.inputs import InputError, find_inputs

    try:
        found = find_inputs(inputs)
    except InputError as exc:
        fail(str(exc))
    if not found.paths and not found.problems:
        fail("no report files found in the inputs")
    return found


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
