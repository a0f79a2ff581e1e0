"""Every validator message, on small documents written in the test, and the CLI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.corpus.validate import validate_document, validate_file

TEXT = "预算487万，执行率为98.16%。"


def doc(spans=(), sentences=(), **extra):  # type: ignore[no-untyped-def]
    return {"id": "t", "text": TEXT, "meta": {"source": "authored"}, "spans": list(spans), "sentences": list(sentences),
            **extra}


GOOD_SPAN = {"start": 2, "end": 6, "label": "AMOUNT", "text": "487万", "value": "4870000", "unit": "元"}
GOOD_SENTENCE = {"start": 0, "end": 18, "kind": "problem", "categories": ["budget_execution"]}


def test_valid_document_has_no_problems() -> None:
    assert validate_document(doc([GOOD_SPAN], [GOOD_SENTENCE])) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": -1}, "out of range"),
        ({"end": 99}, "out of range"),
        ({"start": 6, "end": 6}, "empty or reversed"),
        ({"start": "2"}, "integer start and end"),
        ({"text": "487"}, "differs from the document text"),
        ({"label": "MONEY"}, "label 'MONEY' is not one of"),
        ({"value": "abc"}, "value 'abc' is not a decimal number"),
        ({"value_max": "x"}, "value_max 'x' is not a decimal number"),
        ({"value_max": "1"}, "value_max is below value"),
        ({"unit": "万元"}, "AMOUNT unit must be 元"),
        ({"unit": "个"}, "AMOUNT unit must be 元"),
        ({"unit": None}, "missing unit"),
        ({"op": "~"}, "op '~' is not one of"),
        ({"approx": "yes"}, "approx must be true or false"),
    ],
)
def test_span_messages(change: dict, message: str) -> None:  # type: ignore[type-arg]
    problems = validate_document(doc([{**GOOD_SPAN, **change}]))
    assert any(message in p for p in problems), problems


def test_missing_value_and_rate_unit() -> None:
    span = {"start": 11, "end": 17, "label": "RATE", "unit": "percent"}
    problems = validate_document(doc([span]))
    assert any("missing value" in p for p in problems)
    assert any("RATE unit must be % or 个百分点" in p for p in problems)


def test_overlaps() -> None:
    spans = [GOOD_SPAN, {**GOOD_SPAN, "start": 3, "end": 7, "text": "87万，"}]
    assert any("spans [2,6) and [3,7) overlap" in p for p in validate_document(doc(spans)))
    sentences = [GOOD_SENTENCE, {**GOOD_SENTENCE, "start": 5}]
    assert any("sentences [0,18) and [5,18) overlap" in p for p in validate_document(doc(sentences=sentences)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "issue"}, "kind 'issue' is not one of"),
        ({"categories": ["contracts"]}, "category 'contracts' is not a scheme key"),
        ({"categories": "budget_execution"}, "categories must be a list"),
        ({"categories": ["budget_execution", "budget_execution"]}, "listed twice"),
        ({"kind": "none"}, "kind none must have no categories"),
        ({"categories": []}, "kind problem needs at least one category"),
        ({"end": 40}, "out of range"),
    ],
)
def test_sentence_messages(change: dict, message: str) -> None:  # type: ignore[type-arg]
    problems = validate_document(doc(sentences=[{**GOOD_SENTENCE, **change}]))
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize(
    ("span", "sentence", "message"),
    [
        ({"label": "Amount"}, {}, "label 'Amount' is not one of AMOUNT, RATE, COUNT, MEASURE (did you mean 'AMOUNT'?)"),
        ({}, {"categories": ["budget_executon"]}, "category 'budget_executon' is not a scheme key (did you mean 'budget_execution'?)"),
        ({}, {"categories": ["contracts"]}, "(did you mean 'contract_rigor'?)"),
        ({}, {"kind": "recommend", "categories": ["budget_execution"]}, "(did you mean 'recommendation'?)"),
        ({"vaule": "1"}, {}, "unknown key 'vaule' (did you mean 'value'?)"),
        ({}, {"categorie": []}, "unknown key 'categorie' (did you mean 'categories'?)"),
        ({"score": 1.0}, {}, "'score' is a prediction score; gold has none (jixiao corpus fill removes it)"),
        ({}, {"kind_score": 0.9}, "'kind_score' is a prediction score"),
        ({}, {"category_scores": {"budget_execution": 0.8}}, "'category_scores' is a prediction score"),
    ],
)
def test_misspellings_get_the_nearest_key_and_scores_are_refused(span: dict, sentence: dict, message: str) -> None:  # type: ignore[type-arg]
    problems = validate_document(doc([{**GOOD_SPAN, **span}], [{**GOOD_SENTENCE, **sentence}]))
    assert any(message in p for p in problems), problems


def test_nothing_close_suggests_nothing() -> None:
    problems = validate_document(doc([{**GOOD_SPAN, "label": "MONEY"}]))
    assert problems == ["span 0 [2,6) 「487万」: label 'MONEY' is not one of AMOUNT, RATE, COUNT, MEASURE"]


def test_document_level_messages(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(doc([GOOD_SPAN]), ensure_ascii=False), "{not json", json.dumps(doc()), json.dumps({"id": "x"}), "[]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_file(path)
    assert any(":2: not JSON" in p for p in problems)
    assert any(":3 [t]: duplicate document id" in p for p in problems)
    assert any(":4 [x]: missing 'text'" in p for p in problems)
    assert any(":5 [None]: not a JSON object" in p for p in problems)
    assert all(str(path) in p for p in problems)


def test_cli_exit_codes(tmp_path: Path, gold_docs) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(doc([GOOD_SPAN], [GOOD_SENTENCE]), ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "validate", str(good)])
    assert result.exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(doc([{**GOOD_SPAN, "label": "X"}]), ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "[t]: span 0 [2,6) 「487万」: label 'X'" in result.stdout
    assert runner.invoke(app, ["corpus", "validate", str(tmp_path / "missing.jsonl")]).exit_code == 1


def test_the_gold_corpus_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent / "corpus"
    files = sorted((root / "gold").glob("*.jsonl")) + sorted((root / "authored").glob("*.jsonl"))
    files += sorted((root / "shift").glob("*.jsonl"))
    assert len(files) >= 5
    # the command corpus/README.md gives: ids unique across the files, every reading against the grammar
    result = CliRunner().invoke(app, ["corpus", "validate", *map(str, files)])
    assert result.exit_code == 0, result.stdout
    documents = sum(1 for f in files for line in f.read_text("utf-8").splitlines() if line.strip())
    assert result.stderr.strip() == f"ok: {len(files)} file(s), {documents} document(s) valid"


def test_a_file_that_is_not_utf8_is_one_problem_line(tmp_path: Path) -> None:
    """A GBK or binary file gets one line naming it, not a traceback; the other files are checked."""
    bad, good = tmp_path / "gbk.jsonl", tmp_path / "good.jsonl"
    bad.write_bytes('{"id": "a", "text": "预算", "meta": {"source": "authored"}}\n'.encode("gbk"))
    good.write_text('{"id": "b", "text": "预算", "meta": {"source": "authored"}}\n', "utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(bad), str(good)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{bad}: not UTF-8 text (JSON Lines files are UTF-8)"]
    assert result.stderr.strip() == "1 problem(s) in 2 file(s)"


@pytest.mark.parametrize("unit", ["元", "美元", "欧元", "港元", "日元", "英镑", "美金", "卢布", "瑞士法郎", "卢比"])
def test_money_in_any_currency_keeps_its_unit(unit: str) -> None:
    """SCHEME §1 rule 10: a foreign amount is valued in its own currency, unit as written."""
    assert not [p for p in validate_document(doc([{**GOOD_SPAN, "unit": unit}])) if "unit" in p]


def test_a_value_the_span_text_does_not_read_is_a_problem(tmp_path: Path) -> None:
    """「九成」 with value 50 passes every form check; the grammar reads 90 from those characters."""
    text = "资金执行率达到九成，安排487万元。"
    spans = [{"start": 7, "end": 9, "label": "RATE", "value": "50", "unit": "%"},
             {"start": 12, "end": 17, "label": "AMOUNT", "value": "4870000", "unit": "元"}]
    path = tmp_path / "v.jsonl"
    path.write_text(json.dumps({"id": "v", "text": text, "meta": {"source": "authored"}, "spans": spans}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(path)])
    assert result.exit_code == 1
    assert "「九成」: value 50 differs from what its text reads, 90" in result.stdout
    assert "487万元" not in result.stdout
    spans[0]["value"] = "90"
    path.write_text(json.dumps({"id": "v", "text": text, "meta": {"source": "authored"}, "spans": spans}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["corpus", "validate", str(path)]).exit_code == 0


@pytest.mark.parametrize(("meta", "message"), [
    ({"source": "Authored"}, "meta.source 'Authored' is neither 'authored' nor the path of a report file"),
    ({"source": "authord"}, "(did you mean 'authored'?)"),
    ({}, "missing meta.source"),
    (None, "missing 'meta'"),
    ({"source": 3}, "meta.source 3 is neither"),
])
def test_meta_source_says_what_a_document_is_to_the_splits(meta: dict | None, message: str) -> None:  # type: ignore[type-arg]
    """A misspelt 'authored' would make text the team wrote a real report that the split may hold out."""
    raw = doc()
    if meta is None:
        del raw["meta"]
    else:
        raw["meta"] = meta
    assert any(message in p for p in validate_document(raw)), validate_document(raw)
    assert validate_document({**doc(), "meta": {"source": "corpus/raw/000_x.txt"}}) == []


def test_document_ids_are_unique_across_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path in (first, second):
        path.write_text(json.dumps(doc(), ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(first), str(second)])
    assert result.exit_code == 1
    assert f"{second}:1 [t]: duplicate document id (first at {first}:1)" in result.stdout


@pytest.mark.parametrize(("text", "span", "message"), [
    ("服务约2.3万人次。", {"start": 3, "end": 9, "label": "COUNT", "value": "23000", "unit": "人", "approx": True},
     "unit 人 differs from what its text reads, 人次"),
    ("服务约2.3万人次。", {"start": 3, "end": 9, "label": "COUNT", "value": "23000", "unit": "人次"},
     "approx false differs from what its text reads, true"),
    ("安排356.8万元。", {"start": 2, "end": 9, "label": "AMOUNT", "value": "3568000", "unit": "元", "op": ">="},
     "op >= differs from what its text reads, none"),
    ("安排356.8万元。", {"start": 2, "end": 9, "label": "RATE", "value": "3568000", "unit": "%"},
     "label RATE: the grammar reads these characters as AMOUNT, not RATE"),
])
def test_unit_op_approx_and_label_are_checked_against_the_text(tmp_path: Path, text: str, span: dict, message: str) -> None:  # type: ignore[type-arg]
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "r", "text": text, "meta": {"source": "authored"}, "spans": [span]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1 [r]: span [{span['start']},{span['end']})" in result.stdout
    assert message in result.stdout, result.stdout


@pytest.mark.parametrize("value", [4870000, 4870000.0, "4.87e6", "4.87E6"])
def test_values_are_decimal_strings_in_plain_notation(value: object) -> None:
    """GUIDELINES §1.4: a JSON number goes through float in most readers, and 4.87e6 is not how a
    value is written."""
    problems = validate_document(doc([{**GOOD_SPAN, "value": value}]))
    assert problems == [f"span 0 [2,6) 「487万」: value {value!r} must be a decimal string in plain notation, e.g. \"3568000\""]


def test_sentences_are_the_splitters() -> None:
    """Two sentences merged by hand (or one left out) would misalign every prediction on them."""
    text = "预算487万元。执行率为98.16%。"
    raw = {"id": "s", "text": text, "meta": {"source": "authored"},
           "sentences": [{"start": 0, "end": 8, "kind": "none"}, {"start": 8, "end": 19, "kind": "none"}]}
    assert validate_document(raw) == []
    merged = {**raw, "sentences": [{"start": 0, "end": 19, "kind": "none"}]}
    (problem,) = validate_document(merged)
    assert problem.startswith("sentences differ from the splitter's (2 expected, 1 given; first at [0,8) 「预算487万元。」)")
    assert validate_document({**raw, "sentences": raw["sentences"][:1]})[0].startswith(
        "sentences differ from the splitter's (2 expected, 1 given; first at [8,19)")


def test_a_sentence_given_twice_is_named_not_a_traceback() -> None:
    """A region labelled twice in an annotation tool: the overlap and the splitter check both say so."""
    text = "预算487万元。执行率为98.16%。"
    sentences = [{"start": 0, "end": 8, "kind": "none"}, {"start": 8, "end": 19, "kind": "none"}]
    raw = {"id": "s", "text": text, "meta": {"source": "authored"}, "sentences": sentences + sentences[:1]}
    problems = validate_document(raw)
    assert "sentences [0,8) and [0,8) overlap" in problems
    assert any(p.startswith("sentences differ from the splitter's (2 expected, 3 given; first at [0,8)") for p in problems)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    """Windows editors start UTF-8 files with a BOM: validation and every reader of documents
    read past it."""
    from jixiao.document.jsonl import read_documents

    gold = sorted((Path(__file__).resolve().parent.parent / "corpus" / "gold").glob("*.jsonl"))[0]
    marked = tmp_path / "bom.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + gold.read_bytes())
    result = CliRunner().invoke(app, ["corpus", "validate", str(marked)])
    assert result.exit_code == 0, result.stdout
    assert read_documents(marked) == read_documents(gold)


def test_a_json_error_names_its_column_once(tmp_path: Path) -> None:
    bad = tmp_path / "tab.jsonl"
    bad.write_text('{"id": "x", "text": "a\tb"}\n', "utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(bad)])
    assert result.stdout.splitlines() == [f"{bad}:1: not JSON (Invalid control character at column 23)"]


def test_one_text_under_two_ids_is_named(tmp_path: Path) -> None:
    """A report copied under a second id would sit in a training fold and in the test fold beside it."""
    gold = sorted((Path(__file__).resolve().parent.parent / "corpus" / "gold").glob("*.jsonl"))[0]
    raw = json.loads(gold.read_text("utf-8"))
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({**raw, "id": "copy_of_it"}, ensure_ascii=False) + "\n", "utf-8")
    result = CliRunner().invoke(app, ["corpus", "validate", str(gold), str(copy)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{copy}:1 [copy_of_it]: the same text as {gold}:1 [{raw['id']}]"]
