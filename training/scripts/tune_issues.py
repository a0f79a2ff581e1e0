"""Pick the sklearn issue classifier's settings without looking at the test report.

    .venv/bin/python training/scripts/tune_issues.py '{}' '{"real_weight": 6}' ...

Each argument is a settings object (JSON, merged over the backend's DEFAULTS). Every setting is
scored by leave-one-report-out over the four reports that are not the test split's: the test
report is neither trained on nor scored, and the authored supplement is in every training fold.
Prints one line per setting: pooled kind macro-F1, category micro-F1 and macro-F1.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jixiao.document.model import Document  # noqa: E402
from jixiao.evaluation.crossval import crossval_issues  # noqa: E402
from jixiao.training.data import load_corpus, load_splits  # noqa: E402


def tuning_documents(corpus: Path = ROOT / "corpus") -> list[Document]:
    """The corpus without the test split: its reports are neither trained on nor scored."""
    test = set(load_splits(corpus)["test"])
    return [d for d in load_corpus(corpus) if d.id not in test]


def main() -> None:
    docs = tuning_documents()
    for argument in sys.argv[1:] or ["{}"]:
        started = time.perf_counter()
        metrics = crossval_issues(docs, ["sklearn"], {"sklearn": json.loads(argument)})["sklearn"]
        print(f"{argument}\tkind macro-F1 {metrics['kind']['macro_f1']:.4f}\t"
              f"categories micro-F1 {metrics['categories']['micro']['f1']:.4f}\t"
              f"macro-F1 {metrics['categories']['macro_f1']:.4f}\t{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
