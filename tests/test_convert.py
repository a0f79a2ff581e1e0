"""Converters: SCHEME documents to spaCy, doccano, Label Studio, Hugging Face and CoNLL, and back.

Round trips run on the real gold corpus and on a small document whose text has characters
outside the BMP (𠀋) before spans, white space that line formats must escape, a range, an
approximate amount, a comparator and an unannotated sentence.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.corpus.convert import ConvertError, conll, doccano, docbin, hf, labelstudio
from jixiao.corpus.convert.bio import spans_to_tags, tag_names, tags_to_spans
from jixiao.corpus.convert.units import cover
from jixiao.corpus.convert.offsets import UNITS, OffsetMap, utf16_len
from jixiao.document.model import CATEGORIES, KINDS, Document, Sentence, Span, Table, TableCell
from jixiao.document.sentences import split_offsets

TEXT = (
    "𠀋预算安排1,695,580元，执行率为≥95%。\n"
    "  存在问题：合同要素缺失，约8万余元未支付，区间30-50万元；\n"
    "建议加强合同管理和资料归集。\n"
    "𠀋𠀋惠及3684户\u3000和10 个单位\t\\完毕"
)


def _span(piece: str, label: str, value: str, unit: str, **extra: object) -> Span:
    start = TEXT.index(piece)
    return Span(start, start + len(piece), label, value=Decimal(value), unit=unit, **extra)  # type: ignore[arg-type]


def sample() -> Document:
    """A hand-made gold document; offsets come from the text so they cannot drift."""
    spans = (
        _span("1,695,580元", "AMOUNT", "1695580", "元"),
        _span("≥95%", "RATE", "95", "%", op=">="),
        _span("8万余元", "AMOUNT", "80000", "元", approx=True),
        _span("30-50万元", "AMOUNT", "300000", "元", value_max=Decimal("500000")),
        _span("3684户", "COUNT", "3684", "户"),
        _span("10 个", "COUNT", "10", "个"),
    )
    labels = [
        ("none", ()),
        ("problem", ("contract_rigor", "budget_execution")),
        ("recommendation", ("contract_rigor", "data_collection")),
        (None, ()),
    ]
    bounds = split_offsets(TEXT)
    assert len(bounds) == len(labels)
    sentences = tuple(Sentence(s, e, kind=k, categories=c) for (s, e), (k, c) in zip(bounds, labels))
    return Document("sample", TEXT, meta={"source": "test", "year": 2021}, spans=spans, sentences=sentences)


def predicted() -> Document:
    """The sample as tagger output: scores on spans, kinds and categories."""
    doc = sample()
    spans = tuple(s.with_score(0.5 + i / 20) for i, s in enumerate(doc.spans))
    sentences = tuple(
        Sentence(s.start, s.end, s.kind or "none", s.categories, kind_score=0.75,
                 category_scores={c: 0.625 for c in s.categories})
        for s in doc.sentences
    )
    return doc.replace(spans=spans, sentences=sentences)


def labels_only(doc: Document) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in doc.spans]


def labelled_sentences(doc: Document) -> list[tuple[int, int, str | None, tuple[str, ...]]]:
    return [(s.start, s.end, s.kind, s.categories) for s in doc.sentences]


def test_sample_has_the_hard_cases() -> None:
    doc = sample()
    assert [doc.span_text(s) for s in doc.spans][:2] == ["1,695,580元", "≥95%"]
    assert utf16_len(doc.text[: doc.spans[0].start]) == doc.spans[0].start + 1
    assert utf16_len(doc.text[: doc.spans[4].start]) == doc.spans[4].start + 3


# ---- UTF-16 and BIO -------------------------------------------------------------------------


def test_offset_map_counts_astral_characters_twice() -> None:
    offsets = OffsetMap("a𠀋b")
    assert [offsets.to_units(i) for i in range(4)] == [0, 1, 3, 4]
    assert [offsets.to_chars(u) for u in (0, 1, 3, 4)] == [0, 1, 2, 3]
    with pytest.raises(ConvertError, match="surrogate"):
        offsets.to_chars(2)


GRAPHEMES_TEXT = "Cafe\u0301的预算为5万元，👨\u200d👩\u200d👧家庭3户。"


def grapheme_sample() -> Document:
    """Combining accent and a ZWJ family emoji before spans: one grapheme each, several code points."""
    spans = []
    for piece, label, value, unit in (("5万元", "AMOUNT", "50000", "元"), ("3户", "COUNT", "3", "户")):
        start = GRAPHEMES_TEXT.index(piece)
        spans.append(Span(start, start + len(piece), label, value=Decimal(value), unit=unit))
    return Document("g", GRAPHEMES_TEXT, spans=tuple(spans),
                    sentences=tuple(Sentence(s, e) for s, e in split_offsets(GRAPHEMES_TEXT)))


def test_offset_map_counts_grapheme_clusters_once() -> None:
    offsets = OffsetMap("e\u0301a👨\u200d👩\u200d👧b", "graphemes")
    assert [offsets.to_units(i) for i in (0, 2, 3, 8, 9)] == [0, 1, 2, 3, 4]
    assert [offsets.to_chars(u) for u in range(5)] == [0, 2, 3, 8, 9]
    with pytest.raises(ConvertError, match="inside a grapheme cluster"):
        offsets.to_units(1)
    with pytest.raises(ConvertError, match="outside the text"):
        offsets.to_chars(6)
    assert [OffsetMap("a𠀋b", "codepoints").to_units(i) for i in range(4)] == [0, 1, 2, 3]
    with pytest.raises(ConvertError, match="unknown offset unit"):
        OffsetMap("a", "bytes")


@pytest.mark.parametrize("offsets", UNITS)
@pytest.mark.parametrize("layout", doccano.LAYOUTS)
def test_doccano_round_trip_in_every_unit(offsets: str, layout: str) -> None:
    for doc in (sample(), grapheme_sample()):
        assert doccano.read_lines(doccano.to_lines([doc], layout, offsets), offsets=offsets) == [doc]


def test_doccano_grapheme_offsets_count_clusters() -> None:
    (record,) = doccano.to_records(grapheme_sample(), "document", "graphemes")
    assert record["offset_unit"] == "graphemes"
    assert record["entities"] == [[8, 11, "AMOUNT"], [15, 17, "COUNT"]]  # é and the family count once
    # a doccano project counting graphemes returns its spans that way; values written in UTF-16
    # by an earlier export still find their spans
    (utf16,) = doccano.to_records(grapheme_sample(), "document", "utf16")
    utf16["entities"] = record["entities"]
    (back,) = doccano.from_records([utf16], offsets="graphemes")
    assert back == grapheme_sample()


def test_a_span_inside_a_grapheme_cluster_cannot_be_written() -> None:
    doc = Document("x", "e\u0301x", spans=(Span(1, 3, "COUNT"),))
    with pytest.raises(ConvertError, match="document x: offset 1 falls inside a grapheme cluster"):
        doccano.to_records(doc, "document", "graphemes")


def test_labelstudio_grapheme_regions_are_read_by_their_text() -> None:
    task = labelstudio.to_task(grapheme_sample(), offsets="graphemes")
    assert task["data"]["offset_unit"] == "graphemes"
    region = task["annotations"][0]["result"][0]["value"]
    assert (region["start"], region["text"]) == (8, "5万元")
    assert labelstudio.from_task(json.loads(json.dumps(task))) == grapheme_sample()
    task["data"]["offset_unit"] = "codepoints"  # a wrong hint: the region's text decides
    del task["data"]["values"]
    assert labels_only(labelstudio.from_task(task)) == labels_only(grapheme_sample())


def test_bio_tags_and_back() -> None:
    doc = sample()
    tags = spans_to_tags(len(doc.text), doc.spans)
    assert tags[doc.spans[0].start] == "B-AMOUNT" and tags[doc.spans[0].end - 1] == "I-AMOUNT"
    assert set(tags) <= set(tag_names())
    assert labels_only(doc) == [(s.start, s.end, s.label) for s in tags_to_spans(tags)]


def test_bio_reader_takes_bioes_and_iob1() -> None:
    tags = ["S-COUNT", "B-RATE", "E-RATE", "I-AMOUNT", "I-AMOUNT", "O", "I-COUNT", "B-COUNT"]
    assert [(s.start, s.end, s.label) for s in tags_to_spans(tags)] == [
        (0, 1, "COUNT"), (1, 3, "RATE"), (3, 5, "AMOUNT"), (6, 7, "COUNT"), (7, 8, "COUNT"),
    ]


def test_bio_rejects_overlaps_and_unknown_labels() -> None:
    with pytest.raises(ConvertError, match="overlaps"):
        spans_to_tags(5, [Span(0, 3, "RATE"), Span(2, 4, "RATE")])
    with pytest.raises(ConvertError, match="unknown label"):
        tags_to_spans(["B-ORG"])


def test_units_cover_the_whole_text() -> None:
    doc = sample()
    units = cover(doc)
    assert "".join(doc.text[u.start : u.end] for u in units) == doc.text
    assert sum(len(u.spans) for u in units) == len(doc.spans)
    crossing = doc.replace(spans=(Span(doc.sentences[1].start - 3, doc.sentences[1].start + 2, "COUNT"),))
    with pytest.raises(ConvertError, match="crosses a sentence boundary"):
        cover(crossing)


# ---- spaCy DocBin ---------------------------------------------------------------------------


def test_docbin_round_trip_on_gold(gold_docs: list[Document]) -> None:
    assert docbin.from_docbin_bytes(docbin.to_docbin_bytes(gold_docs)) == gold_docs


def test_docbin_round_trip_keeps_scores_sections_and_tables() -> None:
    table = Table(rows=((TableCell("项目"), TableCell("金额")),), start=0, end=3, caption="表1")
    doc = predicted()
    doc = doc.replace(
        tables=(table,),
        sentences=tuple(Sentence(s.start, s.end, s.kind, s.categories, s.kind_score, s.category_scores, "problem")
                        for s in doc.sentences),
    )
    assert docbin.from_docbin_bytes(docbin.to_docbin_bytes([doc])) == [doc]


def test_char_tokens_keep_digit_runs_and_split_at_boundaries() -> None:
    text = "安排1,695,580元和２０２１.5"
    tokens = [text[s:e] for s, e in docbin.char_tokens(text)]
    assert tokens == ["安", "排", "1,695,580", "元", "和", "２０２１.5"]
    split = [text[s:e] for s, e in docbin.char_tokens(text, [4])]
    assert split[2:4] == ["1,", "695,580"]


def test_spacy_doc_layout() -> None:
    doc = sample()
    spacy_doc = docbin.to_doc(doc)
    assert spacy_doc.text == doc.text
    group = spacy_doc.spans[docbin.SPANS_KEY]
    assert [(s.start_char, s.end_char, s.label_) for s in group] == labels_only(doc)
    first = doc.spans[0]
    assert spacy_doc.user_data[("jixiao_span", first.start, first.end)]["value"] == "1695580"
    assert [s.start_char for s in spacy_doc.sents] == [s.start for s in doc.sentences]
    assert spacy_doc.cats["contract_rigor"] == 1.0 and spacy_doc.cats["staff_capacity"] == 0.0


def test_span_inside_a_digit_run_is_not_lost() -> None:
    text = "执行率12100%"
    doc = Document("d", text, spans=(Span(5, 9, "RATE", value=Decimal("100"), unit="%"),))
    spacy_doc = docbin.to_doc(doc)
    assert [t.text for t in spacy_doc][3:] == ["12", "100", "%"]
    assert docbin.from_docbin_bytes(docbin.to_docbin_bytes([doc])) == [doc]


def test_foreign_docbin_gives_entities_without_values() -> None:
    from spacy.tokens import Doc, DocBin

    vocab = docbin.default_vocab()
    foreign = Doc(vocab, words=["预算", "487万", "。"], spaces=[False, False, False])
    foreign.ents = [foreign.char_span(2, 6, label="AMOUNT")]
    docs = docbin.from_docbin_bytes(DocBin(docs=[foreign]).to_bytes(), name="ext")
    assert docs == [Document("ext-1", "预算487万。", spans=(Span(2, 6, "AMOUNT"),))]


def test_docbin_rejects_garbage() -> None:
    with pytest.raises(ConvertError, match="not a spaCy DocBin"):
        docbin.from_docbin_bytes(b"{not msgpack")


# ---- doccano --------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", doccano.LAYOUTS)
def test_doccano_round_trip_on_gold(gold_docs: list[Document], layout: str) -> None:
    back = doccano.read_lines(doccano.to_lines(gold_docs, layout))
    assert back == [d.replace(tables=()) for d in gold_docs]


@pytest.mark.parametrize("layout", doccano.LAYOUTS)
def test_doccano_round_trip_on_sample(layout: str) -> None:
    assert doccano.read_lines(doccano.to_lines([sample()], layout)) == [sample()]


def test_doccano_offsets_are_utf16() -> None:
    doc = sample()
    first, *_, last = doccano.to_records(doc, "sentence")
    start = doc.spans[0].start
    assert first["entities"][0] == [start + 1, start + 1 + len("1,695,580元"), "AMOUNT"]
    entity = last["entities"][0]
    assert last["text"].encode("utf-16-le")[entity[0] * 2 : entity[1] * 2].decode("utf-16-le") == "3684户"
    whole = doccano.to_records(doc, "document")[0]
    units = whole["text"].encode("utf-16-le")
    assert [units[s * 2 : e * 2].decode("utf-16-le") for s, e, _ in whole["entities"]] == [
        doc.span_text(s) for s in doc.spans
    ]


def test_doccano_sentence_lines_carry_kind_and_categories() -> None:
    records = doccano.to_records(sample(), "sentence")
    assert [r["cats"] for r in records] == [
        ["none"], ["problem", "contract_rigor", "budget_execution"],
        ["recommendation", "contract_rigor", "data_collection"], [],
    ]
    assert [r["part"] for r in records] == [0, 1, 2, 3] and {r["parts"] for r in records} == {4}
    assert "doc_meta" in records[0] and "doc_meta" not in records[1]


def test_doccano_import_of_doccano_export_variants() -> None:
    text = "𠀋预算487万，执行率98%。"
    lines = [
        {"id": 7, "text": text, "entities": [{"id": 1, "start_offset": 4, "end_offset": 8, "label": "AMOUNT"}],
         "cats": ["problem", "预算执行"]},
        {"id": 8, "text": text, "label": [[12, 15, "RATE"]], "meta": {"doc_id": "other"}},
    ]
    first, second = doccano.from_records(lines, name="proj")
    assert first.id == "proj-7" and labels_only(first) == [(3, 7, "AMOUNT")]
    assert first.span_text(first.spans[0]) == "487万" and first.spans[0].value is None
    assert labelled_sentences(first) == [(0, len(text), "problem", ("budget_execution",))]
    assert second.id == "other" and second.span_text(second.spans[0]) == "98%"


def test_doccano_values_follow_unchanged_spans_only() -> None:
    records = doccano.to_records(sample(), "sentence")
    records[0]["entities"][0][1] -= 1  # the annotator shortened the first span
    doc = doccano.from_records(records)[0]
    assert doc.spans[0].value is None and doc.spans[0].end == sample().spans[0].end - 1
    assert doc.spans[1:] == sample().spans[1:]


def test_doccano_errors_name_the_problem() -> None:
    records = doccano.to_records(sample(), "sentence")
    with pytest.raises(ConvertError, match=r"document sample: parts \[2\] missing"):
        doccano.from_records(records[:2] + records[3:])
    bad = [dict(records[0], entities=[[1, 3, "AMOUNT"]])]
    with pytest.raises(ConvertError, match="surrogate pair"):
        doccano.from_records(bad + records[1:])
    with pytest.raises(ConvertError, match="unknown category .weather."):
        doccano.from_records([{"text": "天气好。", "cats": ["none", "weather"]}])
    with pytest.raises(ConvertError, match="not JSON"):
        doccano.read_lines(["{"])


# ---- Label Studio ---------------------------------------------------------------------------


@pytest.mark.parametrize("offsets", UNITS)
def test_labelstudio_round_trip_on_gold(gold_docs: list[Document], offsets: str) -> None:
    tasks = json.loads(labelstudio.dumps_tasks(labelstudio.to_task(d, offsets=offsets) for d in gold_docs))
    assert labelstudio.from_tasks(tasks) == [d.replace(tables=()) for d in gold_docs]


@pytest.mark.parametrize("offsets", UNITS)
def test_labelstudio_round_trip_on_sample(offsets: str) -> None:
    task = labelstudio.to_task(sample(), offsets=offsets)
    assert labelstudio.from_tasks([json.loads(json.dumps(task))]) == [sample()]


def test_labelstudio_json_lines_keep_a_task_whose_text_holds_a_line_separator(tmp_path: Path) -> None:
    """A JSON Lines export written with non-ASCII kept (as jixiao writes it) has U+2028 raw inside a
    task's text when the text came from a web page: the task is one line all the same."""
    doc = sample()
    doc = doc.replace(text=doc.text.replace("\n", "\u2028", 1))
    lines = [json.dumps(labelstudio.to_task(d), ensure_ascii=False) for d in (doc, sample())]
    assert "\u2028" in lines[0]
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    read = labelstudio.read_labelstudio(path)
    assert [d.text for d in read] == [doc.text, sample().text]


