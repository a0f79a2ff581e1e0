"""`jixiao show` in a real browser: headless Chromium loads the page, runs its script, draws it.

Chromium (and a Chinese font, so the screenshot shows text and not boxes) is installed from
Debian's packages when missing. A failed install fails the test: a viewer that was never seen
in a browser has not been tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jixiao.document.model import LABELS, Document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "raw" / "000_d6a03cfb2cfdfbfd.txt"
WIDTH, HEIGHT = 1280, 900
APT_TIMEOUT = 1200
BROWSER_TIMEOUT = 120
LABEL_COLOURS = {"AMOUNT": (0xFF, 0xE2, 0x9A), "RATE": (0xCC, 0xE3, 0xFF), "COUNT": (0xC8, 0xEF, 0xCF), "MEASURE": (0xEA, 0xD8, 0xFF)}


def _run(command: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)


def _apt_install(packages: list[str]) -> None:
    """apt-get update + install; any failure fails the test with apt's own last words."""
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *packages]):
        try:
            result = _run(command, APT_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.fail(f"{' '.join(command)} could not run: {exc}")
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
            pytest.fail(f"{' '.join(command)} failed (exit {result.returncode}):\n{tail}")


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(_run(["fc-list", ":lang=zh"], 60).stdout.strip())


@pytest.fixture(scope="session")
def chromium() -> str:
    missing = [] if shutil.which("chromium") else ["chromium"]
    if not _has_cjk_font():
        missing += ["fontconfig", "fonts-wqy-microhei"]
    if missing:
        _apt_install(missing)
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("apt-get installed chromium but there is no `chromium` on PATH")
    return path


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}"]
    result = _run([chromium, *flags, *args], BROWSER_TIMEOUT)
    assert result.returncode == 0, f"chromium failed (exit {result.returncode}): {result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def tagged() -> Document:
    from jixiao.loading import load

    return load(None).tag_file(SAMPLE)


