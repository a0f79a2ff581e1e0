"""Bar charts for scores in [0, 1]: inline SVG for the HTML report, text bars for Markdown.

Hand-written rather than plotted, so the reports need no plotting library and stay one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

EIGHTHS = " ▏▎▍▌▋▊▉"
PALETTE: tuple[str, ...] = ("#3b6ea8", "#e0a030", "#5a9e5a", "#b0506a")
MIN_LABEL_WIDTH = 80
BAR_WIDTH = 380
BAR_HEIGHT = 14
GAP = 10


def svg_bars(groups: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], title: str) -> str:
    """Horizontal grouped bars: one group per label, one bar per series, with the value printed."""
    group_height = len(series) * BAR_HEIGHT + GAP
    height = 30 + len(groups) * group_height + 24
    left = max([MIN_LABEL_WIDTH, *(_text_width(g) + 12 for g in groups)])
    width = left + BAR_WIDTH + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for g, group in enumerate(groups):
        top = 30 + g * group_height
        parts.append(f'<text x="0" y="{top + len(series) * BAR_HEIGHT / 2 + 4:.0f}">{escape(group)}</text>')
        for s, (_, values) in enumerate(series):
            value = max(0.0, min(1.0, values[g]))
            y = top + s * BAR_HEIGHT
            parts.append(f'<rect x="{left}" y="{y}" width="{value * BAR_WIDTH:.1f}" height="{BAR_HEIGHT - 2}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(group)} {values[g]:.4f}</title></rect>')
            parts.append(f'<text x="{left + value * BAR_WIDTH + 4:.1f}" y="{y + BAR_HEIGHT - 3}">{values[g]:.3f}</text>')
    legend_y = height - 8
    for s, (name, _) in enumerate(series):
        x = left + s * 120
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def text_bars(groups: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], width: int = 40) -> str:
    """The same chart as lines of block characters, for a Markdown code block."""
    name_width = max(len(g) for g in groups) if groups else 0
    series_width = max(len(name) for name, _ in series) if series else 0
    lines = []
    for g, group in enumerate(groups):
        for s, (name, values) in enumerate(series):
            bar = _blocks(values[g], width)
            head = group if s == 0 else ""
            lines.append(f"{head:<{name_width}}  {name:<{series_width}}  {bar:<{width}} {values[g]:.3f}")
    return "\n".join(lines)


def _blocks(value: float, width: int) -> str:
    """A bar of ``value * width`` characters, to an eighth of a character, so 0.99 and 1.0 differ."""
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def _text_width(text: str) -> int:
    """Rough pixel width at 12px: CJK characters are about twice as wide as Latin ones."""
    return sum(12 if ord(c) >= 0x2E80 else 7 for c in text)
