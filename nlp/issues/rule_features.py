"""The keyword rules as features for the learned backends: which cue and topic lists fire.

The rules encode the scheme's definitions; giving them to a linear model as features lets it
lean on them where the training data is thin and override them where the data says otherwise.
"""

from __future__ import annotations

import re

import numpy as np

from nlp.document.model import CATEGORIES
from nlp.issues.inputs import SentenceInput
from nlp.issues.rules import KeywordRules, load_keywords

SECTIONS: tuple[str, ...] = ("problem", "recommendation", "experience", "table", "other")
FEATURE_NAMES: tuple[str, ...] = (
    "cue:problem", "cue:recommendation", "cue:not_problem", "short",
    *(f"topic:{c}" for c in CATEGORIES), *(f"section:{s}" for s in SECTIONS),
)


def rule_features(inputs: list[SentenceInput], rules: KeywordRules | None = None) -> np.ndarray:
    rules = rules or load_keywords()
    groups = (rules.problem, rules.recommendation, rules.not_problem)
    topics = tuple(rules.categories[c] for c in CATEGORIES)
    rows = []  # plain lists, one array at the end: item-wise NumPy writes cost more than the regexes
    for inp in inputs:
        text = inp.text
        row = [_fires(g, text) for g in groups]
        row.append(len(text) < 8)
        row += [_fires(t, text) for t in topics]
        section = [False] * len(SECTIONS)
        section[SECTIONS.index(inp.section) if inp.section in SECTIONS else -1] = True
        rows.append(row + section)
    return np.asarray(rows, dtype="float64").reshape(len(inputs), len(FEATURE_NAMES))


def _fires(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    for pattern in patterns:
        if pattern.search(text):
            return True
    return False
