"""Quick timing of the grammar scan: ``RuleExtractor().extract`` over the five reports.

The finder is on the hot path of tagging, so grammar changes must not slow it down. Best of
``--repeat`` runs, each extracting every report ``--rounds`` times (the first call, which
compiles the patterns, is not timed). Run from the repository root:

    .venv/bin/python eval/quantities/timing.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jixiao.document.jsonl import read_documents
from jixiao.quantities.rules import RuleExtractor

ROOT = Path(__file__).resolve().parents[2]


def time_rules(texts: list[str], rounds: int, repeat: int) -> tuple[float, int]:
    """Best seconds per round over all texts, and the number of spans found in one round."""
    extractor = RuleExtractor()
    found = sum(len(extractor.extract(t)) for t in texts)  # warm-up: compile patterns
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                extractor.extract(text)
        best = min(best, (time.perf_counter() - started) / rounds)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [d.text for f in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")) for d in read_documents(f)]
    seconds, found = time_rules(texts, args.rounds, args.repeat)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} reports, {chars} characters, {found} spans: {seconds * 1000:.1f} ms per pass "
          f"({chars / seconds / 1e6:.2f} M chars/s)")


if __name__ == "__main__":
    main()
