"""The transparent baseline: the keyword lists of ``keywords.yaml`` alone.

Kind comes from the sentence's own words (problem words and the cue groups of shortcomings;
remedy words and obligations), wherever it stands; the heading above it only turns an imperative
under a part that reports practice or describes duties into ``none``, and breaks a tie between
problem and remedy words. Categories come from topic keywords. A problem or recommendation with
no category keyword falls back to ``none``: the scheme requires at least one category for those
kinds, and an uncategorised guess is more often a false alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jixiao.document.model import CATEGORIES, Document, Sentence
from jixiao.document.sections import NOT_PRESCRIBING
from jixiao.lazy_regex import Regex, lazy_compile
from jixiao.yaml_data import load_yaml


@dataclass(frozen=True, eq=False)
class KeywordRules:
    """The keyword lists of ``keywords.yaml``, compiled: the rules backend classifies with them and
    the linear backend reads them as cue features. Data, not code, so that a researcher can extend
    a list and retrain without touching Python."""

    text: str  # the YAML they were compiled from, saved with every model that uses them
    problem: tuple[Regex, ...]
    recommendation: tuple[Regex, ...]
    not_problem: tuple[Regex, ...]
    categories: dict[str, tuple[Regex, ...]]
    cues: dict[str, tuple[Regex, ...]] = field(default_factory=dict)  # feature-only groups


KEYWORDS_FILE = "keywords.yaml"


@lru_cache(maxsize=1)
def packaged_keywords_text() -> str:
    """The keyword lists the package ships: what new models are built with. A saved model keeps
    its own copy (``keywords.yaml`` in its folder), read by ``load_keywords(folder / ...)``."""
    return resources.files("jixiao.issues").joinpath(KEYWORDS_FILE).read_text("utf-8")


@lru_cache(maxsize=8)
def parse_keywords(text: str) -> KeywordRules:
    """Compile the YAML ``text`` of a keyword file (cached: every model built from the same lists
    shares one compiled copy)."""
    data = load_yaml(text)
    # compiled at the first search (jixiao.lazy_regex): the scanner reads their literals without
    # compiling them, and runs most of them on no sentence of a short document
    compile_all = lambda items: tuple(lazy_compile(p) for p in items)  # noqa: E731
    return KeywordRules(
        text=text,
        problem=compile_all(data["kind"]["problem"]),
        recommendation=compile_all(data["kind"]["recommendation"]),
        not_problem=compile_all(data["kind"].get("not_problem", [])),
        categories={key: compile_all(data["categories"].get(key, [])) for key in CATEGORIES},
        cues={key: compile_all(patterns) for key, patterns in (data.get("cues") or {}).items()},
    )


def load_keywords(path: str | Path | None = None) -> KeywordRules:
    """The package's keyword rules, or those in the YAML file at ``path`` (a model's own copy)."""
    return parse_keywords(packaged_keywords_text() if path is None else Path(path).read_text("utf-8"))


def save_keywords(rules: KeywordRules, folder: Path) -> None:
    """Write the lists into a model folder, so the model keeps reading the lists it was built with."""
    (folder / KEYWORDS_FILE).write_text(rules.text, "utf-8")


def _hits(patterns: tuple[Regex, ...], text: str) -> int:
    return sum(1 for p in patterns if p.search(text))


@dataclass
class RuleClassifier:
    """The keyword baseline (the ``rules`` backend): a sentence is a problem or a recommendation when
    its own words match a list, its categories are the lists of topic words it matches. It is the
    floor every trained backend is compared with in ``eval/``."""

    rules: KeywordRules = field(default_factory=load_keywords)
    name: str = "rules"

    def classify(self, doc: Document) -> list[Sentence]:
        return self.classify_offsets(doc.text, [(s.start, s.end) for s in doc.sentences])

    def classify_offsets(self, text: str, offsets: Sequence[tuple[int, int]]) -> list[Sentence]:
        from jixiao.issues.inputs import inputs_at

        return [self.classify_sentence(inp.text, Sentence(s, e, section=inp.section))
                for inp, (s, e) in zip(inputs_at(text, offsets), offsets)]

    def classify_many(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[list[Sentence]]:
        return [self.classify_offsets(text, offsets) for text, offsets in items]

    def classify_sentence(self, text: str, sentence: Sentence) -> Sentence:
        categories = tuple(k for k, pats in self.rules.categories.items() if _hits(pats, text))
        kind = self._kind(text, sentence.section) if categories and sentence.section != "table" else "none"
        if kind == "none":
            categories = ()
        scores = {k: 1.0 for k in categories}
        return replace(sentence, kind=kind, categories=categories, kind_score=1.0, category_scores=scores)

    def _kind(self, text: str, section: str | None) -> str:
        """Kind from the sentence's own words: a shortcoming (problem words, negated actions,
        compliance findings, shortfalls, counted findings) unless it reports practice or completed
        rectification; a remedy (建议, obligations, imperative openings) unless it stands under a
        part that reports practice or describes duties and targets (the one use of the heading)."""
        cues = self.rules.cues
        problem = (_hits(self.rules.problem, text) or any(_hits(cues.get(k, ()), text) for k in PROBLEM_CUES)) and not (
            _hits(self.rules.not_problem, text) or any(_hits(cues.get(k, ()), text) for k in NOT_PROBLEM_CUES))
        recommend = (_hits(self.rules.recommendation, text) or _hits(cues.get("obligation", ()), text)) and (
            section not in NOT_PRESCRIBING)
        if problem and recommend:
            obliged = section == "recommendation" or _hits(cues.get("obligation", ()), text)
            return "recommendation" if obliged else "problem"
        if problem:
            return "problem"
        return "recommendation" if recommend else "none"


# The cue groups of keywords.yaml that state a shortcoming, and those that state good practice or
# completed rectification (which a shortcoming word in the same sentence does not make a problem).
PROBLEM_CUES: tuple[str, ...] = ("negated_action", "irregular", "shortfall", "counted_finding")
NOT_PROBLEM_CUES: tuple[str, ...] = ("good_practice", "rectified")


def train_rules(train_docs: list[Document], dev_docs: list[Document], settings: dict | None = None) -> RuleClassifier:  # type: ignore[type-arg]
    """The rules need no training; this keeps the backend interface uniform."""
    return RuleClassifier()


def save_rules(model: RuleClassifier, folder: Path) -> None:
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"backend": "rules"}), "utf-8")
    save_keywords(model.rules, folder)


def load_rules(folder: Path) -> RuleClassifier:
    """The folder's own keyword lists when it has them (a model folder written by ``save_rules``)."""
    own = Path(folder) / KEYWORDS_FILE
    return RuleClassifier(load_keywords(own if own.is_file() else None))
