"""The quantity grammar and normalizer, driven by the spec file, plus numerals and the tokenizer."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.document.jsonl import decimal_str
from jixiao.quantities.numerals import parse_numeral
from jixiao.quantities.rules import RuleExtractor
from jixiao.quantities.tokenizer import char_digit_words

SPEC = Path(__file__).resolve().parent.parent / "corpus" / "specs" / "quantities.jsonl"
CASES = [json.loads(line) for line in SPEC.read_text("utf-8").splitlines() if line.strip()]


def as_tuple(span: dict) -> tuple:  # type: ignore[type-arg]
    value_max = span.get("value_max")
    return (span["start"], span["end"], span["label"], decimal_str(Decimal(str(span["value"]))), span["unit"],
            span.get("op"), bool(span.get("approx", False)), value_max and decimal_str(Decimal(str(value_max))))


def test_spec_file_is_large_and_varied() -> None:
    assert len(CASES) >= 300
    assert sum(1 for c in CASES if not c["spans"]) >= 90
    assert {s["label"] for c in CASES for s in c["spans"]} == {"AMOUNT", "RATE", "COUNT", "MEASURE"}


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    return RuleExtractor()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spec_case(case: dict, extractor: RuleExtractor) -> None:  # type: ignore[type-arg]
    got = [
        (s.start, s.end, s.label, decimal_str(s.value), s.unit, s.op, s.approx, s.value_max and decimal_str(s.value_max))
        for s in extractor.extract(case["text"])
    ]
    assert got == [as_tuple(s) for s in case["spans"]], case.get("note")


@pytest.mark.parametrize(
    ("text", "value", "value_max"),
    [
        ("3万4000", "34000", None), ("13万2", "132000", None), ("１２３", "123", None), ("1,695,580", "1695580", None),
        ("4414.344467万", "44143444.67", None), ("两千万", "20000000", None), ("一万二千", "12000", None),
        ("五十五点五", "55.5", None), ("千万", "10000000", None), ("两三", "2", "3"), ("三四十", "30", "40"),
        ("1亿2000万", "120000000", None), ("一千零五", "1005", None), ("壹拾柒万陆仟", "176000", None), ("0.00万", "0", None),
    ],
)
def test_numerals(text: str, value: str, value_max: str | None) -> None:
    parsed = parse_numeral(text)
    assert decimal_str(parsed.value) == value
    assert (parsed.value_max and decimal_str(parsed.value_max)) == value_max


def test_values_use_decimal_only() -> None:
    span = RuleExtractor().extract("年度资金安排4414.344467万元")[0]
    assert isinstance(span.value, Decimal) and span.value == Decimal("44143444.67")


def test_tokenizer_puts_every_gold_span_on_token_boundaries(gold_docs) -> None:  # type: ignore[no-untyped-def]
    from jixiao.training.data import load_corpus

    for doc in load_corpus():
        words, spaces = char_digit_words(doc.text)
        assert "".join(w + (" " if s else "") for w, s in zip(words, spaces)) == doc.text
        boundaries, position = {0}, 0
        for word, space in zip(words, spaces):
            position += len(word)
            boundaries.add(position)
            position += 1 if space else 0
            boundaries.add(position)
        for span in doc.spans:
            assert span.start in boundaries and span.end in boundaries, (doc.id, doc.text[span.start : span.end])
