"""Bar charts drawn on the server as SVG: readable in print and without JavaScript."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, BASELINE = 640, 200, 170
SERIES = ("received", "distributed", "spoiled")


@dataclass
class Bar:
    series: str
    x: int
    y: int
    width: int
    height: int
    value: Decimal


def bar_chart(unit: str, points: list[dict]) -> dict:
    """Three bars a week (received, distributed, spoiled), scaled to the largest value."""
    top = max((point[name] for point in points for name in SERIES), default=Decimal(0)) or Decimal(1)
    slot = WIDTH // max(len(points), 1)
    bar = max(slot // 4, 2)
    weeks = []
    for index, point in enumerate(points):
        left = index * slot + bar // 2
        bars = []
        for offset, name in enumerate(SERIES):
            height = int(point[name] * (BASELINE - 10) / top)
            bars.append(Bar(name, left + offset * bar, BASELINE - height, bar - 1, height, point[name]))
        weeks.append({"week": point["week"], "label_x": left + bar, "bars": bars})
    return {"unit": unit, "width": WIDTH, "height": HEIGHT, "baseline": BASELINE, "weeks": weeks, "top": top}
