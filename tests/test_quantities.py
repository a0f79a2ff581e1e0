"""The quantity grammar and normalizer, driven by the spec file, plus numerals and the tokenizer."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.document.jsonl import decimal_str
from jixiao.quantities.grammar import load_grammar
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
    assert len(CASES) >= 700
    assert sum(1 for c in CASES if not c["spans"]) >= 130
    assert {s["label"] for c in CASES for s in c["spans"]} == {"AMOUNT", "RATE", "COUNT", "MEASURE"}
    assert len({c["id"] for c in CASES}) == len(CASES) and len({c["text"] for c in CASES}) == len(CASES)


def test_every_spec_case_says_why() -> None:
    """Older cases carry a short ``note``; cases added since issue 14 state their reason as ``why``."""
    assert all((c.get("why") or c.get("note") or "").strip() for c in CASES)
    assert sum(1 for c in CASES if c.get("why")) >= 150


def test_spec_spans_are_well_formed() -> None:
    for case in CASES:
        for span in case["spans"]:
            assert case["text"][span["start"] : span["end"]] == span["text"], case["id"]


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    return RuleExtractor()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spec_case(case: dict, extractor: RuleExtractor) -> None:  # type: ignore[type-arg]
    got = [
        (s.start, s.end, s.label, decimal_str(s.value), s.unit, s.op, s.approx, s.value_max and decimal_str(s.value_max))
        for s in extractor.extract(case["text"])
    ]
    assert got == [as_tuple(s) for s in case["spans"]], case.get("why") or case.get("note")


@pytest.mark.parametrize(
    ("text", "value", "value_max"),
    [
        ("3万4000", "34000", None), ("13万2", "132000", None), ("１２３", "123", None), ("1,695,580", "1695580", None),
        ("4414.344467万", "44143444.67", None), ("两千万", "20000000", None), ("一万二千", "12000", None),
        ("五十五点五", "55.5", None), ("千万", "10000000", None), ("两三", "2", "3"), ("三四十", "30", "40"),
        ("1亿2000万", "120000000", None), ("一千零五", "1005", None), ("壹拾柒万陆仟", "176000", None), ("0.00万", "0", None),
        ("1万亿", "1000000000000", None), ("一万亿", "1000000000000", None), ("3.2万亿", "3200000000000", None),
        ("两千万亿", "2000000000000000", None), ("1 234 567", "1234567", None), ("１２．５万", "125000", None),
        # the places after 点 run to a multiplier, which scales the whole number; they are never a range
        ("三点五万", "35000", None), ("零点三五万", "3500", None), ("一百二十三点四五万", "1234500", None),
        ("十二点三四", "12.34", None), ("三点五万亿", "3500000000000", None), ("两三点五万", "25000", "35000"),
    ],
)
def test_numerals(text: str, value: str, value_max: str | None) -> None:
    parsed = parse_numeral(text)
    assert decimal_str(parsed.value) == value
    assert (parsed.value_max and decimal_str(parsed.value_max)) == value_max


def test_a_long_run_of_chinese_digits_is_read_at_once() -> None:
    """A run of numeral characters that makes no quantity is given up without trying every way to
    split it (the numeral pattern once nested its repetitions, and 22 characters took seconds)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the extractor backtracked over a run of digits")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(30)
    try:
        for text in ("五" * 300, "百分之三点" + "五" * 300, "人口" + "五" * 300 + "万", "一" * 5000):
            RuleExtractor().extract(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 1000000, "0.0005"), (2, 3, "66.67"), (1, 7, "14.29"), (1, 3000000, "0.00003333"), (7, 8, "87.5"),
     (1, 1, "100"), (0, 9, "0"), (1, 30000, "0.003333"), (55579, 100000, "55.579")],
)
def test_fractions_are_exact_or_rounded_as_the_scheme_says(numerator: int, denominator: int, expected: str) -> None:
    from fractions import Fraction

    from jixiao.quantities.normalize import exact_or_rounded

    assert decimal_str(exact_or_rounded(Fraction(numerator * 100, denominator))) == expected


def test_comparator_runs_have_one_op() -> None:
    grammar = RuleExtractor().grammar
    ops = {run: grammar.comparator_op(run) for run in ("≥", "≥≥", ">=", "＞＝", "≧", "≮", "≯", "<", "<<", "=", "<>", "")}
    assert ops == {"≥": ">=", "≥≥": ">=", ">=": ">=", "＞＝": ">=", "≧": ">=", "≮": ">=", "≯": "<=", "<": "<",
                   "<<": "<", "=": "=", "<>": None, "": None}


