"""A Chinese tokenizer for spaCy whose token boundaries fall on every possible span boundary.

Each CJK character is a token; runs of digits (with the decimal point and thousands separators
between digits) and runs of Latin letters stay whole, because quantity spans never start or end
inside them, except a short decimal alone at the start of a line, which may be a list number and a
count (「4.3个项目未按期完工」) and is split at its point. A test checks every gold span in the corpus against this claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from jixiao.quantities.filters import starts_line

_TOKEN = re.compile(
    r"[0-9０-９]+(?:[.．,][0-9０-９]+)*"  # 4414.344467, 1,695,580
    r"|[A-Za-z]+"
    r"|\S"
)

# a decimal at the start of a line may be a list number and a count (the grammar's list_decimal
# filter decides): split it so that either reading falls on token boundaries
_LIST_DECIMAL = re.compile(r"([0-9０-９]{1,2})([.．])([0-9０-９]+)")


def char_digit_words(text: str) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags covering ``text`` exactly (white space becomes tokens too)."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for m in _TOKEN.finditer(text):
        if m.start() > position:
            _add_space(text[position : m.start()], words, spaces)
        listed = _LIST_DECIMAL.fullmatch(m.group())
        if listed and starts_line(text, m.start()):
            # 「4.3个项目未按期完工」 at a line start: item 4 and a count of 3 (the grammar's list_decimal)
            words.extend((listed.group(1), listed.group(2)))
            spaces.extend((False, False))
            words.append(listed.group(3))
        else:
            words.append(m.group())
        spaces.append(False)
        position = m.end()
    if position < len(text):
        _add_space(text[position:], words, spaces)
    return words, spaces


def _add_space(gap: str, words: list[str], spaces: list[bool]) -> None:
    if gap == " " and words and not spaces[-1]:
        spaces[-1] = True
    else:
        words.append(gap)
        spaces.append(False)


class CharDigitTokenizer:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = char_digit_words(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # Nothing to save: the tokenizer is fully described by its registered name.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> CharDigitTokenizer:
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, **kwargs: Any) -> CharDigitTokenizer:
        return self


@registry.tokenizers("jixiao.char_digit_tokenizer.v1")
def create_char_digit_tokenizer():  # type: ignore[no-untyped-def]
    def make(nlp):  # type: ignore[no-untyped-def]
        return CharDigitTokenizer(nlp.vocab)

    return make