def test_labelstudio_task_shape() -> None:
    doc = sample()
    task = labelstudio.to_task(doc)
    results = task["annotations"][0]["result"]
    quantity = results[0]
    assert quantity["from_name"] == "quantity" and quantity["to_name"] == "text" and quantity["type"] == "labels"
    assert quantity["value"] == {"start": doc.spans[0].start, "end": doc.spans[0].end,
                                 "text": "1,695,580元", "labels": ["AMOUNT"]}
    kinds = [r for r in results if r["from_name"] == "kind"]
    choices = [r for r in results if r["type"] == "choices"]
    assert [r["value"]["labels"] for r in kinds] == [["none"], ["problem"], ["recommendation"]]
    assert [c["value"]["choices"] for c in choices] == [["contract_rigor", "budget_execution"],
                                                          ["contract_rigor", "data_collection"]]
    assert {c["id"] for c in choices} <= {k["id"] for k in kinds}
    assert len(task["data"]["sentences"]) == 4 and task["data"]["values"][3]["value_max"] == "500000"


def test_labelstudio_utf16_offsets_are_detected_without_a_hint() -> None:
    task = labelstudio.to_task(sample(), offsets="utf16")
    first = task["annotations"][0]["result"][0]["value"]
    assert first["start"] == sample().spans[0].start + 1
    del task["data"]["offset_unit"], task["data"]["values"], task["data"]["sentences"]
    doc = labelstudio.from_task(task)
    assert labels_only(doc) == labels_only(sample())
    assert labelled_sentences(doc) == labelled_sentences(sample())[:3]


