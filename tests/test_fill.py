"""Annotations made gold: values filled by jixiao's normaliser, prediction scores dropped.

The round trip a researcher makes: pre-annotations (with scores) exported to doccano, a span the
tagger missed drawn by hand, the export imported back, then ``corpus validate``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.document.jsonl import read_documents, write_documents
from jixiao.document.model import Document, Sentence, Span
from jixiao.evaluation.metrics import same_value
from jixiao.training.fill import fill_documents, normalise_span

ROOT = Path(__file__).resolve().parent.parent
TEST_REPORT = ROOT / "corpus" / "gold" / "001_f25cf90dc0a01762.jsonl"


def run(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def bare(doc: Document) -> Document:
    return doc.replace(spans=tuple(Span(s.start, s.end, s.label) for s in doc.spans))


def test_fill_gives_every_gold_span_its_gold_value(gold_docs: list[Document]) -> None:
    """Values, units, op, approx and value_max of all 825 spans of the five reports, from offsets and labels alone."""
    result = fill_documents([bare(d) for d in gold_docs])
    assert result.unfilled == [] and result.filled == sum(len(d.spans) for d in gold_docs) > 800
    for gold, filled in zip(gold_docs, result.documents):
        assert [(s.start, s.end, s.label) for s in filled.spans] == [(s.start, s.end, s.label) for s in gold.spans]
        wrong = [(gold.text[g.start:g.end], g.value, f.value) for g, f in zip(gold.spans, filled.spans)
                 if not (same_value(g, f) and g.approx == f.approx)]
        assert wrong == []


@pytest.mark.parametrize(
    ("text", "piece", "label", "value", "unit", "extra"),
    [
        ("项目资金4414.344467万元已拨付。", "4414.344467万元", "AMOUNT", "44143444.67", "元", {}),
        ("满意度达到两成。", "两成", "RATE", "20", "%", {}),
        ("服务4万余人次。", "4万余人次", "COUNT", "40000", "人次", {"approx": True}),
        ("预算为30万元-50万元。", "30万元-50万元", "AMOUNT", "300000", "元", {"value_max": Decimal("500000")}),
        ("满意度≥95%。", "≥95%", "RATE", "95", "%", {"op": ">="}),
    ],
)
def test_normalise_span_reads_the_drawn_characters(text: str, piece: str, label: str, value: str, unit: str,
                                                   extra: dict) -> None:  # type: ignore[type-arg]
    start = text.index(piece)
    span = normalise_span(text, start, start + len(piece), label)
    assert isinstance(span, Span), span
    assert (span.value, span.unit) == (Decimal(value), unit)
    assert {k: getattr(span, k) for k in extra} == extra


def test_unreadable_spans_are_reported_with_the_reason() -> None:
    text = "共有3个单位参加，其中包括某某公司。"
    other = text.index("某某")
    assert "no reading of the grammar" in str(normalise_span(text, other, other + 2, "COUNT"))
    assert "reads these characters as COUNT, not MEASURE" in str(normalise_span(text, 2, 4, "MEASURE"))
    doc = Document("d", text, spans=(Span(2, 4, "COUNT"), Span(other, other + 2, "COUNT", score=0.4)),
                   sentences=(Sentence(0, len(text), "none", kind_score=0.9),))
    result = fill_documents([doc])
    (filled,) = result.documents
    assert filled.spans[0].value == 3 and filled.spans[0].unit == "个"
    assert filled.spans[1].value is None and filled.spans[1].score is None
    assert filled.sentences[0].kind_score is None and filled.sentences[0].kind == "none"
    assert [u.message() for u in result.unfilled] == [
        f"d [{other},{other + 2}) 「某某」 COUNT: no reading of the grammar covers exactly these characters"]
    assert result.stripped == 2


def test_the_doccano_round_trip_makes_gold(tmp_path: Path) -> None:
    """The bar: pre-annotations with scores go to doccano, a span the tagger missed is drawn there;
    after import the new span has the right value and unit, no score is left, validate passes."""
    (gold,) = read_documents(TEST_REPORT)
    missed = next(s for s in gold.spans if s.label == "AMOUNT" and s.unit == "元" and "万" in gold.text[s.start:s.end])
    pre = gold.replace(
        spans=tuple(s.with_score(0.97) for s in gold.spans if s != missed),
        sentences=tuple(Sentence(s.start, s.end, s.kind, s.categories, kind_score=0.9,
                                 category_scores={c: 0.8 for c in s.categories}) for s in gold.sentences))
    write_documents(tmp_path / "pre.jsonl", [pre])
    assert run("corpus", "convert", "to-doccano", tmp_path / "pre.jsonl", "-o", tmp_path / "doccano.jsonl").exit_code == 0

    # in doccano: the annotator draws the missed amount on its line (doccano counts UTF-16 units)
    lines = [json.loads(line) for line in (tmp_path / "doccano.jsonl").read_text("utf-8").splitlines()]
    base = 0
    for line in lines:
        if base <= missed.start and missed.end <= base + len(line["text"]):
            before = line["text"][: missed.start - base]
            start = len(before.encode("utf-16-le")) // 2
            line["entities"].append([start, start + len(gold.text[missed.start:missed.end].encode("utf-16-le")) // 2,
                                     "AMOUNT"])
            break
        base += len(line["text"])
    else:
        raise AssertionError("the missed span is on no line")
    assert any('"score"' in json.dumps(line["values"]) for line in lines), "the pre-annotations carry scores"
    exported = tmp_path / "export.jsonl"
    exported.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")

    result = run("corpus", "convert", "from-doccano", exported, "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 0, result.output
    assert "filled the values of 1 span(s)" in result.output
    (back,) = read_documents(tmp_path / "back.jsonl")
    drawn = next(s for s in back.spans if (s.start, s.end) == (missed.start, missed.end))
    assert (drawn.value, drawn.unit, drawn.label) == (missed.value, "元", "AMOUNT")
    assert back.spans == gold.spans and back.sentences == gold.sentences
    raw = (tmp_path / "back.jsonl").read_text("utf-8")
    assert '"score"' not in raw and "kind_score" not in raw and "category_scores" not in raw
    validated = run("corpus", "validate", tmp_path / "back.jsonl")
    assert validated.exit_code == 0, validated.output

    kept = run("corpus", "convert", "from-doccano", exported, "-o", tmp_path / "raw.jsonl", "--no-fill")
    assert kept.exit_code == 0
    invalid = run("corpus", "validate", tmp_path / "raw.jsonl")
    assert invalid.exit_code == 1 and "missing value" in invalid.output and "prediction score" in invalid.output


def test_corpus_fill_command(tmp_path: Path) -> None:
    text = "预算487万元，其中某项为若干。"
    some = text.index("若干")
    doc = Document("d", text, spans=(Span(2, 7, "AMOUNT", score=0.9), Span(some, some + 2, "COUNT")))
    write_documents(tmp_path / "in.jsonl", [doc])
    result = run("corpus", "fill", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1, "a span left without a value fails the run"
    assert f"{tmp_path / 'in.jsonl'}: d [{some},{some + 2}) 「若干」 COUNT:" in result.output
    (filled,) = read_documents(tmp_path / "out.jsonl")
    assert (filled.spans[0].value, filled.spans[0].unit, filled.spans[0].score) == (Decimal("4870000"), "元", None)
    write_documents(tmp_path / "ok.jsonl", [doc.replace(spans=doc.spans[:1])])
    assert run("corpus", "fill", tmp_path / "ok.jsonl", "--in-place").exit_code == 0
    assert read_documents(tmp_path / "ok.jsonl")[0].spans[0].value == Decimal("4870000")
    usage = run("corpus", "fill", tmp_path / "ok.jsonl")
    assert usage.exit_code == 1 and "either -o OUTPUT" in usage.output
