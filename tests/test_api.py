"""The Python API: ``jixiao.load`` and its tagger, ``jixiao.tag_files`` (streaming, workers), ``jixiao.tag_to_file``."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from jixiao.ingest.errors import IngestError
from jixiao.tagger import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    """The bundled model, loaded once for the module (it takes seconds)."""
    return jixiao.load()


def test_import_is_cheap_and_names_load_on_first_use() -> None:
    code = ("import sys, jixiao; before = sorted(m for m in sys.modules if m.startswith('jixiao'));"
            "jixiao.load; print(before, 'jixiao.loading' in sys.modules, sorted(jixiao.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['jixiao'] True ['expand_inputs', 'load', 'tag_files', 'tag_to_file']"
    with pytest.raises(AttributeError):
        jixiao.no_such_name  # noqa: B018


def test_the_console_script_entry_loads_no_cli_until_it_runs() -> None:
    """Spawned workers import the script that started their parent: it must not load the CLI."""
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "jixiao"]
    code = (f"import sys, {script.module}; "
            "print(sorted(m for m in ('typer', 'rich', 'click', 'numpy', 'jixiao.cli.main') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_tag_text_and_tag_file(report_paths: list[Path], tagger: Tagger) -> None:
    assert tagger.model_info["name"] == "jixiao-default"
    doc = tagger.tag_text("预算487万，执行率为98.16%。")
    found = {(doc.text[s.start : s.end], s.label, s.value) for s in doc.spans}
    assert found == {("487万", "AMOUNT", Decimal("4870000")), ("98.16%", "RATE", Decimal("98.16"))}
    assert [doc.text[s.start : s.end] for s in doc.sentences] == ["预算487万，执行率为98.16%。"]

    report = tagger.tag_file(report_paths[0])
    assert report.id == report_paths[0].stem
    assert report.meta["sha256"] == hashlib.sha256(report_paths[0].read_bytes()).hexdigest()
    assert report.spans and all(s.score is not None for s in report.spans)
    assert all(s.kind in ("problem", "recommendation", "none") for s in report.sentences)


@pytest.mark.parametrize("line_break", ["\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"])
def test_tag_text_reads_any_line_break_as_a_line_break(tagger: Tagger, line_break: str) -> None:
    """Text given as a string keeps its own line breaks (offsets index it as it is), yet headings,
    list items, sentences, tables with their captions and the audit's findings are read as with
    \\n: a recommendation under 「二、建议」 written after a CR, a web page's U+2028 or Word's \\v
    is not fused with the heading into one sentence, and a CRLF table is still a table."""
    from jixiao.audit import audit_document

    lines = ["一、存在问题", "1.部分项目合同未约定履约期限。", "2.资金到位率仅为85%，共3个项目未完工", "二、建议",
             "加强合同管理，补签合同并明确验收标准。", "三、资金情况", "表1 项目支出情况", "单位：万元",
             "项目\t预算\t实际\t执行率", "甲\t10\t9\t80%", "乙\t20\t20\t100%", "合计\t30\t28\t93.33%", "执行率为95%。"]

    def read(text: str) -> tuple[object, ...]:
        doc = tagger.tag_text(text)
        assert doc.text == text
        return ([(text[s.start : s.end], s.kind) for s in doc.sentences],
                [(text[s.start : s.end], s.value) for s in doc.spans],
                [(t.caption, t.unit, [[c.text for c in row] for row in t.rows]) for t in doc.tables],
                sorted((f.check, f.context) for f in audit_document(doc)))

    sentences, spans, tables, findings = read("\n".join(lines))
    assert [kind for _, kind in sentences[:5]] == ["none", "problem", "problem", "none", "recommendation"]
    assert [(caption, unit) for caption, unit, _ in tables] == [("表1 项目支出情况", "万元")]
    assert "row_rate" in [check for check, _ in findings]
    assert read(line_break.join(lines)) == (sentences, spans, tables, findings)


def test_tag_text_finds_tables_and_the_audit_checks_them_as_for_a_file(tmp_path: Path, tagger: Tagger) -> None:
    """The same text tagged with tag_text and read from a .txt file gives the same tables and the
    same audit findings (tag_text once found no tables, so the table checks were skipped)."""
    from jixiao.audit import audit_document

    text = "一、资金情况\n项目\t预算\t实际\t执行率\n甲\t10\t9\t80%\n乙\t20\t20\t100%\n合计\t30\t28\t93.33%\n执行率为95%。\n"
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    from_text, from_file = tagger.tag_text(text), tagger.tag_file(path)
    assert from_file.text == text
    assert len(from_text.tables) == len(from_file.tables) == 1
    assert from_text.tables == from_file.tables
    kinds = sorted(f.check for f in audit_document(from_text))
    assert kinds == sorted(f.check for f in audit_document(from_file)) and "row_rate" in kinds, kinds


def test_tag_file_raises_for_unreadable_input(tmp_path: Path, tagger: Tagger) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(IngestError) as error:
        tagger.tag_file(tmp_path / "e.txt")
    assert error.value.reason == "empty file"


def test_tag_many_streams(report_paths: list[Path], tagger: Tagger) -> None:
    pulled: list[Path] = []

    def paths():  # type: ignore[no-untyped-def]
        for path in report_paths:
            pulled.append(path)
            yield path

    results = tagger.tag_many(paths())
    first = next(results)
    assert first.document is not None and first.document.id == report_paths[0].stem
    assert pulled == report_paths[:1]


def test_tag_files_with_workers_streams_in_order_with_failures(tmp_path: Path, report_paths: list[Path],
                                                              rules_model: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    paths = [*report_paths[:3], tmp_path / "bad.pdf", *report_paths[3:]]
    tagger = jixiao.load(rules_model)
    expected = [tagger.tag_file(p) for p in report_paths]
    results = list(jixiao.tag_files(iter(paths), model=rules_model, workers=2))
    assert [r.source for r in results] == [str(p) for p in paths]
    assert results[3].document is None and results[3].error
    assert [r.document for r in results if r.document is not None] == expected
    assert [r.document for r in jixiao.tag_files(report_paths[:2], model=tagger)] == expected[:2]
    with pytest.raises(ValueError, match="pass a model path"):
        jixiao.tag_files(report_paths, model=tagger, workers=2)


def test_tag_files_from_a_thread_leaves_the_work_to_the_workers(report_paths: list[Path], rules_model: Path) -> None:
    """Off the main thread the per-file timer cannot run, so this process tags nothing itself;
    the workers (whose main threads keep the limit) do it all, with the same results."""
    from concurrent.futures import ThreadPoolExecutor

    from jixiao.runner import _here_if_timed

    expected = [jixiao.load(rules_model).tag_file(p) for p in report_paths]
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(_here_if_timed, len).result() is None
        results = pool.submit(lambda: list(jixiao.tag_files(report_paths, model=rules_model, workers=2))).result()
    assert _here_if_timed(len) is len
    assert [r.document for r in results] == expected


def test_tag_files_and_tag_to_file_check_the_model_at_the_call(tmp_path: Path, report_paths: list[Path]) -> None:
    from jixiao.loading import ModelError

    with pytest.raises(ModelError, match="no meta.json"):
        jixiao.tag_files(report_paths, model=tmp_path)
    with pytest.raises(ModelError):
        jixiao.tag_to_file([str(report_paths[0])], tmp_path / "x.jsonl", model=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_tag_to_file_is_the_cli_run(tmp_path: Path, report_paths: list[Path], tagger: Tagger) -> None:
    inputs = jixiao.expand_inputs([str(report_paths[0].parent)])
    out = tmp_path / "api.jsonl"
    summary = jixiao.tag_to_file(inputs, out, model=tagger)
    assert summary.completed and summary.failed == 0 and summary.tagged.documents == 5
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == [p.stem for p in report_paths]
    assert summary.tagged.characters == sum(len(r["text"]) for r in records)
    assert summary.model == {**tagger.model_info, "hash": None} and all(r["model"] == tagger.model_info for r in records)
    again = jixiao.tag_to_file(inputs, out, model=tagger, resume=True)
    assert again.kept.documents == 5 and again.todo == 0 and again.tagged.documents == 0


def test_a_tagged_document_read_back_from_json_lines_is_the_same(tmp_path: Path, report_paths: list[Path],
                                                                 tagger: Tagger) -> None:
    """Scores are kept to the four places the JSON writes, values in the JSON's canonical form, so a
    document written and read back equals the one tagged (kind_score once differed after 4 places)."""
    from jixiao.document.jsonl import read_documents, write_documents

    docs = [tagger.tag_file(path) for path in report_paths]
    write_documents(tmp_path / "t.jsonl", docs)
    assert read_documents(tmp_path / "t.jsonl") == docs
    assert any(s.kind_score not in (None, 1.0) for doc in docs for s in doc.sentences)


def test_the_tagger_shows_itself_briefly_and_refuses_what_is_not_text(tagger: Tagger) -> None:
    assert repr(tagger) == "Tagger(jixiao-default 0.1.0: quantities='rules', classifier='linear')"
    with pytest.raises(TypeError, match="not NoneType"):
        tagger.tag_text(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="decode the bytes first"):
        tagger.tag_text("资金".encode())  # type: ignore[arg-type]
    assert jixiao.__version__ == importlib.metadata.version("jixiao")


def test_tag_text_reads_the_unit_region_and_year_as_tag_file_does(tagger: Tagger, report_paths: list[Path]) -> None:
    text = report_paths[0].read_text("utf-8")
    meta = tagger.tag_text(text).meta
    assert meta == {k: tagger.tag_file(report_paths[0]).meta[k] for k in ("unit", "region", "year")}
    assert meta["year"] == 2021



def test_one_path_as_a_string_is_a_type_error_not_a_file_per_character(report_paths: list[Path], tagger: Tagger,
                                                                        tmp_path: Path) -> None:
    """A string is iterable: read as a list it would name one file per character."""
    import jixiao

    one = str(report_paths[0])
    for call in (lambda: tagger.tag_many(one), lambda: jixiao.tag_files(one, tagger),
                 lambda: jixiao.tag_to_file(one, tmp_path / "o.jsonl", model=tagger)):
        with pytest.raises(TypeError, match="expected a list of paths"):
            call()
    assert not (tmp_path / "o.jsonl").exists()
    assert [r.source for r in tagger.tag_many([one])] == [one]


def test_the_readme_output_example_is_what_tag_writes(tagger: Tagger) -> None:
    """The span and the sentence the README shows under "Output" are the records `jixiao tag`
    writes for report 000 with the bundled model, scores included: the example cannot drift."""
    import re

    from jixiao.ingest.reader import read_file
    from jixiao.outputs.records import record_bytes

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text("utf-8")
    block = readme.split("### Output", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    shown = [json.loads(re.sub(r"\s+", " ", m)) for m in re.findall(r'\{"start": \d+.*?(?:"score": [\d.]+|"section": "\w+")\}', block, re.S)]
    assert [sorted(s) for s in shown] == [["end", "label", "score", "start", "text", "unit", "value"],
                                          ["categories", "category_scores", "end", "kind", "kind_score", "section", "start"]]
    doc = tagger.tag_document(read_file(root / "corpus" / "raw" / "000_d6a03cfb2cfdfbfd.txt"))
    record = json.loads(record_bytes(doc, "corpus/raw/000_d6a03cfb2cfdfbfd.txt", {"name": "jixiao-default", "version": "0.1.0"}))
    written = {(r["start"], r["end"]): r for r in record["spans"] + record["sentences"]}
    for item in shown:
        assert written[(item["start"], item["end"])] == item
