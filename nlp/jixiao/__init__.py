"""jixiao: quantities and issue statements from Chinese budget performance reports.

The Python API, the same operations as the ``jixiao tag`` command::

    import jixiao
    tagger = jixiao.load()                       # bundled model (or jixiao.load("models/x"))
    doc = tagger.tag_text("预算487万，执行率为98.16%。")
    doc = tagger.tag_file("report.docx")      # raises IngestError if unreadable
    for result in jixiao.tag_files(paths, workers=2):   # streaming, in input order
        ...                                   # result.document, or result.error
    summary = jixiao.tag_to_file(paths, "out/tagged.jsonl", workers=2, resume=True)
    jixiao.__version__                        # the installed package's version

The names are imported on first use, so ``import jixiao`` stays cheap (a CLI that prints its help,
or a worker process that sets its thread limits before NumPy loads, must not pay for models).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["load", "tag_files", "tag_to_file", "expand_inputs"]

_HOMES = (("load", "jixiao.loading"), ("tag_files", "jixiao.runner"), ("tag_to_file", "jixiao.runner"),
          ("expand_inputs", "jixiao.inputs"))


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("jixiao")
        except PackageNotFoundError:  # a source tree on sys.path without an install
            return "0+unknown"
    for attr, module in _HOMES:
        if attr == name:
            return getattr(import_module(module), name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
