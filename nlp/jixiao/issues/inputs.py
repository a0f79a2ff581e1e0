"""What a sentence classifier sees: the sentence text and the section it sits in.

Sections are always recomputed from the document text with the same heading detector that
tagging uses, so training, evaluation and tagging see identical inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from jixiao.document.model import CATEGORIES, Document, Sentence
from jixiao.document.sections import assign_sections

SECTION_MARKERS: dict[str, str] = {
    "problem": "【问题部分】",
    "recommendation": "【建议部分】",
    "experience": "【经验部分】",
    "table": "【表格】",
    "other": "",
}


class SentenceInput(NamedTuple):
    """A sentence's text and section: a named tuple, because tagging makes one per sentence and a
    frozen dataclass costs several times as much to build."""

    text: str
    section: str

    def marked(self) -> str:
        """The text with its section as a prefix, for backends that only take text."""
        return SECTION_MARKERS.get(self.section, "") + self.text


Offsets = Sequence[tuple[int, int]]

# One written form for what a classifier reads, so that the same sentence copied from a web page or
# a PDF (half-width punctuation, full-width digits, spaces between characters) gives the same
# features as in a typeset report. Punctuation goes to full width, as
# the keyword patterns write it (a half-width bracket in a pattern is regex syntax); digits and
# Latin letters go to ASCII; white space is dropped (Chinese does not separate words with it).
_CANONICAL = str.maketrans(
    {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？",
     "\uff05": "%", **{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}, **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     **{ch: None for ch in " \t\n\r\f\v\u3000\u00a0"}})
# a character that changes (one character class: an alternation with the stop below made the
# test, run on every sentence, more than twice as slow)
_NOT_CANONICAL = re.compile("[,:;()!?\uff05\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\\s]")
# a half-width full stop ending the text after a character that makes it 。 (see _CHINESE_STOP), as
# the cheap first test: it needs a character before the stop, so a text that is a lone "." stays as
# it is, as every trained model read it (canonical-2)
_ENDING_STOP = re.compile("[^0-9A-Za-z.]\\.$")
# a half-width full stop ending a sentence (text from web pages): 。, after a Chinese character or a
# sign (建议加强管理. 执行率为95%.); after a digit or a Latin letter (v2. U.S.) or a dot (……) it stays
_CHINESE_STOP = re.compile("(?<![0-9A-Za-z.])\\.$")
_WHITE = re.compile("\\s")


# Recorded with every trained classifier (meta.json, ``issues.input_form``): a model trained on
# another form of its input is warned about when it is loaded.
INPUT_FORM = "canonical-2"


def canonical(text: str) -> str:
    """``text`` in the one written form classifiers read (most sentences are in it already): the
    half-width ,:;()!? and ％ as the full-width forms, full-width digits and Latin letters as ASCII,
    no white space of any kind, and a half-width full stop that ends a sentence after a Chinese
    character or a sign as 。."""
    if _NOT_CANONICAL.search(text) is None and not (text.endswith(".") and _ENDING_STOP.search(text)):
        return text
    text = text.translate(_CANONICAL)
    text = "".join(text.split()) if _WHITE.search(text) else text
    return _CHINESE_STOP.sub("。", text)


def sentence_inputs(doc: Document) -> list[SentenceInput]:
    return inputs_at(doc.text, offsets_of(doc))


def offsets_of(doc: Document) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in doc.sentences]


def inputs_at(text: str, offsets: Offsets) -> list[SentenceInput]:
    """The inputs of the sentences at ``offsets`` (tagging passes the splitter's offsets directly,
    without building sentence records that the classifier would replace)."""
    return inputs_of(text, offsets, sections_at(text, offsets))


def sections_at(text: str, offsets: Offsets) -> list[str]:
    """The section of each sentence at ``offsets``, ``table`` for table cells: the one part of an
    input that depends on the sentences before it."""
    sections = assign_sections(text, list(offsets))
    if "\t" not in text:  # no table cell anywhere (most short documents): nothing to look up
        return sections
    return ["table" if _in_table(text, s) else section for (s, _), section in zip(offsets, sections)]


def inputs_of(text: str, offsets: Offsets, sections: Sequence[str]) -> list[SentenceInput]:
    """The inputs of the sentences at ``offsets``, given their sections (``sections_at``)."""
    return [SentenceInput(canonical(text[s:e]), section) for (s, e), section in zip(offsets, sections)]


def _in_table(text: str, start: int) -> bool:
    """Table cells are rendered one per line after a tab; they are data, not statements."""
    line_start = text.rfind("\n", 0, start) + 1
    return text.startswith("\t", line_start)


@dataclass(frozen=True)
class Labelled:
    input: SentenceInput
    kind: str
    categories: frozenset[str]


def labelled_sentences(docs: list[Document]) -> list[Labelled]:
    out = []
    for doc in docs:
        for inp, sentence in zip(sentence_inputs(doc), doc.sentences):
            if sentence.kind is not None:
                out.append(Labelled(inp, sentence.kind, frozenset(sentence.categories)))
    return out


def apply_predictions(offsets: Offsets, kinds: list[str], kind_scores: list[float],
                      category_scores: list[dict[str, float]], thresholds: dict[str, float],
                      inputs: list[SentenceInput]) -> list[Sentence]:
    """Sentences with kind and categories; a problem or recommendation keeps at least its best category.

    ``inputs`` are the ones the scores were computed from."""
    out = []
    for (start, end), inp, kind, kscore, cscores in zip(offsets, inputs, kinds, kind_scores, category_scores):
        kscore = round(float(kscore), 4)  # as the JSON writes it (the category scores too)
        if kind == "none":  # most sentences
            out.append(Sentence(start, end, kind, (), kscore, None, inp.section))
            continue
        categories = tuple(c for c in CATEGORIES if cscores.get(c, 0.0) >= thresholds.get(c, 0.5))
        if not categories:
            categories = (max(cscores, key=cscores.get),) if cscores else ()
        kept = {c: round(cscores[c], 4) for c in categories}
        out.append(Sentence(start, end, kind, categories, kscore, kept, inp.section))
    return out