def test_an_older_grammar_file_keeps_its_behaviour() -> None:
    """A model's own grammar.yaml from before issue 14 has none of the new keys: it still loads, and
    signs, bracketed units and foreign money stay unknown to it, as when the model was trained."""
    import yaml

    from jixiao.quantities.grammar import grammar_from_dict, packaged_grammar_text

    data = yaml.safe_load(packaged_grammar_text())
    for key in ("comparator_ops", "sign_chars", "sign_words", "currency_prefixes", "plus_signs", "sign_not_after",
                "foreign_currency", "currency_factors",
                "money_classifiers", "money_classifier_cues", "signed_labels", "money_tail", "money_tail_lone",
                "unit_word_blocks", "arabic_only_units",
                "bracket_not_after", "half_after_labels", "unspaced_labels"):
        del data[key]
    for key in ("bracket_open", "bracket_close", "half", "alternative_classifier"):
        del data["fragments"][key]
    del data["filters"]["yi_idioms"]
    data["fragments"]["comparator"] = "(?:>=|<=|≥|≤|⩾|⩽|＞|＜|>|<|＝|=)"
    old = RuleExtractor(grammar_from_dict(data))
    text = "外资2.5亿美元，同比-22.2%，人口4.52(万人)，满意度≥95%，成熟一个、进场一个。"
    assert [(text[s.start : s.end], s.unit, s.op) for s in old.extract(text)] == [
        ("2.5亿", "元", None), ("22.2%", "%", None), ("≥95%", "%", ">="), ("一个", "个", None), ("一个", "个", None)]
    assert [(text[s.start : s.end], s.unit, s.op) for s in RuleExtractor().extract(text)] == [
        ("2.5亿美元", "美元", None), ("-22.2%", "%", None), ("4.52(万人)", "人", None), ("≥95%", "%", ">=")]


def test_a_grammar_file_without_rate_scales_reads_rate_units_as_before() -> None:
    """``percent.scales`` states what ‰, 成, 倍, 千分点 and 基点 are worth; a model's grammar file from
    before the key reads them with the same values (not as plain percent)."""
    import yaml

    from jixiao.quantities.grammar import grammar_from_dict, packaged_grammar_text

    data = yaml.safe_load(packaged_grammar_text())
    del data["percent"]["scales"]
    text = "发病率为5‰，三成群众，增长2倍，提高2个百分点，下降5个千分点，利率上浮25个基点。"
    values = [(text[s.start : s.end], str(s.value), s.unit) for s in RuleExtractor(grammar_from_dict(data)).extract(text)]
    assert values == [(text[s.start : s.end], str(s.value), s.unit) for s in RuleExtractor().extract(text)] == [
        ("5‰", "0.5", "%"), ("三成", "30", "%"), ("2倍", "200", "%"), ("2个百分点", "2", "个百分点"),
        ("5个千分点", "0.5", "个百分点"), ("25个基点", "0.25", "个百分点")]


def test_lazy_patterns_compile_on_first_use() -> None:
    """The signed, bracketed, fraction and currency-sign patterns are compiled only when a text
    needs them (a start-up cost a short document without signs or brackets never pays), and then
    find what the grammar finds."""
    from jixiao.quantities.grammar import parse_grammar, packaged_grammar_text
    from jixiao.quantities.patterns import compile_patterns

    # a grammar object of its own (the text with a trailing comment line), so patterns other tests
    # compiled are not reused
    grammar = parse_grammar(packaged_grammar_text() + "\n# lazy-pattern test\n")
    patterns = compile_patterns(grammar)
    lazy = {name: getattr(patterns, name) for name in ("signed", "bracketed", "fraction", "prefixed")}
    extractor = RuleExtractor(grammar)
    extractor.extract("2023年项目预算资金100万元，执行率95%。")
    assert not any(p.is_compiled for p in lazy.values())
    text = "同比-22.2%，人口4.52(万人)，占三分之一，合同价￥1,200.00元。"
    assert [text[s.start : s.end] for s in extractor.extract(text)] == [
        "-22.2%", "4.52(万人)", "三分之一", "￥1,200.00元"]
    assert all(p.is_compiled for p in lazy.values())


