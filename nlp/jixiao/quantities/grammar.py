"""Load the quantity grammar (YAML) and expand its named fragments into regular expressions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

_REF = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, eq=False)
class Grammar:
    """Compiled patterns are cached per grammar object, so equality is identity."""

    fragments: dict[str, str]
    multipliers: dict[str, int]
    currency: tuple[str, ...]
    percent_symbols: tuple[str, ...]
    percent_words: tuple[str, ...]
    count_classifiers: tuple[str, ...]
    count_not_before: tuple[str, ...]
    measure_units: tuple[str, ...]
    approx_before: tuple[str, ...]
    approx_after: tuple[str, ...]
    approx_false_words: tuple[str, ...]
    yi_not_before: tuple[str, ...]
    approx_inside: tuple[str, ...]
    not_after: tuple[str, ...]
    terms: tuple[str, ...]
    yi_not_after: tuple[str, ...]
    money_cues: tuple[str, ...]
    money_cues_after: tuple[str, ...]
    classifier_word_blocks: frozenset[str]
    ordinal_classifiers: tuple[str, ...]
    ordinal_forms: tuple[str, ...]
    ordinal_classifier_counts_after: tuple[str, ...]
    address_after: re.Pattern[str]
    not_money_cues: tuple[str, ...]

    def expand(self, pattern: str) -> str:
        """Replace ``{name}`` references recursively by their fragments."""
        for _ in range(10):
            new = _REF.sub(lambda m: self.fragments[m.group(1)], pattern)
            if new == pattern:
                return new
            pattern = new
        raise ValueError(f"fragment references nest too deep in {pattern!r}")


def _unique_longest_first(items: list[str]) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(items), key=len, reverse=True))


def grammar_from_dict(data: dict[str, Any]) -> Grammar:
    filters = data["filters"]
    return Grammar(
        fragments=dict(data["fragments"]),
        multipliers={k: int(v) for k, v in data["multipliers"].items()},
        currency=_unique_longest_first(data["currency"]),
        percent_symbols=tuple(data["percent"]["symbols"]),
        percent_words=_unique_longest_first(data["percent"]["words"]),
        count_classifiers=_unique_longest_first(data["count_classifiers"]),
        count_not_before=_unique_longest_first(data["count_not_before"]),
        measure_units=_unique_longest_first(data["measure_units"]),
        approx_before=_unique_longest_first(data["approx_before"]),
        approx_after=_unique_longest_first(data["approx_after"]),
        approx_false_words=_unique_longest_first(data.get("approx_false_words", [])),
        yi_not_before=_unique_longest_first(filters.get("yi_not_before", [])),
        approx_inside=_unique_longest_first(data["approx_inside"]),
        not_after=_unique_longest_first(filters["not_after"]),
        terms=_unique_longest_first(filters["terms"]),
        yi_not_after=_unique_longest_first(filters["yi_not_after"]),
        money_cues=_unique_longest_first(filters["money_cues"]),
        money_cues_after=_unique_longest_first(filters["money_cues_after"]),
        classifier_word_blocks=frozenset(data["classifier_word_blocks"]),
        ordinal_classifiers=tuple(data["ordinal_classifiers"]),
        ordinal_forms=tuple(data["ordinal_forms"]),
        ordinal_classifier_counts_after=tuple(data.get("ordinal_classifier_counts_after", [])),
        address_after=re.compile(data.get("address_after", "(?!x)x")),
        not_money_cues=_unique_longest_first(filters["not_money_cues"]),
    )


GRAMMAR_FILE = "grammar.yaml"


@lru_cache(maxsize=1)
def packaged_grammar_text() -> str:
    """The grammar the package ships (``quantities/grammar/quantities.yaml``): what new models are
    trained with and what the rules-only tagger uses. A trained model keeps its own copy."""
    return resources.files("jixiao.quantities").joinpath("grammar/quantities.yaml").read_text("utf-8")


@lru_cache(maxsize=8)
def parse_grammar(text: str) -> Grammar:
    """A grammar from its YAML text (cached by text: models that carry the same grammar share it)."""
    return grammar_from_dict(yaml.safe_load(text))


def load_grammar(path: str | Path | None = None) -> Grammar:
    """The packaged grammar, or the one in the YAML file at ``path`` (a model's own copy)."""
    return parse_grammar(packaged_grammar_text() if path is None else Path(path).read_text("utf-8"))
