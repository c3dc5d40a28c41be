"""Bar charts drawn on the server as SVG: no script, nothing the Content-Security-Policy refuses."""

from dataclasses import dataclass

from mesoclinic.outcomes.reports import Table

WIDTH = 640
LABEL = 260
BAR = 22
GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    key: str
    note: str
    stands_out: bool
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    height: int
    bars: list[Bar]


def chart(table: Table) -> Chart:
    """The table's rows as horizontal bars, each as long as its value against the largest."""
    room = WIDTH - LABEL - 80
    largest = max((row.value for row in table.rows), default=0) or 1
    bars = []
    for n, row in enumerate(table.rows):
        y = GAP + n * (BAR + GAP)
        width = max(round(room * row.value / largest), 1 if row.value else 0)
        bars.append(
            Bar(
                row.label,
                row.value,
                row.key,
                row.note,
                row.stands_out,
                y,
                width,
                y + BAR - 6,
                LABEL + width + 6,
            )
        )
    return Chart(table.title, table.unit, GAP + len(bars) * (BAR + GAP), bars)