def _texts_for_prefilter() -> list[str]:
    raw = sorted((Path(__file__).resolve().parent.parent / "corpus" / "raw").glob("*.txt"))
    texts = [c["text"] for c in CASES] + [p.read_text("utf-8") for p in raw]
    widths = str.maketrans("，：；（）0123456789", ",:;()０１２３４５６７８９")
    return texts + [t.translate(widths) for t in texts]


def test_general_matches_start_only_where_a_unit_follows_the_numerals() -> None:
    """The finder tries the general pattern only where the run of numerals and marks at a place is
    followed by a character a unit begins with (``before_unit``, ``unit_firsts``): a failed match
    costs several times that test. Every place where the pattern does match must pass it, on the
    spec cases and the five reports, as written and with half-width punctuation and full-width
    digits."""
    from jixiao.quantities.grammar import load_grammar
    from jixiao.quantities.patterns import compile_patterns

    patterns = compile_patterns(load_grammar())
    missed = []
    for text in _texts_for_prefilter():
        for position in range(len(text)):
            if patterns.general.match(text, position) is not None:
                lead = patterns.before_unit.match(text, position).end()
                if text[lead : lead + 1] not in patterns.unit_firsts:
                    missed.append(text[position : position + 20])
    assert not missed, missed[:10]
    # and the test rejects most places: on 「2023年」 and 「进一步」 no match is tried
    for text in ("2023年", "进一步"):
        lead = patterns.before_unit.match(text, 0).end()
        assert text[lead : lead + 1] not in patterns.unit_firsts


def test_a_unit_made_of_numeral_characters_is_still_found() -> None:
    """A unit written only in characters that numbers and marks use (a grammar that adds 点 as a
    classifier) is left out of the run before the unit, so the finder still tries the match."""
    from jixiao.quantities.grammar import grammar_from_dict, packaged_grammar_text
    from jixiao.quantities.patterns import compile_patterns
    import yaml

    data = yaml.safe_load(packaged_grammar_text())
    data["count_classifiers"] = [*data["count_classifiers"], "点", "百万"]
    grammar = grammar_from_dict(data)
    patterns = compile_patterns(grammar)
    assert "点" in patterns.unit_firsts
    assert [s.unit for s in RuleExtractor(grammar).extract("共设监测3点。")] == ["点"]
    # a unit of two such characters: the finder still tries 3万个, whose 万 the run no longer holds
    assert [(s.unit, str(s.value)) for s in RuleExtractor(grammar).extract("新增3万个岗位。")] == [("个", "30000")]


def test_a_grammar_that_widens_its_fragments_widens_the_run_before_the_unit() -> None:
    """The run before a unit is read from the grammar's own fragments: a range mark or a space the
    grammar file adds (3或5个, 3<tab>个) is part of it, so the finder tries the match there."""
    from jixiao.quantities.grammar import grammar_from_dict, packaged_grammar_text
    import yaml

    data = yaml.safe_load(packaged_grammar_text())
    data["fragments"]["range_sep"] = data["fragments"]["range_sep"].replace("至到]", "至到或]")
    data["fragments"]["space"] = data["fragments"]["space"].replace("[ ", "[\\t ")
    grammar = grammar_from_dict(data)
    found = [(s.unit, str(s.value), str(s.value_max)) for s in RuleExtractor(grammar).extract("新增3或5个岗位，另有4\t个。")]
    assert found == [("个", "3", "5"), ("个", "4", "None")]


def test_an_older_grammar_file_without_the_newer_optional_keys_keeps_every_older_filter() -> None:
    """A model saved before a key existed carries its own grammar file without it: the filters the
    file does have must work as before (the idiom reach once depended on a later key)."""
    import yaml

    from jixiao.quantities.grammar import packaged_grammar_text, parse_grammar

    data = yaml.safe_load(packaged_grammar_text())
    for key in ("not_money_after",):
        data["filters"].pop(key)
    for key in ("money_classifier_not_after", "money_verb_blocks", "digit_word_ends"):
        data.pop(key)
    older = parse_grammar(yaml.safe_dump(data, allow_unicode=True))
    assert older.yi_idiom_reach == load_grammar().yi_idiom_reach > 0
    assert RuleExtractor(grammar=older).extract("成熟一个、进场一个、完工一个。") == []
