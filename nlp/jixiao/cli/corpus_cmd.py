"""``jixiao corpus``: validate, split, build and convert corpus files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import EXIT_CANNOT_WRITE, Progress, err, fail, fail_cannot_write, out

from jixiao.cli.convert_cmd import convert_app
from jixiao.cli.help import Group

corpus_app = typer.Typer(help="Validate, fill, split, build, count, compare and convert annotated corpora.", no_args_is_help=True)
corpus_app.add_typer(convert_app, name="convert", help="Convert between SCHEME JSON Lines and other formats.", cls=Group)


@corpus_app.command("validate")
def validate(files: Annotated[list[Path], typer.Argument(help="Corpus JSON Lines files.")]) -> None:
    """Check corpus files against SCHEME and GUIDELINES; exit 1 on any problem, one line each.

    Offsets, span text, overlaps, labels, kinds, categories, sentence boundaries (the splitter's), meta.source, ids and texts unique across the files, values as plain decimal strings, and each span's value, unit, op and approx against what the grammar reads from its text.
    """
    from jixiao.corpus.validate import validate_file
    from jixiao.document.jsonl import read_documents
    from jixiao.training.fill import value_disagreements

    total = 0
    seen: dict[str, str] = {}  # document ids must be unique across the files
    texts: dict[str, str] = {}  # and so must their texts (a report copied under a second id)
    for path in files:
        problems = validate_file(path, seen, texts)
        if not problems:  # a well-formed file (its ids its own): its readings against its spans' text
            problems = [f"{seen.get(doc_id, path)} [{doc_id}]: {problem}"
                        for doc_id, problem in value_disagreements(read_documents(path))]
        total += len(problems)
        for problem in problems:
            out().print(problem, markup=False)
    if total:
        err().print(f"{total} problem(s) in {len(files)} file(s)")
        raise typer.Exit(1)
    # the documents checked, so that an empty file (or a list of them) is not taken for a corpus
    err().print(f"ok: {len(files)} file(s), {len(seen)} document(s) valid")


@corpus_app.command("fill")
def fill(
    files: Annotated[list[Path], typer.Argument(help="Corpus JSON Lines files, e.g. an import from doccano or Label Studio.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the result (one input file).")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite each input file instead.")] = False,
) -> None:
    """Make annotations gold: spans without a value get the value, unit, op, approx and value_max jixiao's normaliser computes; prediction scores (score, kind_score, category_scores) are dropped.

    Spans the normaliser cannot read are listed one per line, and the exit code is then 1 (the files are written all the same).
    """
    from jixiao.document.jsonl import FormatError, read_documents, write_documents
    from jixiao.training.fill import fill_documents

    if in_place == (output is not None):
        fail("give either -o OUTPUT (one input file) or --in-place")
    if output is not None and len(files) != 1:
        fail("-o takes one input file; use --in-place for several")
    if output is not None:  # rewriting an input is what --in-place is for
        from jixiao.cli.inputs import refuse_overwriting_inputs

        refuse_overwriting_inputs([str(f) for f in files], [str(f) for f in files], files=[output])
    unfilled = 0
    for path in files:
        try:
            docs = read_documents(path)
        except FormatError as exc:
            fail(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})")
        with Progress(f"filling {path}", total=len(docs)) as bar:
            result = fill_documents(docs, progress=bar.advance)
        target = output or path
        try:
            write_documents(target, result.documents)
        except OSError as exc:
            fail_cannot_write(exc, target)
        for item in result.unfilled:
            out().print(f"{path}: {item.message()}", markup=False)
        unfilled += len(result.unfilled)
        err().print(f"{target}: filled {result.filled} span(s), dropped the scores of {result.stripped} "
                    f"span(s) or sentence(s), {len(result.unfilled)} span(s) left without a value", markup=False)
    if unfilled:
        raise typer.Exit(1)


@corpus_app.command("build")
def build(
    raw_dir: Annotated[Path, typer.Option(help="Folder with the reports and index.tsv.")] = Path("corpus/raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the documents.")] = Path("corpus/docs.jsonl"),
) -> None:
    """Ingest the indexed reports into unlabelled documents (text and sentences)."""
    from jixiao.corpus.build import BuildError, build_docs
    from jixiao.document.jsonl import write_documents

    if not (raw_dir / "index.tsv").exists():
        fail(f"{raw_dir}: no index.tsv")
    from jixiao.cli.inputs import refuse_overwriting_inputs

    # the reports and the index are inputs; a documents file inside the folder is not one of them
    refuse_overwriting_inputs([str(raw_dir)], [str(p) for p in raw_dir.iterdir() if p.is_file()], files=[output],
                              suffixes=())
    try:
        docs = build_docs(raw_dir)
    except BuildError as exc:
        for line in exc.problems[:-1]:
            err().print(f"error: {line}", markup=False)
        fail(f"{exc.problems[-1]} ({len(exc.problems)} report(s) of {raw_dir / 'index.tsv'} unreadable; nothing written)",
             code=2)
    write_documents(output, docs)
    err().print(f"wrote {len(docs)} documents to {output}")


@corpus_app.command("split")
def split(
    files: Annotated[list[Path], typer.Argument(help="Corpus JSON Lines files (gold and authored).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the split (JSON).")] = Path("corpus/splits.json"),
    seed: Annotated[int, typer.Option(help="Seed for the search order; the same seed gives the same split.")] = 0,
    dev: Annotated[float, typer.Option(help="Share of real documents for dev.")] = 0.2,
    test: Annotated[float, typer.Option(help="Share of real documents for test.")] = 0.2,
) -> None:
    """Split by document, deterministically, so that every label and kind occurs in every split.

    Authored documents (meta.source = "authored") always go to train.
    """
    import json

    from jixiao.corpus.split import leave_one_out, split_documents
    from jixiao.atomic import write_text
    from jixiao.document.jsonl import FormatError, read_documents

    from jixiao.cli.inputs import refuse_overwriting_inputs

    refuse_overwriting_inputs([str(f) for f in files], [str(f) for f in files], files=[output])
    if not (0 <= dev <= 1 and 0 <= test <= 1) or dev + test >= 1:
        fail(f"--dev {dev:g} and --test {test:g}: shares between 0 and 1 that add up to less than 1")
    try:
        docs = [d for f in files for d in read_documents(f)]
    except (OSError, FormatError) as exc:
        fail(str(exc))
    result = split_documents(docs, (1 - dev - test, dev, test), seed=seed)
    data = {"seed": seed, "train": list(result.train), "dev": list(result.dev), "test": list(result.test),
            "covered": result.covered, "folds": [{"train": list(t), "test": h} for t, h in leave_one_out(docs)]}
    try:
        write_text(output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        fail_cannot_write(exc, output)
    for name in ("train", "dev", "test"):
        err().print(f"{name}: {len(data[name])} document(s)")
    if not result.covered:
        err().print("warning: no split found in which every label occurs in every split", style="yellow")
    real = sum(d.meta.get("source") != "authored" for d in docs)
    for name, share, purpose in (("dev", dev, "the classifier's probabilities are not calibrated"),
                                 ("test", test, "no test figures are recorded")):
        if share and not data[name]:  # too few real reports to hold one out: training goes on without it, so say so
            err().print(f"warning: {name} holds no report ({real} real report(s) for train, dev and test): {purpose}",
                        style="yellow", markup=False)


@corpus_app.command("stats")
def stats(
    corpus: Annotated[Path, typer.Option(help="Corpus folder with gold/, authored/ and splits.json.")] = Path("corpus"),
    write: Annotated[Path | None, typer.Option("--write", help="Replace the counts block of this Markdown file (e.g. corpus/README.md) instead of printing it.")] = None,
) -> None:
    """Counts of spans, kinds and categories per split, as the Markdown block of corpus/README.md."""
    from jixiao.atomic import write_text
    from jixiao.corpus.stats import render_block, replace_block
    from jixiao.training.data import load_corpus, load_splits

    if not (corpus / "splits.json").exists():
        fail(f"{corpus}: no splits.json (run `jixiao corpus split`)")
    try:
        docs, splits = load_corpus(corpus), load_splits(corpus)
    except ValueError as exc:  # the message names the file
        fail(str(exc))
    try:
        block = render_block(docs, splits)
    except ValueError as exc:  # splits.json and the corpus disagree
        fail(f"{corpus / 'splits.json'}: {exc}")
    if write is None:
        out().print(block, markup=False, highlight=False)
        return
    try:
        readme = write.read_text("utf-8")
        write_text(write, replace_block(readme, block))
    except OSError as exc:
        fail(f"{write}: cannot rewrite ({exc.strerror or exc})", EXIT_CANNOT_WRITE)
    except ValueError:
        fail(f"{write}: no counts block (<!-- counts:begin --> … <!-- counts:end -->)")
    err().print(f"updated the counts in {write}", markup=False)


@corpus_app.command("agree")
def agree(
    first: Annotated[Path, typer.Argument(help="Folder (or file) with the first annotation pass.")],
    second: Annotated[Path, typer.Argument(help="Folder (or file) with the second annotation pass.")],
) -> None:
    """Inter-annotator agreement with the project's own scorer: span F1 per label, kind and categories."""
    from jixiao.document.jsonl import FormatError, read_documents
    from jixiao.evaluation.data import DataError, check_labels
    from jixiao.evaluation.score import score_documents

    def load(path: Path):  # type: ignore[no-untyped-def]
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        docs = []
        for file in files:  # a problem is named with its file, which corpus validate takes
            found = read_documents(file)
            check_labels(found, str(file))
            docs += found
        return docs

    try:
        a, b = load(first), load(second)
        metrics, errors = score_documents(a, b)
    except OSError as exc:  # the file's name and the reason, as every other command says it
        fail(f"{exc.filename}: cannot read ({exc.strerror or exc})" if exc.filename else str(exc))
    except (FormatError, ValueError, DataError) as exc:
        fail(str(exc))
    console = out()
    for label in ("AMOUNT", "RATE", "COUNT", "MEASURE", "micro"):
        s = metrics["spans"][label]
        console.print(f"span {label:8s} F1 {s['f1']:.4f}  (support {s['support']})", markup=False)
    console.print(f"values   agreement {metrics['values']['accuracy']:.4f} on {metrics['values']['matched']} matched spans", markup=False)
    console.print(f"kind     agreement {metrics['kind']['accuracy']:.4f}, macro-F1 {metrics['kind']['macro_f1']:.4f}", markup=False)
    console.print(f"category micro-F1 {metrics['categories']['micro']['f1']:.4f}, macro-F1 {metrics['categories']['macro_f1']:.4f}", markup=False)
    console.print(f"disagreements: {len(errors.spans_fp) + len(errors.spans_fn)} span(s), {len(errors.values)} value(s), {len(errors.sentences)} sentence(s)", markup=False)
