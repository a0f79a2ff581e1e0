"""``jixiao crossval``: leave-one-report-out cross-validation of every quantity system and
issue backend, side by side with JioNLP, written to eval/cv/."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.console import err
from jixiao.configs import SPANS_CONFIG


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def crossval(
    out: Annotated[Path, typer.Option(help="Folder for RESULTS.md and metrics.json.")] = Path("eval/cv"),
    corpus: Annotated[Path, typer.Option(help="Corpus folder.")] = Path("corpus"),
    config: Annotated[Path, typer.Option(help="spaCy config of the quantity component (default: the packaged one).")] = SPANS_CONFIG,
    backends: Annotated[str, typer.Option(help="Comma-separated issue backends to cross-validate.")] = "rules,sklearn,spacy",
    spans: Annotated[bool, typer.Option(help="Cross-validate the quantity systems.")] = True,
    issues: Annotated[bool, typer.Option(help="Cross-validate the issue backends.")] = True,
) -> None:
    """Train on four reports plus the authored supplement, test on the fifth, for each report."""
    from jixiao.atomic import write_text
    from jixiao.evaluation.crossval import crossval_issues, crossval_spans, spacy_factory
    from jixiao.evaluation.cv_report import amount_table, category_table, confusion_tables, issue_table, span_table
    from jixiao.evaluation.jionlp_peer import JioNLPMoney
    from jixiao.quantities.rules import RuleExtractor
    from jixiao.training.data import load_corpus

    docs = load_corpus(corpus)
    say = lambda m: err().print(m, markup=False)  # noqa: E731
    results: dict = {"commit": _commit()}  # type: ignore[type-arg]
    sections = [f"# Cross-validation results\n\nMeasured at commit `{results['commit']}` with\n\n```bash\n"
                f"jixiao crossval --out {out} --backends {backends}\n```\n\nLeave-one-report-out over the five "
                "reports: each fold trains on four reports plus the authored supplement (never tested on) and "
                "scores the fifth; held-out predictions of all folds are pooled. No fold tunes anything on its "
                "test report."]
    if spans:
        systems = {"rules": lambda tr: RuleExtractor(), "model": spacy_factory(False, config),
                   "combined": spacy_factory(True, config), "jionlp (AMOUNT only)": lambda tr: JioNLPMoney()}
        results["spans"] = crossval_spans(docs, systems, progress=say)
        ours = {k: v for k, v in results["spans"].items() if not k.startswith("jionlp")}
        sections.append("## Quantities\n\n`rules` is the grammar alone; `model` is the trained component on "
                        "context features only; `combined` is the component with the grammar's filters as "
                        "features (the shipped default).\n\n" + span_table(ours) +
                        "\n\n### AMOUNT against JioNLP `extract_money`\n\n" + amount_table(results["spans"]))
    if issues:
        names = [b.strip() for b in backends.split(",") if b.strip()]
        results["issues"] = crossval_issues(docs, names, progress=say)
        sections.append("## Issue classifier\n\n" + issue_table(results["issues"]) +
                        "\n\n### Per category\n\n" + category_table(results["issues"]) +
                        "\n\n### Kind confusion matrices\n\n" + confusion_tables(results["issues"]))
    write_text(out / "metrics.json", json.dumps(results, ensure_ascii=False, indent=1))
    write_text(out / "RESULTS.md", "\n\n".join(sections) + "\n")
    say(f"wrote {out / 'RESULTS.md'} and {out / 'metrics.json'}")