def test_labelstudio_predictions_from_tagger_output() -> None:
    blank = sample().replace(spans=(), sentences=tuple(Sentence(s.start, s.end) for s in sample().sentences))
    task = labelstudio.to_task(blank, prediction=predicted(), model_version="jixiao-rules-0")
    assert "annotations" not in task
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "jixiao-rules-0" and 0 < prediction["score"] <= 1
    assert [r["score"] for r in prediction["result"] if r["from_name"] == "quantity"] == [
        s.score for s in predicted().spans
    ]
    back = labelstudio.from_task(task, source="predictions")
    assert back.spans == predicted().spans
    assert back.sentences == predicted().sentences
    # an annotator who accepts the predicted regions gets the tagger's values with them
    task["annotations"] = [{"result": prediction["result"]}]
    accepted = labelstudio.from_task(task)
    assert [(s.start, s.value, s.value_max) for s in accepted.spans] == [
        (s.start, s.value, s.value_max) for s in sample().spans
    ]


def test_labelstudio_takes_the_last_annotation_not_cancelled() -> None:
    task = labelstudio.to_task(sample())
    good = task["annotations"][0]
    task["annotations"] = [
        {"result": []},
        good,
        {"result": good["result"][:1], "was_cancelled": True},
    ]
    assert labelstudio.from_task(task) == sample()


