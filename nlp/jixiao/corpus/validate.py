"""Check corpus files against the scheme; every problem is one line naming the document.

Works on the raw JSON objects rather than parsed records so that a bad value is reported with
the others instead of stopping the run at the first exception. A misspelt label, kind, category,
op or field name is reported with the nearest valid one (``difflib``), since a typo is the usual
cause. Gold carries no confidence: a ``score``, ``kind_score`` or ``category_scores`` left by a
pre-annotation is a problem (``jixiao corpus fill`` removes them).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.document.jsonl import json_error
from jixiao.document.model import CATEGORIES, KINDS, LABELS, OPS
from jixiao.document.sentences import split_offsets
from jixiao.ingest.reader import SUPPORTED_SUFFIXES

RATE_UNITS = ("%", "个百分点")
SPAN_KEYS: tuple[str, ...] = ("start", "end", "label", "text", "value", "unit", "op", "approx", "value_max")
SENTENCE_KEYS: tuple[str, ...] = ("start", "end", "kind", "categories", "section")
PREDICTION_KEYS: tuple[str, ...] = ("score", "kind_score", "category_scores")


def nearest(word: Any, choices: tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' for the closest valid choice, or nothing when none is close."""
    if not isinstance(word, str):
        return ""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not found:  # case or a dropped underscore: 'Amount', 'budgetexecution'
        folded = {c.lower().replace("_", ""): c for c in choices}
        found = [folded[k] for k in difflib.get_close_matches(word.lower().replace("_", ""), list(folded), n=1)]
    return f" (did you mean {found[0]!r}?)" if found else ""


def _key_problems(item: dict[str, Any], known: tuple[str, ...], what: str) -> Iterator[str]:
    for key in item:
        if key in PREDICTION_KEYS:
            yield f"{what}: {key!r} is a prediction score; gold has none (jixiao corpus fill removes it)"
        elif key not in known:
            yield f"{what}: unknown key {key!r}{nearest(key, known + PREDICTION_KEYS)}"


def validate_file(path: str | Path, seen: dict[str, str] | None = None,
                  texts: dict[str, str] | None = None) -> list[str]:
    """Every problem of one corpus file, one line each naming the file, line and document.

    ``seen`` maps the document ids of files already checked to where they stand (``file:line``):
    pass one dict for all the files of a corpus, whose ids must be unique across its files (the
    splits and the training data refer to documents by id). ``texts`` does the same for the
    documents' texts (by SHA-256): one text under two ids would put a report in a training fold and
    in the test fold beside it."""
    problems: list[str] = []
    seen = {} if seen is None else seen
    texts = {} if texts is None else texts
    try:
        handle = open(path, encoding="utf-8-sig")  # with or without a BOM
    except OSError as exc:
        return [f"{path}: cannot read ({exc.strerror})"]
    number = 0
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{path}:{number}: not JSON ({json_error(exc)})")
                    continue
                where = f"{path}:{number}"
                doc_id = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(doc_id, str):
                    if doc_id in seen:
                        problems.append(f"{where} [{doc_id}]: duplicate document id (first at {seen[doc_id]})")
                    else:
                        seen[doc_id] = where
                elif isinstance(raw, dict) and "id" in raw:
                    problems.append(f"{where} [{doc_id}]: 'id' is not a string")
                if isinstance(raw, dict) and isinstance(raw.get("text"), str) and raw["text"].strip():
                    digest = hashlib.sha256(raw["text"].encode("utf-8", "surrogatepass")).hexdigest()
                    if digest in texts:
                        problems.append(f"{where} [{doc_id}]: the same text as {texts[digest]}")
                    else:
                        texts[digest] = f"{where} [{doc_id}]"
                problems.extend(f"{where} [{doc_id}]: {p}" for p in validate_document(raw))
        except UnicodeDecodeError:  # another encoding (GBK) or a binary file: one line, not a traceback
            # (the file is decoded a block at a time: the bad byte is at or after the next line)
            problems.append(f"{path}: not UTF-8 text{f' after line {number}' if number else ''} (JSON Lines files are UTF-8)")
    return problems


