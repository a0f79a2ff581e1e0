#!/usr/bin/env python3
"""A copy of the corpus with the older files brought in step with the widened `supervision` category.

SCHEME §2 widened `supervision` to the compliance findings of audits (funds misused, spending over
standards or outside the budget, accounts left unsettled, assets idle or not handed over,
management rules missing or not enforced, evaluation results not used); GUIDELINES §2–§4 spell it
out. The five reports' gold and `corpus/authored/issues_1.jsonl`–`issues_4.jsonl` were annotated
before that: of their problems and remedies that say 闲置 or 空置, 3 in 29 carry `supervision`,
against 70 in 92 in the batches written later.

Every problem and recommendation sentence of those files without `supervision` (2,072) was read
again, one by one, by two annotators working from SCHEME and GUIDELINES alone (one took the
gold and issues_1–3, the other issues_4), each deciding only whether `supervision` must be added.
Their decisions, with a reason for each, are `decisions.jsonl` beside this script (``doc``,
``start``, ``end``, ``add_supervision``, ``reason``, ``note``): 208 additions, 42 of them noted as
borderline by the annotators (contract terms that leave a provider unchecked, low use read as
idleness, survey results tied to a provider's assessment, lax review of claims).

Measured, not applied to the corpus (eval/issues/RESULTS.md, "The widened supervision category"):
this script writes the corrected corpus to ``--out`` (a new folder) and leaves ``corpus/`` as it is.
It adds `supervision` after a sentence's other categories where a decision says so and changes
nothing else; ``--without-borderline`` leaves out the additions noted as borderline. A decision
whose sentence is not found is an error.

    .venv/bin/python eval/issues/supervision_widening/apply.py --out /tmp/widened [--without-borderline]
    cp -r nlp/jixiao/models/jixiao-default /tmp/m
    .venv/bin/jixiao train issues --corpus /tmp/widened --model /tmp/m
    .venv/bin/jixiao evaluate --split shift --model /tmp/m
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DECISIONS = Path(__file__).resolve().parent / "decisions.jsonl"
OLDER_FILES = [*(f"gold/{p.name}" for p in sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))),
               *(f"authored/issues_{i}.jsonl" for i in (1, 2, 3, 4))]


def read_decisions(without_borderline: bool) -> dict[tuple[str, int, int], bool]:
    wanted = {}
    for line in DECISIONS.read_text("utf-8").split("\n"):  # not splitlines: a text may hold U+2028
        if not line.strip():
            continue
        decision = json.loads(line)
        add = bool(decision["add_supervision"])
        if without_borderline and "borderline" in (decision.get("note") or "").lower():
            add = False
        wanted[(decision["doc"], int(decision["start"]), int(decision["end"]))] = add
    return wanted


def widen(corpus: Path, wanted: dict[tuple[str, int, int], bool]) -> int:
    """Add `supervision` in ``corpus``'s older files where ``wanted`` says so; the number added."""
    found, added = set(), 0
    for name in OLDER_FILES:
        path = corpus / name
        lines = [line for line in path.read_text("utf-8").split("\n") if line.strip()]
        out = []
        for line in lines:
            doc = json.loads(line)
            for sentence in doc.get("sentences", ()):
                key = (doc["id"], sentence["start"], sentence["end"])
                if key in wanted:
                    found.add(key)
                    categories = sentence.setdefault("categories", [])
                    if wanted[key] and "supervision" not in categories:
                        categories.append("supervision")
                        added += 1
            out.append(json.dumps(doc, ensure_ascii=False))
        if out != lines:
            path.write_text("\n".join(out) + "\n", "utf-8")
    missing = set(wanted) - found
    if missing:
        raise SystemExit(f"{len(missing)} decision(s) name no sentence of the corpus, e.g. {sorted(missing)[0]}")
    return added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a new folder for the corrected copy of corpus/")
    parser.add_argument("--without-borderline", action="store_true",
                        help="leave out the additions the annotators noted as borderline")
    args = parser.parse_args()
    if args.out.exists():
        print(f"{args.out}: already exists; give a new folder", file=sys.stderr)
        return 2
    # the shift split is never trained on and not needed in the copy
    shutil.copytree(ROOT / "corpus", args.out, ignore=shutil.ignore_patterns("shift"))
    wanted = read_decisions(args.without_borderline)
    added = widen(args.out, wanted)
    print(f"{args.out}: {len(wanted)} decisions, {added} sentences given supervision")
    return 0


if __name__ == "__main__":
    sys.exit(main())
