"""Score the shipped quantity extractor on the probe cases, spans matched exactly.

    .venv/bin/python eval/quantities/probe/score.py [--model PATH] [--cases FILE] [--quiet]

``cases.jsonl``: 220 one-sentence cases (currency, rates, fractions, ranges, measures, counts and
hard negatives) written from SCHEME §1 and GUIDELINES alone by a writer who saw neither the
grammar nor its spec cases, in the team's own words. The grammar was corrected after the first
run, so these cases are no longer unseen text; they stay as a check written by other hands.
Prints the share of expected spans found exactly, the share of those with the right value, unit,
upper end and approximation, and every case that differs.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

import jixiao

CASES = Path(__file__).with_name("cases.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--cases", type=Path, default=CASES, help=f"cases file (default: {CASES.name} here)")
    parser.add_argument("--quiet", action="store_true", help="the figures only, not the cases that differ")
    args = parser.parse_args()
    tagger = jixiao.load(args.model)
    expected = found = right = extra = 0
    differences = []
    for line in args.cases.read_text(encoding="utf-8").split("\n"):  # (not splitlines: a U+2028 in a text)
        if not line.strip():
            continue
        case = json.loads(line)
        text = case["text"]
        # spans are matched by (text, label), the k-th expected one of a key with the k-th found one
        # (a case may hold the same figure twice: each is a span of its own)
        predicted: dict[tuple[str, str], list] = {}
        for s in tagger.tag_text(text).spans:
            predicted.setdefault((text[s.start : s.end], s.label), []).append(s)
        problems = []
        for gold in case["spans"]:
            key = (gold["text"], gold["label"])
            expected += 1
            span = predicted[key].pop(0) if predicted.get(key) else None
            if span is None:
                problems.append(f"missed {key}")
                continue
            found += 1
            same = (Decimal(gold["value"]) == span.value and gold.get("unit") in (None, span.unit)
                    and (gold.get("value_max") is None) == (span.value_max is None)
                    and (gold.get("value_max") is None or Decimal(gold["value_max"]) == span.value_max)
                    and bool(gold.get("approx")) == bool(span.approx))
            right += same
            if not same:
                problems.append(f"value of {key}: expected {gold['value']} {gold.get('unit')} "
                                f"(max {gold.get('value_max')}, approx {bool(gold.get('approx'))}), got {span.value} "
                                f"{span.unit} (max {span.value_max}, approx {span.approx})")
        left = [f"extra {key}" for key, spans in predicted.items() for _ in spans]
        extra += len(left)
        problems = left + problems
        if problems:
            differences.append(f"{case['id']} {text}\n    " + "\n    ".join(problems))
    print(f"{found} of {expected} expected spans found exactly ({found / expected:.3f}); "
          f"{right} of {found} with the right value, unit, upper end and approximation; {extra} spans found that no case "
          "expects")
    if not args.quiet:
        print("\n".join(differences))


if __name__ == "__main__":
    main()