def validate_document(raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return ["not a JSON object"]
    problems = [f"missing '{key}'" for key in ("id", "text") if key not in raw]
    text = raw.get("text")
    if not isinstance(text, str):
        return problems + (["'text' is not a string"] if "text" in raw else [])
    problems.extend(_check_meta(raw.get("meta")))
    problems.extend(_check_spans(text, raw.get("spans") or []))
    problems.extend(_check_sentences(text, raw.get("sentences") or []))
    return problems


SOURCE_AUTHORED = "authored"


def _check_meta(meta: Any) -> Iterator[str]:
    """``meta.source`` decides what a document is to the splits: ``authored`` (text the team
    wrote, always trained on) or the path of the report it was read from (a real report, which
    the splits may hold out for dev or test). A misspelt ``authored`` would silently make text the
    team wrote into a held-out report, so anything else is a problem."""
    if meta is None:
        yield f"missing 'meta' with its 'source' ({SOURCE_AUTHORED!r} or the report's file path)"
        return
    if not isinstance(meta, dict):
        yield "'meta' is not an object"
        return
    source = meta.get("source")
    if source is None:
        yield f"missing meta.source ({SOURCE_AUTHORED!r} for text written by the team, else the report's file path)"
    elif not isinstance(source, str) or (source != SOURCE_AUTHORED and not source.lower().endswith(SUPPORTED_SUFFIXES)):
        yield (f"meta.source {source!r} is neither {SOURCE_AUTHORED!r} nor the path of a report file "
               f"({', '.join(SUPPORTED_SUFFIXES)}){nearest(source, (SOURCE_AUTHORED,))}")


def _bounds(item: Any, text: str, what: str) -> tuple[int, int] | str:
    if not isinstance(item, dict):
        return f"{what} is not an object"
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return f"{what} needs integer start and end"
    if start >= end:
        return f"{what} [{start},{end}) is empty or reversed (start must be below end)"
    if not 0 <= start < end <= len(text):
        return f"{what} [{start},{end}) out of range (text length {len(text)})"
    return start, end


def _check_spans(text: str, spans: list[Any]) -> Iterator[str]:
    placed: list[tuple[int, int]] = []
    for index, span in enumerate(spans):
        what = f"span {index}"
        bounds = _bounds(span, text, what)
        if isinstance(bounds, str):
            yield bounds
            continue
        start, end = bounds
        what = f"span {index} [{start},{end}) 「{text[start:end]}」"
        placed.append(bounds)
        if "text" in span and span["text"] != text[start:end]:
            yield f"{what}: text 「{span['text']}」 differs from the document text"
        yield from _key_problems(span, SPAN_KEYS, what)
        yield from _check_span_fields(span, what)
    yield from _overlaps(placed, "spans")


# SCHEME §1 rule 10: money in another currency keeps the currency as written
_CURRENCY_UNIT = re.compile(r"^(元|(?![万亿千百十萬億]+元$)[\u4e00-\u9fff]{1,4}(元|币|镑|金)|[\u4e00-\u9fff]{0,4}(法郎|卢布|比索|克朗|里拉|卢比|兰特|雷亚尔|林吉特|铢|盾|第纳尔|迪拉姆|里亚尔))$")


def _check_span_fields(span: dict[str, Any], what: str) -> Iterator[str]:
    label = span.get("label")
    if label not in LABELS:
        yield f"{what}: label {label!r} is not one of {', '.join(LABELS)}{nearest(label, LABELS)}"
    for key in ("value", "value_max"):
        if key in span and not _is_decimal(span[key]):
            yield f"{what}: {key} {span[key]!r} is not a decimal number"
        elif key in span and span[key] is not None and (not isinstance(span[key], str) or "e" in span[key].lower()):
            # a JSON number goes through float in most readers; an exponent is not how values are written
            yield f"{what}: {key} {span[key]!r} must be a decimal string in plain notation, e.g. \"3568000\""
    if "value" not in span:
        yield f"{what}: missing value"
    if not span.get("unit"):
        yield f"{what}: missing unit"
    elif label == "AMOUNT" and not _CURRENCY_UNIT.match(span["unit"]):
        yield f"{what}: AMOUNT unit must be 元 or a currency as written (美元, 欧元, 港元, …), not {span['unit']!r}"
    elif label == "RATE" and span["unit"] not in RATE_UNITS:
        yield f"{what}: RATE unit must be % or 个百分点, not {span['unit']!r}"
    if "op" in span and span["op"] not in OPS:
        yield f"{what}: op {span['op']!r} is not one of {' '.join(OPS)}{nearest(span['op'], OPS)}"
    if "approx" in span and not isinstance(span["approx"], bool):
        yield f"{what}: approx must be true or false"
    if _is_decimal(span.get("value")) and _is_decimal(span.get("value_max")):
        if Decimal(str(span["value_max"])) < Decimal(str(span["value"])):
            yield f"{what}: value_max is below value"


def _check_sentences(text: str, sentences: list[Any]) -> Iterator[str]:
    placed: list[tuple[int, int]] = []
    for index, sentence in enumerate(sentences):
        bounds = _bounds(sentence, text, f"sentence {index}")
        if isinstance(bounds, str):
            yield bounds
            continue
        placed.append(bounds)
        what = f"sentence {index} [{bounds[0]},{bounds[1]})"
        yield from _key_problems(sentence, SENTENCE_KEYS, what)
        yield from _check_sentence_fields(sentence, what)
    yield from _overlaps(placed, "sentences")
    if placed and len(placed) == len(sentences):
        yield from _against_splitter(text, placed)


def _against_splitter(text: str, placed: list[tuple[int, int]]) -> Iterator[str]:
    """GUIDELINES §0: sentences are the toolkit's splitter's and annotators do not change them;
    evaluation and training align predictions to them. The first boundary that differs is named."""
    expected = split_offsets(text)
    if sorted(placed) == expected:
        return
    given = set(placed)
    missing = [b for b in expected if b not in given]
    extra = sorted(b for b in given if b not in set(expected))
    repeated = sorted(b for b in given if placed.count(b) > 1)  # the same sentence given twice
    first = min(missing[:1] + extra[:1] + repeated[:1])
    yield (f"sentences differ from the splitter's ({len(expected)} expected, {len(placed)} given; first at "
           f"[{first[0]},{first[1]}) 「{text[first[0]:first[1]][:20]}」): sentence boundaries are the splitter's "
           "(jixiao corpus build gives them), annotators do not change them")


def _check_sentence_fields(sentence: dict[str, Any], what: str) -> Iterator[str]:
    kind = sentence.get("kind")
    categories = sentence.get("categories", [])
    if kind is None:
        return
    if kind not in KINDS:
        yield f"{what}: kind {kind!r} is not one of {', '.join(KINDS)}{nearest(kind, KINDS)}"
    if not isinstance(categories, list):
        yield f"{what}: categories must be a list"
        return
    for category in categories:
        if category not in CATEGORIES:
            yield f"{what}: category {category!r} is not a scheme key{nearest(category, CATEGORIES)}"
    if len(set(categories)) != len(categories):
        yield f"{what}: a category is listed twice"
    if kind == "none" and categories:
        yield f"{what}: kind none must have no categories"
    if kind in ("problem", "recommendation") and not categories:
        yield f"{what}: kind {kind} needs at least one category"


def _overlaps(placed: list[tuple[int, int]], what: str) -> Iterator[str]:
    ordered = sorted(placed)
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
        if s2 < e1:
            yield f"{what} [{s1},{e1}) and [{s2},{e2}) overlap"


def _is_decimal(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        return Decimal(str(value)).is_finite()
    except InvalidOperation:
        return False
