"""``jixiao corpus convert`` commands end to end on temporary files: round trips and user errors."""

from __future__ import annotations

import json
from decimal import Decimal
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.convert_cmd import convert_app
from jixiao.document.jsonl import read_documents, write_documents
from jixiao.document.model import Document, Sentence, Span

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOLD = CORPUS / "gold"


def run(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(convert_app, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture()
def gold_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "gold"
    shutil.copytree(GOLD, folder)
    return folder


def without_tables(docs: list[Document]) -> list[Document]:
    return [d.replace(tables=()) for d in docs]


@pytest.mark.parametrize(
    ("to", "back", "suffix", "extra"),
    [
        ("to-docbin", "from-docbin", ".spacy", []),
        ("to-doccano", "from-doccano", ".jsonl", []),
        ("to-doccano", "from-doccano", ".jsonl", ["--layout", "document"]),
        ("to-labelstudio", "from-labelstudio", ".json", []),
        ("to-labelstudio", "from-labelstudio", ".json", ["--offsets", "utf16"]),
        ("to-labelstudio", "from-labelstudio", ".json", ["--offsets", "graphemes"]),
    ],
)
def test_lossless_round_trips(
    tmp_path: Path, gold_dir: Path, gold_docs: list[Document], to: str, back: str, suffix: str, extra: list[str]
) -> None:
    converted = tmp_path / f"converted{suffix}"
    message = ok(to, gold_dir, "-o", converted, *extra)
    assert f"wrote {len(gold_docs)}" in message
    ok(back, converted, "-o", tmp_path / "back.jsonl")
    assert read_documents(tmp_path / "back.jsonl") == without_tables(gold_docs)


def test_conll_round_trip_keeps_text_labels_and_sentence_bounds(
    tmp_path: Path, gold_dir: Path, gold_docs: list[Document]
) -> None:
    ok("to-conll", *sorted(gold_dir.glob("*.jsonl")), "-o", tmp_path / "gold.conll")
    ok("from-conll", tmp_path / "gold.conll", "-o", tmp_path / "back.jsonl")
    back = read_documents(tmp_path / "back.jsonl")
    assert [d.text for d in back] == [d.text for d in gold_docs]
    assert [[(s.start, s.end, s.label) for s in d.spans] for d in back] == [
        [(s.start, s.end, s.label) for s in d.spans] for d in gold_docs
    ]
    assert [[(s.start, s.end) for s in d.sentences] for d in back] == [
        [(s.start, s.end) for s in d.sentences] for d in gold_docs
    ]


def test_to_hf_saves_both_shapes_by_split_and_replaces_old_output(tmp_path: Path, gold_docs: list[Document]) -> None:
    from datasets import DatasetDict, load_from_disk

    splits = json.loads((CORPUS / "splits.json").read_text("utf-8"))
    target = tmp_path / "hf"
    ok("to-hf", GOLD / "*.jsonl", "-o", target, "--corpus", CORPUS)
    saved = load_from_disk(str(target))
    assert isinstance(saved, DatasetDict) and list(saved) == ["train", "dev", "test"]
    for name in ("train", "dev", "test"):
        assert saved[name]["id"] == [d.id for d in gold_docs if d.id in splits[name]]
    ok("to-hf", GOLD, "-o", target, "--shape", "sentences", "--corpus", CORPUS)
    sentences = load_from_disk(str(target))
    assert sum(part.num_rows for part in sentences.values()) == sum(len(d.sentences) for d in gold_docs)
    assert {"kind", "categories", "category_labels", "bio_tags", "spans"} <= set(sentences["test"].column_names)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_to_hf_without_inputs_saves_the_corpus_splits_and_shift(tmp_path: Path) -> None:
    """The bar: the output loads with datasets.load_from_disk as a DatasetDict named as in splits.json."""
    from datasets import DatasetDict, load_from_disk

    from jixiao.evaluation.data import read_split
    from jixiao.training.data import load_corpus, load_splits, select

    ok("to-hf", "-o", tmp_path / "hf", "--corpus", CORPUS)
    saved = load_from_disk(str(tmp_path / "hf"))
    splits, docs = load_splits(CORPUS), load_corpus(CORPUS)
    assert isinstance(saved, DatasetDict) and list(saved) == ["train", "dev", "test", "shift"]
    for name in ("train", "dev", "test"):
        assert saved[name]["id"] == [d.id for d in select(docs, splits[name])]
    assert saved["shift"]["id"] == [d.id for d in read_split(CORPUS, "shift").documents]
    assert saved["test"][0]["text"] == select(docs, splits["test"])[0].text


def test_to_hf_refuses_documents_outside_the_splits(tmp_path: Path, gold_docs: list[Document]) -> None:
    write_documents(tmp_path / "new.jsonl", [gold_docs[0].replace(id="a-new-report")])
    result = run("to-hf", tmp_path / "new.jsonl", "-o", tmp_path / "hf", "--corpus", CORPUS)
    assert result.exit_code == 1 and "1 document(s) are in no split (a-new-report)" in result.output
    assert not (tmp_path / "hf").exists()


def test_a_missing_optional_package_is_one_line_naming_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "datasets", None)  # as if datasets were not installed
    result = run("to-hf", GOLD, "-o", tmp_path / "hf", "--corpus", CORPUS)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == "error: to-hf needs the optional package 'datasets': pip install 'jixiao[datasets]'"


def test_to_labelstudio_with_predictions_and_config(tmp_path: Path, gold_docs: list[Document]) -> None:
    docs = tmp_path / "docs.jsonl"
    write_documents(docs, [d.replace(spans=(), sentences=()) for d in gold_docs[:2]])
    tagged = tmp_path / "tagged.jsonl"
    first_gold = (GOLD / f"{gold_docs[0].id}.jsonl").read_text("utf-8").splitlines()
    records = [dict(json.loads(line), model={"name": "jixiao-rules", "version": "0"}) for line in first_gold]
    tagged.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    message = ok("to-labelstudio", docs, "-o", tmp_path / "tasks.json", "--predictions", tagged,
                 "--config", tmp_path / "config.xml")
    assert "1 with predictions" in message
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    assert [("predictions" in t, "annotations" in t) for t in tasks] == [(True, False), (False, False)]
    assert tasks[0]["predictions"][0]["model_version"] == "jixiao-rules-0"
    assert "<Labels name=\"quantity\"" in (tmp_path / "config.xml").read_text("utf-8")
    ok("from-labelstudio", tmp_path / "tasks.json", "-o", tmp_path / "back.jsonl", "--use", "predictions")
    back = read_documents(tmp_path / "back.jsonl")
    assert back[0].spans == gold_docs[0].spans
    assert [(s.kind, s.categories) for s in back[0].sentences] == [(s.kind, s.categories) for s in gold_docs[0].sentences]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["to-docbin", "missing.jsonl", "-o", "out.spacy"], "missing.jsonl: no such file or folder"),
        (["from-docbin", "{bad}", "-o", "out.jsonl"], "not a spaCy DocBin"),
        (["from-doccano", "missing.jsonl", "-o", "out.jsonl"], "No such file or directory"),
        (["from-doccano", "{bad}", "-o", "out.jsonl"], "line 1: not JSON"),
        (["from-labelstudio", "{bad}", "-o", "out.jsonl"], "neither a JSON export nor JSON Lines"),
        (["from-conll", "{bad}", "-o", "out.jsonl"], "is not one character or a known escape"),
        (["to-conll", "{bad}", "-o", "out.conll"], "not JSON"),
        (["to-hf", "{crossing}", "-o", "out", "--shape", "sentences", "--corpus", "corpus"], "not inside any sentence"),
        (["to-doccano", "{crossing}", "-o", "out.jsonl"], "crosses a sentence boundary"),
        (["from-doccano", "{labels}", "-o", "out.jsonl"], "span label 'ORG' is not one of"),
    ],
)
def test_user_errors_are_one_line_and_leave_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.jsonl").write_text("this is not json\n", encoding="utf-8")
    write_documents("crossing.jsonl", [Document("c", "共12个。好。", spans=(Span(1, 6, "COUNT"),),
                                                sentences=(Sentence(0, 5), Sentence(5, 7)))])
    Path("labels.jsonl").write_text(json.dumps({"text": "abc", "label": [[0, 1, "ORG"]]}) + "\n", encoding="utf-8")
    Path("corpus").mkdir()
    Path("corpus/splits.json").write_text(json.dumps({"train": ["c"], "dev": [], "test": []}), encoding="utf-8")
    args = [a.replace("{bad}", "bad.jsonl").replace("{crossing}", "crossing.jsonl").replace("{labels}", "labels.jsonl")
            for a in args]
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output and "error:" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not Path("out.spacy").exists() and not Path("out.jsonl").exists() and not Path("out.conll").exists()
    assert not Path("out").exists() and not [p for p in Path(".").iterdir() if p.name.endswith(".tmp")]


