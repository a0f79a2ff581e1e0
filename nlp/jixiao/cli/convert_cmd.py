"""``jixiao corpus convert``: SCHEME JSON Lines to and from spaCy, doccano, Label Studio, CoNLL, HF.

Every command reads or writes SCHEME documents on one side; user mistakes (missing files, bad
JSON, labels outside the scheme, spans a format cannot hold) end in a one-line error and exit
code 1, and outputs are written beside the target and renamed, so a failure leaves no half file.

The imports from annotation tools (doccano, Label Studio, CoNLL) make their result gold by
default (``--fill``): spans drawn or moved in the tool get their value, unit, op, approx and
value_max from jixiao's normaliser, pre-annotation scores are dropped, and spans the normaliser
cannot read are listed (``jixiao.training.fill``). Offsets follow the tool's counting
(``--offsets utf16|codepoints|graphemes``, see ``jixiao.corpus.convert.offsets``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import Progress, err, fail, require
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


class Offsets(str, Enum):
    utf16 = "utf16"
    codepoints = "codepoints"
    graphemes = "graphemes"


OFFSETS_HELP = ("How the tool counts characters: utf16 (doccano's default, browsers), codepoints (Python)"
                ", graphemes (a doccano project with 'count grapheme clusters as one character').")
LABELSTUDIO_OFFSETS_HELP = ("How Label Studio's offsets count characters: codepoints (as Python counts them), utf16 "
                            "(JavaScript string positions), graphemes (a character as the reader sees it).")
Fill = Annotated[bool, typer.Option("--fill/--no-fill", help="Make the result gold: give spans without a value "
                                    "the value, unit, op, approx and value_max jixiao's normaliser computes, and drop prediction scores.")]


@contextmanager
def _user_errors(source: Path | None = None) -> Iterator[None]:
    """Turn the errors a user can cause into one-line messages instead of tracebacks.

    Converter messages name the document or line; ``source`` adds the file they came from.
    """
    from jixiao.corpus.convert.errors import ConvertError
    from jixiao.document.jsonl import FormatError
    from jixiao.evaluation.data import DataError
    from jixiao.inputs import InputError

    try:
        yield
    except ConvertError as exc:
        fail(f"{source}: {exc}" if source else str(exc))
    except (FormatError, InputError, DataError) as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"{source or 'input'}: not UTF-8 text ({exc.reason})")
    except OSError as exc:  # an OSError raised with its own message names its path in it
        fail(f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc))


def _documents(inputs: list[str], *outputs: Path | None, folder: Path | None = None,
               also_read: Path | None = None) -> list[Document]:
    """The documents of the inputs; first, an output that is (or would become) an input ends the
    command (``also_read``: another file the command reads, such as --predictions)."""
    from jixiao.cli.inputs import refuse_overwriting_inputs
    from jixiao.document.jsonl import read_documents
    from jixiao.inputs import expand_inputs

    paths = expand_inputs(inputs, suffixes=(".jsonl",))
    extra = [str(also_read)] if also_read is not None else []
    refuse_overwriting_inputs([*inputs, *extra], [*paths, *extra], files=[o for o in outputs if o is not None],
                              folders=[folder] if folder is not None else [], suffixes=(".jsonl",))
    if not paths:
        fail("no .jsonl files found in the inputs")
    return [doc for path in paths for doc in read_documents(path)]


def _write_documents(output: Path, docs: list[Document], source: Path, fill: bool = False) -> None:
    from jixiao.cli.inputs import refuse_overwriting_inputs
    from jixiao.document.jsonl import write_documents

    refuse_overwriting_inputs([str(source)], [str(source)], files=[output])
    unfilled = 0
    if fill:
        docs, unfilled = _filled(docs)
    write_documents(output, docs)
    err().print(f"read {len(docs)} document(s) from {source}, wrote {output}")
    if unfilled:  # written all the same, as `jixiao corpus fill` does, and the exit code says so
        raise typer.Exit(1)


def _filled(docs: list[Document]) -> tuple[list[Document], int]:
    """The documents made gold (values filled, scores dropped) and the number of spans left without
    a value, which are listed, one line each, for the annotator to settle (``corpus validate``
    will name them too)."""
    from jixiao.training.fill import fill_documents

    with Progress("filling values with the normaliser", total=len(docs)) as bar:
        result = fill_documents(docs, progress=bar.advance)
    console = err()
    for item in result.unfilled:
        console.print(f"warning: cannot normalise {item.message()}", markup=False)
    dropped = f", dropped the scores of {result.stripped} span(s) or sentence(s)" if result.stripped else ""
    left = f"; {len(result.unfilled)} span(s) still need a value" if result.unfilled else ""
    console.print(f"filled the values of {result.filled} span(s){dropped}{left}", markup=False)
    return result.documents, len(result.unfilled)


def _tracked(docs: list[Document], description: str) -> Iterator[Document]:
    """The documents, with a progress bar that advances as a converter consumes them."""
    with Progress(description, total=len(docs)) as bar:
        for doc in docs:
            yield doc
            bar.advance()


# ---- spaCy ----------------------------------------------------------------------------------


@convert_app.command("to-docbin")
def to_docbin(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="spaCy DocBin file to write (.spacy).")],
) -> None:
    """Write a spaCy DocBin: quantities in doc.spans["quantities"], values and sentences in user_data."""
    from jixiao.corpus.convert.docbin import write_docbin

    with _user_errors():
        docs = _documents(inputs, output)
        write_docbin(output, _tracked(docs, "converting to spaCy"))
    err().print(f"wrote {len(docs)} document(s) to {output}")


@convert_app.command("from-docbin")
def from_docbin(
    source: Annotated[Path, typer.Argument(help="spaCy DocBin file (.spacy).")],
    output: JsonlOut,
) -> None:
    """Read a spaCy DocBin back into SCHEME documents (lossless for files written by to-docbin; values come back in their canonical form, 99.20 as 99.2)."""
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
    offsets: Annotated[Offsets, typer.Option("--offsets", help=OFFSETS_HELP)] = Offsets.utf16,
) -> None:
    """Write doccano JSONL (UTF-16 offsets unless --offsets says otherwise); values ride along and come back for unchanged spans."""
    from jixiao.corpus.convert.doccano import to_lines
    from jixiao.atomic import write_lines

    with _user_errors():
        docs = _documents(inputs, output)
        write_lines(output, to_lines(_tracked(docs, "converting to doccano"), layout.value, offsets.value))
    err().print(f"wrote {len(docs)} document(s) to {output} ({layout.value} layout)")


@convert_app.command("from-doccano")
def from_doccano(
    source: Annotated[Path, typer.Argument(help="doccano JSONL export.")],
    output: JsonlOut,
    offsets: Annotated[Offsets, typer.Option("--offsets", help=OFFSETS_HELP)] = Offsets.utf16,
    fill: Fill = True,
) -> None:
    """Read a doccano JSONL export back into SCHEME documents (lines regrouped by doc_id)."""
    from jixiao.corpus.convert.doccano import read_doccano

    with _user_errors(source):
        _write_documents(output, read_doccano(source, offsets.value), source, fill)


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
    offsets: Annotated[Offsets, typer.Option("--offsets", help=LABELSTUDIO_OFFSETS_HELP)] = Offsets.codepoints,
    config: Annotated[Path | None, typer.Option("--config", help="Also write the matching labeling config (XML) here.")] = None,
) -> None:
    """Write Label Studio tasks: quantity regions, sentence regions labelled by kind with per-region categories."""
    from jixiao.corpus.convert.labelstudio import dumps_tasks, label_config, to_task
    from jixiao.atomic import write_lines

    with _user_errors():
        docs = _documents(inputs, output, config, also_read=predictions)
        predicted, version = _predictions(predictions) if predictions else ({}, "jixiao")
        version = model_version or version
        tasks = [
            to_task(d, annotations=annotations, prediction=predicted.get(d.id), model_version=version, offsets=offsets.value)
            for d in _tracked(docs, "converting to Label Studio")
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
    offsets: Annotated[Offsets | None, typer.Option("--offsets", help=LABELSTUDIO_OFFSETS_HELP + " Default: the unit each task records, else codepoints.", show_default=False)] = None,
    fill: Fill = True,
) -> None:
    """Read a Label Studio export back into SCHEME documents."""
    from jixiao.corpus.convert.labelstudio import read_labelstudio

    with _user_errors(source):
        docs = read_labelstudio(source, use.value, offsets.value if offsets else None)
        _write_documents(output, docs, source, fill)
    # a task nobody annotated reads as a document with nothing in it: as gold it would teach "none"
    if empty := [d.id for d in docs if not d.spans and not any(s.kind for s in d.sentences)]:
        err().print(f"warning: {len(empty)} task(s) hold no {use.value} (no span, no sentence label), e.g. {empty[0]}: "
                    "they are written as documents with nothing marked; leave them out of a gold corpus"
                    + (" or read the pre-annotations with --use predictions" if use.value == "annotations" else ""),
                    style="yellow", markup=False)


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
        docs = _documents(inputs, output)
        write_lines(output, to_lines(_tracked(docs, "converting to CoNLL")))
    err().print(f"wrote {len(docs)} document(s) to {output}")


@convert_app.command("from-conll")
def from_conll(
    source: Annotated[Path, typer.Argument(help="CoNLL/BIO file, one character and its tag per line.")],
    output: JsonlOut,
    fill: Fill = True,
) -> None:
    """Read character BIO (or BIOES) tags into SCHEME documents: unlabelled sentences, and spans whose values the normaliser fills."""
    from jixiao.corpus.convert.conll import read_conll

    with _user_errors(source):
        _write_documents(output, read_conll(source), source, fill)


# ---- Hugging Face ---------------------------------------------------------------------------


@convert_app.command("to-hf")
def to_hf(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to save the DatasetDict in (save_to_disk); replaced whole.")],
    inputs: Annotated[list[str] | None, typer.Argument(help="SCHEME JSON Lines files, folders or globs; default: the corpus's gold/, authored/ and shift/.", show_default=False)] = None,
    corpus: Annotated[Path, typer.Option(help="Corpus folder whose splits.json assigns the documents to train, dev and test.")] = Path("corpus"),
    shape: Annotated[HfShape, typer.Option(help="One row per document or per sentence.")] = HfShape.documents,
) -> None:
    """Save a Hugging Face DatasetDict with the splits of corpus/splits.json (train, dev, test) and shift: span columns, per-character BIO tags, kinds and categories."""
    require("datasets", "to-hf", extra="datasets")
    from jixiao.corpus.convert.hf import save_dataset

    if output.exists() and not output.is_dir():
        fail(f"{output}: exists and is not a folder")
    with _user_errors():
        docs = _documents(inputs, folder=output) if inputs else _corpus_documents(corpus, output)
        splits = _hf_splits(docs, corpus)
        rows = save_dataset(output, {name: _tracked(part, f"converting {name}") for name, part in splits.items()},
                            shape.value)
    counts = ", ".join(f"{name} {count}" for name, count in rows.items())
    err().print(f"saved {shape.value} rows ({counts}) from {len(docs)} document(s) to {output}")


def _corpus_documents(corpus: Path, output: Path | None = None) -> list[Document]:
    """The corpus's gold, authored and shift documents (shift read the one way evaluation reads it)."""
    from jixiao.evaluation.data import read_split

    folders = [str(corpus / name) for name in ("gold", "authored") if (corpus / name).is_dir()]
    if not folders:
        fail(f"{corpus}: no gold/ or authored/ folder")
    docs = _documents(folders, folder=output)
    if (corpus / "shift").is_dir():
        docs += read_split(corpus, "shift").documents
    return docs


def _hf_splits(docs: list[Document], corpus: Path) -> dict[str, list[Document]]:
    """Documents by split: as listed in ``corpus/splits.json``, and shift for the shift-dev set."""
    from jixiao.evaluation.data import DataError
    from jixiao.training.data import EVALUATION_ONLY_SETS, load_splits

    try:
        listed = load_splits(corpus)
    except (OSError, ValueError) as exc:
        raise DataError(f"{corpus / 'splits.json'}: cannot read ({exc})") from exc
    split_of = {doc_id: name for name in ("train", "dev", "test") for doc_id in listed.get(name, ())}
    splits: dict[str, list[Document]] = {"train": [], "dev": [], "test": []}
    unplaced = []
    for doc in docs:
        if doc.meta.get("set") in EVALUATION_ONLY_SETS:
            splits.setdefault("shift", []).append(doc)
        elif doc.id in split_of:
            splits[split_of[doc.id]].append(doc)
        else:
            unplaced.append(doc.id)
    if unplaced:
        raise DataError(f"{corpus / 'splits.json'}: {len(unplaced)} document(s) are in no split "
                        f"({', '.join(unplaced[:3])}{', …' if len(unplaced) > 3 else ''}); run `jixiao corpus split`")
    return splits
