"""The files of an evaluation run: metrics.json, predictions.jsonl, report.md and report.html.

predictions.jsonl holds exactly the documents that were scored, in ``jixiao tag``'s record
format, so any number in the reports can be traced to (and checked against) a tag run.
"""

from __future__ import annotations

import json
from pathlib import Path

from jixiao.document.jsonl import write_atomic
from jixiao.evaluation.report_html import render_html
from jixiao.evaluation.report_md import render_markdown
from jixiao.evaluation.run import Evaluation
from jixiao.outputs.records import output_line

OUTPUT_NAMES: tuple[str, ...] = ("metrics.json", "predictions.jsonl", "report.md", "report.html")


def write_outputs(out_dir: Path, ev: Evaluation, context_chars: int) -> list[Path]:
    """Write every output atomically (a reader never sees half a file); return their paths."""
    model = ev.metrics.get("model", {})
    source = str(ev.metrics.get("data", {}).get("path", ""))
    paths = [out_dir / name for name in OUTPUT_NAMES]
    write_atomic(paths[0], [json.dumps(ev.metrics, ensure_ascii=False, indent=1)])
    write_atomic(paths[1], (output_line(d, source, model) for d in ev.predictions))
    write_atomic(paths[2], [render_markdown(ev, context_chars)])
    write_atomic(paths[3], [render_html(ev, context_chars)])
    return paths
