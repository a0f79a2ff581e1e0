"""The quantity probes' scorer (eval/quantities/probe/score.py) counts what it is given.

A case may hold the same figure twice (「100%」 in prose and again in a table row): each is an
expected span of its own, matched with its own found span, and a figure found more often than
expected is extra each time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT / "eval" / "quantities" / "probe" / "score.py"


def _score(tmp_path: Path, cases: list[dict]) -> str:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
    done = subprocess.run([sys.executable, str(SCORER), "--cases", str(path)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return done.stdout


def _span(text: str, label: str, value: str, unit: str) -> dict:
    return {"text": text, "label": label, "value": value, "unit": unit, "approx": False, "value_max": None, "op": None}


def test_a_figure_written_twice_is_two_expected_spans(tmp_path: Path) -> None:
    text = "甲项目完成率100%，乙项目完成率100%，共2个项目。"
    both = [_span("100%", "RATE", "100", "%"), _span("100%", "RATE", "100", "%"), _span("2个", "COUNT", "2", "个")]
    out = _score(tmp_path, [{"id": "t1", "text": text, "spans": both}])
    assert out.splitlines()[0] == ("3 of 3 expected spans found exactly (1.000); 3 of 3 with the right value, unit, "
                                   "upper end and approximation; 0 spans found that no case expects")
    once = [_span("100%", "RATE", "100", "%"), _span("2个", "COUNT", "2", "个")]
    out = _score(tmp_path, [{"id": "t1", "text": text, "spans": once}])
    assert out.splitlines()[0].startswith("2 of 2 expected spans found exactly (1.000)")
    assert out.splitlines()[0].endswith("1 spans found that no case expects")
    assert "extra ('100%', 'RATE')" in out


def test_a_text_with_a_raw_line_separator_is_one_case(tmp_path: Path) -> None:
    """JSON Lines are split at \\n only: json.dumps leaves U+2028, U+0085 and U+2029 raw inside a
    string, which str.splitlines would take for the end of the line."""
    text = "预算资金100万元\u2028执行率95%\u0085共2个项目"
    spans = [_span("100万元", "AMOUNT", "1000000", "元"), _span("95%", "RATE", "95", "%"), _span("2个", "COUNT", "2", "个")]
    out = _score(tmp_path, [{"id": "t1", "text": text, "spans": spans}, {"id": "t2", "text": "完成3项。",
                                                                         "spans": [_span("3项", "COUNT", "3", "项")]}])
    assert out.splitlines()[0].startswith("4 of 4 expected spans found exactly (1.000)")
