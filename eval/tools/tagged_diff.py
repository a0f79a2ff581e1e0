"""Compare two `jixiao tag` outputs document by document: texts, spans (with values and scores)
and sentences (kinds, categories, scores). Exit 0 when they are identical, 1 otherwise.

    python eval/tools/tagged_diff.py before.jsonl after.jsonl [--ignore-scores]

Used to check that a change which should not alter predictions (a refactoring, a speed-up)
leaves the tagger's output on the five reports as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

COMPARED = ("text", "spans", "sentences", "tables")
SCORE_KEYS = ("score", "kind_score", "category_scores")


def _records(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as handle:
        return {r["id"]: r for r in map(json.loads, handle) if r.get("id")}


def _strip(items: list[dict], ignore_scores: bool) -> list[dict]:  # type: ignore[type-arg]
    return [{k: v for k, v in item.items() if not (ignore_scores and k in SCORE_KEYS)} for item in items]


def differences(before: Path, after: Path, ignore_scores: bool = False) -> list[str]:
    a, b = _records(before), _records(after)
    out = [f"{doc}: only in {before}" for doc in sorted(a.keys() - b.keys())]
    out += [f"{doc}: only in {after}" for doc in sorted(b.keys() - a.keys())]
    for doc in sorted(a.keys() & b.keys()):
        for key in COMPARED:
            x, y = a[doc].get(key), b[doc].get(key)
            if isinstance(x, list) and isinstance(y, list) and key != "tables":
                x, y = _strip(x, ignore_scores), _strip(y, ignore_scores)
            if x != y:
                n = len(x) if isinstance(x, list) else "-"
                m = len(y) if isinstance(y, list) else "-"
                out.append(f"{doc}: {key} differ ({n} before, {m} after)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore-scores", action="store_true", help="compare labels and values only")
    args = parser.parse_args()
    found = differences(args.before, args.after, args.ignore_scores)
    for line in found:
        print(line)
    print("identical" if not found else f"{len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
