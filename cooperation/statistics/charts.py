"""Charts written as SVG on the server — bars for a table, proportional squares for a
cross-table: no script, no third-party service, allowed by the CSP. Everything is drawn in
`currentColor`, so a chart takes the text colour of the page — dark on light, light on
dark, the system colours in high-contrast mode, black in print; sizes and written counts,
never shades, carry the numbers. The data table beside each chart is the accessible
reading; the SVG carries a title (role="img") that names it."""

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


# The matrix of a cross-table: a square per cell, its area proportional to the count.
CELL = 44  # width and height of a cell
MAX_SIDE = 30  # side of the largest count's square
HEADER = 150  # room for the column labels, rotated
MATRIX_LABEL_WIDTH = 270
COLUMN_LABEL_CHARS = 24


def _svg_open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-chart--matrix" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" preserveAspectRatio="xMinYMin meet" font-size="13" '
        f'fill="currentColor">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]


def _column_labels(columns: list[dict]) -> list[str]:
    parts = []
    for index, column in enumerate(columns):
        x = MATRIX_LABEL_WIDTH + index * CELL + CELL / 2
        label = str(column["label"])
        short = label if len(label) <= COLUMN_LABEL_CHARS else label[: COLUMN_LABEL_CHARS - 1]
        short += "" if short == label else "…"
        parts.append(
            f'<text x="{x}" y="{HEADER - 6}" transform="rotate(-45 {x} {HEADER - 6})">'
            f"{escape(short)}</text>"
        )
    return parts


def _cell(x: float, y: float, count: int, largest: int) -> str:
    """The square of one non-zero count, centred in its cell, the count under it."""
    side = round(MAX_SIDE * (count / largest) ** 0.5, 2)
    left = round(x + (CELL - side) / 2, 2)
    top = round(y + (CELL - 12 - side) / 2, 2)
    return (
        f'<rect class="portal-chart__cell" x="{left}" y="{top}" width="{side}" '
        f'height="{side}" data-count="{count}"/>'
        f'<text x="{x + CELL / 2}" y="{y + CELL - 2}" text-anchor="middle" '
        f'font-size="11">{count}</text>'
    )


def matrix_chart(chart_id: str, title: str, columns: list[dict], rows: list[dict]) -> SafeString:
    """Proportional squares, one per non-zero cell of a cross-table ({columns: [{label}],
    rows: [{label, cells: [{count}]}]}); a zero cell stays empty inside its grid lines."""
    largest = max((cell["count"] for row in rows for cell in row["cells"]), default=0) or 1
    # The rotated labels of the last columns run past the grid on the right.
    width = MATRIX_LABEL_WIDTH + CELL * max(len(columns), 1) + HEADER - 20
    height = HEADER + CELL * max(len(rows), 1) + 4
    parts = _svg_open(chart_id, title, width, height)
    parts.extend(_column_labels(columns))
    for index, row in enumerate(rows):
        y = HEADER + index * CELL
        parts.append(
            f'<text x="{MATRIX_LABEL_WIDTH - 8}" y="{y + CELL / 2 + 4}" text-anchor="end">'
            f"{escape(_short(str(row['label'])))}</text>"
        )
        for column, cell in enumerate(row["cells"]):
            if cell["count"]:
                parts.append(_cell(MATRIX_LABEL_WIDTH + column * CELL, y, cell["count"], largest))
    # Grid lines, thin and dashed: they place the cells, the squares carry the counts.
    right = MATRIX_LABEL_WIDTH + CELL * len(columns)
    bottom = HEADER + CELL * len(rows)
    grid = [
        f'<line x1="{MATRIX_LABEL_WIDTH}" y1="{HEADER + i * CELL}" x2="{right}" '
        f'y2="{HEADER + i * CELL}"/>'
        for i in range(len(rows) + 1)
    ] + [
        f'<line x1="{MATRIX_LABEL_WIDTH + i * CELL}" y1="{HEADER}" '
        f'x2="{MATRIX_LABEL_WIDTH + i * CELL}" y2="{bottom}"/>'
        for i in range(len(columns) + 1)
    ]
    parts.append(
        '<g stroke="currentColor" stroke-width="0.5" stroke-dasharray="2 3" fill="none">'
        + "".join(grid)
        + "</g>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
