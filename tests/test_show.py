"""`jixiao show`: the HTML renderer (markup, escaping, side panel, findings) and the command."""

from __future__ import annotations

import json
import re
import stat
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import jixiao.audit
from jixiao.audit.findings import Finding
from jixiao.cli.show_cmd import show
from jixiao.document.jsonl import decimal_str
from jixiao.document.model import CATEGORY_NAMES_ZH, Document, Sentence, Span, Table, TableCell
from jixiao.outputs.html import drawable_tables, format_value, render_html, render_text
from jixiao.outputs.records import output_line

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "raw" / "000_d6a03cfb2cfdfbfd.txt"
VOID = {"meta", "input", "br", "img", "link", "hr"}


class _Tree(HTMLParser):
    """Checks nesting, collects start tags, and rebuilds the plain text minus the page's own badges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag not in VOID:
            skip = bool({"tags", "fmark", "tmeta"} & set(attributes.get("class", "").split()))
            self.stack.append((tag, skip or any(s for _, s in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(skip for _, skip in self.stack):
            self.text.append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert not tree.errors and not tree.stack, (tree.errors, tree.stack)
    return tree


def by_id(tree: _Tree) -> dict[str, dict[str, str]]:
    return {a["id"]: a for _, a in tree.elements if "id" in a}


@pytest.fixture(scope="module")
def tagged() -> Document:
    from jixiao.loading import load

    return load(None).tag_file(SAMPLE)


def small_doc() -> Document:
    text = '预算<script>alert("x")</script> & 安排100万元，执行率98%。\n合同缺少履行期限；应补充协议。\n其他'
    spans = (Span(text.index("100"), text.index("，"), "AMOUNT", Decimal("1000000"), "元", approx=True),
             Span(text.index("98"), text.index("。"), "RATE", Decimal("98"), "%", op=">="))
    problem_end = text.index("；") + 1
    sentences = (Sentence(0, text.index("。") + 1, "none"),
                 Sentence(text.index("合同"), problem_end, "problem", ("contract_rigor", "budget_compilation"),
                          category_scores={"contract_rigor": 0.9, "budget_compilation": 0.6}),
                 Sentence(problem_end, text.index("议。") + 2, "recommendation", ("contract_rigor",)))
    return Document(id='d"<1>', text=text, meta={"unit": "单位<&>"}, spans=spans, sentences=sentences)


# --- the text -------------------------------------------------------------------------------


def test_every_span_is_wrapped_with_its_label_and_value(tagged: Document) -> None:
    tree = parse(render_html(tagged))
    ids = by_id(tree)
    for index, span in enumerate(tagged.spans):
        attrs = ids[f"q-{index}"]
        assert attrs["class"].split() == ["q", f"q-{span.label}"]
        assert attrs["data-label"] == span.label
        assert attrs["data-value"] == decimal_str(span.value)
        assert attrs["data-unit"] == span.unit
        assert (attrs["data-start"], attrs["data-end"]) == (str(span.start), str(span.end))
        assert format_value(span) in attrs["title"] and f"unit: {span.unit}" in attrs["title"]


def test_the_text_survives_markup_unchanged(tagged: Document) -> None:
    """Outside tables the text is as it is; a drawn table shows every cell's own stretch of text."""
    tables = drawable_tables(tagged)
    assert [index for index, _ in tables] == [0, 1, 2, 3]
    expected, position = [], 0
    for _, table in tables:
        expected.append(tagged.text[position : table.start])
        expected += [tagged.text[c.start : c.end] for row in table.rows for c in row if c.start is not None]
        position = table.end
    expected.append(tagged.text[position:])
    assert "".join(parse(render_text(tagged)).text) == "".join(expected)


def test_issue_sentences_are_marked_with_kind_and_categories(tagged: Document) -> None:
    page = render_html(tagged)
    ids = by_id(parse(page))
    issues = [(i, s) for i, s in enumerate(tagged.sentences) if s.kind in ("problem", "recommendation")]
    assert issues
    for index, sentence in issues:
        attrs = ids[f"s-{index}"]
        assert attrs["class"].split() == ["s", f"s-{sentence.kind}"]
        assert attrs["data-categories"].split() == list(sentence.categories)
        for key in sentence.categories:
            assert f"{CATEGORY_NAMES_ZH[key]} {key}" in attrs["title"]
            assert re.search(f'data-category="{key}"[^>]*>{CATEGORY_NAMES_ZH[key]}<code>{key}</code>', page)
    none_ids = {f"s-{i}" for i, s in enumerate(tagged.sentences) if s.kind == "none"}
    assert not none_ids & set(ids)