def test_labelstudio_import_reads_chinese_category_names_and_edited_regions() -> None:
    text = "合同要素缺失。"
    task = {"id": 3, "data": {"text": text}, "annotations": [{"result": [
        {"id": "r1", "from_name": "kind", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 7, "text": text, "labels": ["problem"]}},
        {"id": "r1", "from_name": "category", "to_name": "text", "type": "choices",
         "value": {"start": 0, "end": 7, "text": text, "choices": ["合同管理"]}},
    ]}]}
    doc = labelstudio.from_tasks(task, name="ls")[0]
    assert doc.id == "ls-3" and labelled_sentences(doc) == [(0, 7, "problem", ("contract_rigor",))]


def test_labelstudio_errors() -> None:
    with pytest.raises(ConvertError, match="needs data.text"):
        labelstudio.from_tasks([{"data": {}}])
    task = labelstudio.to_task(sample())
    task["annotations"][0]["result"][0]["value"]["labels"] = ["ORG"]
    with pytest.raises(ConvertError, match="not one quantity label or one kind"):
        labelstudio.from_task(task)
    task = labelstudio.to_task(sample())
    task["annotations"][0]["result"][0]["value"]["text"] = "别的"
    with pytest.raises(ConvertError, match="does not match the text"):
        labelstudio.from_task(task)
    with pytest.raises(ConvertError, match="text differs"):
        labelstudio.to_task(sample(), prediction=sample().replace(text=TEXT + "。"))


