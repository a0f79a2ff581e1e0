"""Batch tagging on folders nobody vetted: outputs never overwrite inputs, one file's work is
bounded, ids are unique and traceable, resume never mixes models or inputs, odd files are listed.

Every case runs the real command on real files (the five reports, and .docx/.pdf files built
here: a zip bomb, deeply nested XML, a PDF with more pages than allowed).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli.main import app

DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def records_of(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def errors_of(path: Path) -> dict[str, str]:
    return {Path(e["file"]).name: e["reason"] for e in records_of(path)}


def write_docx(path: Path, body: str = "", *, body_chunks: int = 0) -> None:
    """A minimal .docx; ``body_chunks`` megabytes of blank paragraphs streamed in make a zip bomb."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in DOCX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}'.encode())
            chunk = b"<w:p/>" * (1_000_000 // 6)
            for _ in range(body_chunks):
                member.write(chunk)
            member.write(b"</w:body></w:document>")


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


# --- 1. never write over an input ----------------------------------------------------------------


def test_tag_audit_show_refuse_an_output_that_is_an_input(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    report = tmp_path / "in.txt"
    shutil.copy(report_paths[0], report)
    original = report.read_bytes()
    os.link(report, tmp_path / "hard.txt")
    (tmp_path / "soft.txt").symlink_to(report)
    cases = [
        ["tag", str(report), "-o", str(report), "--model", str(rules_model)],
        ["tag", str(report), "-o", str(tmp_path / "hard.txt"), "--model", str(rules_model)],
        ["tag", str(report), "-o", str(tmp_path / "soft.txt"), "--model", str(rules_model)],
        ["tag", str(report), "-o", str(tmp_path / "x.jsonl"), "--errors", str(report), "--model", str(rules_model)],
        ["tag", str(tmp_path), "-o", str(tmp_path), "--format", "csv", "--model", str(rules_model)],
        ["tag", str(tmp_path), "-o", str(tmp_path / "new.txt"), "--model", str(rules_model)],  # would be read next time
        ["audit", str(report), "-o", str(report)],
        ["show", str(report), "-o", str(report), "--model", str(rules_model)],
    ]
    for args in cases:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "choose another output" in lines[0], (args, lines)
        assert report.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.txt", "in.txt", "soft.txt"]


def test_an_output_named_by_a_link_is_written_through_and_devices_are_refused(tmp_path: Path, report_paths: list[Path],
                                                                              rules_model: Path) -> None:
    """A symbolic link as -o keeps the link and gives the file it names the content (a rename over
    the link would replace it, as it once replaced /dev/stdout); devices, process files, folders and
    - (standard output) are refused in one line before any work."""
    report = tmp_path / "in.txt"
    report.write_text("资金100万元。\n", encoding="utf-8")
    for command, name in (("tag", "tagged.jsonl"), ("audit", "findings.jsonl")):
        link = tmp_path / f"link-{name}"
        link.symlink_to(name)
        extra = ["--model", str(rules_model)] if command == "tag" else []
        result = run(command, str(report), "-o", str(link), *extra)
        assert result.exit_code == 0, result.output
        assert link.is_symlink() and os.readlink(link) == name
        assert (tmp_path / name).is_file()
    assert '"text": "100万元"' in (tmp_path / "tagged.jsonl").read_text("utf-8")
    (tmp_path / "folder.jsonl").mkdir()
    for target in ("/dev/null", "/dev/stdout", "/proc/self/fd/1", "-", str(tmp_path / "folder.jsonl")):
        for command in ("tag", "audit", "show"):
            extra = ["--model", str(rules_model)] if command != "audit" else []
            result = run(command, str(report), "-o", target, *extra)
            assert result.exit_code == 1, (command, target, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {target}: "), (command, target, lines)
    assert os.path.exists("/dev/null") and not Path("/dev/null").is_file()
    # a link to /dev/stdout is refused too, whatever standard output is (a file the shell opened)
    (tmp_path / "out.jsonl").symlink_to("/dev/stdout")
    result = run("tag", str(report), "-o", str(tmp_path / "out.jsonl"), "--model", str(rules_model))
    assert result.exit_code == 1 and "a process's open file" in result.stderr
    from jixiao.atomic import output_target

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):  # an ordinary folder under /dev: files there are fine
        assert output_target(shm / "jixiao-test.jsonl") == shm / "jixiao-test.jsonl"
    assert not (tmp_path / "-").exists()


def test_files_of_other_formats_in_a_folder_are_left_out_with_a_note(tmp_path: Path, report_paths: list[Path],
                                                                      rules_model: Path) -> None:
    """A folder's web pages, spreadsheets, scans are not read as reports; the run says how many it
    left out (outputs and indexes beside the reports, .jsonl, .tsv, .csv, are left out silently), and a
    folder with no report at all says what it did hold."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(report_paths[4], folder / "r.txt")
    for name in ("a.html", "b.md", "sub/c.xlsx", "index.tsv", "t.jsonl", "d.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    result = run("tag", str(folder), "-o", str(tmp_path / "t.jsonl"), "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "note: 3 file(s) in the folders left out (.html 1, .md 1, .xlsx 1): reports are .txt, .docx, .pdf or .doc")
    assert len(records_of(tmp_path / "t.jsonl")) == 1
    quiet = run("tag", str(folder), "-o", str(tmp_path / "q.jsonl"), "--model", str(rules_model), "-q")
    assert quiet.exit_code == 0 and "note:" not in quiet.stderr
    (folder / "r.txt").unlink()
    empty = run("tag", str(folder), "-o", str(tmp_path / "e.jsonl"), "--model", str(rules_model))
    assert empty.exit_code == 1
    assert empty.stderr.strip().splitlines()[-1] == ("error: no report files found in the inputs (3 file(s) in the folders "
                                                    "left out (.html 1, .md 1, .xlsx 1): reports are .txt, .docx, .pdf or .doc)")


def test_errors_file_and_output_must_differ(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    """--errors naming the output would lose one of the two: refused in one line before any work;
    naming the default errors file explicitly is fine."""
    report = tmp_path / "in.txt"
    shutil.copy(report_paths[4], report)
    out = tmp_path / "o.jsonl"
    result = run("tag", str(report), "-o", str(out), "--errors", str(out), "--model", str(rules_model))
    assert result.exit_code == 1 and "named for two outputs of the run" in result.stderr and not out.exists()
    same = run("tag", str(report), "-o", str(out), "--errors", str(tmp_path / "o.jsonl.errors.jsonl"), "--model",
               str(rules_model))
    assert same.exit_code == 0, same.output


def test_converters_refuse_an_output_that_is_an_input(tmp_path: Path, gold_docs) -> None:  # type: ignore[no-untyped-def]
    from jixiao.document.jsonl import write_documents

    corpus = tmp_path / "corpus"
    gold = corpus / "g.jsonl"
    write_documents(gold, gold_docs[:1])
    conll = tmp_path / "g.conll"
    assert run("corpus", "convert", "to-conll", str(gold), "-o", str(conll)).exit_code == 0
    originals = {gold: gold.read_bytes(), conll: conll.read_bytes()}
    for args in (["to-doccano", str(gold), "-o", str(gold)], ["to-conll", str(corpus), "-o", str(corpus / "more.jsonl")],
                 ["to-labelstudio", str(gold), "-o", str(gold)], ["from-conll", str(conll), "-o", str(conll)],
                 ["to-docbin", str(gold), "-o", str(gold)]):
        result = run("corpus", "convert", *args)
        assert result.exit_code == 1, (args, result.output)
        assert "choose another output" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert {path: path.read_bytes() for path in originals} == originals
    assert [p.name for p in corpus.iterdir()] == ["g.jsonl"]


def test_corpus_split_build_and_fill_refuse_an_output_that_is_an_input(tmp_path: Path, gold_docs,  # type: ignore[no-untyped-def]
                                                                       report_paths: list[Path]) -> None:
    from jixiao.document.jsonl import write_documents

    gold = tmp_path / "g.jsonl"
    write_documents(gold, gold_docs[:1])
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(report_paths[4], raw / "a.txt")
    (raw / "index.tsv").write_text("file\tid\tissuing_unit\tregion\tyear\treport_type\na.txt\ta\tX\tY\t2021\tZ\n", "utf-8")
    originals = {path: path.read_bytes() for path in (gold, raw / "a.txt", raw / "index.tsv")}
    for args in (["split", str(gold), "-o", str(gold)], ["fill", str(gold), "-o", str(gold)],
                 ["build", "--raw-dir", str(raw), "-o", str(raw / "a.txt")],
                 ["build", "--raw-dir", str(raw), "-o", str(raw / "index.tsv")]):
        result = run("corpus", *args)
        assert result.exit_code == 1, (args, result.output)
        assert "choose another output" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert {path: path.read_bytes() for path in originals} == originals
    assert run("corpus", "fill", str(gold), "--in-place").exit_code == 0  # what --in-place is for
    assert run("corpus", "build", "--raw-dir", str(raw), "-o", str(raw / "docs.jsonl")).exit_code == 0
    # the source is where the report was read from; a report of the index that is missing is named
    # in one line, and no corpus without it is written
    assert json.loads((raw / "docs.jsonl").read_text("utf-8"))["meta"]["source"] == (raw / "a.txt").as_posix()
    with open(raw / "index.tsv", "a", encoding="utf-8") as index:
        index.write("gone.txt\tgone\tX\tY\t2021\tZ\n")
    result = run("corpus", "build", "--raw-dir", str(raw), "-o", str(tmp_path / "docs.jsonl"))
    assert result.exit_code == 2 and isinstance(result.exception, (SystemExit, type(None)))
    assert result.stderr.strip().splitlines() == [
        f"error: {raw / 'gone.txt'}: no such file (1 report(s) of {raw / 'index.tsv'} unreadable; nothing written)"]
    assert not (tmp_path / "docs.jsonl").exists()


# --- 2. bounded work per file --------------------------------------------------------------------


def test_a_zip_bomb_is_listed_and_the_good_report_is_tagged(tmp_path: Path, report_paths: list[Path]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_docx(folder / "a_bomb.docx", body_chunks=210)  # 210 MB of XML in a file of a few hundred kB
    assert (folder / "a_bomb.docx").stat().st_size < 2_000_000
    deep = paragraph("深层嵌套的报告。") + "<w:sdt><w:sdtContent>" * 60 + "</w:sdtContent></w:sdt>" * 60
    write_docx(folder / "b_deep.docx", deep)
    write_docx(folder / "c_fine.docx", paragraph("项目预算487万元，执行率为98.16%。"))
    shutil.copy(report_paths[1], folder / "d_report.txt")
    out = tmp_path / "t.jsonl"
    started = time.monotonic()
    result = run("tag", str(folder), "-o", str(out))
    assert time.monotonic() - started < 60
    assert result.exit_code == 2, result.output
    assert [r["id"] for r in records_of(out)] == ["c_fine", "d_report"]
    errors = errors_of(out.with_name("t.jsonl.errors.jsonl"))
    assert set(errors) == {"a_bomb.docx", "b_deep.docx"}
    assert "over the limit of 200 MB (--max-docx-xml-mb)" in errors["a_bomb.docx"]
    assert "more than 100 deep (--max-xml-depth)" in errors["b_deep.docx"]
    # the limits are the user's to change
    result = run("tag", str(folder / "b_deep.docx"), "-o", str(tmp_path / "deep.jsonl"), "--max-xml-depth", "200", "-q")
    assert result.exit_code == 0 and "深" in records_of(tmp_path / "deep.jsonl")[0]["text"]


def test_page_character_and_time_limits(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "pages.pdf"
    page = canvas.Canvas(str(pdf))
    for number in range(3):
        page.drawString(72, 720, f"Page {number} budget 487")
        page.showPage()
    page.save()
    model = ("--model", str(rules_model))
    result = run("tag", str(pdf), "-o", str(tmp_path / "p.jsonl"), "--max-pdf-pages", "2", *model)
    assert result.exit_code == 2 and "more than 2 pages (--max-pdf-pages)" in result.stderr
    assert run("tag", str(pdf), "-o", str(tmp_path / "p3.jsonl"), "--max-pdf-pages", "3", "-q", *model).exit_code == 0

    result = run("tag", str(report_paths[0]), "-o", str(tmp_path / "c.jsonl"), "--max-chars", "1000", *model)
    assert result.exit_code == 2 and "more than 1,000 characters" in result.stderr and "(--max-chars)" in result.stderr

    for workers in ("1", "2"):
        out = tmp_path / f"slow{workers}.jsonl"
        result = run("tag", *(str(p) for p in report_paths[:2]), "-o", str(out), "--time-limit", "0.000001",
                     "--workers", workers, *model)
        assert result.exit_code == 2, result.output
        reasons = list(errors_of(out.with_name(out.name + ".errors.jsonl")).values())
        assert reasons == ["took longer than the limit of 1e-06 s for one file (--time-limit); not tagged"] * 2


# --- 3. unique, traceable ids --------------------------------------------------------------------


def test_same_stem_files_get_distinct_ids_and_rows_carry_the_source(tmp_path: Path, report_paths: list[Path],
                                                                     rules_model: Path) -> None:
    import pyarrow.parquet as pq

    root = tmp_path / "districts"
    for place in ("a", "b", "."):
        (root / place).mkdir(parents=True, exist_ok=True)
        shutil.copy(report_paths[0], root / place / "report.txt")
    write_docx(root / "report.docx", paragraph("预算487万元。"))
    out = tmp_path / "ids"
    assert run("tag", str(root), "-o", str(out), "--format", "parquet", "-q", "--model", str(rules_model)).exit_code == 0
    records = records_of(out / "documents.jsonl")
    ids = [r["id"] for r in records]
    assert ids == ["a/report", "b/report", "report.docx", "report.txt"]
    assert {r["id"]: r["source"] for r in records}["a/report"] == str(root / "a" / "report.txt")
    spans = pq.read_table(out / "spans.parquet").to_pylist()
    sentences = pq.read_table(out / "sentences.parquet").to_pylist()
    by_id = {r["id"]: r["source"] for r in records}
    assert spans and sentences and all(row["source"] == by_id[row["id"]] for row in spans + sentences)
    assert {row["id"] for row in sentences} == set(ids)
    # stable: the same inputs named another way, in another order, give the same ids
    again = tmp_path / "again.jsonl"
    named = [str(root / "report.txt"), str(root / "b" / "report.txt"), str(root / "a" / "report.txt"), str(root / "report.docx")]
    assert run("tag", *named, "-o", str(again), "-q", "--model", str(rules_model)).exit_code == 0
    assert sorted(r["id"] for r in records_of(again)) == sorted(ids)


# --- 4. resume that cannot mix -------------------------------------------------------------------


def test_resume_with_another_model_is_refused_and_keeps_the_journal(tmp_path: Path, report_paths: list[Path],
                                                                   rules_model: Path) -> None:
    out = tmp_path / "m.jsonl"
    journal = out.with_name("m.jsonl.partial")
    assert run("tag", str(report_paths[0]), "-o", str(out), "-q").exit_code == 0  # the bundled model
    os.replace(out, journal)  # as an interrupted run leaves it
    os.replace(out.with_name("m.jsonl.run.json"), out.with_name("m.jsonl.partial.run.json"))
    held = journal.read_bytes()
    result = run("tag", *(str(p) for p in report_paths[:2]), "-o", str(out), "--resume", "--model", str(rules_model))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "the earlier run used model jixiao-default 0.1.0 (content hash " in line
    assert "this run uses model jixiao-rules-test 0 (content hash " in line and "without --resume" in line
    assert journal.read_bytes() == held and not out.exists()


def test_a_journal_without_a_whole_line_is_judged_by_the_output_it_falls_back_to(
        tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    """A run with another model that died in its first line leaves a torn journal and its own
    manifest; a resume keeps the published output's records then, so that output's model decides."""
    out = tmp_path / "t.jsonl"
    journal = out.with_name("t.jsonl.partial")
    assert run("tag", str(report_paths[0]), "-o", str(out), "-q").exit_code == 0  # the bundled model
    published = out.read_bytes()
    assert run("tag", str(report_paths[0]), "-o", str(tmp_path / "r.jsonl"), "-q", "--model", str(rules_model)).exit_code == 0
    shutil.copy(tmp_path / "r.jsonl.run.json", out.with_name("t.jsonl.partial.run.json"))
    journal.write_bytes((tmp_path / "r.jsonl").read_bytes()[:120])  # torn: no whole line
    result = run("tag", str(report_paths[0]), "-o", str(out), "--resume", "--model", str(rules_model))
    assert result.exit_code == 1
    assert "the earlier run used model jixiao-default 0.1.0" in result.stderr and "without --resume" in result.stderr
    assert out.read_bytes() == published


def test_resume_with_a_retrained_model_of_the_same_name_is_refused(tmp_path: Path, report_paths: list[Path]) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "meta.json").write_text('{"name": "same", "version": "1", "quantities": {"backend": "rules"}, '
                                     '"issues": {"backend": "rules"}}', "utf-8")
    out = tmp_path / "r.jsonl"
    assert run("tag", str(report_paths[0]), "-o", str(out), "-q", "--model", str(model)).exit_code == 0
    (model / "meta.json").write_text('{"name": "same", "version": "1", "quantities": {"backend": "rules"}, '
                                     '"issues": {"backend": "rules"}, "note": "retrained"}', "utf-8")
    result = run("tag", str(report_paths[0]), "-o", str(out), "--resume", "--model", str(model))
    assert result.exit_code == 1 and "content hash" in result.stderr


def test_resume_with_other_inputs_keeps_exactly_the_current_inputs(tmp_path: Path, report_paths: list[Path],
                                                                   rules_model: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in report_paths[:4]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "f.jsonl"
    model = ("--model", str(rules_model))
    assert run("tag", str(folder), "-o", str(out), "-q", *model).exit_code == 0
    first = {r["id"]: r for r in records_of(out)}
    (folder / report_paths[3].name).unlink()  # one input gone
    changed = folder / report_paths[2].name
    changed.write_text(changed.read_text("utf-8") + "\n补充：追加预算487万元。\n", "utf-8")
    result = run("tag", str(folder), "-o", str(out), "--resume", *model)
    assert result.exit_code == 0, result.output
    assert "tagging 1 of 3 input(s), 2 kept from an earlier run" in result.stderr
    assert ("resume: 1 record(s) of files that changed since (or got another id) are tagged again; "
            "1 record(s) of files no longer among the inputs are dropped") in result.stderr
    records = records_of(out)
    assert sorted(r["id"] for r in records) == sorted(p.stem for p in report_paths[:3])
    assert [r for r in records if r["id"] != changed.stem] == [first[p.stem] for p in report_paths[:2]]
    assert "追加预算487万元" in next(r for r in records if r["id"] == changed.stem)["text"]
    manifest = json.loads(out.with_name("f.jsonl.run.json").read_text("utf-8"))
    assert [i["id"] for i in manifest["inputs"]] == [p.stem for p in report_paths[:3]]
    assert manifest["model"]["name"] == "jixiao-rules-test" and manifest["model"]["hash"]


# --- 5. odd files, signals handled elsewhere (test_tag_faults) -------------------------------------


def test_links_that_loop_or_point_nowhere_are_listed(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(report_paths[0], folder / "sub" / "good.txt")
    (folder / "sub" / "up").symlink_to(folder)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    out = tmp_path / "l.jsonl"
    result = run("tag", str(folder), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 2
    assert [r["id"] for r in records_of(out)] == ["sub/good"]
    errors = {Path(e["file"]).relative_to(folder).as_posix(): e["reason"]
              for e in records_of(out.with_name("l.jsonl.errors.jsonl"))}
    assert errors["self.txt"].startswith("symbolic link loop")
    assert errors["gone.txt"].startswith("broken symbolic link")
    assert errors["sub/up"].startswith("symbolic link loop: points back to")
    assert f"{folder / 'self.txt'}: symbolic link loop" in result.stderr
    # a recursive glob over the same tree: the same documents and the same loop, not one document
    # per way round it
    globbed = tmp_path / "g.jsonl"
    result = run("tag", str(folder / "**" / "*.txt"), "-o", str(globbed), "--model", str(rules_model))
    assert result.exit_code == 2
    assert [r["id"] for r in records_of(globbed)] == ["sub/good"]
    errors = {Path(e["file"]).relative_to(folder).as_posix(): e["reason"]
              for e in records_of(globbed.with_name("g.jsonl.errors.jsonl"))}
    assert errors["sub/up"].startswith("symbolic link loop: points back to")


def test_one_file_named_several_ways_is_tagged_once(tmp_path: Path, report_paths: list[Path], rules_model: Path,
                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in").mkdir()
    shutil.copy(report_paths[4], tmp_path / "in" / "a.txt")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "d.jsonl"
    result = run("tag", "in/a.txt", "./in/a.txt", str(tmp_path / "in" / "a.txt"), "in/../in/a.txt", "-o", str(out),
                 "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["source"]) for r in records_of(out)] == [("a", "in/a.txt")]


def test_stray_bytes_are_refused_or_replaced_and_counted(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    data = report_paths[0].read_bytes()
    cut = data.index("。".encode()) + 3
    stray = tmp_path / "stray.txt"
    stray.write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    out = tmp_path / "s.jsonl"
    result = run("tag", str(stray), "-o", str(out), "--model", str(rules_model))
    assert result.exit_code == 2
    assert "2 byte(s) do not decode; --encoding-errors replace reads it" in result.stderr
    result = run("tag", str(stray), "-o", str(out), "--encoding-errors", "replace", "-q", "--model", str(rules_model))
    assert result.exit_code == 0
    (record,) = records_of(out)
    assert record["meta"]["replaced_bytes"] == 2 and record["meta"]["encoding"] == "utf-8"
    assert record["text"].count("\ufffd") == 2
    assert record["text"].replace("\ufffd", "") == run_text(report_paths[0])
    # too many stray bytes for a text in a known encoding: the reason says what the limit is
    noisy = tmp_path / "noisy.txt"
    noisy.write_bytes("项目资金100万元，执行率95%。".encode() * 3 + b"\xff\xfe\x81\x82")
    result = run("tag", str(noisy), "-o", str(tmp_path / "n.jsonl"), "--encoding-errors", "replace", "--model", str(rules_model))
    assert result.exit_code == 2
    assert "4 of its 121 bytes are not utf-8 (more than the 1 that --encoding-errors replace replaces)" in result.stderr
    # without --encoding-errors the same count is given, so that the user learns why not to replace
    result = run("tag", str(noisy), "-o", str(tmp_path / "n.jsonl"), "--model", str(rules_model))
    assert result.exit_code == 2 and "4 of its 121 bytes are not utf-8" in result.stderr
    # one stray byte in a short note is damage, not another encoding: replace reads it
    short = tmp_path / "short.txt"
    short.write_bytes("项目资金100万元。".encode("gbk") + b"\xff" + "执行率95%。".encode("gbk"))
    result = run("tag", str(short), "-o", str(tmp_path / "t.jsonl"), "--model", str(rules_model))
    assert result.exit_code == 2 and "not valid gb18030: 1 byte(s) do not decode" in result.stderr
    result = run("tag", str(short), "-o", str(tmp_path / "t.jsonl"), "--encoding-errors", "replace", "--model", str(rules_model))
    assert result.exit_code == 0
    (record,) = records_of(tmp_path / "t.jsonl")
    assert record["text"] == "项目资金100万元。\ufffd执行率95%。" and record["meta"]["replaced_bytes"] == 1


def run_text(path: Path) -> str:
    from jixiao.ingest.reader import read_file

    return read_file(path).text


def test_a_damaged_model_file_is_named(tmp_path: Path, report_paths: list[Path]) -> None:
    from jixiao.loading import bundled_model_path

    model = tmp_path / "model"
    shutil.copytree(bundled_model_path(), model)
    weights = model / "issues" / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    for workers in ("1", "2"):
        result = run("tag", str(report_paths[0]), "-o", str(tmp_path / "x.jsonl"), "--model", str(model), "--workers", workers)
        assert result.exit_code == 1
        assert result.stderr.strip() == (f"error: {weights}: damaged or changed since the model was built (its SHA-256 "
                                         "differs from the one in meta.json); restore the file or retrain the model")


def test_a_damaged_model_is_refused_by_every_loader(tmp_path: Path, report_paths: list[Path]) -> None:
    """Weights changed in place with the safetensors header intact load without a library error and
    would predict ``none`` everywhere: the Python API, evaluate and show refuse them as tag does."""
    import pytest

    import jixiao
    from jixiao.loading import ModelError, bundled_model_path

    model = tmp_path / "model"
    shutil.copytree(bundled_model_path(), model)
    weights = model / "issues" / "weights.safetensors"
    damaged = bytearray(weights.read_bytes())
    damaged[-200:-100] = bytes(100)
    weights.write_bytes(bytes(damaged))
    reason = f"{weights}: damaged or changed since the model was built"
    with pytest.raises(ModelError, match="damaged or changed"):
        jixiao.load(model)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g", "text": "预算100万元。", "spans": [], "sentences": []}, ensure_ascii=False) + "\n", "utf-8")
    for args in (("evaluate", "--data", str(gold), "--model", str(model), "--out", str(tmp_path / "ev")),
                 ("show", str(report_paths[0]), "--model", str(model), "-o", str(tmp_path / "r.html"))):
        result = run(*args)
        assert result.exit_code != 0, args
        assert reason in result.stderr, (args, result.stderr)
    assert not (tmp_path / "r.html").exists()
    # a meta.json that is JSON but no object is a named error, not a traceback
    (model / "meta.json").write_text("[]", "utf-8")
    with pytest.raises(ModelError, match="a JSON object is expected"):
        jixiao.load(model)


def test_a_number_with_a_million_digits_is_a_clear_error(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("预算" + "1" * 1_000_000 + "万元。\n", "utf-8")
    out = tmp_path / "h.jsonl"
    result = run("tag", str(huge), str(report_paths[4]), "-o", str(out), "--model", str(rules_model))
    assert [r["source"] for r in records_of(out)][-1] == str(report_paths[4])
    if result.exit_code == 2:  # until the quantity normaliser accepts such numbers
        reason = errors_of(out.with_name("h.jsonl.errors.jsonl"))["huge.txt"]
        assert reason == "a number in the text is too large to compute with exactly (decimal.Overflow in the quantity normaliser)"
    else:
        assert result.exit_code == 0


def test_workers_are_capped_at_the_cores_with_a_warning(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    from jixiao.runner import available_cores

    cores = available_cores()
    result = run("tag", *(str(p) for p in report_paths), "-o", str(tmp_path / "w.jsonl"), "--workers", str(cores + 62),
                 "--model", str(rules_model))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (f"warning: --workers {cores + 62} is more than the {cores} CPU core(s) "
                                             f"available; using {cores} (each worker loads its own copy of the model)")
    assert (f"in {cores} worker processes" in result.stderr) == (cores > 1)


def test_a_folder_output_never_replaces_other_files(tmp_path: Path, report_paths: list[Path], rules_model: Path,
                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """-f csv/parquet write a folder: into a new or empty folder, over an earlier output of the same
    kind, or through a link to a folder (the link kept); a folder holding other files, a file, and
    the current folder are refused in one line before any work, and nothing in them changes."""
    report = str(report_paths[0])
    crowded = tmp_path / "crowded"
    (crowded / "sub").mkdir(parents=True)
    (crowded / "notes.md").write_text("keep", "utf-8")
    a_file = tmp_path / "a.txt"
    a_file.write_text("keep", "utf-8")
    monkeypatch.chdir(tmp_path)
    for out, fmt, reason in ((crowded, "parquet", "a folder holding other files (notes.md, sub)"),
                             (a_file, "csv", "a file; --format csv writes a folder"),
                             (Path("."), "csv", "the current folder or one above it")):
        result = run("tag", report, "-o", str(out), "-f", fmt, "--model", str(rules_model), "-q")
        assert result.exit_code == 1, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0], lines
    assert sorted(p.name for p in crowded.iterdir()) == ["notes.md", "sub"] and a_file.read_text("utf-8") == "keep"
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    for _ in range(2):  # the second run replaces the first run's output
        assert run("tag", report, "-o", "link", "-f", "csv", "--model", str(rules_model), "-q").exit_code == 0
    assert (tmp_path / "link").is_symlink()
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["documents.jsonl", "sentences.csv", "spans.csv",
                                                                    "tables.csv"]


def test_the_dataset_export_never_replaces_other_files(tmp_path: Path) -> None:
    gold = sorted((Path(__file__).resolve().parent.parent / "corpus" / "gold").glob("*.jsonl"))
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    (crowded / "notes.md").write_text("keep", "utf-8")
    result = CliRunner().invoke(app, ["corpus", "convert", "to-hf", *map(str, gold), "-o", str(crowded)])
    assert result.exit_code == 1 and "a folder holding other files (notes.md)" in result.stderr
    assert [p.name for p in crowded.iterdir()] == ["notes.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crowded"]  # no staging folder left behind


def test_a_model_file_without_a_recorded_hash_loads_with_a_warning(tmp_path: Path) -> None:
    """An older model (no hashes in meta.json) or a file added by hand cannot be checked for
    edits: it loads, and the warning names the unchecked file."""
    import pytest

    import jixiao
    from jixiao.loading import bundled_model_path

    model = tmp_path / "model"
    shutil.copytree(bundled_model_path(), model)
    meta = json.loads((model / "meta.json").read_text("utf-8"))
    del meta["files"]["issues/keywords.yaml"]
    (model / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    with pytest.warns(UserWarning, match="records no hash for issues/keywords.yaml, so it is not checked"):
        jixiao.load(model)
