"""The keyword lists as features for the linear classifier: what a sentence says, in its own words.

Every column is computed from the sentence text (and its form: a table cell, a short line); the
heading above a sentence is not a column unless a model is configured with a section weight, and
then only as a soft prior. A sentence therefore gets the same features wherever it stands — in a
存在问题 part, a news paragraph or a list without headings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from jixiao.document.model import CATEGORIES
from jixiao.document.sections import MAX_HEADING_CHARS, names_part
from jixiao.issues.inputs import SentenceInput
from jixiao.issues.rules import KeywordRules
from jixiao.issues.scanner import KeywordScanner
from jixiao.lazy_regex import Regex

# The only heading context a model may weigh, and only as a soft prior: whether a sentence stands
# under a part that prescribes (建议, 整改要求) or one that reports practice (经验, 做法). These
# decide what an imperative sentence is (「制定有效的绩效监控机制」 is a remedy under 建议 and a
# practice under 主要做法); a shortcoming is recognisable from its own words, so no column says
# "under a 存在问题 heading" or "under no heading".
SECTIONS: tuple[str, ...] = ("recommendation", "experience")
_NUMBERED = re.compile(r"^\s*([（(]?[0-9一二三四五六七八九十]{1,3}[）)、.．]|[①-⑳])")


def cue_names(rules: KeywordRules, sections: Sequence[str] = (), part_column: bool = False) -> list[str]:
    """The feature columns, in order (saved with a model so a changed list is noticed);
    ``sections``: the heading contexts that get a column (a subset of ``SECTIONS``);
    ``part_column``: whether the line names a part of the report (``form:names_part``, a setting
    of the model: models trained before it existed have no such column)."""
    names = ["cue:problem", "cue:recommendation", "cue:not_problem"]
    names += [f"cue:{key}" for key in rules.cues]
    names += [f"topic:{c}" for c in CATEGORIES]
    names += ["form:short", "form:table", "form:numbered", "form:heading_like"]
    names += ["form:names_part"] if part_column else []
    names += [f"section:{s}" for s in sections]
    return names


def cue_scanner(rules: KeywordRules, skip: Collection[str] = ()) -> KeywordScanner:
    """The scanner of the keyword groups of ``cue_names`` that are not in ``skip``, in that order
    (a model keeps one: building it reads every pattern)."""
    return KeywordScanner([group for name, group in _keyword_groups(rules) if name not in skip])


def _keyword_groups(rules: KeywordRules) -> list[tuple[str, tuple[Regex, ...]]]:
    """(column name, patterns) of the keyword columns, the first columns of ``cue_names``."""
    groups = [rules.problem, rules.recommendation, rules.not_problem, *rules.cues.values(),
              *(rules.categories[c] for c in CATEGORIES)]
    return list(zip(cue_names(rules), groups))


def cue_features(inputs: Sequence[SentenceInput], rules: KeywordRules, sections: Sequence[str] = (),
                 skip: Collection[str] = (), scanner: KeywordScanner | None = None,
                 part_column: bool = False) -> np.ndarray:
    """One row per input, one column per name of ``cue_names`` (0 or 1), as float32.

    The keyword groups named in ``skip`` are not scanned and their columns are 0 (a model that
    gives them no weight needs no scan); ``scanner``: ``cue_scanner(rules, skip)``, if the caller
    keeps one.

    ``form:heading_like`` (short, no end punctuation) marks headings and list items alike; the
    ``form:names_part`` column (``part_column``) tells the headings that only name a part
    (「（二）存在问题」, 「有关建议」), which are ``none``, from a list item that states a
    shortcoming or a remedy in a few words, which is not."""
    texts = [inp.text for inp in inputs]
    groups = [name for name, _ in _keyword_groups(rules)]
    forms = [[len(t.strip()) < 8 for t in texts],
             [inp.section == "table" for inp in inputs],
             [_NUMBERED.match(t) is not None for t in texts],
             [len(t) <= 30 and not t.rstrip().endswith(("。", "；", ";", "！", "？")) for t in texts]]
    if part_column:
        # a line longer than any heading names no part (inputs are canonical: no white space to
        # strip); most sentences are, and skip the test
        forms.append([len(t) <= MAX_HEADING_CHARS and names_part(t) for t in texts])
    forms.extend([inp.section == name for inp in inputs] for name in sections)
    # filled in place: the scanner's columns as one block, the others from one list of lists
    # (a list mixing arrays and lists made NumPy convert it element by element)
    matrix = np.zeros((len(texts), len(groups) + len(forms)), dtype=np.float32)
    scanned = [i for i, name in enumerate(groups) if name not in skip]
    if texts and scanned:
        matrix[:, scanned] = (scanner or cue_scanner(rules, skip)).fires(texts)
    if texts:
        matrix[:, len(groups):] = np.array(forms, dtype=bool).T
    return matrix
