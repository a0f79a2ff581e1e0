"""Score the quantity systems side by side on unseen text (the shift split, the test split, the five gold reports).

Systems: the package grammar alone (``RuleExtractor()``: what the next model will be trained
with), the shipped model's quantity part (``jixiao.load().quantities``: it keeps the grammar it
was trained with, so it only sees grammar changes after retraining) and JioNLP's
``extract_money`` (AMOUNT only; its other labels are not scored). Every system goes through the
tagging path (``predict_spans``) and the project's scorer (``score_documents``).

Run from the repository root:

    .venv/bin/python eval/quantities/compare.py [--out eval/quantities] [--baseline eval/quantities/baseline.json]
        [--speed-against /tmp/jixiao-before]

It writes ``metrics.json`` and ``RESULTS.md`` into ``--out`` (by default the committed ones: pass
another folder to compare without rewriting them); with ``--baseline`` (a metrics.json
of an earlier run) RESULTS.md shows the earlier figures beside the new ones. The shift split is
only scored here: its sentences and error listings are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.document.jsonl import read_documents
from jixiao.document.model import LABELS, Document
from jixiao.evaluation.crossval import Extractor, predict_spans
from jixiao.evaluation.data import read_split
from jixiao.evaluation.provenance import git_commit
from jixiao.evaluation.score import score_documents

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import against  # noqa: E402  (the sibling script)

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ("shift", "test", "gold")


def load_datasets(corpus: Path) -> dict[str, list[Document]]:
    gold = [d for f in sorted((corpus / "gold").glob("*.jsonl")) for d in read_documents(f)]
    return {"shift": read_split(corpus, "shift").documents, "test": read_split(corpus, "test").documents,
            "gold": gold}


def systems(trained: Path | None = None) -> dict[str, Callable[[], Extractor]]:
    """The contenders. With ``trained`` (a model folder whose quantity part is a trained linear
    component, e.g. from ``jixiao train spans --backend linear --model DIR``), that component in both of its decision
    modes: ``model alone`` and ``combined`` (the grammar's decisions stand unless the model is very
    sure otherwise)."""

    def rules() -> Extractor:
        from jixiao.quantities.rules import RuleExtractor

        return RuleExtractor()

    def shipped() -> Extractor:
        import jixiao

        extractor = jixiao.load().quantities
        assert extractor is not None
        return extractor

    def mode(name: str) -> Callable[[], Extractor]:
        def build() -> Extractor:
            from jixiao.quantities.linear_extractor import load_linear_quantities

            assert trained is not None
            extractor = load_linear_quantities(trained / "quantities")
            extractor.cfg = {**extractor.cfg, "mode": name}
            return extractor

        return build

    def jionlp() -> Extractor:
        from jixiao.evaluation.jionlp_peer import JioNLPMoney

        return JioNLPMoney()

    out: dict[str, Callable[[], Extractor]] = {"rules": rules, "shipped model": shipped}
    if trained is not None:
        out.update({"model alone": mode("model"), "combined": mode("combined")})
    out["jionlp (AMOUNT only)"] = jionlp
    return out


def summarize(metrics: dict[str, Any]) -> dict[str, Any]:
    spans = metrics["spans"]
    row = {"micro": spans["micro"], "values": metrics["values"]["accuracy"]}
    row.update({label: spans[label] for label in LABELS})
    return row


def measure(corpus: Path, trained: Path | None = None) -> dict[str, Any]:
    data = load_datasets(corpus)
    results: dict[str, Any] = {"commit": git_commit(), "datasets": {k: len(v) for k, v in data.items()},
                               "gold_spans": {k: sum(len(d.spans) for d in v) for k, v in data.items()},
                               "systems": {}}
    for name, build in systems(trained).items():
        extractor = build()
        per: dict[str, Any] = {}
        for key, docs in data.items():
            started = time.perf_counter()
            predicted = predict_spans(extractor, docs)
            per[key] = summarize(score_documents(docs, predicted, sentences=False)[0])
            per[key]["seconds"] = round(time.perf_counter() - started, 3)
        results["systems"][name] = per
    return results


def _cell(row: dict[str, Any] | None, label: str) -> str:
    return "–" if row is None else f"{row[label]['f1']:.3f}"


def table(results: dict[str, Any], baseline: dict[str, Any] | None, dataset: str) -> str:
    lines = ["| system | micro P | micro R | micro F1 | AMOUNT F1 | RATE F1 | COUNT F1 | MEASURE F1 | values |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    runs = [("", results)] + ([("before: ", baseline)] if baseline else [])
    for name in results["systems"]:
        for prefix, run in runs:
            row = run["systems"].get(name, {}).get(dataset)
            if row is None:
                continue
            if name.startswith("jionlp"):
                a = row["AMOUNT"]
                lines.append(f"| {prefix}{name} | – | – | – | {a['f1']:.3f} (P {a['p']:.3f} R {a['r']:.3f}) | – | – | – | – |")
                continue
            m = row["micro"]
            cells = " | ".join(_cell(row, label) for label in LABELS)
            lines.append(f"| {prefix}{name} | {m['p']:.3f} | {m['r']:.3f} | **{m['f1']:.4f}** | {cells} | {row['values']:.4f} |")
    return "\n".join(lines)


def render(results: dict[str, Any], baseline: dict[str, Any] | None, command: str) -> str:
    names = {"shift": "Shift split (`corpus/shift/`, evaluation only)", "test": "Test split (`splits.json` test)",
             "gold": "The five gold reports (`corpus/gold/`)"}
    parts = [
        "# Quantities: rules, shipped model and JioNLP on unseen text\n",
        f"Measured at commit `{results['commit']}` (working tree) with\n\n```bash\n{command}\n```\n",
        "`rules` is the package grammar alone (`RuleExtractor()`); `shipped model` is "
        "`jixiao.load().quantities`, the bundled model's quantity part, which keeps its own copy of the grammar "
        "(it does not see grammar changes until it is reinstalled); `model alone` and `combined` are the "
        "trained linear component of `--trained` in its two decision modes (the model decides; the grammar "
        "decides unless the model is very sure otherwise); JioNLP `extract_money` is scored on AMOUNT only. Exact span "
        "matching (boundaries and label); `values` is the share of matched spans whose value, unit, upper "
        "bound and comparator agree.",
    ]
    if baseline:
        parts.append(f"Rows marked `before:` are the figures at commit `{baseline['commit']}` before issue 14's "
                     "grammar work (the same script, same data).")
    for key in DATASETS:
        parts.append(f"## {names[key]}\n\n{results['datasets'][key]} documents, {results['gold_spans'][key]} gold spans.\n\n"
                     + table(results, baseline, key))
    if "speed" in results:
        speed = results["speed"]
        parts.append("## Speed of the grammar scan\n\n`RuleExtractor().extract` over the five reports (best of "
                     "150 passes each, the two packages taking turns in one process, "
                     "`eval/quantities/timing.py --against`): working tree "
                     f"**{speed['now_ms']:.1f} ms** per pass, before **{speed['before_ms']:.1f} ms** "
                     f"(ratio {speed['now_ms'] / speed['before_ms']:.3f}; `{speed['against']}`).")
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "quantities")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--baseline", type=Path, default=None, help="metrics.json of an earlier run to show beside")
    parser.add_argument("--trained", type=Path, default=None,
                        help="a model folder with a trained linear quantity part, scored alone and combined")
    parser.add_argument("--speed-against", type=Path, default=None,
                        help="a folder holding an older jixiao package to time the grammar scan against")
    args = parser.parse_args()
    results = measure(args.corpus, args.trained)
    if args.speed_against is not None:
        now, before = against(args.speed_against)
        results["speed"] = {"now_ms": round(now, 2), "before_ms": round(before, 2), "against": str(args.speed_against)}
    baseline = json.loads(args.baseline.read_text("utf-8")) if args.baseline else None
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    command = ".venv/bin/python eval/quantities/compare.py" + (
        f" --baseline {args.baseline.relative_to(ROOT) if args.baseline.is_absolute() else args.baseline}" if args.baseline else ""
    ) + (f" --trained {args.trained}" if args.trained else "") + (
        f" --speed-against {args.speed_against}" if args.speed_against else "")
    if args.trained:
        command = f"jixiao train spans --backend linear --model {args.trained}\n" + command
    if args.speed_against:
        command = ("mkdir -p /tmp/jixiao-before && git archive c546b7e nlp/jixiao | tar -x -C /tmp/jixiao-before "
                   "--strip-components=1\n" + command)
    (args.out / "RESULTS.md").write_text(render(results, baseline, command), "utf-8")
    for key in DATASETS:
        for name, per in results["systems"].items():
            row = per[key]
            figure = row["AMOUNT"]["f1"] if name.startswith("jionlp") else row["micro"]["f1"]
            print(f"{key:6} {name:22} {'AMOUNT F1' if name.startswith('jionlp') else 'micro F1'} {figure:.4f}")


if __name__ == "__main__":
    main()
