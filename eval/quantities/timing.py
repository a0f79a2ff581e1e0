"""Quick timing of the grammar scan: ``RuleExtractor().extract`` over the five reports.

The finder is on the hot path of tagging, so grammar changes must not slow it down. Best of
``--repeat`` runs, each extracting every report ``--rounds`` times (the first call, which
compiles the patterns, is not timed). Run from the repository root:

    .venv/bin/python eval/quantities/timing.py
    .venv/bin/python eval/quantities/timing.py --against /tmp/jixiao-before

``--against DIR`` times an older copy of the package as well (``DIR/jixiao``, for instance from
``git archive c546b7e nlp/jixiao | tar -x -C /tmp/jixiao-before --strip-components=1``), in the
same process, the two taking turns pass by pass, so that both see the same machine load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def report_texts() -> list[str]:
    from jixiao.document.jsonl import read_documents

    return [d.text for f in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")) for d in read_documents(f)]


def time_rules(texts: list[str], rounds: int, repeat: int) -> tuple[float, int]:
    """Best seconds per round over all texts, and the number of spans found in one round."""
    from jixiao.quantities.rules import RuleExtractor

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


def _extractor_from(package_dir: Path) -> Any:
    """A RuleExtractor of the jixiao package in ``package_dir``, built before the working tree's is
    imported: its modules keep their own globals, so both packages live side by side afterwards."""
    def ours() -> list[str]:
        return [m for m in sys.modules if m == "jixiao" or m.startswith("jixiao.")]

    loaded = {name: sys.modules.pop(name) for name in ours()}  # the working tree's, if imported already
    sys.path.insert(0, str(package_dir))
    try:
        from jixiao.quantities.rules import RuleExtractor

        extractor = RuleExtractor()  # reads and compiles that package's own grammar now
    finally:
        sys.path.remove(str(package_dir))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(loaded)
    return extractor


def against(package_dir: Path, rounds: int = 150) -> tuple[float, float]:
    """Best milliseconds per pass of the working tree and of the package in ``package_dir``, timed
    in one process taking turns pass by pass, so that both see the same machine load."""
    before_extractor = _extractor_from(package_dir)
    from jixiao.quantities.rules import RuleExtractor

    now_extractor, texts = RuleExtractor(), report_texts()
    for extractor in (now_extractor, before_extractor):
        for text in texts:
            extractor.extract(text)
    best = {"now": float("inf"), "before": float("inf")}
    for turn in range(rounds):
        order = [("now", now_extractor), ("before", before_extractor)]
        for name, extractor in order if turn % 2 == 0 else order[::-1]:
            started = time.perf_counter()
            for text in texts:
                extractor.extract(text)
            best[name] = min(best[name], time.perf_counter() - started)
    return best["now"] * 1000, best["before"] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", type=Path, default=None, help="a folder holding an older jixiao package")
    args = parser.parse_args()
    if args.against is not None:
        now, before = against(args.against, rounds=args.rounds * args.repeat)
        print(f"working tree {now:.1f} ms, {args.against} {before:.1f} ms per pass (ratio {now / before:.3f})")
        return
    texts = report_texts()
    seconds, found = time_rules(texts, args.rounds, args.repeat)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} reports, {chars} characters, {found} spans: {seconds * 1000:.1f} ms per pass "
          f"({chars / seconds / 1e6:.2f} M chars/s)")


if __name__ == "__main__":
    main()
