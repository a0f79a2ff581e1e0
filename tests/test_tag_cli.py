"""``jixiao tag`` end to end: inputs, output shape, the errors file and exit codes."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.document.model import CATEGORIES, KINDS, LABELS


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["tag", *args])


def test_tags_the_five_reports(tmp_path: Path, report_paths: list[Path]) -> None:
    out = tmp_path / "out" / "tagged.jsonl"
    result = run(str(report_paths[0].parent), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == [p.stem for p in report_paths]
    first = records[0]
    assert first["source"] == str(report_paths[0])
    assert {"id", "text", "meta", "spans", "sentences", "tables", "model", "source"} <= set(first)
    assert {s["label"] for r in records for s in r["spans"]} == set(LABELS)
    span = next(s for s in first["spans"] if s["text"] == "4414.344467万元")
    assert span["value"] == "44143444.67" and span["unit"] == "元" and 0 <= span["score"] <= 1
    assert first["text"][span["start"] : span["end"]] == span["text"]
    assert all(s["kind"] in KINDS for r in records for s in r["sentences"])
    assert all(c in CATEGORIES for r in records for s in r["sentences"] for c in s["categories"])
    assert not (tmp_path / "out" / "tagged.jsonl.errors.jsonl").exists()
    assert not list((tmp_path / "out").glob("*.partial"))


def test_bad_files_are_listed_and_the_rest_go_on(tmp_path: Path, report_paths: list[Path]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("预算487万，执行率为98.16%。", encoding="utf-8")
    (inputs / "b.txt").write_bytes(b"")
    (inputs / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    (inputs / "d.docx").write_bytes(b"\x00garbage")  # not a zip, and not text either
    out = tmp_path / "t.jsonl"
    result = run(str(inputs), "-o", str(out))
    assert result.exit_code == 2
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a"]
    errors = [json.loads(line) for line in (tmp_path / "t.jsonl.errors.jsonl").read_text("utf-8").splitlines()]
    assert [Path(e["file"]).name for e in errors] == ["b.txt", "c.pdf", "d.docx"]
    assert errors[0]["reason"] == "empty file"
    assert "b.txt: empty file" in result.stderr
    assert "Traceback" not in result.output


def test_globs_and_explicit_errors_file(tmp_path: Path, report_paths: list[Path]) -> None:
    out = tmp_path / "g.jsonl"
    result = run(str(report_paths[0].parent / "00[12]_*.txt"), "-o", str(out), "--errors", str(tmp_path / "e.jsonl"), "-q")
    assert result.exit_code == 0
    assert len(out.read_text("utf-8").splitlines()) == 2
    assert result.stderr == ""


def test_usage_errors_exit_1(tmp_path: Path) -> None:
    assert run(str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.jsonl")).exit_code == 1
    assert run(str(tmp_path / "*.nothing"), "-o", str(tmp_path / "x.jsonl")).exit_code == 1
    assert run(str(tmp_path / "missing.txt"), str(tmp_path / "*.nothing"), "-o", str(tmp_path / "x.jsonl")).exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(str(empty), "-o", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1 and "no report files" in result.stderr
    assert run(str(empty), "--model", str(tmp_path)).exit_code == 1


def records_of(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_summary_counts_what_the_output_holds(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    out = tmp_path / "s.jsonl"
    result = run(str(report_paths[0].parent), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 0
    records = records_of(out)
    lines = result.stderr.splitlines()
    assert lines[0] == "tagging 5 of 5 input(s) with jixiao-rules-test 0"
    assert any(line.startswith("done 5/5 input(s), ") and "chars/s" in line for line in lines)
    assert f"{out}: 5 document(s) (5 tagged now, 0 kept), 0 failed" in lines
    spans = {label: sum(s["label"] == label for r in records for s in r["spans"]) for label in LABELS}
    assert "spans: " + " · ".join(f"{k} {v:,}" for k, v in spans.items()) in lines
    problems = sum(s.get("kind") == "problem" for r in records for s in r["sentences"])
    assert any(line.startswith(f"problem sentences: {problems:,}; by category: ") for line in lines)
    contract = sum("contract_rigor" in s.get("categories", ()) for r in records for s in r["sentences"] if s.get("kind") == "problem")
    assert (f"合同管理 contract_rigor {contract:,}" in result.stderr) == (contract > 0)


def test_records_carry_model_name_version_and_sha256(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    import hashlib

    out = tmp_path / "m.jsonl"
    assert run(str(report_paths[2]), "-o", str(out), "-q", "--model", str(rules_model)).exit_code == 0
    (record,) = records_of(out)
    assert record["model"] == {"name": "jixiao-rules-test", "version": "0"}
    assert record["meta"]["sha256"] == hashlib.sha256(report_paths[2].read_bytes()).hexdigest()
    assert isinstance(record["tables"], list)


def test_csv_and_parquet_tables_match_the_records(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    import csv

    import pyarrow.parquet as pq

    from jixiao.document.model import CATEGORIES

    reference = tmp_path / "r.jsonl"
    assert run(str(report_paths[0].parent), "-o", str(reference), "-q", "--model", str(rules_model)).exit_code == 0
    records = records_of(reference)
    for fmt in ("csv", "parquet"):
        folder = tmp_path / f"t-{fmt}"
        result = run(str(report_paths[0].parent), "-o", str(folder), "--format", fmt, "-q", "--model", str(rules_model))
        assert result.exit_code == 0, result.output
        assert {"documents.jsonl", f"sentences.{fmt}", f"spans.{fmt}"} <= {p.name for p in folder.iterdir()}
        assert records_of(folder / "documents.jsonl") == records
        if fmt == "csv":
            with open(folder / "spans.csv", encoding="utf-8-sig", newline="") as handle:
                spans = list(csv.DictReader(handle))
            with open(folder / "sentences.csv", encoding="utf-8-sig", newline="") as handle:
                sentences = list(csv.DictReader(handle))
        else:
            spans = pq.read_table(folder / "spans.parquet").to_pylist()
            sentences = pq.read_table(folder / "sentences.parquet").to_pylist()
        expected = [(r["id"], s["start"], s["label"], s["text"], s.get("value")) for r in records for s in r["spans"]]
        assert [(row["id"], int(row["start"]), row["label"], row["text"], row["value"] or None) for row in spans] == expected
        assert len(sentences) == sum(len(r["sentences"]) for r in records)
        issue = next(row for row in sentences if row["kind"] == "problem" and row["categories"])
        doc = next(r for r in records if r["id"] == issue["id"])
        truth = next(s for s in doc["sentences"] if s["start"] == int(issue["start"]))
        assert issue["categories"].split(";") == truth["categories"]
        assert issue["text"] == doc["text"][truth["start"] : truth["end"]]
        assert {f"score_{c}" for c in CATEGORIES} <= set(issue)


def test_output_kind_must_match_the_format(tmp_path: Path, report_paths: list[Path]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run(str(report_paths[0]), "-o", str(folder))
    assert result.exit_code == 1 and "--format jsonl writes a file" in result.stderr
    file = tmp_path / "file.csv"
    file.write_text("x", "utf-8")
    result = run(str(report_paths[0]), "-o", str(file), "--format", "csv")
    assert result.exit_code == 1 and "writes a folder" in result.stderr
    assert file.read_text("utf-8") == "x"


def test_click_usage_errors_exit_1_through_main(tmp_path: Path, report_paths: list[Path], monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from jixiao.cli.main import main

    for bad in (["--workers", "0"], ["--format", "xml"]):
        monkeypatch.setattr("sys.argv", ["jixiao", "tag", str(report_paths[0]), "-o", str(tmp_path / "x.jsonl"), *bad])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 1
    assert not (tmp_path / "x.jsonl").exists()
    assert "Traceback" not in capsys.readouterr().err


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    from jixiao.outputs.journal import Journal, Layout

    out = tmp_path / "busy.jsonl"
    holder = Journal(Layout(out).journal)
    holder.append('{"id": "x", "text": "held"}')
    try:
        result = run(str(report_paths[0]), "-o", str(out), "--model", str(rules_model))
    finally:
        holder.close()
    assert result.exit_code == 1 and "another jixiao run is writing this output" in result.stderr
    assert Layout(out).journal.read_text("utf-8") == '{"id": "x", "text": "held"}\n'
    assert not out.exists()


def test_a_broken_model_is_a_usage_error_with_or_without_workers(tmp_path: Path, report_paths: list[Path]) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "meta.json").write_text(json.dumps({"name": "broken", "issues": {"backend": "no-such-backend"}}), "utf-8")
    for workers in ("1", "2"):
        out = tmp_path / f"b{workers}.jsonl"
        result = run(str(report_paths[0]), "-o", str(out), "--model", str(model), "--workers", workers)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.stderr
        assert "cannot load (unknown issue backend 'no-such-backend'" in result.stderr.strip().splitlines()[-1]
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(out.name)) == []
    result = run(str(report_paths[0]), "-o", str(tmp_path / "x.jsonl"), "--model", str(tmp_path / "none"), "--workers", "2")
    assert result.exit_code == 1 and "none: no such model folder" in result.stderr


def test_a_reader_that_closes_stderr_early_does_not_stop_the_run(tmp_path: Path, report_paths: list[Path],
                                                               rules_model: Path) -> None:
    """``jixiao tag … 2>&1 | head -1``: the messages stop, the output is finished, exit code 0."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    out = tmp_path / "t.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "tag", *map(str, report_paths), "-o", str(out),
                                "--model", str(rules_model), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=write)
    os.close(write)
    first = os.read(read, 40)
    os.close(read)  # the reader goes away after the first line
    assert process.wait(timeout=300) == 0
    assert first.startswith("tagging".encode())
    assert len(out.read_text("utf-8").splitlines()) == len(report_paths)


