"""Precision and recall of the consistency audit against corpus/audit_gold.jsonl.

A finding matches a gold discrepancy when both name the same document and check and their
figures overlap (the stated figure, or for a restatement any statement of the figure). Precision
counts findings that match some gold entry; recall counts gold entries matched by some finding.

    .venv/bin/python eval/audit/score.py                       # audit corpus/raw and score
    .venv/bin/python eval/audit/score.py out/findings.jsonl    # score a `jixiao audit` output
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def spans(record: dict[str, Any]) -> list[tuple[int, int]]:
    out = [(record["start"], record["end"])] if record.get("start") is not None else []
    out += [tuple(r) for r in record.get("related", [])]
    if record.get("related_start") is not None:
        out.append((record["related_start"], record["related_end"]))
    return out


def matches(finding: dict[str, Any], gold: dict[str, Any]) -> bool:
    if finding["doc_id"] != gold["doc_id"] or finding["check"] != gold["check"]:
        return False
    return any(a < d and c < b for a, b in spans(finding) for c, d in spans(gold))


def run_audit(raw: Path) -> list[dict[str, Any]]:
    from jixiao.audit import audit_document
    from jixiao.ingest.reader import read_file
    from jixiao.quantities.rules import RuleExtractor

    extractor = RuleExtractor()
    return [f.as_dict() for path in sorted(raw.glob("*.txt")) for f in audit_document(read_file(path), extractor)]


def score(findings: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    true_findings = [f for f in findings if any(matches(f, g) for g in gold)]
    found_gold = [g for g in gold if any(matches(f, g) for f in findings)]
    by_check = {}
    for check in sorted({g["check"] for g in gold} | {f["check"] for f in findings}):
        fs = [f for f in findings if f["check"] == check]
        gs = [g for g in gold if g["check"] == check]
        by_check[check] = {
            "findings": len(fs), "true": sum(f in true_findings for f in fs),
            "gold": len(gs), "found": sum(g in found_gold for g in gs),
        }
    return {
        "findings": len(findings),
        "gold": len(gold),
        "precision": len(true_findings) / len(findings) if findings else 1.0,
        "recall": len(found_gold) / len(gold) if gold else 1.0,
        "by_check": by_check,
        "false_positives": [f for f in findings if f not in true_findings],
        "missed": [g for g in gold if g not in found_gold],
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"findings {result['findings']}, gold {result['gold']}",
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}",
        "",
        "| check | findings | true | gold | found |",
        "|---|---:|---:|---:|---:|",
    ]
    for check, row in result["by_check"].items():
        lines.append(f"| {check} | {row['findings']} | {row['true']} | {row['gold']} | {row['found']} |")
    for title, records in (("false positives", result["false_positives"]), ("missed", result["missed"])):
        lines.append(f"\n{title}: {len(records)}")
        lines.extend(f"  {r['doc_id']} {r['check']} {r.get('item', '')} stated {r.get('stated')} at {r.get('start')}"
                     for r in records)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("findings", nargs="?", type=Path, help="findings JSON Lines; default: audit corpus/raw now")
    parser.add_argument("--gold", type=Path, default=ROOT / "corpus" / "audit_gold.jsonl")
    parser.add_argument("--raw", type=Path, default=ROOT / "corpus" / "raw")
    args = parser.parse_args()
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").split("\n") if line.strip()]
    if args.findings:
        findings = [json.loads(line) for line in args.findings.read_text(encoding="utf-8").split("\n") if line.strip()]
    else:
        findings = run_audit(args.raw)
    result = score(findings, gold)
    print(report(result))  # noqa: T201 - a script's output
    return 0 if not result["false_positives"] and not result["missed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
