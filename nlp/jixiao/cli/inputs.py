"""The report files a command's inputs name, for the commands that read reports (tag, audit)."""

from __future__ import annotations

from jixiao.cli.console import fail


def report_paths(inputs: list[str]) -> list[str]:
    """Files, folders (recursive) and globs expanded in a stable order; inputs that name nothing,
    or no report at all, end the command as a usage error (exit 1) with a one-line message."""
    from jixiao.inputs import InputError, expand_inputs

    try:
        paths = expand_inputs(inputs)
    except InputError as exc:
        fail(str(exc))
    if not paths:
        fail("no report files found in the inputs")
    return paths