def test_a_file_name_that_is_not_utf8_is_tagged_and_the_run_goes_on(tmp_path: Path, rules_model: Path) -> None:
    """Names unpacked from a Windows archive are often GBK bytes: the file is tagged, its source is
    written with JSON escapes that read back as a path that opens, and a failure line naming such a
    file (or one with a line break) stays one line."""
    folder = tmp_path / "in"
    folder.mkdir()
    gbk = os.fsdecode(folder).encode() + b"/" + "报告".encode("gbk") + b".txt"
    with open(gbk, "w", encoding="utf-8") as handle:
        handle.write("资金500万元。")
    (folder / "ok.txt").write_text("资金300万元，执行率90%。", "utf-8")
    (folder / "bad\nname.txt").write_text("", "utf-8")
    out = tmp_path / "x.jsonl"
    result = run(str(folder), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 2  # some inputs could not be tagged
    records = records_of(out)
    assert sorted(r["spans"][0]["text"] for r in records) == ["300万元", "500万元"]
    odd = next(r for r in records if r["spans"][0]["text"] == "500万元")
    assert Path(odd["source"]).read_text("utf-8") == "资金500万元。"
    assert "\\u" in out.read_text("utf-8")  # the name is escaped, the file stays UTF-8
    assert f"{folder}/bad\\nname.txt: empty file" in result.stderr.splitlines()
    errors = [json.loads(line) for line in (tmp_path / "x.jsonl.errors.jsonl").read_text("utf-8").splitlines()]
    assert [e["file"] for e in errors] == [str(folder / "bad\nname.txt")]


def test_resume_finds_the_same_files_however_the_folder_is_named(tmp_path: Path, report_paths: list[Path],
                                                                 rules_model: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for path in report_paths[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(tmp_path)
    assert run("big", "-o", "out.jsonl", "--model", str(rules_model)).exit_code == 0
    before = (tmp_path / "out.jsonl").read_bytes()
    for spelling, where in (("./big", tmp_path), (str(folder), tmp_path), ("../big", elsewhere), (str(folder), Path("/"))):
        monkeypatch.chdir(where)
        result = run(spelling, "-o", str(tmp_path / "out.jsonl"), "--resume", "--model", str(rules_model))
        assert result.exit_code == 0, result.output
        assert f"{tmp_path / 'out.jsonl'}: 3 document(s) (0 tagged now, 3 kept), 0 failed" in result.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == before


def test_resume_refuses_records_read_another_way(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run(str(report_paths[0]), "-o", str(out), "--model", str(rules_model)).exit_code == 0
    result = run(str(report_paths[0]), "-o", str(out), "--resume", "--keep-line-breaks", "--model", str(rules_model))
    assert result.exit_code != 0
    assert "the earlier run read its files another way (without --keep-line-breaks then, --keep-line-breaks now)" in result.stderr
    same = run(str(report_paths[0]), "-o", str(out), "--resume", "--model", str(rules_model))
    assert same.exit_code == 0 and "(0 tagged now, 1 kept)" in same.stderr


def test_flat_tables_and_the_page_write_a_name_that_is_not_utf8_byte_by_byte(tmp_path: Path, rules_model: Path) -> None:
    """CSV, Parquet and the HTML page cannot hold the lone surrogates Python makes of a GBK file
    name: they write each such byte as \\xb1 (the form the JSON records' escapes stand for), the
    document id is that form in every output, and the run succeeds."""
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    gbk = os.fsdecode(folder).encode() + b"/" + "报告".encode("gbk") + b".txt"
    with open(gbk, "w", encoding="utf-8") as handle:
        handle.write("资金500万元。")
    written = "\\xb1\\xa8\\xb8\\xe6"
    for fmt in ("csv", "parquet"):
        out = tmp_path / fmt
        result = run(str(folder), "-f", fmt, "-o", str(out), "--model", str(rules_model))
        assert result.exit_code == 0, result.output
        rows = (list(csv.DictReader((out / "spans.csv").open(encoding="utf-8-sig"))) if fmt == "csv"
                else pq.read_table(out / "spans.parquet").to_pylist())
        assert [(r["id"], r["source"], r["text"]) for r in rows] == [(written, f"{folder}/{written}.txt", "500万元")]
    # the JSON records carry the same id (a label), and a source that reads back as the path
    result = run(str(folder), "-o", str(tmp_path / "t.jsonl"), "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    [record] = records_of(tmp_path / "t.jsonl")
    assert record["id"] == written and os.fsencode(record["source"]) == gbk
    page = tmp_path / "page.html"
    shown = CliRunner().invoke(app, ["show", os.fsdecode(gbk), "-o", str(page), "--model", str(rules_model)])
    assert shown.exit_code == 0, shown.output
    assert written in page.read_text("utf-8")


def test_version_prints_the_installed_version() -> None:
    import importlib.metadata

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"jixiao {importlib.metadata.version('jixiao')}\n"


def test_an_output_under_a_file_names_that_file(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    """-o report.txt/out.jsonl: the system says "File exists"; the line says which file is in the way."""
    blocking = tmp_path / "a.txt"
    blocking.write_text("x", "utf-8")
    result = run(str(report_paths[0]), "-o", str(blocking / "sub" / "x.jsonl"), "--model", str(rules_model), "-q")
    assert result.exit_code == 2
    assert f"{blocking} is a file, not a folder" in result.stderr
    assert blocking.read_text("utf-8") == "x"


def test_a_missing_input_among_others_is_listed_and_the_others_go_on(tmp_path: Path, report_paths: list[Path],
                                                                     rules_model: Path) -> None:
    """A batch over a list of files where one was deleted, or a pattern that matches nothing,
    tags the rest: the missing one is listed like an unreadable file (exit 2), and the ids of the
    others are those of a run where it exists (what --resume keeps depends on them). With nothing
    else named it stays a usage error (above)."""
    for folder in ("东城区", "西城区"):
        (tmp_path / folder).mkdir()
    kept = tmp_path / "东城区" / "a.txt"
    kept.write_bytes(report_paths[1].read_bytes())
    other = tmp_path / "西城区" / "b.txt"
    other.write_bytes(report_paths[2].read_bytes())
    both = tmp_path / "both.jsonl"
    assert run(str(kept), str(other), "-o", str(both), "--model", str(rules_model)).exit_code == 0
    other.unlink()
    out = tmp_path / "t.jsonl"
    pattern = tmp_path / "none-*.txt"
    result = run(str(kept), str(other), str(pattern), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 2, result.output
    assert [r["id"] for r in records_of(out)] == [records_of(both)[0]["id"]] == ["东城区/a"]
    errors = records_of(tmp_path / "t.jsonl.errors.jsonl")
    assert [(e["file"], e["reason"]) for e in errors] == [(str(other), "no such file or folder"),
                                                         (str(pattern), "the pattern matches no file")]
    # named as an input though missing, it is no output: the next run would read it as a report
    named = run(str(kept), str(tmp_path / "c.txt"), "-o", str(tmp_path / "c.txt"), "--model", str(rules_model))
    assert named.exit_code == 1 and "also named as an input" in named.output
    assert not (tmp_path / "c.txt").exists()


def test_the_api_expanding_inputs_refuses_one_that_names_nothing(tmp_path: Path, report_paths: list[Path]) -> None:
    """``expand_inputs`` returns paths only, with no list to report a missing input in: it raises."""
    import jixiao
    from jixiao.inputs import InputError

    with pytest.raises(InputError, match="no such file"):
        jixiao.expand_inputs([str(report_paths[1]), str(tmp_path / "typo.txt")])


def test_a_run_that_reads_no_input_leaves_an_earlier_output_as_it_was(tmp_path: Path, report_paths: list[Path],
                                                                      rules_model: Path) -> None:
    out = tmp_path / "t.jsonl"
    assert run(str(report_paths[1]), "-o", str(out), "--model", str(rules_model)).exit_code == 0
    before = out.read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(str(empty), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 2 and "left as an earlier run wrote it" in result.output
    assert out.read_bytes() == before
    assert not (tmp_path / "t.jsonl.partial").exists() and not (tmp_path / "t.jsonl.partial.run.json").exists()
    fresh = tmp_path / "fresh.jsonl"  # without an earlier output, the run's (empty) output is written
    assert run(str(empty), "-o", str(fresh), "--model", str(rules_model)).exit_code == 2 and fresh.read_bytes() == b""


@pytest.mark.parametrize("option", ["--time-limit", "--max-docx-xml-mb", "--max-docx-unzipped-mb"])
@pytest.mark.parametrize("value", ["inf", "nan"])
def test_a_limit_that_is_not_a_number_is_a_usage_error(tmp_path: Path, report_paths: list[Path], option: str,
                                                       value: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """inf and nan pass min=0; taken as they are, inf broke every file (a timer cannot be set so far
    ahead) and nan turned the zip-bomb limit off without a word."""
    from jixiao.cli.main import main

    monkeypatch.setattr("sys.argv", ["jixiao", "tag", str(report_paths[1]), "-o", str(tmp_path / "t.jsonl"), option, value])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1 and "0 turns the limit off" in capsys.readouterr().err
    assert not (tmp_path / "t.jsonl").exists()


def test_an_unwritable_errors_file_is_refused_before_any_work(tmp_path: Path, report_paths: list[Path]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = run(str(report_paths[1]), "-o", str(tmp_path / "t.jsonl"), "--errors", str(blocker / "errors.jsonl"))
    assert result.exit_code == 2 and f"{blocker / 'errors.jsonl'}: cannot write" in result.output
    assert not (tmp_path / "t.jsonl").exists() and not (tmp_path / "t.jsonl.partial").exists()
    # checked, not made: a run without failures leaves no empty folder for a list it never writes
    clean = run(str(report_paths[1]), "-o", str(tmp_path / "c.jsonl"), "--errors", str(tmp_path / "logs" / "run" / "e.jsonl"))
    assert clean.exit_code == 0 and not (tmp_path / "logs").exists()


def test_an_output_name_too_long_for_the_system_is_one_line(tmp_path: Path, report_paths: list[Path]) -> None:
    result = run(str(report_paths[1]), "-o", str(tmp_path / ("a" * 300 + ".jsonl")))
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def test_cannot_write_names_the_output_not_its_temporary() -> None:
    from jixiao.cli.console import cannot_write

    temporary = PermissionError(13, "Permission denied", "/srv/ro/.page.html.x1y2z3.tmp")
    assert cannot_write(temporary, Path("/srv/ro/page.html")) == "/srv/ro/page.html: cannot write (Permission denied)"
    folder = PermissionError(13, "Permission denied", "/srv/ro/sub")
    assert cannot_write(folder, Path("/srv/ro/sub/page.html")) == "/srv/ro/sub: cannot write (Permission denied)"


def test_an_output_name_ending_in_a_slash_is_refused(tmp_path: Path, report_paths: list[Path]) -> None:
    """-o newdir/ names a folder: written as a file called newdir, the output would surprise; a
    folder output (csv) takes the slash as it is."""
    result = run(str(report_paths[1]), "-o", f"{tmp_path / 'newdir'}/")
    assert result.exit_code == 1 and "ends with a slash" in result.output
    assert not (tmp_path / "newdir").exists()
    assert run(str(report_paths[1]), "-o", f"{tmp_path / 'tables'}/", "-f", "csv", "-q").exit_code == 0
    assert (tmp_path / "tables" / "spans.csv").is_file()


def test_a_long_report_reports_its_steps_while_it_is_tagged(tmp_path: Path, report_paths: list[Path]) -> None:
    """One very large report takes a minute with no input done meanwhile: the run's reporter hears
    the file, the step and how far it is (the quantities a piece at a time), before the file is done."""
    from dataclasses import replace

    import jixiao
    from jixiao.outputs.feedback import working_text
    from jixiao.runner import tag_to_file

    text = "\n".join(p.read_text("utf-8") for p in report_paths)
    big = tmp_path / "big.txt"
    big.write_text(text, "utf-8")
    heard: list[tuple[tuple[str, str, float] | None, int]] = []

    class Recorder:
        def start(self, summary) -> None: ...  # type: ignore[no-untyped-def]
        def advance(self, summary) -> None:  # type: ignore[no-untyped-def]
            heard.append((summary.working, summary.done))
        def failure(self, source: str, reason: str) -> None: ...
        def stop(self, summary) -> None: ...  # type: ignore[no-untyped-def]

    tagger = replace(jixiao.load(), chunk_chars=20_000)
    summary = tag_to_file([big], tmp_path / "out.jsonl", model=tagger, reporter=Recorder())
    assert summary.done == 1 and summary.failed == 0
    steps = [w for w, done in heard if w is not None and done == 0]
    shares = [share for (_, step, share) in steps if step == "quantities"]
    assert {w[0] for w in steps} == {str(big)} and len(shares) >= len(text) // 20_000
    assert shares == sorted(shares) and shares[-1] == 1.0 and 0 < shares[0] < 1
    assert [step for (_, step, _) in steps][-2:] == ["sentences", "tables"]
    assert heard[-1] == (None, 1)  # the file done: nothing in progress
    assert working_text(steps[0]).startswith(f"big.txt: quantities {shares[0]:.0%}")
