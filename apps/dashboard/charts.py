"""Charts drawn on the server as SVG: geometry here, markup in templates/dashboard/charts/.

Each chart is described in words (its `<title>` and `<desc>`) and sits beside a table of the same
numbers, so nothing is said by colour or shape alone.
"""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 22
GAP = 8


@dataclass
class Bar:
    label: str
    value: float
    y: float
    width: float
    text: str
    kind: str = ""


def horizontal_bars(rows: list[tuple[str, float | None, str]], *, unit: str = "") -> dict:
    """Rows of (label, value, kind): one bar each, scaled to the largest value."""
    values = [value for _, value, _ in rows if value is not None]
    top = max(values, default=0) or 1
    span = WIDTH - LABEL_WIDTH - 70
    bars = [Bar(label=label, value=value or 0, y=i * (BAR_HEIGHT + GAP), width=round((value or 0) / top * span, 1),
                text="–" if value is None else f"{value:g}{unit}", kind=kind)
            for i, (label, value, kind) in enumerate(rows)]
    return {"bars": bars, "width": WIDTH, "height": len(bars) * (BAR_HEIGHT + GAP), "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT}


def trend(rows: list[dict]) -> dict:
    """Monthly applications as columns, the on-time rate as a line over them (its own 0-100 % scale)."""
    height, left, bottom, top_pad = 220, 40, 30, 16
    plot_w, plot_h = WIDTH - left - 50, height - bottom - top_pad
    top = max((r["submitted"] for r in rows), default=0) or 1
    step = plot_w / max(len(rows), 1)
    columns, points = [], []
    for i, row in enumerate(rows):
        x = left + i * step
        h = row["submitted"] / top * plot_h
        columns.append({"x": round(x + step * 0.15, 1), "y": round(top_pad + plot_h - h, 1),
                        "w": round(step * 0.7, 1), "h": round(h, 1), "month": row["month"],
                        "submitted": row["submitted"], "label_x": round(x + step / 2, 1)})
        if row["on_time_rate"] is not None:
            points.append((round(x + step / 2, 1), round(top_pad + plot_h * (1 - row["on_time_rate"]), 1)))
    return {"columns": columns, "line": " ".join(f"{x},{y}" for x, y in points),
            "dots": [{"x": x, "y": y} for x, y in points], "width": WIDTH, "height": height,
            "base_y": top_pad + plot_h, "top_y": top_pad, "left": left, "right": left + plot_w, "max": top}
