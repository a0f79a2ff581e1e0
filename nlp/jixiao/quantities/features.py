"""Features of a quantity candidate for the learned component: local context, not an encoder.

A candidate is judged from its own shape (rule, unit, numeral kind) and a few characters on each
side, so scoring costs a handful of hash lookups per candidate instead of a neural pass over every
character. Digits in the context are folded to 0 so that numbers do not fragment the features.
"""

from __future__ import annotations

import re

from jixiao.quantities.candidate import Candidate
from jixiao.quantities.filters import filter_flags, in_term
from jixiao.quantities.patterns import compile_patterns
from jixiao.quantities.grammar import Grammar

_FOLD = str.maketrans("123456789０１２３４５６７８９", "000000000" + "0" * 10)
# Half-width punctuation reads as its full-width form (text from web pages and PDFs uses , : ; ( )
# where the reports use ，：；（）), except a comma between digits, which is a thousands separator.
_PUNCT = str.maketrans(",:;()", "，：；（）")
_SEPARATOR = re.compile(r"(?<=0),(?=0)")
_FINANCIAL = set("壹贰叁肆伍陆柒捌玖拾佰仟")
CONTEXT = 4


def _fold(text: str) -> str:
    folded = text.translate(_FOLD)
    if "," in folded:
        folded = _SEPARATOR.sub("\x00", folded).translate(_PUNCT).replace("\x00", ",")
    elif ":" in folded or ";" in folded or "(" in folded or ")" in folded:
        folded = folded.translate(_PUNCT)
    return folded


def numeral_kind(number: str) -> str:
    has_digit = any(ch.isdigit() for ch in number)
    has_cjk = any(not ch.isascii() and not ch.isdigit() for ch in number)
    if _FINANCIAL & set(number):
        return "financial"
    if has_digit and has_cjk:
        return "mixed"
    return "arabic" if has_digit else "chinese"


def candidate_features(text: str, c: Candidate, grammar: Grammar, use_filters: bool,
                       flags: list[str] | None = None) -> list[str]:
    # folded with one character more on each side, so that a comma at an edge sees both neighbours
    left = _fold(text[max(0, c.start - CONTEXT - 1) : c.start + 1])[:-1][-CONTEXT:]
    right = _fold(text[max(0, c.end - 1) : c.end + CONTEXT + 1])[1:][:CONTEXT]
    kind = numeral_kind(c.number)
    unit = c.unit or "-"
    feats = [
        "bias", f"rule={c.rule}", f"lab={c.label}", f"unit={unit}", f"kind={kind}", f"kind|unit={kind}|{unit}",
        f"mult={c.multiplier}", f"cmp={c.comparator is not None}", f"approx={c.approx_marker}",
        f"range={c.number_max is not None}", f"len={min(c.end - c.start, 12)}",
    ]
    if kind == "chinese" and len(c.number) <= 2:
        feats.append(f"num={c.number}|{unit}")
    for k in range(1, CONTEXT + 1):
        feats.append(f"L{k}={left[-k:]}")
        feats.append(f"R{k}={right[:k]}")
    feats += [f"L1|unit={left[-1:]}|{unit}", f"R1|unit={right[:1]}|{unit}", f"R2|unit={right[:2]}|{unit}",
              f"L2|lab={left[-2:]}|{c.label}", f"L1|kind={left[-1:]}|{kind}", f"R1|lab={right[:1]}|{c.label}"]
    line_start = text.rfind("\n", 0, c.start) + 1
    feats.append(f"cell={text.startswith(chr(9), line_start)}")
    if use_filters:
        flags = list(filter_flags(text, c, grammar) if flags is None else flags)
        if in_term(text, c.start, c.end, compile_patterns(grammar)):
            flags.append("term")
        feats += [f"flag={f}" for f in flags] or ["flag=none"]
    return feats