def test_labelstudio_config_names_every_label() -> None:
    root = ET.fromstring(labelstudio.label_config())
    values = {el.get("value") for el in root.iter() if el.tag in ("Label", "Choice")}
    assert values == {"AMOUNT", "RATE", "COUNT", "MEASURE", *KINDS, *CATEGORIES}
    category = next(el for el in root.iter("Choices"))
    assert category.get("perRegion") == "true" and category.get("choice") == "multiple"


# ---- Hugging Face datasets ------------------------------------------------------------------


def test_hf_document_rows_on_gold(gold_docs: list[Document], tmp_path: Path) -> None:
    from datasets import load_from_disk

    dataset = hf.to_dataset(gold_docs, "documents")
    assert dataset.num_rows == len(gold_docs)
    names = dataset.features["bio_tags"].feature.names
    for row, doc in zip(dataset, gold_docs):
        assert row["id"] == doc.id and row["chars"] == list(doc.text)
        spans = row["spans"]
        assert list(zip(spans["start"], spans["end"], spans["label"])) == labels_only(doc)
        assert [Decimal(v) for v in spans["value"]] == [s.value for s in doc.spans]
        tags = [names[i] for i in row["bio_tags"]]
        assert [(s.start, s.end, s.label) for s in tags_to_spans(tags)] == labels_only(doc)
        assert row["sentences"]["kind"] == [s.kind for s in doc.sentences]
        assert json.loads(row["meta"]) == doc.meta
    assert hf.save_dataset(tmp_path / "ds", {"train": gold_docs[1:], "test": gold_docs[:1]}) == {
        "train": len(gold_docs) - 1, "test": 1}
    saved = load_from_disk(str(tmp_path / "ds"))
    assert list(saved) == ["train", "test"] and saved["test"][0]["spans"] == dataset[0]["spans"]


