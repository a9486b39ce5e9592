"""Bar charts written as SVG on the server: no script, no third-party service, allowed by
the CSP. Everything is drawn in `currentColor`, so a chart takes the text colour of the
page — dark on light, light on dark, the system colours in high-contrast mode, black in
print. The data table under each chart is the accessible reading; the SVG carries a
title (role="img") that names it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 250
VALUE_WIDTH = 60
ROW_HEIGHT = 24
BAR_HEIGHT = 16
MAX_LABEL_CHARS = 36


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(chart_id: str, title: str, rows: list[dict]) -> SafeString:
    """Horizontal bars, one per row ({label, count}), longest scale at the largest count."""
    largest = max((row["count"] for row in rows), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="13" fill="currentColor">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, row in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        length = round(bar_space * row["count"] / largest)
        middle = y + ROW_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">'
            f"{escape(_short(str(row['label'])))}</text>"
        )
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + (ROW_HEIGHT - BAR_HEIGHT) / 2}" '
                f'width="{length}" height="{BAR_HEIGHT}"/>'
            )
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}">{row["count"]}</text>')
    # A baseline, so that an empty bar still reads as zero.
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="2" x2="{LABEL_WIDTH}" y2="{height - 2}" '
        f'stroke="currentColor" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
