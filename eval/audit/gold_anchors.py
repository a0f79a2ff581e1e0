"""Locate the hand-listed discrepancies of corpus/audit_gold.jsonl in the document text.

The list below was written by reading the five reports (see the notes); this script only turns
each entry's text anchors into character offsets over the cleaned text that ``read_file`` yields,
so the gold file stays valid if cleaning changes. Run it to rewrite the gold file:

    .venv/bin/python eval/audit/gold_anchors.py > corpus/audit_gold.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jixiao.ingest.reader import read_file  # noqa: E402

D001, D003 = "001_f25cf90dc0a01762", "003_7a2d2a46f442ff4e"

# (doc, check, item, location, anchors, stated, computed, note)
# anchors: list of (text before, figure, occurrence of the text before) — the first anchor is the
# stated figure, the others are the other statements of the same figure (restatements).
ROWS_001 = [
    ("残疾人两项补贴", "380.00 \n\t270.00 \n\t266.47 \n\t", "100.00%", "98.69", "266.47 / 270.00 = 98.69%; the interval reaches 98.70% at most"),
    ("残疾人职业康复劳动项目", "98.41 \n\t73.91 \n\t73.64 \n\t", "100.00%", "99.63", "73.64 / 73.91 = 99.63%"),
    ("残联温馨家园", "91.00 \n\t45.19 \n\t45.17 \n\t", "100.00%", "99.96", "45.17 / 45.19 = 99.956%; 45.175 / 45.185 = 99.978% at most, still not 100.00%"),
    ("成立困难群众救助服务所（购买服务）", "54.00 \n\t51.52 \n\t51.52 \n\t", "84.46%", "100.00", "51.52 / 51.52 = 100%; 84.46% is the rate of 街区环境综合整治 (row 12)"),
    ("民政代管地方离退休人员工资", "1262.50 \n\t1172.50 \n\t1144.63 \n\t", "100.00%", "97.62", "1144.63 / 1172.50 = 97.62%"),
]
TABLES_001 = [("表1  重点跟踪项目全年预算情况表", 0), ("表5  民生保障办公室重点跟踪项目全年预算执行情况表", 1)]

ENTRIES = []
for title, occurrence in TABLES_001:
    for number, (item, before, stated, computed, note) in enumerate(ROWS_001, start=1):
        row = number + 24 if occurrence == 0 else number
        ENTRIES.append((D001, "row_rate", item, f"{title.split()[0]} row {row} 预算{'支出' if occurrence == 0 else '完成'}比例",
                        [(item + "\n\t" + before, stated, occurrence)], stated.rstrip("%"), computed,
                        f"{note} (both printed with two decimals)"))
ENTRIES += [
    (D001, "total_rate", "合计（表6  平安建设办公室重点跟踪项目全年预算执行情况表）", "表6 合计 预算完成比例",
     [("1,582.75\n\t1,650.36\n\t1,648.78\n\t", "98.04%", 0)], "98.04", "99.90",
     "1,648.78 / 1,650.36 = 99.90%, as the text above the table says; 98.04% is the 合计 rate of 表5"),
    (D001, "restatement", "平安建设办公室 7 个重点跟踪项目整体执行率", "三(二)5 prose vs 表6 合计",
     [("1,582.75\n\t1,650.36\n\t1,648.78\n\t", "98.04%", 0), ("合计支出金额1,648.78万元，预算整体执行率为", "99.90%", 0)],
     "98.04", "99.90", "the prose states 99.90% for the same 1,650.36 / 1,648.78 万元 that 表6 合计 gives 98.04% for"),
    (D003, "prose_rate", "中仓街道重点区域精细化管控项目（产出成本）", "第四部分 2 (四)3(4) 产出成本",
     [("实际支出67.97万元，预算执行率为", "98%", 0)], "98", "99.96",
     "预算批复68.00万元, 实际支出67.97万元: 67.97 / 68.00 = 99.96%, which rounds to 100% (as stated in (1)), not 98%"),
    (D003, "restatement", "中仓街道重点区域精细化管控项目 预算执行率", "第四部分 2 (四)2(1) twice vs (四)3(4)",
     [("该项目的预算执行率为", "98%", 0), ("实际支出67.97万元，预算执行率为", "100%", 0), ("实际支出67.97万元，预算执行率为", "98%", 0)],
     "98", "100", "one project, one budget (68.00) and one spend (67.97), stated with 预算执行率 100% and 98%"),
    (D003, "parts_sum", "一般公共服务支出（类）2024年度决算", "第二部分 四(二)1",
     [("“一般公共服务支出”（类）2024年度年初预算0.00万元，2024年度决算", "853.15元", 0)], "853.15", "8531500",
     "the 款 below it add up to 49.75 + 36.14 + 764.49 + 2.77 = 853.15 万元; the 类 total is printed as 853.15 元 (unit slip; 853.15万元 in §四(一))"),
    (D003, "parts_sum", "社会保障及就业支出（类）2024年度决算", "第二部分 四(二)3",
     [("“社会保障及就业支出”(类)2024年度年初预算500.15万元，2024年度决算", "496.37万元", 0)], "496.37", "496.42",
     "其中 人力资源和社会保障管理事务 0.05 万元 + 行政事业单位养老支出 496.37 万元 = 496.42 万元 > 496.37 万元"),
]


def locate(text: str, before: str, figure: str, occurrence: int) -> tuple[int, int]:
    position = -1
    for _ in range(occurrence + 1):
        position = text.index(before + figure, position + 1)
    start = position + len(before)
    return start, start + len(figure)


def _unit(figure: str, check: str) -> str:
    if figure.endswith("%"):
        return "%"
    if check == "parts_sum" and figure.endswith("元") and "万" not in figure:
        return "元"
    return "万元"


def main() -> None:
    docs = {d: read_file(ROOT / "corpus" / "raw" / f"{d}.txt") for d in (D001, D003)}
    for doc_id, check, item, location, anchors, stated, computed, note in ENTRIES:
        text = docs[doc_id].text
        spans = [locate(text, before, figure, n) for before, figure, n in anchors]
        record = {"doc_id": doc_id, "check": check, "item": item, "location": location,
                  "start": spans[0][0], "end": spans[0][1], "stated": stated, "computed": computed,
                  "unit": _unit(text[spans[0][0]:spans[0][1]], check),
                  "text": text[spans[0][0]:spans[0][1]], "note": note}
        if len(spans) > 1:
            record["related"] = [list(s) for s in spans[1:]]
        print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main()
