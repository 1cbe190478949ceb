"""A goal's progress curve as SVG coordinates, drawn server-side (no JavaScript, CSP-friendly)."""

from dataclasses import dataclass

WIDTH, HEIGHT, PADDING = 300, 80, 6


@dataclass
class Curve:
    points: str
    dots: list
    latest_percent: int | None
    latest_value: int | None
    width: int = WIDTH
    height: int = HEIGHT


def progress_curve(goal, points=None):
    points = list(goal.progress.all()) if points is None else points
    if not points:
        return Curve(points="", dots=[], latest_percent=None, latest_value=None)
    first, last = points[0].recorded_on, points[-1].recorded_on
    span = max((last - first).days, 1)
    coordinates = []
    for index, point in enumerate(points):
        if len(points) == 1:
            x = WIDTH / 2
        elif first == last:
            x = PADDING + index * (WIDTH - 2 * PADDING) / (len(points) - 1)
        else:
            x = PADDING + (point.recorded_on - first).days * (WIDTH - 2 * PADDING) / span
        y = HEIGHT - PADDING - (point.value / goal.maximum) * (HEIGHT - 2 * PADDING)
        coordinates.append((round(x, 1), round(y, 1), point))
    return Curve(
        points=" ".join(f"{x},{y}" for x, y, _point in coordinates),
        dots=[{"x": x, "y": y, "point": point} for x, y, point in coordinates],
        latest_percent=round(points[-1].value * 100 / goal.maximum),
        latest_value=points[-1].value,
    )
