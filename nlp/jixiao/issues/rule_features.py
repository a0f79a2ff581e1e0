"""The keyword rules as features for the learned backends: which cue and topic lists fire.

The rules encode the scheme's definitions; giving them to a linear model as features lets it
lean on them where the training data is thin and override them where the data says otherwise.
"""

from __future__ import annotations


import numpy as np

from jixiao.document.model import CATEGORIES
from jixiao.issues.inputs import SentenceInput
from jixiao.issues.rules import KeywordRules
from jixiao.issues.scanner import KeywordScanner

SECTIONS: tuple[str, ...] = ("problem", "recommendation", "experience", "table", "other")
FEATURE_NAMES: tuple[str, ...] = (
    "cue:problem", "cue:recommendation", "cue:not_problem", "short",
    *(f"topic:{c}" for c in CATEGORIES), *(f"section:{s}" for s in SECTIONS),
)


def rule_scanner(rules: KeywordRules) -> KeywordScanner:
    """The scanner of the groups ``rule_features`` reads: the three kind groups, then the topics."""
    return KeywordScanner([rules.problem, rules.recommendation, rules.not_problem,
                           *(rules.categories[c] for c in CATEGORIES)])


def rule_features(inputs: list[SentenceInput], rules: KeywordRules, scanner: KeywordScanner | None = None
                  ) -> np.ndarray:
    """One row per input: the cue groups, shortness, the topic groups, the section (one-hot);
    ``scanner``: ``rule_scanner(rules)``, if the caller keeps one."""
    texts = [inp.text for inp in inputs]
    scanned = list((scanner or rule_scanner(rules)).fires(texts).T)
    columns = scanned[:3]
    columns.append([len(t) < 8 for t in texts])
    columns += scanned[3:]
    index = [SECTIONS.index(inp.section) if inp.section in SECTIONS else len(SECTIONS) - 1 for inp in inputs]
    sections = np.zeros((len(inputs), len(SECTIONS)), dtype="float64")
    sections[np.arange(len(inputs)), index] = 1.0
    cues = np.asarray(columns, dtype="float64").reshape(len(columns), len(inputs)).T
    return np.hstack([cues, sections])
