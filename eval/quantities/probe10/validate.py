"""Check the two case files: JSON, keys, span texts in order, labels, decimal values."""
import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ["id", "group", "text", "spans", "why", "source"]
SPAN_KEYS = ["text", "label", "value", "unit", "approx", "value_max", "op"]
ok = True
for name in ("cases_dev.jsonl", "cases_held.jsonl"):
    ids, counts, n = set(), {}, 0
    for line_no, line in enumerate((HERE / name).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        case = json.loads(line)
        assert list(case) == KEYS, (name, line_no, list(case))
        assert case["id"] not in ids and case["source"] == "authored"
        ids.add(case["id"])
        text, pos = case["text"], 0
        assert 200 <= len(text) <= 600 and 8 <= len(case["spans"]) <= 20, case["id"]
        for s in case["spans"]:
            assert list(s) == SPAN_KEYS, (case["id"], s)
            assert s["label"] in ("AMOUNT", "RATE", "COUNT", "MEASURE"), (case["id"], s)
            Decimal(s["value"])
            if s["value_max"] is not None:
                assert Decimal(s["value_max"]) >= Decimal(s["value"]), (case["id"], s)
            assert s["op"] in (None, ">=", "<=", ">", "<", "="), (case["id"], s)
            assert isinstance(s["approx"], bool) and s["unit"], (case["id"], s)
            k = text.find(s["text"], pos)
            if k < 0:
                print("NOT FOUND IN ORDER", case["id"], s["text"])
                ok = False
            pos = k + len(s["text"])
            counts[s["label"]] = counts.get(s["label"], 0) + 1
            n += 1
    print(name, len(ids), "cases", n, "spans", dict(sorted(counts.items())))
sys.exit(0 if ok else 1)