def test_text_and_attributes_are_escaped() -> None:
    page = render_html(small_doc(), [Finding("d", "<check>", "<item>", Decimal(1), Decimal(2), Decimal(0), "<ctx>",
                                             start=0, end=2, message='<img src=x onerror="alert(1)">')])
    assert "<script>alert" not in page and "<img src=x" not in page and "<check>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 安排" in page
    assert "单位&lt;&amp;&gt;" in page and "d&quot;&lt;1&gt;" in page
    tree = parse(page)
    assert [t for t, _ in tree.elements].count("script") == 1  # only the page's own
    attrs = by_id(tree)["q-0"]
    assert attrs["data-approx"] == "true" and "≈ 1,000,000元" in attrs["title"]
    assert by_id(tree)["q-1"]["data-op"] == ">="


def test_a_span_across_a_sentence_boundary_is_split_but_nests() -> None:
    text = "甲乙。丙丁"
    doc = Document(id="x", text=text, spans=(Span(1, 4, "COUNT", Decimal(3), "个"),),
                   sentences=(Sentence(0, 3, "problem", ("supervision",)), Sentence(3, 5, "none")))
    tree = parse(render_html(doc))
    pieces = [a for t, a in tree.elements if t == "span" and "data-label" in a]
    assert [p.get("id") or p["data-ref"] for p in pieces] == ["q-0", "q-0"]
    assert "".join(parse(render_text(doc)).text) == text


def test_broken_offsets_are_skipped_not_fatal() -> None:
    doc = Document(id="x", text="一二三", spans=(Span(2, 9, "COUNT"), Span(1, 1, "RATE")))
    assert "".join(parse(render_text(doc)).text) == "一二三"


def test_values_show_approx_op_and_range() -> None:
    assert format_value(Span(0, 1, "AMOUNT", Decimal("80000"), "元", approx=True)) == "≈ 80,000元"
    assert format_value(Span(0, 1, "RATE", Decimal("95"), "%", op=">=")) == "≥95%"
    assert format_value(Span(0, 1, "AMOUNT", Decimal("300000"), "元", value_max=Decimal("500000"))) == "300,000–500,000元"
    assert format_value(Span(0, 1, "COUNT")) == "—"


# --- the side panel -------------------------------------------------------------------------


def test_the_panel_lists_every_quantity_by_label(tagged: Document) -> None:
    tree = parse(render_html(tagged))
    targets = [a["data-target"] for t, a in tree.elements if t == "a" and a.get("data-target", "").startswith("q-")]
    assert sorted(targets) == sorted(f"q-{i}" for i in range(len(tagged.spans)))
    quantity_section = render_html(tagged).split('id="p-quantities"')[1]
    order = [label for label in ("AMOUNT", "RATE", "COUNT", "MEASURE") if f'q-{label}">' in quantity_section]
    assert order == ["AMOUNT", "RATE", "COUNT", "MEASURE"]


def test_the_panel_groups_issue_sentences_by_each_category() -> None:
    page = render_html(small_doc())
    issues = page.split('id="p-issues"')[1].split('id="p-findings"')[0]
    assert issues.count('data-target="s-1"') == 2 and issues.count('data-target="s-2"') == 1
    assert issues.index("合同管理 <code>contract_rigor</code>") > issues.index("预算编制 <code>budget_compilation</code>")
    assert "contract_rigor: score 0.90" in issues


def test_findings_not_available_none_and_listed() -> None:
    doc = small_doc()
    assert "audit not available" in render_html(doc, None)
    assert "no findings" in render_html(doc, [])
    finding = Finding(doc.id, "prose_rate", "执行率", Decimal("98"), Decimal("97.5"), Decimal("0.1"), "执行率98%",
                      start=doc.spans[1].start, end=doc.spans[1].end, message="rate does not follow")
    page = render_html(doc, [finding])
    ids = by_id(parse(page))
    assert ids["f-0"]["class"] == "fmark" and ids["f-0"]["href"] == "#pf-0"
    entry = page.split('id="pf-0"')[1].split("</li>")[0]
    for text in ("prose_rate", "执行率", "<b>stated</b> 98", "<b>computed</b> 97.5", "<b>tolerance</b> 0.1",
                 "<b>diff</b> 0.5", "rate does not follow", f'data-target="f-0" data-start="{finding.start}"'):
        assert text in entry


def test_a_table_finding_points_at_its_row() -> None:
    text = "表\n序号\t金额\n1\t5\n"
    row_start = text.index("1\t")
    table = Table(rows=((TableCell("序号", 2, 4), TableCell("金额", 5, 7)), (TableCell("1", row_start, row_start + 1), TableCell("5"))),
                  start=2, end=len(text))
    doc = Document(id="t", text=text, tables=(table,))
    finding = Finding("t", "total_sum", "合计", Decimal(5), Decimal(6), Decimal(0), "", table=0, row=1, column="金额")
    page = render_html(doc, [finding])
    assert page.index('id="f-0"') < page.index(">1\t5")
    assert "table 0, row 1, column 金额" in page


