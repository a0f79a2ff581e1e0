"""Build quantity probe 10 from passages.txt.

passages.txt holds one passage per block. A block starts with a header line

    @@ <group> | <why>

and the lines after it, up to the next header, are the passage. Expected spans are marked
in place as

    ⟦L:text⟧            L is A (AMOUNT), R (RATE), C (COUNT) or M (MEASURE)
    ⟦L~:text⟧           the same, approximate
    ⟦L:text|v=..|max=..|u=..|op=..⟧   explicit value, upper end, unit or comparator

The markers are removed from the passage; value, unit, value_max and op are computed from the
span text by the small reader below (SCHEME §1, GUIDELINES §1.4) unless given explicitly.
The passages are shuffled with random.seed(10) and split into two halves:
cases_dev.jsonl (y001…) and cases_held.jsonl (z001…).

    .venv/bin/python eval/quantities/probe10/build.py          # write both files
    .venv/bin/python eval/quantities/probe10/build.py --show   # also list every span
"""
import json
import random
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"A": "AMOUNT", "R": "RATE", "C": "COUNT", "M": "MEASURE"}

FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
            "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
            "柒": 7, "捌": 8, "玖": 9, "几": 1}
CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10 ** 4, "亿": 10 ** 8}
UNIT_AFTER_QIAN = set("米克瓦焦伏帕卡")  # 千米, 千克, 千瓦 …: 千 belongs to the unit
COMPARATORS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "=", "＞": ">", "＜": "<", "＝": "="}
RANGE_MARKS = "-—–～~至到﹣"


def fmt(x):
    """A Fraction as a plain decimal string (exact if it terminates, else rounded)."""
    x = Fraction(x)
    den = x.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den == 1:
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"))
        if d == 0:
            d = Decimal(x.numerator) / Decimal(x.denominator)
            d = Decimal(format(d, ".4g"))
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def read_arabic(s, i):
    m = re.match(r"[0-9](?:[0-9,]|\s(?=[0-9]))*(?:\.[0-9]+)?", s[i:])
    if not m:
        return None, i
    return Fraction(Decimal(m.group(0).replace(",", "").replace(" ", ""))), i + m.end()


def read_chinese(s, i):
    """A Chinese numeral at s[i:]; 千 before a unit letter stays with the unit."""
    total, section, num, seen, j = Fraction(0), Fraction(0), None, False, i
    if s.startswith("数", j) and j + 1 < len(s) and (s[j + 1] in CN_SMALL or s[j + 1] in CN_BIG):
        num, seen, j = Fraction(1), True, j + 1
    while j < len(s):
        c = s[j]
        if c in CN_DIGIT:
            num = Fraction(CN_DIGIT[c]) if num is None else num * 10 + CN_DIGIT[c]
        elif c in CN_SMALL:
            if c in "千仟" and j + 1 < len(s) and s[j + 1] in UNIT_AFTER_QIAN:
                break
            section += (num if num is not None else 1) * CN_SMALL[c]
            num = None
        elif c in CN_BIG:
            section += num if num is not None else 0
            if section == 0 and total == 0:
                section = Fraction(1)
            if c == "亿":
                total = (total + section) * CN_BIG[c]
            else:
                total += section * CN_BIG[c]
            section, num = Fraction(0), None
        elif c == "点" and seen:
            k, dec, scale = j + 1, Fraction(0), Fraction(1, 10)
            while k < len(s) and s[k] in CN_DIGIT:
                dec += CN_DIGIT[s[k]] * scale
                scale /= 10
                k += 1
            whole = total + section + (num or 0) + dec
            j = k
            while j < len(s) and s[j] in CN_BIG:
                whole *= CN_BIG[s[j]]
                j += 1
            return whole, j
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None, i
    return total + section + (num or 0), j