def test_help_lists_every_command() -> None:
    output = ok("--help")
    for command in ("to-docbin", "from-docbin", "to-doccano", "from-doccano", "to-labelstudio",
                    "from-labelstudio", "to-conll", "from-conll", "to-hf"):
        assert command in output


def test_outputs_get_normal_permissions(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    (tmp_path / "plain_dir").mkdir()
    ok("to-docbin", GOLD, "-o", tmp_path / "gold.spacy")
    ok("to-hf", GOLD, "-o", tmp_path / "hf", "--corpus", CORPUS)
    assert (tmp_path / "gold.spacy").stat().st_mode == plain.stat().st_mode
    assert (tmp_path / "hf").stat().st_mode == (tmp_path / "plain_dir").stat().st_mode


def test_an_import_with_a_span_left_without_a_value_is_written_and_exits_1(tmp_path: Path) -> None:
    """As `jixiao corpus fill` does: the file is written, the span is named, the exit code says
    that the annotator has something to settle."""
    source = tmp_path / "doccano.jsonl"
    source.write_text(json.dumps({"text": "预算487万元，工作人员很多。", "label": [[2, 7, "AMOUNT"], [10, 12, "COUNT"]]},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("from-doccano", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1, result.output
    assert "warning: cannot normalise" in result.output and "「人员」" in result.output
    (doc,) = read_documents(tmp_path / "out.jsonl")
    assert [(s.value, s.unit) for s in doc.spans] == [(Decimal("4870000"), "元"), (None, None)]


def test_tasks_nobody_annotated_are_named_when_read_back(tmp_path: Path) -> None:
    """Read as gold, a task without an annotation is a document with nothing marked: the import says
    so (and how to read the pre-annotations instead); annotated tasks say nothing."""
    gold = GOLD / "004_9c0c283e71ff0a84.jsonl"
    tasks = tmp_path / "tasks.json"
    ok("to-labelstudio", gold, "--predictions", gold, "--no-annotations", "-o", tasks)
    said = " ".join(ok("from-labelstudio", tasks, "-o", tmp_path / "back.jsonl").split())
    assert "warning: 1 task(s) hold no annotations (no span, no sentence label), e.g. 004_9c0c283e71ff0a84" in said
    assert "--use predictions" in said
    ok("to-labelstudio", gold, "-o", tmp_path / "annotated.json")
    assert "warning" not in ok("from-labelstudio", tmp_path / "annotated.json", "-o", tmp_path / "back2.jsonl")
