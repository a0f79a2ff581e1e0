"""What a sentence classifier sees: the sentence text and the section it sits in.

Sections are always recomputed from the document text with the same heading detector that
tagging uses, so training, evaluation and tagging see identical inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlp.document.model import CATEGORIES, Document, Sentence
from nlp.document.sections import assign_sections

SECTION_MARKERS: dict[str, str] = {
    "problem": "【问题部分】",
    "recommendation": "【建议部分】",
    "experience": "【经验部分】",
    "table": "【表格】",
    "other": "",
}


@dataclass(frozen=True)
class SentenceInput:
    text: str
    section: str

    def marked(self) -> str:
        """The text with its section as a prefix, for backends that only take text."""
        return SECTION_MARKERS.get(self.section, "") + self.text


def sentence_inputs(doc: Document) -> list[SentenceInput]:
    offsets = [(s.start, s.end) for s in doc.sentences]
    sections = assign_sections(doc.text, offsets)
    return [SentenceInput(doc.text[s:e], "table" if _in_table(doc.text, s) else section)
            for (s, e), section in zip(offsets, sections)]


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


def apply_predictions(doc: Document, kinds: list[str], kind_scores: list[float],
                      category_scores: list[dict[str, float]], thresholds: dict[str, float],
                      inputs: list[SentenceInput] | None = None) -> list[Sentence]:
    """Sentences with kind and categories; a problem or recommendation keeps at least its best category.

    ``inputs`` are the ones the scores were computed from (recomputed when absent)."""
    inputs = sentence_inputs(doc) if inputs is None else inputs
    out = []
    for sentence, inp, kind, kscore, cscores in zip(doc.sentences, inputs, kinds, kind_scores, category_scores):
        categories: tuple[str, ...] = ()
        kept: dict[str, float] = {}
        if kind != "none":
            categories = tuple(c for c in CATEGORIES if cscores.get(c, 0.0) >= thresholds.get(c, 0.5))
            if not categories:
                categories = (max(cscores, key=cscores.get),) if cscores else ()
            kept = {c: round(cscores[c], 4) for c in categories}
        out.append(Sentence(sentence.start, sentence.end, kind, categories, kscore, kept, inp.section))
    return out