def read_multiplier(s, i):
    """万, 亿, 千, 百 after an Arabic number (千 before 米/克/瓦… is the unit's)."""
    mult = Fraction(1)
    while i < len(s):
        c = s[i]
        if c in "万亿":
            mult *= CN_BIG[c]
        elif c in "千百" and not (i + 1 < len(s) and s[i + 1] in UNIT_AFTER_QIAN | {"分"}):
            mult *= CN_SMALL[c]
        else:
            break
        i += 1
    return mult, i


def read_end(s):
    """One end of a quantity: number, multiplier, approximation marker, unit."""
    s = s.strip()
    i = 0
    if s[:1] in "￥¥":
        i = 1
    num, j = read_arabic(s, i)
    if num is not None:
        while j < len(s) and s[j] == " ":
            j += 1
        mult, j = read_multiplier(s, j)
        num *= mult
    else:
        num, j = read_chinese(s, i)
        if num is None:
            raise ValueError("no number in %r" % s)
    while j < len(s) and s[j] in "余多":
        j += 1
    rest = s[j:].strip()
    m = re.fullmatch(r"[（(]\s*([万亿]*)(.*?)\s*[)）]", rest)
    if m and (m.group(1) or m.group(2) in ("元", "户", "人", "人次", "个", "亩", "吨")):
        mult = Fraction(1)
        for c in m.group(1):
            mult *= CN_BIG[c]
        num *= mult
        rest = m.group(2)
    return num, rest


def split_range(s):
    for k, c in enumerate(s):
        if k > 0 and c in RANGE_MARKS:
            left, right = s[:k], s[k + 1:]
            if right.strip()[:1] and (right.strip()[0].isdigit() or right.strip()[0] in CN_DIGIT
                                      or right.strip()[0] in CN_SMALL):
                return left, right
    return s, None


def normalise(text, label):
    s = text.translate(FULLWIDTH)
    op = None
    while s[:1] in COMPARATORS:
        op = COMPARATORS[s[0]]
        s = s[1:]
    sign = 1
    for mark in ("零下", "负", "-", "﹣", "−", "+"):
        if s.startswith(mark):
            sign = -1 if mark != "+" else 1
            s = s[len(mark):]
            break
    factor, unit_override = Fraction(1), None
    if label == "RATE":
        m = re.fullmatch(r"(.+?)分之(.+)", s)
        if m and m.group(1) in ("百", "千", "万", "百万"):
            base = {"百": 1, "千": Fraction(1, 10), "万": Fraction(1, 100), "百万": Fraction(1, 10000)}
            factor, s = base[m.group(1)], m.group(2) + "%"
        elif m:
            den, _ = read_chinese(m.group(1), 0)
            nume, _ = read_chinese(m.group(2), 0)
            return fmt(sign * nume / den * 100), "%", None, op
    left, right = split_range(s)
    lo, lo_unit = read_end(left)
    hi = None
    if right is not None:
        hi, unit = read_end(right)
        if lo_unit == "" and right.strip()[:1].isdigit():
            _, k = read_arabic(right.strip(), 0)
            mult, _ = read_multiplier(right.strip(), k)
            lo *= mult
    else:
        unit = lo_unit
    if label == "AMOUNT":
        if unit in ("", "元", "圆", "块", "人民币"):
            unit = "元"
    elif label == "RATE":
        u = unit.replace(" ", "")
        if u == "%":
            unit = "%"
        elif u == "‰":
            factor, unit = Fraction(1, 10), "%"
        elif u in ("个百分点", "百分点"):
            unit = "个百分点"
        elif u in ("个千分点", "千分点"):
            factor, unit = Fraction(1, 10), "个百分点"
        elif u == "倍":
            factor, unit = Fraction(100), "%"
        elif u == "成":
            factor, unit = Fraction(10), "%"
        else:
            raise ValueError("rate unit %r in %r" % (unit, text))
    if not unit:
        raise ValueError("no unit in %r" % text)
    lo = sign * lo * factor
    if hi is not None:
        hi = sign * hi * factor
        lo, hi = min(lo, hi), max(lo, hi)
    return fmt(lo), unit, (fmt(hi) if hi is not None else None), op


