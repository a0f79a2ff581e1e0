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
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nlp.corpus.split import leave_one_out  # noqa: E402
from nlp.evaluation.crossval import blank_labels  # noqa: E402
from nlp.evaluation.score import score_documents  # noqa: E402
from nlp.issues.sklearn_backend import train_sklearn  # noqa: E402
from nlp.training.data import load_corpus, load_splits  # noqa: E402


def score_setting(settings: dict, corpus: Path = ROOT / "corpus") -> dict:  # type: ignore[type-arg]
    docs = load_corpus(corpus)
    test = set(load_splits(corpus)["test"])
    by_id = {d.id: d for d in docs if d.id not in test}
    gold, predicted = [], []
    for train_ids, held_out in leave_one_out(list(by_id.values())):
        model = train_sklearn([by_id[i] for i in train_ids], [], settings)
        doc = blank_labels(by_id[held_out])
        gold.append(by_id[held_out])
        predicted.append(replace(doc, sentences=tuple(model.classify(doc))))
    return score_documents(gold, predicted, spans=False)[0]


def main() -> None:
    for argument in sys.argv[1:] or ["{}"]:
        started = time.perf_counter()
        metrics = score_setting(json.loads(argument))
        print(f"{argument}\tkind macro-F1 {metrics['kind']['macro_f1']:.4f}\t"
              f"categories micro-F1 {metrics['categories']['micro']['f1']:.4f}\t"
              f"macro-F1 {metrics['categories']['macro_f1']:.4f}\t{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
