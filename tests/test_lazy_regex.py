"""Patterns compiled at their first use: the same answers as ``re``, every shipped pattern valid."""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao.lazy_regex import LazyPattern, compile_all

MODEL = Path(__file__).resolve().parents[1] / "nlp" / "jixiao" / "models" / "jixiao-default"

CASES = [
    (r"[0-9０-９]+(?:[.．][0-9０-９]+)?万元", "预算资金1,200万元，实际到位８６０．５万元。"),
    (r"(?<=[\u4e00-\u9fff])前(?P<n>[一二三四五六七八九十]+)位", "投诉热点前三位分别是预付卡、食品"),
    (r"^\s*[（(][一二三四五六七八九十]+[）)]", "（二）存在问题"),
]


@pytest.mark.parametrize("pattern, text", CASES)
def test_lazy_pattern_answers_as_re(pattern: str, text: str) -> None:
    lazy, eager = LazyPattern(pattern), re.compile(pattern)
    assert not lazy.is_compiled
    for pos in range(len(text)):
        for method in ("match", "search", "fullmatch"):
            got, want = getattr(lazy, method)(text, pos), getattr(eager, method)(text, pos)
            assert (got and got.span()) == (want and want.span()), (method, pos)
    assert lazy.is_compiled
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    # any other attribute is the compiled pattern's
    assert lazy.sub("#", text) == eager.sub("#", text)
    assert lazy.groupindex == eager.groupindex


def test_first_call_compiles_then_binds_the_compiled_methods() -> None:
    lazy = LazyPattern("万元")
    assert lazy.search("共120万元") is not None
    assert lazy.search == lazy.compiled.search  # no wrapper left on the path of later calls


def test_lazy_pattern_pickles_uncompiled() -> None:
    lazy = LazyPattern("[一二三]档", re.ASCII)
    lazy.search("一档")
    copy = pickle.loads(pickle.dumps(lazy))
    assert (copy.pattern, copy.flags, copy.is_compiled) == (lazy.pattern, re.ASCII, False)
    assert copy.search("二档").group() == "二档"


@dataclass(frozen=True)
class _Holder:
    good: LazyPattern
    many: tuple[LazyPattern, ...]


def test_compile_all_names_the_invalid_pattern() -> None:
    holder = _Holder(LazyPattern("万元"), (LazyPattern("(?<=小学|幼儿园)部"),))
    with pytest.raises(re.error, match="look-behind.*小学"):
        compile_all(holder)
    assert compile_all(_Holder(LazyPattern("万元"), (LazyPattern("亿元"), LazyPattern("元")))) == 3


def test_every_shipped_pattern_compiles() -> None:
    """The package's grammar and keyword lists and the bundled model's copies of them: compiled
    lazily when tagging, so an invalid pattern must fail here rather than in the middle of a run."""
    from jixiao.issues.rules import load_keywords
    from jixiao.quantities.grammar import load_grammar
    from jixiao.quantities.patterns import compile_patterns

    for grammar in (load_grammar(), load_grammar(MODEL / "quantities" / "grammar.yaml")):
        assert compile_all((grammar, compile_patterns(grammar))) > 80
    for keywords in (load_keywords(), load_keywords(MODEL / "issues" / "keywords.yaml")):
        assert compile_all(keywords) > 100


def test_loading_the_model_compiles_no_keyword_pattern() -> None:
    """Start-up pays only for what the first document needs: the keyword patterns of a fresh
    copy of the lists are compiled by the scanner's first search, not by loading them."""
    from jixiao.issues.rules import parse_keywords

    text = (MODEL / "issues" / "keywords.yaml").read_text("utf-8") + "\n# a copy of its own\n"
    rules = parse_keywords(text)
    patterns = [*rules.problem, *rules.recommendation, *rules.not_problem,
                *(p for group in rules.categories.values() for p in group)]
    assert patterns and not any(p.is_compiled for p in patterns)
