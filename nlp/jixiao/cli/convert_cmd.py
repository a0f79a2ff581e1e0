"""``jixiao corpus convert``: SCHEME JSON Lines to and from spaCy, doccano, Label Studio, CoNLL, HF.

Every command reads or writes SCHEME documents on one side; user mistakes (missing files, bad
JSON, labels outside the scheme, spans a format cannot hold) end in a one-line error and exit
code 1, and outputs are written beside the target and renamed, so a failure leaves no half file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import err, fail
from jixiao.document.model import Document

convert_app = typer.Typer(
    help="Convert corpus files to and from spaCy DocBin, doccano, Label Studio, CoNLL and Hugging Face datasets.",
    no_args_is_help=True,
)

Inputs = Annotated[list[str], typer.Argument(help="SCHEME JSON Lines files, folders (*.jsonl, recursive) or globs.")]
JsonlOut = Annotated[Path, typer.Option("-o", "--output", help="SCHEME JSON Lines file to write.")]


class DoccanoLayout(str, Enum):
    sentence = "sentence"
    document = "document"


class HfShape(str, Enum):
    documents = "documents"
    sentences = "sentences"


class LabelStudioSource(str, Enum):
    annotations = "annotations"
    predictions = "predictions"


@contextmanager
def _user_errors(source: Path | None = None) -> Iterator[None]:
    """Turn the errors a user can cause into one-line messages instead of tracebacks.

    Converter messages name the document or line; ``source`` adds the file they came from.
    """
    from jixiao.corpus.convert.errors import ConvertError
    from jixiao.document.jsonl import FormatError
    from jixiao.inputs import InputError

    try:
        yield
    except ConvertError as exc:
        fail(f"{source}: {exc}" if source else str(exc))
    except (FormatError, InputError) as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"{source or 'input'}: not UTF-8 text ({exc.reason})")
    except OSError as exc:
        fail(f"{exc.filename or 'file'}: {exc.strerror or exc}")


def _documents(inputs: list[str]) -> list[Document]:
    from jixiao.document.jsonl import read_documents
    from jixiao.inputs import expand_inputs

    paths = expand_inputs(inputs, suffixes=(".jsonl",))
    if not paths:
        fail("no .jsonl files found in the inputs")
    return [doc for path in paths for doc in read_documents(path)]


def _write_documents(output: Path, docs: list[Document], source: Path) -> None:
    from jixiao.document.jsonl import write_documents

    write_documents(output, docs)
    err().print(f"read {len(docs)} document(s) from {source}, wrote {output}")


# ---- spaCy ----------------------------------------------------------------------------------


@convert_app.command("to-docbin")
def to_docbin(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="spaCy DocBin file to write (.spacy).")],
) -> None:
    """Write a spaCy DocBin: quantities in doc.spans["quantities"], values and sentences in user_data."""
    from jixiao.corpus.convert.docbin import write_docbin

    with _user_errors():
        docs = _documents(inputs)
        write_docbin(output, docs)
    err().print(f"wrote {len(docs)} document(s) to {output}")


@convert_app.command("from-docbin")
def from_docbin(
    source: Annotated[Path, typer.Argument(help="spaCy DocBin file (.spacy).")],
    output: JsonlOut,
) -> None:
    """Read a spaCy DocBin back into SCHEME documents (lossless for files written by to-docbin)."""
    from jixiao.corpus.convert.docbin import read_docbin

    with _user_errors(source):
        _write_documents(output, read_docbin(source), source)


# ---- doccano --------------------------------------------------------------------------------


@convert_app.command("to-doccano")
def to_doccano(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="doccano JSON Lines file to write.")],
    layout: Annotated[
        DoccanoLayout,
        typer.Option(
            help="sentence: a line per sentence, spans plus kind and categories as cats; document: a line per report, spans only."
        ),
    ] = DoccanoLayout.sentence,
) -> None:
    """Write doccano JSONL (UTF-16 offsets); values ride along and come back for unchanged spans."""
    from jixiao.corpus.convert.doccano import to_lines
    from jixiao.atomic import write_lines

    with _user_errors():
        docs = _documents(inputs)
        write_lines(output, to_lines(docs, layout.value))
    err().print(f"wrote {len(docs)} document(s) to {output} ({layout.value} layout)")


@convert_app.command("from-doccano")
def from_doccano(
    source: Annotated[Path, typer.Argument(help="doccano JSONL export.")],
    output: JsonlOut,
) -> None:
    """Read a doccano JSONL export back into SCHEME documents (lines regrouped by doc_id)."""
    from jixiao.corpus.convert.doccano import read_doccano

    with _user_errors(source):
        _write_documents(output, read_doccano(source), source)


# ---- Label Studio ---------------------------------------------------------------------------


@convert_app.command("to-labelstudio")
def to_labelstudio(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="Label Studio tasks file to write (.json).")],
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="Tagger output (jixiao tag JSONL) to attach as pre-annotations, matched by document id."),
    ] = None,
    annotations: Annotated[
        bool, typer.Option("--annotations/--no-annotations", help="Include the inputs' spans and kinds as annotations.")
    ] = True,
    model_version: Annotated[
        str | None, typer.Option(help="model_version of the predictions; default: the tagger's name and version.")
    ] = None,
    utf16: Annotated[bool, typer.Option("--utf16", help="Write offsets in UTF-16 code units instead of code points.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Also write the matching labeling config (XML) here.")] = None,
) -> None:
    """Write Label Studio tasks: quantity regions, sentence regions labelled by kind with per-region categories."""
    from jixiao.corpus.convert.labelstudio import dumps_tasks, label_config, to_task
    from jixiao.atomic import write_lines

    with _user_errors():
        docs = _documents(inputs)
        predicted, version = _predictions(predictions) if predictions else ({}, "jixiao")
        version = model_version or version
        tasks = [
            to_task(d, annotations=annotations, prediction=predicted.get(d.id), model_version=version, utf16=utf16)
            for d in docs
        ]
        write_lines(output, [dumps_tasks(tasks)])
        if config is not None:
            write_lines(config, [label_config()])
    matched = sum(1 for d in docs if d.id in predicted)
    note = f", {matched} with predictions" if predictions else ""
    err().print(f"wrote {len(tasks)} task(s) to {output}{note}")


def _predictions(path: Path) -> tuple[dict[str, Document], str]:
    """Tagger output by document id, and the model version named in its records."""
    from jixiao.document.jsonl import FormatError, document_from_dict, iter_raw

    docs: dict[str, Document] = {}
    version = "jixiao"
    for number, raw in iter_raw(path):
        try:
            doc = document_from_dict(raw)
        except (FormatError, KeyError, TypeError, ValueError) as exc:
            raise FormatError(f"{path}:{number}: {exc}") from exc
        docs[doc.id] = doc
        model = raw.get("model")
        if isinstance(model, dict) and model.get("name"):
            version = "-".join(str(model[k]) for k in ("name", "version") if model.get(k))
    return docs, version


@convert_app.command("from-labelstudio")
def from_labelstudio(
    source: Annotated[Path, typer.Argument(help="Label Studio JSON export (list of tasks) or JSON Lines of tasks.")],
    output: JsonlOut,
    use: Annotated[
        LabelStudioSource,
        typer.Option("--use", help="Read each task's last annotation (not cancelled) or its last prediction."),
    ] = LabelStudioSource.annotations,
) -> None:
    """Read a Label Studio export back into SCHEME documents."""
    from jixiao.corpus.convert.labelstudio import read_labelstudio

    with _user_errors(source):
        _write_documents(output, read_labelstudio(source, use.value), source)


# ---- CoNLL ----------------------------------------------------------------------------------


@convert_app.command("to-conll")
def to_conll(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="CoNLL file to write (one character per line).")],
) -> None:
    """Write character-per-line BIO tags; values, kinds and categories are not carried."""
    from jixiao.corpus.convert.conll import to_lines
    from jixiao.atomic import write_lines

    with _user_errors():
        docs = _documents(inputs)
        write_lines(output, to_lines(docs))
    err().print(f"wrote {len(docs)} document(s) to {output}")


@convert_app.command("from-conll")
def from_conll(
    source: Annotated[Path, typer.Argument(help="CoNLL/BIO file, one character and tag a line.")],
    output: JsonlOut,
) -> None:
    """Read character BIO (or BIOES) tags into SCHEME documents: spans without values, unlabelled sentences."""
    from jixiao.corpus.convert.conll import read_conll

    with _user_errors(source):
        _write_documents(output, read_conll(source), source)


# ---- Hugging Face ---------------------------------------------------------------------------


@convert_app.command("to-hf")
def to_hf(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to save the dataset in (save_to_disk); replaced whole.")],
    shape: Annotated[HfShape, typer.Option(help="One row per document or per sentence.")] = HfShape.documents,
) -> None:
    """Save a Hugging Face dataset with span columns, per-character BIO tags, kinds and categories."""
    from jixiao.corpus.convert.hf import save_dataset

    if output.exists() and not output.is_dir():
        fail(f"{output}: exists and is not a folder")
    with _user_errors():
        docs = _documents(inputs)
        rows = save_dataset(output, docs, shape.value)
    err().print(f"saved {rows} {shape.value} row(s) from {len(docs)} document(s) to {output}")