@pytest.fixture(scope="module")
def page(tagged: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample report with one made-up finding, so every part of the panel is drawn."""
    from jixiao.audit.findings import Finding
    from jixiao.outputs.html import render_html

    span = next(s for s in tagged.spans if s.label == "RATE")
    finding = Finding(doc_id=tagged.id, check="prose_rate", item="执行率", stated=Decimal("100"),
                      computed=Decimal("98.5"), tolerance=Decimal("0.5"), context=tagged.span_text(span),
                      start=span.start, end=span.end, message="stated rate differs from paid/budget")
    path = tmp_path_factory.mktemp("page") / "page.html"
    path.write_text(render_html(tagged, [finding], {"name": "jixiao-rules", "version": "0"}), "utf-8")
    return path


class _Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def _elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_the_browser_runs_the_page(chromium: str, page: Path, tagged: Document, tmp_path: Path) -> None:
    dom = _browser(chromium, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    elements = _elements(dom)
    quantities = [a for t, a in elements if t == "span" and "q" in a.get("class", "").split() and a.get("id", "").startswith("q-")]
    assert len(quantities) == len(tagged.spans)
    assert {a["data-label"] for a in quantities} == {s.label for s in tagged.spans}
    assert all(f"q-{a['data-label']}" in a["class"] for a in quantities)
    issues = sum(s.kind in ("problem", "recommendation") for s in tagged.sentences)
    assert len([a for t, a in elements if t == "mark" and a.get("id", "").startswith("s-")]) == issues
    targets = [a["data-target"] for t, a in elements if t == "a" and "data-target" in a]
    assert {f"q-{i}" for i in range(len(tagged.spans))} <= set(targets)
    assert any(a.get("class") == "finding" for _, a in elements) and any(a.get("id") == "f-0" for _, a in elements)
    counter = next(a for _, a in elements if a.get("id") == "counter")
    assert counter.get("data-ready") == "1", "the inline script did not run"
    assert counter["data-rendered-quantities"] == str(len(tagged.spans))
    assert counter["data-rendered-sentences"] == str(issues)
    assert f"已标注 {len(tagged.spans)} 个数量" in dom


def _pixels(path: Path) -> tuple[tuple[int, int], set[tuple[int, int, int]]]:
    from PIL import Image  # installed with pdfplumber, a declared dependency

    with Image.open(path) as image:
        assert image.format == "PNG"
        rgb = image.convert("RGB")
        counts = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
        return rgb.size, {colour for _, colour in counts}


def _near(colour: tuple[int, int, int], seen: set[tuple[int, int, int]]) -> bool:
    return any(all(abs(a - b) <= 3 for a, b in zip(colour, pixel)) for pixel in seen)


def test_the_page_is_drawn(chromium: str, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _browser(chromium, tmp_path / "profile", f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri())
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    size, colours = _pixels(shot)
    assert size == (WIDTH, HEIGHT)
    assert len(colours) > 50, "the screenshot is (nearly) a single colour"
    missing = [label for label in LABELS if not _near(LABEL_COLOURS[label], colours)]
    assert not missing, f"no pixels in the highlight colour of {missing}"
    keep = os.environ.get("JIXIAO_SHOW_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


PROBE = """<script>
document.querySelector('#panel a[data-target="f-0"]').click();
var landed = document.getElementById("f-0").classList.contains("flash");
var hits = document.querySelectorAll("#text .q.hit").length;
document.getElementById("q-0").click();
var entry = document.querySelector('#panel a[data-target="q-0"]').classList.contains("flash");
document.body.setAttribute("data-probe", [landed, hits, entry].join(","));
</script>
</body>"""


def test_links_jump_both_ways(chromium: str, page: Path, tmp_path: Path) -> None:
    """A click on a panel entry flashes its place in the text (and a finding's quantity); and back."""
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text("utf-8").replace("</body>", PROBE), "utf-8")
    dom = _browser(chromium, tmp_path / "profile", "--dump-dom", probed.as_uri()).stdout
    body = next(a for t, a in _elements(dom) if t == "body")
    assert body.get("data-probe") == "true,1,true"


class _Ancestry(HTMLParser):
    """Each start tag with the tags (and their classes) it stands in, for checking the drawn tables."""

    VOID = {"meta", "input", "br", "img", "link", "hr", "col"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.seen: list[tuple[str, dict[str, str], list[tuple[str, dict[str, str]]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.seen.append((tag, attributes, list(self.stack)))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_tables_are_drawn_with_their_findings_in_the_cells(chromium: str, tmp_path: Path) -> None:
    """In the browser's own DOM (nothing moved out of the tables), 表1 of 001 has its rows, its
    values in 元, and the audit's ⚠ inside the flagged rate cells."""
    from jixiao.audit import audit_document
    from jixiao.loading import load
    from jixiao.outputs.html import render_html

    doc = load("jixiao-rules").tag_file(ROOT / "corpus" / "raw" / "001_f25cf90dc0a01762.txt")
    findings = audit_document(doc)
    page = tmp_path / "tables.html"
    page.write_text(render_html(doc, findings), "utf-8")
    parser = _Ancestry()
    parser.feed(_browser(chromium, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout)
    tables = [a for t, a, _ in parser.seen if t == "table" and "doc-table" in a.get("class", "")]
    assert [a["id"] for a in tables] == [f"t-{i}" for i in range(len(doc.tables))]
    first_rows = [a for t, a, up in parser.seen if t == "tr" and any(u.get("id") == "t-0" for _, u in up)]
    assert len(first_rows) == len(doc.tables[0].rows)
    value = next(a for t, a, _ in parser.seen if t == "td" and a.get("data-value") == "2664700")
    assert "266.47 万元 → 2,664,700 元" in value["title"]
    in_tables = [f for f in findings if f.table is not None]
    marks = {a["id"]: up for t, a, up in parser.seen if t == "a" and a.get("class") == "fmark"}
    for index, finding in enumerate(findings):
        if finding.table is not None:
            assert any(t == "td" and "flag" in u.get("class", "").split() for t, u in marks[f"f-{index}"])
    assert len(in_tables) == 12
