"""The ``jixiao`` command's entry point, kept apart from the commands.

Worker processes (``jixiao tag --workers N``) are started with ``spawn``, which imports the script
that started their parent; the console script imports this module, so a worker does not load
typer, rich and every command only to tag documents.

Before anything numerical loads, the command caps the thread pools of numerical libraries at
``threads_per_worker`` (settings.toml, ``[workers]``), unless the environment already sets them:
jixiao's parallelism is its worker processes, and a BLAS thread pool on the small matrices of
tagging burns a third more CPU for no gain (measured on 10 MB of reports with one process).
"""

from __future__ import annotations

import os


def main() -> None:
    try:
        _main()
    except KeyboardInterrupt:  # Ctrl-C before a command has taken over its handling (while loading)
        import sys

        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def _main() -> None:
    from jixiao.settings import runtime_settings

    workers = runtime_settings().get("workers", {})
    threads = str(int(workers.get("threads_per_worker", 1)))
    for name in workers.get("thread_variables", ()):
        os.environ.setdefault(name, threads)

    import sys
    import warnings

    warnings.showwarning = _one_line
    # A run stopped by Ctrl-C or SIGTERM leaves at once (os._exit, so no stuck pool thread holds it),
    # before its worker pool's queues are closed: multiprocessing's resource tracker, a process of
    # its own that inherits the interpreter's -W options, then unlinks their semaphores and warns
    # about them in a traceback-like block. The clean-up is the right one; the warning only alarms.
    sys.warnoptions.append("ignore:resource_tracker:UserWarning")
    from jixiao.cli.main import main as run

    run()


def _one_line(message: Warning | str, category: type[Warning], filename: str, lineno: int,
              file: object = None, line: str | None = None) -> None:
    """Warnings as one line on stderr (``warning: …``), as the command's errors are, not as a
    source location for developers."""
    import sys

    print(f"warning: {message}", file=sys.stderr)
