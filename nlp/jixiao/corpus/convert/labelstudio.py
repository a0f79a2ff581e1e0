"""SCHEME documents to Label Studio tasks and back, with tagger output as pre-annotations.

One task per report. ``data`` holds ``text``, ``doc_id``, ``meta``, ``sentences`` (every
sentence as ``[start, end]``, so unlabelled sentences keep their bounds), ``values`` (the
normalized value of each annotated span, which Label Studio cannot edit; re-attached on import
to every span whose offsets and label are unchanged), ``predicted_values`` (the same for the
prediction's spans, consulted after ``values``, so an accepted prediction keeps the tagger's
value) and ``offset_unit``.

Per-sentence representation: each labelled sentence is a region of the ``kind`` Labels control
(problem / recommendation / none) over the sentence's text; its categories are a per-region
``choices`` result of the ``category`` control sharing the region's ``id`` (``perRegion`` with
``choice="multiple"``). Quantity spans are regions of the ``quantity`` Labels control. See
``label_config()`` for the matching labeling interface.

Offsets are code points by default. Label Studio's browser front end may count UTF-16 units,
and a project may count grapheme clusters; ``offsets`` (``utf16``, ``codepoints``, ``graphemes``,
see ``offsets``) writes those and records the unit in ``data.offset_unit``. Import reads each
region in the unit asked for (by default the task's ``offset_unit``, else code points) and, when
the region carries its ``text`` and that reading does not match it, in the other units.

Import takes the last annotation not cancelled, or with ``source="predictions"`` the last
prediction (region scores become span ``score`` and sentence ``kind_score``; a categories
result's single score is given to each of its categories). Report tables are not carried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from statistics import fmean
from typing import Any

from jixiao.corpus.convert.errors import ConvertError
from jixiao.corpus.convert.labels import category_key
from jixiao.corpus.convert.offsets import CODEPOINTS, UNITS, OffsetMap, offset_unit
from jixiao.document.jsonl import span_from_dict, span_to_dict
from jixiao.document.model import CATEGORIES, CATEGORY_NAMES_ZH, KINDS, LABELS, Document, Sentence, Span

TEXT_NAME, QUANTITY_NAME, KIND_NAME, CATEGORY_NAME = "text", "quantity", "kind", "category"


def label_config() -> str:
    """The Label Studio labeling interface these tasks are written for."""
    quantities = "".join(f'<Label value="{label}"/>' for label in LABELS)
    kinds = "".join(f'<Label value="{kind}"/>' for kind in KINDS)
    categories = "".join(f'<Choice value="{c}" hint="{CATEGORY_NAMES_ZH[c]}"/>' for c in CATEGORIES)
    return (
        "<View>\n"
        f'  <Labels name="{QUANTITY_NAME}" toName="{TEXT_NAME}">{quantities}</Labels>\n'
        f'  <Labels name="{KIND_NAME}" toName="{TEXT_NAME}">{kinds}</Labels>\n'
        f'  <Text name="{TEXT_NAME}" value="$text"/>\n'
        f'  <Choices name="{CATEGORY_NAME}" toName="{TEXT_NAME}" perRegion="true" choice="multiple"'
        f' visibleWhen="region-selected">{categories}</Choices>\n'
        "</View>\n"
    )


# ---- export ---------------------------------------------------------------------------------


def to_task(
    doc: Document,
    *,
    annotations: bool = True,
    prediction: Document | None = None,
    model_version: str = "jixiao",
    offsets: str = CODEPOINTS,
) -> dict[str, Any]:
    """A task, with offsets counted in ``offsets``; ``prediction`` (tagger output for the same
    text) becomes a pre-annotation."""
    try:
        return _task(doc, annotations, prediction, model_version, OffsetMap(doc.text, offsets))
    except ConvertError as exc:
        raise ConvertError(f"document {doc.id}: {exc}") from exc


def _task(doc: Document, annotations: bool, prediction: Document | None, model_version: str,
          offsets: OffsetMap) -> dict[str, Any]:
    task: dict[str, Any] = {"data": _data(doc, offsets, prediction)}
    if annotations and (doc.spans or any(s.kind for s in doc.sentences)):
        task["annotations"] = [{"result": _results(doc, offsets, scored=False)}]
    if prediction is not None:
        if prediction.text != doc.text:
            raise ConvertError(f"document {doc.id}: the prediction's text differs from the document's")
        task["predictions"] = [_prediction(prediction, offsets, model_version)]
    return task


def _data(doc: Document, offsets: OffsetMap, prediction: Document | None) -> dict[str, Any]:
    data = {
        "text": doc.text,
        "doc_id": doc.id,
        "meta": doc.meta,
        "sentences": [[offsets.to_units(s.start), offsets.to_units(s.end)] for s in doc.sentences],
        "values": _values(doc.spans, offsets),
        "offset_unit": offsets.unit,
    }
    if prediction is not None:
        data["predicted_values"] = _values(prediction.spans, offsets)
    return data


def _values(spans: Iterable[Span], offsets: OffsetMap) -> list[dict[str, Any]]:
    out = []
    for span in spans:
        record = span_to_dict(span)
        record.pop("score", None)
        record["start"], record["end"] = offsets.to_units(span.start), offsets.to_units(span.end)
        out.append(record)
    return out


def _results(doc: Document, offsets: OffsetMap, scored: bool) -> list[dict[str, Any]]:
    results = [_region(f"q{i}", QUANTITY_NAME, doc, s, offsets, "labels", [s.label], s.score if scored else None)
               for i, s in enumerate(doc.spans)]
    for i, sentence in enumerate(doc.sentences):
        if sentence.kind is None:
            continue
        score = sentence.kind_score if scored else None
        results.append(_region(f"s{i}", KIND_NAME, doc, sentence, offsets, "labels", [sentence.kind], score))
        if sentence.categories:
            cat_score = _category_score(sentence) if scored else None
            results.append(_region(f"s{i}", CATEGORY_NAME, doc, sentence, offsets, "choices",
                                   list(sentence.categories), cat_score))
    return results


def _region(rid: str, name: str, doc: Document, item: Span | Sentence, offsets: OffsetMap,
            result_type: str, labels: list[str], score: float | None) -> dict[str, Any]:
    """One result; ``result_type`` (labels or choices) is also the key its labels go under."""
    value = {"start": offsets.to_units(item.start), "end": offsets.to_units(item.end), "text": doc.text[item.start : item.end],
             result_type: labels}
    result = {"id": rid, "from_name": name, "to_name": TEXT_NAME, "type": result_type, "value": value}
    if score is not None:
        result["score"] = round(float(score), 4)
    return result


def _category_score(sentence: Sentence) -> float | None:
    scores = [sentence.category_scores[c] for c in sentence.categories if c in sentence.category_scores]
    return min(scores) if scores else None


def _prediction(doc: Document, offsets: OffsetMap, model_version: str) -> dict[str, Any]:
    prediction: dict[str, Any] = {"model_version": model_version, "result": _results(doc, offsets, scored=True)}
    scores = [s.score for s in doc.spans if s.score is not None]
    scores += [s.kind_score for s in doc.sentences if s.kind_score is not None]
    if scores:
        prediction["score"] = round(fmean(scores), 4)
    return prediction


def dumps_tasks(tasks: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(tasks), ensure_ascii=False)


# ---- import ---------------------------------------------------------------------------------


def from_task(task: Any, number: int = 1, name: str = "labelstudio", source: str = "annotations",
              offsets: str | None = None) -> Document:
    """One task as a document; regions are read in ``offsets`` (default: the task's own
    ``offset_unit``, else code points)."""
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ConvertError(f"task {number}: not a Label Studio task (needs data.text)")
    doc_id = str(data.get("doc_id") or f"{name}-{task.get('id', number)}")
    try:
        return _document(doc_id, data, _chosen(task, source), source, offsets)
    except (ConvertError, KeyError, TypeError, ValueError) as exc:
        raise ConvertError(f"task {number} ({doc_id}): {exc}") from exc


def _chosen(task: dict[str, Any], source: str) -> list[dict[str, Any]]:
    if source not in ("annotations", "predictions"):
        raise ConvertError(f"unknown source {source!r} (expected annotations or predictions)")
    items = [a for a in task.get(source) or () if not (isinstance(a, dict) and a.get("was_cancelled"))]
    return list(items[-1].get("result") or ()) if items else []


def _document(doc_id: str, data: dict[str, Any], results: list[dict[str, Any]], source: str,
              offsets: str | None) -> Document:
    text = data["text"]
    written = offset_unit(str(data.get("offset_unit") or CODEPOINTS))
    reader = _Reader(text, offset_unit(offsets) if offsets else written, written)
    values = [*(data.get("predicted_values") or ()), *(data.get("values") or ())]
    if source == "predictions":
        values = list(data.get("predicted_values") or ())
    spans = sorted(_spans(results, reader, values), key=lambda s: s.start)
    return Document(
        id=doc_id,
        text=text,
        meta=dict(data.get("meta") or {}),
        spans=tuple(spans),
        sentences=tuple(_sentences(results, reader, data.get("sentences") or ())),
    )


class _Reader:
    """Turns task offsets into code points. Regions (what the annotator drew) are read in the unit
    asked for, and when a region carries its text and that reading does not show it, in the other
    units; the bookkeeping this module wrote (``values``, ``sentences``) is read in the unit the
    task records."""

    def __init__(self, text: str, regions: str, written: str) -> None:
        self.text = text
        self._order = [regions, *(u for u in UNITS if u != regions)]
        self._written = written
        self._maps: dict[str, OffsetMap] = {}

    def _map(self, unit: str) -> OffsetMap:
        if unit not in self._maps:
            self._maps[unit] = OffsetMap(self.text, unit)
        return self._maps[unit]

    def _read(self, unit: str, start: int, end: int) -> tuple[int, int] | None:
        try:
            return self._map(unit).to_chars(start), self._map(unit).to_chars(end)
        except ConvertError:
            return None

    def chars(self, start: int, end: int, shown: str | None = None) -> tuple[int, int]:
        """A region's code-point bounds."""
        for unit in self._order:
            bounds = self._read(unit, start, end)
            if bounds is not None and (shown is None or self.text[bounds[0] : bounds[1]] == shown):
                return bounds
        raise ConvertError(f"region {start}-{end} does not match the text (shown as {shown!r})")

    def written(self, start: int, end: int) -> tuple[int, int]:
        """Code-point bounds of offsets this module wrote into the task."""
        bounds = self._read(self._written, start, end)
        if bounds is None:
            raise ConvertError(f"offsets {start}-{end} do not fit the text ({self._written})")
        return bounds


