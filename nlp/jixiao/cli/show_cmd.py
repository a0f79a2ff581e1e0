"""``jixiao show``: one report as a self-contained HTML page, to read a report with its tags.

Exit code 0 when the page was written, 2 when the input could not be read (or the page could not
be written), 1 for usage errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from jixiao.cli.console import err, fail, fail_cannot_write, file_output, one_line

PAGE_PERMISSIONS = 0o644


def show(
    file: Annotated[Path, typer.Argument(help="A report (.txt .docx .pdf .doc) or a JSON Lines file of tagged documents.")],
    output: Annotated[str | None, typer.Option("-o", "--output", help="The HTML page to write; default: FILE's stem + .html in the current folder.")] = None,
    doc_id: Annotated[str | None, typer.Option("--id", help="Which document of a JSON Lines file; default: the first.")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Model folder, or a bundled model's name (jixiao-default, jixiao-rules), for tagging a report; default: jixiao-default.")] = None,
) -> None:
    """Write one report as an HTML page: quantities and issue sentences highlighted, with a side panel.

    The page is self-contained (no external resources) and works offline.
    """
    from jixiao.atomic import write_text
    from jixiao.settings import runtime_settings
    from jixiao.cli.inputs import refuse_overwriting_inputs
    from jixiao.document.jsonl import JSONL_SUFFIXES
    from jixiao.outputs.html import render_html

    target = file_output(output, f"{file.stem}.html") or Path(file.stem + ".html")
    refuse_overwriting_inputs([str(file)], [str(file)], files=[target])
    if file.suffix.lower() in JSONL_SUFFIXES:
        if model is not None:
            fail("--model tags reports; a JSON Lines file is already tagged")
        doc, model_info = read_tagged(file, doc_id)
    else:
        if doc_id is not None:
            fail("--id picks a document from a JSON Lines file; FILE is a report")
        doc, model_info = tag_report(file, model)
    findings = audit_findings(doc)
    try:
        # 0644, not the umask's choice: the page is meant to be shared; atomic, so no half page
        write_text(target, render_html(doc, findings, model_info), permissions=PAGE_PERMISSIONS)
        size = target.stat().st_size
    except OSError as exc:
        fail_cannot_write(exc, target)
    issues = sum(s.kind in ("problem", "recommendation") for s in doc.sentences)
    audit = "audit not available" if findings is None else f"{len(findings)} finding(s)"
    err().print(f"{target}: {len(doc.spans)} quantities, {issues} problem/recommendation sentences, {audit}", markup=False)
    warn_mb = float(runtime_settings().get("show", {}).get("page_warning_mb", 50))
    if warn_mb and size > warn_mb * 1e6:  # 0 turns the warning off, as 0 turns off the --max-* limits
        err().print(f"warning: {target} is {size / 1e6:,.1f} MB ({len(doc.text):,} characters of report); a browser "
                    f"may open it slowly or not at all: `jixiao tag` gives the same data as JSON Lines", markup=False)


def tag_report(file: Path, model: Path | None) -> tuple[Any, dict[str, str]]:
    """Tag a report with the given (or bundled) model; unreadable files end the command with 2."""
    from jixiao.ingest.errors import IngestError
    from jixiao.loading import ModelError, load

    try:
        tagger = load(model)
    except ModelError as exc:
        fail(str(exc))
    try:
        doc = tagger.tag_file(file)
    except IngestError as exc:
        fail(one_line(f"{file}: {exc.reason}"), 2)
    return doc, tagger.model_info


def read_tagged(file: Path, doc_id: str | None) -> tuple[Any, dict[str, str] | None]:
    """The chosen document of a tagged JSON Lines file, and the model that tagged it if recorded."""
    from jixiao.document.jsonl import FormatError, document_from_dict, iter_raw

    ids: list[str] = []  # the ids passed over, to name some when --id is none of them
    try:
        for number, raw in iter_raw(file):
            if isinstance(raw, dict):
                ids.append(str(raw.get("id")))
            if doc_id is None or (isinstance(raw, dict) and str(raw.get("id")) == doc_id):
                try:
                    doc = document_from_dict(raw)
                except (FormatError, KeyError, TypeError, ValueError) as exc:
                    fail(one_line(f"{file}:{number}: {exc}"), 2)
                model = raw.get("model")
                return doc, model if isinstance(model, dict) else None
    except FormatError as exc:
        fail(one_line(str(exc)), 2)
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text", 2)
    except OSError as exc:
        fail(f"{file}: {_os_reason(exc)}", 2)
    if doc_id is not None:
        import difflib

        close = difflib.get_close_matches(doc_id, ids, n=1) if ids else []
        listed = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        fail(f"{file}: no document with id {doc_id!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
             + (f"; its documents: {listed}" if ids else ""))
    fail(f"{file}: no documents in the file", 2)
    raise AssertionError("unreachable")  # fail() always raises


def audit_findings(doc: Any) -> list | None:
    """The consistency audit's findings, or None when the audit failed.

    The page is worth having without the audit, so an audit that crashes is reported on stderr
    and the page says the audit is not available.
    """
    from jixiao.audit import audit_document

    try:
        return list(audit_document(doc))
    except Exception as exc:  # noqa: BLE001 - a viewer should not die with the audit
        err().print(f"warning: the audit failed ({type(exc).__name__}: {exc}); page written without findings", markup=False)
        return None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"