def test_hf_sentence_rows_on_gold(gold_docs: list[Document]) -> None:
    dataset = hf.to_dataset(gold_docs, "sentences")
    assert dataset.num_rows == sum(len(d.sentences) for d in gold_docs)
    kinds = dataset.features["kind"].names
    by_id = {d.id: d for d in gold_docs}
    for row in dataset:
        doc = by_id[row["doc_id"]]
        sentence = doc.sentences[row["index"]]
        assert row["text"] == doc.span_text(sentence)
        assert kinds[row["kind"]] == sentence.kind and tuple(row["categories"]) == sentence.categories
        assert [CATEGORIES[i] for i, hot in enumerate(row["category_labels"]) if hot] == sorted(
            sentence.categories, key=CATEGORIES.index)
        spans = row["spans"]
        inside = [s for s in doc.spans if sentence.start <= s.start and s.end <= sentence.end]
        assert [row["text"][s:e] for s, e in zip(spans["start"], spans["end"])] == [doc.span_text(s) for s in inside]
    assert sum(len(r["spans"]["start"]) for r in dataset) == sum(len(d.spans) for d in gold_docs)


def test_hf_sentence_rows_on_sample() -> None:
    rows = hf.to_dataset([sample()], "sentences")
    assert rows["kind"] == [2, 0, 1, -1]
    assert rows[1]["category_labels"] == [int(c in ("contract_rigor", "budget_execution")) for c in CATEGORIES]
    last = rows[3]
    assert last["spans"]["value"] == ["3684", "10"] and last["chars"][0] == "𠀋"
    ranged = rows[1]["spans"]
    assert ranged["value_max"][-1] == "500000" and ranged["approx"][0] is True
    outside = sample().replace(sentences=sample().sentences[:1])
    with pytest.raises(ConvertError, match="not inside any sentence"):
        hf.to_dataset([outside], "sentences")


