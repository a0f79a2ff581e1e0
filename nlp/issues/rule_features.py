"""The keyword rules as features for the learned backends: which cue and topic lists fire.

The rules encode the scheme's definitions; giving them to a linear model as features lets it
lean on them where the training data is thin and override them where the data says otherwise.
"""

from __future__ import annotations

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
    rows = np.zeros((len(inputs), len(FEATURE_NAMES)), dtype="float64")
    for i, inp in enumerate(inputs):
        text = inp.text
        rows[i, 0] = any(p.search(text) for p in rules.problem)
        rows[i, 1] = any(p.search(text) for p in rules.recommendation)
        rows[i, 2] = any(p.search(text) for p in rules.not_problem)
        rows[i, 3] = len(text) < 8
        for j, category in enumerate(CATEGORIES):
            rows[i, 4 + j] = any(p.search(text) for p in rules.categories[category])
        rows[i, 4 + len(CATEGORIES) + SECTIONS.index(inp.section if inp.section in SECTIONS else "other")] = 1.0
    return rows
