"""The keyword scanner answers exactly what ``re.Pattern.search`` answers, per sentence and group.

``literals.pattern_needs`` is checked against hand-derived cases; the scanner against the regex
engine on every sentence of the five reports with the packaged keyword lists, and on generated
patterns and texts over a small alphabet, where every construct meets every other.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from jixiao.document.model import CATEGORIES
from jixiao.document.sentences import split_offsets
from jixiao.ingest.reader import read_file
from jixiao.issues.literals import Needs, pattern_needs
from jixiao.issues.rules import load_keywords
from jixiao.issues.scanner import KeywordScanner


def reference(groups: list[list[re.Pattern[str]]], texts: list[str]) -> np.ndarray:
    return np.asarray([[any(p.search(t) for p in group) for group in groups] for t in texts], dtype=bool).reshape(
        len(texts), len(groups))


@pytest.mark.parametrize("pattern, language, required", [
    ("挤占|挪用", {"挤占", "挪用"}, {"挤占", "挪用"}),
    ("(仅|只)(为|有)", {"仅为", "仅有", "只为", "只有"}, None),
    ("已(全部)?(完成|解决)", {"已完成", "已解决", "已全部完成", "已全部解决"}, None),
    ("(?:a|b)c", {"ac", "bc"}, None),
    ("a{2}", {"aa"}, None),
    ("a{,2}b", {"b", "ab", "aab"}, None),
    ("a{1,2}b", {"ab", "aab"}, None),
    ("[ab]c", {"ac", "bc"}, None),
    ("[-a]", {"-", "a"}, None),
    ("(a|)b", {"b", "ab"}, None),
    ("x?", {"", "x"}, None),
    (r"\.com", {".com"}, None),
    ("存在.{0,12}(问题|偏差)", None, {"存在"}),  # both sets are as long: the smaller one
    ("预.{0,3}(执行率|完成率)", None, {"执行率", "完成率"}),  # the longer strings
    (r"\d+(家|个)", None, {"家", "个"}),
    (r"^\s*[（(]?(建议|应)", None, {"（建议", "（应", "(建议", "(应", "建议", "应"}),
    ("[^a]b", None, {"b"}),
    ("[a-c]d", None, {"d"}),
    ("a|b.*", None, {"a", "b"}),
    ("ab+c", None, {"ab"}),
    ("(ab)+c", None, {"abc"}),
    ("a*", None, None),
    (".b|.", None, None),
    ("(?i)ab", None, None),  # flags: every text
    ("(?=a)b", None, None),  # look-ahead: not read
    (r"(a)\1", None, None),  # back-reference
    (r"\u4e00b", None, None),  # an escape standing for another character
    ("a{}", None, None),  # a literal brace to Python
    ("[^]]x", None, {"x"}),  # ] right after ^ is a member of the class
    ("[a-]b", {"ab", "-b"}, None),  # a last - is a literal
    ("[!--]b", None, {"b"}),  # a range from ! to -, not the characters ! and -
    ("a?+a", None, None),  # possessive: never "a", so no language is claimed
    ("(?:){20000000}b", {"b"}, None),  # an empty repeat, read at once
])
def test_pattern_needs_hand_derived(pattern: str, language: set[str] | None, required: set[str] | None) -> None:
    needs = pattern_needs(re.compile(pattern))
    expected_required = language if language is not None and "" not in language else required
    assert needs == Needs(None if language is None else frozenset(language),
                          None if expected_required is None else frozenset(expected_required))


def test_the_packaged_keywords_on_every_sentence_of_the_reports(report_paths: list[Path]) -> None:
    rules = load_keywords()
    groups = [list(rules.problem), list(rules.recommendation), list(rules.not_problem), *map(list, rules.cues.values()),
              *(list(rules.categories[c]) for c in CATEGORIES)]
    texts = []
    for path in report_paths:
        text = read_file(path).text
        texts += [text[s:e] for s, e in split_offsets(text)]
    scanner = KeywordScanner(groups)
    fired = scanner.fires(texts)
    assert np.array_equal(fired, reference(groups, texts))
    assert fired.any(axis=0).all()  # every group fires somewhere: the comparison is not vacuous
    assert scanner.has_literals and len(scanner.checked) >= 5  # both ways of finding a group are used


def test_edge_texts_and_separators() -> None:
    groups = [[re.compile("ab")], [re.compile("^b")], [re.compile("b$")], [re.compile("x?")], [re.compile(r"a\x00b|.{2}")],
              [re.compile("a\x00b")], [re.compile("[\x00c]")]]  # the separator itself in a pattern: run as a regex
    texts = ["", "a", "b", "ab", "a\x00b", "\x00", "ba", "\ud800ab", "a\nb"]
    scanner = KeywordScanner(groups)
    assert np.array_equal(scanner.fires(texts), reference(groups, texts))
    assert scanner.fires([]).shape == (0, len(groups))
    assert not KeywordScanner([]).fires(["ab"]).size


PIECES = ["a", "b", "c", "ab", "(a|b)", "(ab|c)?", "[ab]", "[^a]", ".", ".{0,2}", "a?", "b+", "c*", r"\d", "(?:a|bc)",
          "^", "$", "(a|)", "a{2}", "b{1,3}", "[-c]", "1", "[^]]", "[a-]", "[+--]", "a?+", "b{1,2}+", "c??"]


def generated_pattern(rng: random.Random) -> str:
    parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 4))]
    pattern = "".join(parts)
    if rng.random() < 0.3:
        pattern += "|" + "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
    return pattern


def test_generated_patterns_and_texts_agree_with_the_regex_engine() -> None:
    rng = random.Random(7)
    for _ in range(60):
        groups = [[re.compile(generated_pattern(rng)) for _ in range(rng.randint(1, 3))] for _ in range(5)]
        texts = ["".join(rng.choice("abc1-],+\n") for _ in range(rng.randint(0, 8))) for _ in range(80)]
        assert np.array_equal(KeywordScanner(groups).fires(texts), reference(groups, texts)), [
            [p.pattern for p in g] for g in groups]
