"""Word segmentation derived from the annotated corpus, to train a pkuseg model on.

There is no segmented Chinese corpus here and pkuseg's pretrained models cannot be downloaded,
so the training segmentation is made by rule from what the corpus does have:

1. every gold quantity span is one word (pkuseg splits at white space, so 「10 个」 stays two);
2. outside spans the text is cut into runs of one script class: Arabic digits (with the decimal
   point and thousands separators between digits), Latin letters, Chinese numerals (the
   grammar's anchor characters), other Han characters; each other character (punctuation,
   symbols) is a word, and white space only separates;
3. a grammar unit word (currency, percent word, measure unit, count classifier) at the start of
   a Han run that directly follows a number is cut off as a word of its own (「4个月」 → 4 个 月).

Only training documents are segmented: the dev and test texts must not shape the tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from jixiao.document.model import Document
from jixiao.quantities.grammar import Grammar

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def _run_pattern(grammar: Grammar) -> re.Pattern[str]:
    numerals = grammar.fragments["anchor_chars"].replace("0-9０-９", "")
    return re.compile(
        r"(?P<digits>[0-9０-９]+(?:[.．,，][0-9０-９]+)*)"
        r"|(?P<latin>[A-Za-zＡ-Ｚａ-ｚ]+)"
        rf"|(?P<numeral>[{numerals}]+)"
        rf"|(?P<han>(?:(?![{numerals}])[{_HAN}])+)"
        r"|(?P<space>\s+)"
        r"|(?P<other>.)",
        re.S,
    )


def _unit_words(grammar: Grammar) -> tuple[str, ...]:
    units = grammar.currency + grammar.percent_words + grammar.measure_units + grammar.count_classifiers
    return tuple(sorted(set(units), key=len, reverse=True))


def plain_words(text: str, grammar: Grammar) -> list[str]:
    """Rules 2 and 3 on a stretch of text that holds no gold span."""
    units = _unit_words(grammar)
    words: list[str] = []
    after_number = False
    for m in _run_pattern(grammar).finditer(text):
        kind, word = m.lastgroup, m.group()
        if kind == "space":
            after_number = False
            continue
        if kind == "han" and after_number:
            unit = next((u for u in units if word.startswith(u)), "")
            if unit:
                words.append(unit)
                word = word[len(unit):]
        if word:
            words.append(word)
        after_number = kind in ("digits", "numeral")
    return words


def segment(doc: Document, grammar: Grammar) -> Iterator[list[str]]:
    """The words of each non-empty line of ``doc`` (gold spans never cross a line break)."""
    cuts = sorted((s.start, s.end) for s in doc.spans)
    line_start = 0
    for line in doc.text.split("\n"):
        line_end = line_start + len(line)
        words: list[str] = []
        position = line_start
        for start, end in cuts:
            if start >= line_start and end <= line_end:
                words += plain_words(doc.text[position:start], grammar)
                words += doc.text[start:end].split()
                position = end
        words += plain_words(doc.text[position:line_end], grammar)
        if words:
            yield words
        line_start = line_end + 1


def training_lines(docs: Sequence[Document], grammar: Grammar) -> list[str]:
    """pkuseg's training format: one line of text a line, words separated by a space."""
    return [" ".join(words) for doc in docs for words in segment(doc, grammar)]
