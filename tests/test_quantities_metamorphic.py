"""Metamorphic tests of the quantity grammar: the form of the text never changes its quantities.

Every spec case (``corpus/specs/quantities.jsonl``), every gold report (``corpus/gold``) and every
document of the shift split (``corpus/shift``) is extracted as written and again after a rewrite
that the scheme says does not matter:

- length-preserving: ，：；（） to their half-width forms and back, digits to full-width ０-９ (digits
  that belong to a Latin unit or code, as in m2 or PM2.5, stay as they are), and both at once;
- inserted spaces: inside each quantity between its number and what follows (「10 个」,
  「2595.6208 万元」, SCHEME §1 rule 7), after a comparator (「≥ 95%」) and after clause punctuation;
- inserted line breaks after sentence-final punctuation, where a sentence ends anyway (SCHEME §2).

Spans and values must be the same, offsets shifted where characters were inserted. A failing
test lists every difference, case by case. The shift split is for evaluation only: its failures
name the document, sentence number and offsets but never print its text.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jixiao.components import QuantityExtractor
from jixiao.document.jsonl import decimal_str, read_documents
from jixiao.document.model import Span
from jixiao.quantities.rules import RuleExtractor

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "corpus" / "specs" / "quantities.jsonl"

HALF_PUNCT = str.maketrans("，：；（）", ",:;()")
FULL_PUNCT = str.maketrans(",:;()", "，：；（）")
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_LATIN_RUN = re.compile(r"[A-Za-z0-9.]+")
_DIGIT = "0123456789０１２３４５６７８９"
_NUMBER_INSIDE = set(_DIGIT + ".．,，")
_SPACES = " \u00a0\u3000"
_COMPARATORS = set("≥≤⩾⩽≧≦≮≯＞＜><＝=")
_CLAUSE = "，,：:；;、"
_SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class Case:
    source: str  # spec, gold or shift
    name: str
    text: str = field(repr=False)  # never shown: the shift split's text must not reach a report
    sentences: tuple[tuple[int, int], ...] = field(default=(), repr=False)  # to report a difference by sentence


@dataclass(frozen=True)
class Rewritten:
    text: str
    new_index: list[int]  # new position of every old character
    units: dict[str, str] = field(default_factory=dict)  # a unit as written changes with its text: 台（套） → 台(套)


def _spec_cases() -> list[Case]:
    cases = []
    for line in SPEC.read_text("utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            cases.append(Case("spec", raw["id"], raw["text"], ((0, len(raw["text"])),)))
    return cases


def _document_cases(folder: str) -> list[Case]:
    return [Case(folder, d.id, d.text, tuple((s.start, s.end) for s in d.sentences) or ((0, len(d.text)),))
            for f in sorted((ROOT / "corpus" / folder).glob("*.jsonl")) for d in read_documents(f)]


CORPORA: dict[str, Callable[[], list[Case]]] = {
    "spec": _spec_cases,
    "gold": lambda: _document_cases("gold"),
    "shift": lambda: _document_cases("shift"),
}


def _same_length(text: str, rewritten: str, spans: list[Span]) -> Rewritten:
    """A rewrite that keeps every offset; units as written follow their text."""
    units = {s.unit: rewritten[s.end - len(s.unit) : s.end] for s in spans
             if s.unit and text[s.end - len(s.unit) : s.end] == s.unit}
    return Rewritten(rewritten, list(range(len(text))), units)


def half_width_punctuation(text: str, spans: list[Span]) -> Rewritten:
    return _same_length(text, text.translate(HALF_PUNCT), spans)


def full_width_punctuation(text: str, spans: list[Span]) -> Rewritten:
    return _same_length(text, text.translate(FULL_PUNCT), spans)


def full_width_digits(text: str, spans: list[Span]) -> Rewritten:
    """Digits to ０-９, except those after a Latin letter (m2, km2, PM2.5, CO2 are names, not numbers)."""
    chars = list(text)
    for m in _LATIN_RUN.finditer(text):
        for index in range(m.start(), m.end()):
            if text[index].isalpha():
                break  # the rest of the run belongs to the unit or code
            chars[index] = text[index].translate(FULL_DIGITS)
    return _same_length(text, "".join(chars), spans)


def half_punctuation_full_digits(text: str, spans: list[Span]) -> Rewritten:
    half = half_width_punctuation(text, spans)
    both = full_width_digits(half.text, [])
    return Rewritten(both.text, half.new_index, half.units)


def _insert(text: str, places: set[int], what: str) -> Rewritten:
    """``what`` inserted before each old index in ``places``."""
    out: list[str] = []
    new_index: list[int] = []
    shift = 0
    for index, ch in enumerate(text):
        if index in places:
            out.append(what)
            shift += len(what)
        new_index.append(index + shift)
        out.append(ch)
    if len(text) in places:
        out.append(what)
    return Rewritten("".join(out), new_index)


def inserted_spaces(text: str, spans: list[Span]) -> Rewritten:
    """A space inside each quantity where its number ends and after a comparator symbol, and one
    after clause punctuation; never inside a number or a unit word."""
    places: set[int] = set()
    for span in spans:
        for index in range(span.start + 1, span.end):
            before, ch = text[index - 1], text[index]
            if ch in _SPACES or before in _SPACES:
                continue
            if before in _DIGIT and ch not in _NUMBER_INSIDE and (not ch.isascii() or ch.isalpha() or ch == "%"):
                places.add(index)
            elif before in _COMPARATORS and ch not in _COMPARATORS:
                places.add(index)
    for index, ch in enumerate(text[:-1]):
        separator = index > 0 and text[index - 1] in _DIGIT and text[index + 1] in _DIGIT  # 1,695,580
        if ch in _CLAUSE and text[index + 1] not in _SPACES + "\n" and not separator:
            places.add(index + 1)
    return _insert(text, places, " ")


def inserted_line_breaks(text: str, spans: list[Span]) -> Rewritten:
    """A line break after every sentence-final mark that is not already followed by one."""
    places = {index + 1 for index, ch in enumerate(text) if ch in _SENTENCE_END
              and text[index + 1 : index + 2] not in ("\n", "")}
    return _insert(text, places, "\n")


REWRITES: dict[str, Callable[[str, list[Span]], Rewritten]] = {
    "half-width punctuation": half_width_punctuation,
    "full-width punctuation": full_width_punctuation,
    "full-width digits": full_width_digits,
    "half-width punctuation and full-width digits": half_punctuation_full_digits,
    "inserted spaces": inserted_spaces,
    "inserted line breaks": inserted_line_breaks,
}

Key = tuple[int, int, str, str, str | None, str | None, bool, str | None]


def _key(span: Span, start: int, end: int) -> Key:
    return (start, end, span.label, decimal_str(span.value) if span.value is not None else "", span.unit, span.op,
            span.approx, decimal_str(span.value_max) if span.value_max is not None else None)


def _moved(span: Span, rewritten: Rewritten) -> Key:
    start, end, label, value, unit, op, approx, value_max = _key(
        span, rewritten.new_index[span.start], rewritten.new_index[span.end - 1] + 1)
    return start, end, label, value, rewritten.units.get(unit or "", unit), op, approx, value_max


def _sentence_of(case: Case, position: int) -> int:
    starts = [s for s, _ in case.sentences]
    return max(0, bisect_right(starts, position) - 1)


def _describe(case: Case, key: Key, text: str, side: str) -> str:
    start, end, label, value, unit, op, approx, value_max = key
    if case.source == "shift":
        return f"{side} [{start},{end}) {label}"
    shown = f" 「{text[start:end]}」"
    extra = "".join(f" {k}={v}" for k, v in (("op", op), ("approx", approx or None), ("max", value_max)) if v)
    return f"{side} [{start},{end}){shown} {label} {value} {unit}{extra}"


def differences(case: Case, extractor: QuantityExtractor, rewrite: Callable[[str, list[Span]], Rewritten]) -> list[str]:
    """One line per sentence whose quantities change under the rewrite (empty: invariant)."""
    original = extractor.extract(case.text)
    rewritten = rewrite(case.text, original)
    expected = {_moved(s, rewritten) for s in original}
    got = {_key(s, s.start, s.end) for s in extractor.extract(rewritten.text)}
    if expected == got:
        return []
    old_of = {new: old for old, new in enumerate(rewritten.new_index)}
    by_sentence: dict[int, list[str]] = {}
    for key in sorted(expected - got):
        by_sentence.setdefault(_sentence_of(case, old_of.get(key[0], 0)), []).append(
            _describe(case, key, rewritten.text, "expected"))
    for key in sorted(got - expected):
        at = max((old for new, old in old_of.items() if new <= key[0]), default=0)
        by_sentence.setdefault(_sentence_of(case, at), []).append(_describe(case, key, rewritten.text, "got"))
    lines = []
    for number, items in sorted(by_sentence.items()):
        start, end = case.sentences[number]
        shown = "" if case.source == "shift" else f" 「{case.text[start:end].strip()[:80]}」"
        lines.append(f"{case.source} {case.name} sentence {number}{shown}: " + "; ".join(items))
    return lines


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    return RuleExtractor()


@pytest.fixture(scope="module")
def corpora() -> dict[str, list[Case]]:
    return {name: load() for name, load in CORPORA.items()}


def test_the_corpora_are_all_there(corpora: dict[str, list[Case]]) -> None:
    assert len(corpora["spec"]) >= 600
    assert len(corpora["gold"]) == 5
    assert len(corpora["shift"]) >= 2


@pytest.mark.parametrize("corpus", list(CORPORA))
@pytest.mark.parametrize("rewrite", list(REWRITES))
def test_quantities_survive_the_rewrite(rewrite: str, corpus: str, corpora: dict[str, list[Case]],
                                        extractor: RuleExtractor) -> None:
    failures = [line for case in corpora[corpus] for line in differences(case, extractor, REWRITES[rewrite])]
    assert not failures, f"{len(failures)} sentence(s) change under {rewrite}:\n" + "\n".join(failures)


def test_the_rewrites_do_rewrite() -> None:
    """The suite would pass vacuously if a rewrite left the text alone or lost the quantities."""
    text = "项目预算（调整后）：4414.344467万元，执行率≥95%；PM2.5浓度下降，改造面积120m2。"
    extractor = RuleExtractor()
    spans = extractor.extract(text)
    assert [text[s.start : s.end] for s in spans] == ["4414.344467万元", "≥95%", "120m2"]
    assert half_width_punctuation(text, spans).text == "项目预算(调整后):4414.344467万元,执行率≥95%;PM2.5浓度下降,改造面积120m2。"
    assert full_width_digits(text, spans).text == "项目预算（调整后）：４４１４.３４４４６７万元，执行率≥９５%；PM2.5浓度下降，改造面积１２０m2。"
    spaced = inserted_spaces(text, spans)
    assert spaced.text == "项目预算（调整后）： 4414.344467 万元， 执行率≥ 95 %； PM2.5浓度下降， 改造面积120 m2。"
    assert [spaced.text[k[0] : k[1]] for k in (_moved(s, spaced) for s in spans)] == ["4414.344467 万元", "≥ 95 %", "120 m2"]
    assert inserted_line_breaks("共3个。另有5户；", []).text == "共3个。\n另有5户；"
    assert differences(Case("spec", "x", text, ((0, len(text)),)), extractor, inserted_spaces) == []