# ---- CoNLL ----------------------------------------------------------------------------------


def test_conll_round_trip_on_gold(gold_docs: list[Document]) -> None:
    back = conll.read_lines(conll.to_lines(gold_docs))
    assert [d.id for d in back] == [d.id for d in gold_docs]
    for got, want in zip(back, gold_docs):
        assert got.text == want.text
        assert labels_only(got) == labels_only(want)
        assert [(s.start, s.end) for s in got.sentences] == [(s.start, s.end) for s in want.sentences]
        assert all(s.value is None for s in got.spans)


def test_conll_escapes_white_space_and_keeps_astral_characters() -> None:
    lines = list(conll.to_lines([sample()]))
    assert lines[:3] == ["-DOCSTART- sample", "", "𠀋 O"]
    assert all(len(line.split(" ")) == 2 for line in lines if line and not line.startswith("-DOCSTART-"))
    for escaped in ("\\n O", "\\s O", "\\t O", "\\u3000 O", "\\\\ O"):
        assert escaped in lines
    back = conll.read_lines(f"{line}\n" for line in lines)[0]
    assert back.text == TEXT and labels_only(back) == labels_only(sample())
    assert [(s.start, s.end) for s in back.sentences] == [(s.start, s.end) for s in sample().sentences]


def test_conll_reads_foreign_files() -> None:
    lines = ["预\tO", "算\tO", "4\tB-AMOUNT", "8\tI-AMOUNT", "7\tI-AMOUNT", "万\tE-AMOUNT", "",
             "共\tO", "5\tS-COUNT", ""]
    doc = conll.read_lines(lines, name="ext")[0]
    assert doc.id == "ext" and doc.text == "预算487万共5"
    assert labels_only(doc) == [(2, 6, "AMOUNT"), (7, 8, "COUNT")]
    assert [(s.start, s.end) for s in doc.sentences] == [(0, 6), (6, 8)]


def test_conll_errors_name_the_line() -> None:
    with pytest.raises(ConvertError, match="line 2: token 'ab'"):
        conll.read_lines(["a O", "ab O"])
    with pytest.raises(ConvertError, match="line 1: expected"):
        conll.read_lines(["a"])
    with pytest.raises(ConvertError, match="tag 'B-ORG'"):
        conll.read_lines(["a B-ORG"])