def test_the_page_is_self_contained(tagged: Document) -> None:
    page = render_html(tagged, [], {"name": "m", "version": "1"})
    for external in ("<link", " src=", "@import", "url(", "http://", "https://"):
        assert external not in page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "white-space: pre-wrap" in page


# --- the command ----------------------------------------------------------------------------


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(show)
    return application


def invoke(*args: str):
    return CliRunner().invoke(app(), [str(a) for a in args])


@pytest.fixture
def no_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """An audit that crashes: the page is written all the same and says the audit is not available."""
    def crashing_audit(doc: Document) -> list[Finding]:
        raise RuntimeError("audit broke")

    monkeypatch.setattr(jixiao.audit, "audit_document", crashing_audit)


def test_show_a_report(tmp_path: Path, no_audit: None) -> None:
    out = tmp_path / "page.html"
    result = invoke(SAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert 'class="q q-AMOUNT"' in page and 'class="s s-problem"' in page and "audit not available" in page
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temp file left behind


def test_default_output_is_the_stem_in_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_audit: None) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(SAMPLE).exit_code == 0
    assert (tmp_path / f"{SAMPLE.stem}.html").exists()


def test_show_lists_the_audit_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_audit(doc: Document) -> list[Finding]:
        return [Finding(doc.id, "total_sum", "合计<>", Decimal(10), Decimal(11), Decimal(0), "ctx", start=0, end=2)]

    monkeypatch.setattr(jixiao.audit, "audit_document", fake_audit, raising=False)
    out = tmp_path / "page.html"
    assert invoke(SAMPLE, "-o", out).exit_code == 0
    page = out.read_text("utf-8")
    assert 'id="pf-0"' in page and "合计&lt;&gt;" in page and "audit not available" not in page


def test_show_a_tagged_jsonl_by_id(tmp_path: Path, no_audit: None) -> None:
    first, second = small_doc().replace(id="first"), small_doc().replace(id="second", text=small_doc().text + "二")
    jsonl = tmp_path / "tagged.jsonl"
    jsonl.write_text("".join(output_line(d, "x.txt", {"name": "m-name", "version": "7"}) + "\n" for d in (first, second)), "utf-8")
    out = tmp_path / "one.html"
    assert invoke(jsonl, "--id", "second", "-o", out).exit_code == 0
    assert "second" in out.read_text("utf-8") and "m-name 7" in out.read_text("utf-8")
    assert invoke(jsonl, "-o", out).exit_code == 0
    assert 'id</b> first' in out.read_text("utf-8")
    wrong = invoke(jsonl, "--id", "secnd", "-o", tmp_path / "none.html")
    assert wrong.exit_code == 1 and not (tmp_path / "none.html").exists()
    assert f"{jsonl}: no document with id 'secnd' (did you mean 'second'?); its documents: first, second" in \
        " ".join(wrong.stderr.split())


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("missing.txt", None, "no such file"), ("broken.pdf", b"\x00not a pdf", "damaged"),
     ("bad.jsonl", b"{not json\n", "not JSON"), ("empty.jsonl", b"\n", "no documents"),
     ("errors.jsonl", json.dumps({"file": "a", "reason": "b"}).encode() + b"\n", "needs 'id'")],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = invoke(path, "-o", tmp_path / "out.html")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and reason in lines[0], lines
    assert not (tmp_path / "out.html").exists()


def test_usage_errors_exit_1(tmp_path: Path) -> None:
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text(output_line(small_doc(), "x.txt", {}) + "\n", "utf-8")
    assert invoke(SAMPLE, "--id", "x", "-o", tmp_path / "a.html").exit_code == 1
    assert invoke(jsonl, "--id", "nope", "-o", tmp_path / "a.html").exit_code == 1
    assert invoke(jsonl, "--model", tmp_path, "-o", tmp_path / "a.html").exit_code == 1
    assert invoke(SAMPLE, "--model", tmp_path, "-o", tmp_path / "a.html").exit_code == 1


def test_a_page_larger_than_the_setting_is_written_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page browsers may not open is still written, and the command says so on stderr."""
    from jixiao import settings

    small = {**settings.runtime_settings(), "show": {"page_warning_mb": 0.001}}
    monkeypatch.setattr(settings, "runtime_settings", lambda: small)
    out = tmp_path / "page.html"
    result = invoke(SAMPLE, "-o", out)
    assert result.exit_code == 0 and out.stat().st_size > 1000
    assert f"warning: {out} is" in result.output and "jixiao tag" in result.output
    monkeypatch.setattr(settings, "runtime_settings", lambda: {**small, "show": {"page_warning_mb": 50}})
    assert "warning" not in invoke(SAMPLE, "-o", out).output