def _labelled(results: list[dict[str, Any]], allowed: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    for result in results:
        labels = (result.get("value") or {}).get("labels")
        if result.get("type") == "labels" and labels and labels[0] in allowed:
            yield result


def _spans(results: list[dict[str, Any]], reader: _Reader, values: Iterable[dict[str, Any]]) -> Iterator[Span]:
    _check_labels(results)
    known = {(*reader.written(int(v["start"]), int(v["end"])), v["label"]): v for v in values}
    for result in _labelled(results, LABELS):
        value = result["value"]
        start, end = reader.chars(int(value["start"]), int(value["end"]), value.get("text"))
        label = value["labels"][0]
        raw = dict(known.get((start, end, label), {"label": label}))
        raw.update(start=start, end=end, score=result.get("score"))
        yield span_from_dict(raw)


def _check_labels(results: list[dict[str, Any]]) -> None:
    for result in results:
        labels = (result.get("value") or {}).get("labels") or []
        if result.get("type") == "labels" and (len(labels) != 1 or labels[0] not in LABELS + KINDS):
            raise ConvertError(f"region labels {labels} are not one quantity label or one kind")


def _sentences(results: list[dict[str, Any]], reader: _Reader, bounds: Iterable[list[int]]) -> list[Sentence]:
    """Labelled sentence regions, plus the task's sentence bounds that no region covers."""
    categories = _categories_by_id(results, reader)
    labelled = []
    for result in _labelled(results, KINDS):
        value = result["value"]
        start, end = reader.chars(int(value["start"]), int(value["end"]), value.get("text"))
        cats, cat_score = categories.get(result.get("id"), categories.get((start, end), ((), None)))
        labelled.append(Sentence(
            start, end, kind=value["labels"][0], categories=cats, kind_score=result.get("score"),
            category_scores={c: cat_score for c in cats} if cat_score is not None else {},
        ))
    plain = [Sentence(*reader.written(*b)) for b in bounds]
    plain = [p for p in plain if not any(p.start < s.end and s.start < p.end for s in labelled)]
    return sorted(labelled + plain, key=lambda s: (s.start, s.end))


def _categories_by_id(results: list[dict[str, Any]], reader: _Reader) -> dict[Any, tuple[tuple[str, ...], Any]]:
    """Per-region category choices, found by region id and, failing that, by offsets."""
    found: dict[Any, tuple[tuple[str, ...], Any]] = {}
    for result in results:
        if result.get("type") != "choices":
            continue
        value = result.get("value") or {}
        if "start" not in value:
            raise ConvertError("document-level choices are not supported; categories belong to sentence regions")
        cats = tuple(category_key(c) for c in value.get("choices") or ())
        entry = (cats, result.get("score"))
        found[reader.chars(int(value["start"]), int(value["end"]), value.get("text"))] = entry
        if result.get("id") is not None:
            found[result["id"]] = entry
    return found


def from_tasks(tasks: Any, name: str = "labelstudio", source: str = "annotations",
               offsets: str | None = None) -> list[Document]:
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ConvertError("a Label Studio export is a JSON list of tasks")
    return [from_task(task, i, name, source, offsets) for i, task in enumerate(tasks, 1)]


def read_labelstudio(path: str | Path, source: str = "annotations", offsets: str | None = None) -> list[Document]:
    """Read a Label Studio JSON export (a list of tasks) or JSON Lines with one task a line."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError:
        tasks = _json_lines(text)
    return from_tasks(tasks, Path(path).stem, source, offsets)


def _json_lines(text: str) -> list[Any]:
    tasks = []
    # by \n only: str.splitlines would also cut a task at a U+2028 written raw inside its text
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                tasks.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConvertError(f"line {number}: neither a JSON export nor JSON Lines ({exc.msg})") from exc
    return tasks