MARK = re.compile(r"⟦([ARCM])(~?):([^⟧]*)⟧")


def parse_block(header, body):
    group, _, why = header[3:].partition("|")
    text, spans, pos = [], [], 0
    for m in MARK.finditer(body):
        text.append(body[pos:m.start()])
        parts = m.group(3).split("|")
        stext, extra = parts[0], dict(p.split("=", 1) for p in parts[1:])
        label = LABELS[m.group(1)]
        value, unit, vmax, op = normalise(stext, label) if "v" not in extra else (None, None, None, None)
        if "v" in extra:
            value = extra["v"]
            unit = extra.get("u")
        spans.append({"text": stext, "label": label,
                      "value": value,
                      "unit": extra.get("u", unit),
                      "approx": m.group(2) == "~",
                      "value_max": extra.get("max", vmax),
                      "op": extra.get("op", op)})
        text.append(stext)
        pos = m.end()
    text.append(body[pos:])
    return {"group": group.strip(), "text": "".join(text), "spans": spans, "why": why.strip()}


def load():
    raw = (HERE / "passages.txt").read_text(encoding="utf-8")
    cases, header, lines = [], None, []
    for line in raw.split("\n"):
        if line.startswith("@@ "):
            if header:
                cases.append(parse_block(header, "\n".join(lines).strip("\n")))
            header, lines = line, []
        elif header and not line.startswith("#"):
            lines.append(line)
    if header:
        cases.append(parse_block(header, "\n".join(lines).strip("\n")))
    return cases


def write(path, cases, prefix):
    with open(path, "w", encoding="utf-8") as f:
        for n, c in enumerate(cases, 1):
            row = {"id": "%s%03d" % (prefix, n), "group": c["group"], "text": c["text"],
                   "spans": c["spans"], "why": c["why"], "source": "authored"}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def check(cases):
    """Lengths, span counts and a hint where an approximation marker may have been missed."""
    total = {}
    for c in cases:
        n, t = len(c["spans"]), c["text"]
        if not (200 <= len(t) <= 600) or not (8 <= n <= 20):
            print("SIZE", c["group"], len(t), n)
        pos = 0
        for s in c["spans"]:
            k = t.index(s["text"], pos)
            before, after = t[max(0, k - 2):k], t[k + len(s["text"]):k + len(s["text"]) + 2]
            hint = (("约" in before and "节约" not in t[k - 3:k] and "约定" not in t[k - 3:k + 1])
                    or "近" in before[-1:] or after in ("左右", "上下") or after[:1] == "多"
                    or any(ch in s["text"] for ch in "余多几数"))
            if hint != s["approx"]:
                print("APPROX?", c["group"], repr(t[max(0, k - 6):k + len(s["text"]) + 4]), s["approx"])
            pos = k + len(s["text"])
            total[s["label"]] = total.get(s["label"], 0) + 1
    print(len(cases), "cases", sum(total.values()), "spans", total)


def main():
    cases = load()
    if "--show" in sys.argv:
        for c in cases:
            print("==", c["group"], len(c["text"]), len(c["spans"]))
            for s in c["spans"]:
                print("   %-22s %-7s %-16s %-6s %s %s %s" % (s["text"], s["label"], s["value"], s["unit"],
                                                          "~" if s["approx"] else "", s["value_max"] or "",
                                                          s["op"] or ""))
    if "--check" in sys.argv:
        check(cases)
    random.seed(10)
    random.shuffle(cases)
    half = (len(cases) + 1) // 2
    write(HERE / "cases_dev.jsonl", cases[:half], "y")
    write(HERE / "cases_held.jsonl", cases[half:], "z")
    print("%d cases: %d dev, %d held" % (len(cases), half, len(cases) - half))


if __name__ == "__main__":
    main()
