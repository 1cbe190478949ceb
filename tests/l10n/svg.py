"""Reading SVG out of a rendered page: every coordinate must parse as a number, whatever the language."""

import re
from html.parser import HTMLParser

NUMERIC = {"x", "y", "cx", "cy", "r", "x1", "x2", "y1", "y2", "width", "height", "dy", "stroke-width"}
SVG_TAGS = {"svg", "rect", "circle", "line", "polyline", "text", "tspan"}


class _SvgAttributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.numbers = []  # (tag, attribute, value)
        self.lists = []

    def handle_starttag(self, tag, attrs):
        if tag not in SVG_TAGS:
            return
        for name, value in attrs:
            # html.parser lower-cases attribute names.
            if name in NUMERIC:
                self.numbers.append((tag, name, value))
            elif name in {"viewbox", "points"}:
                self.lists.append((tag, name, value))
            elif name == "transform":
                self.lists.append((tag, name, re.sub(r"^rotate\((.*)\)$", r"\1", value)))


def svg_numbers(html):
    """Every number of every SVG attribute in ``html``, as floats; raises ValueError on "6,0"."""
    parser = _SvgAttributes()
    parser.feed(html)
    numbers = []
    for _tag, name, value in parser.numbers:
        value = value.removesuffix("%") if name == "width" else value
        numbers.append(float(value))
    for _tag, name, value in parser.lists:
        if name == "points":
            # "x,y x,y": exactly two numbers a point; "6,0,74,0" (a decimal comma) is refused.
            for point in value.split():
                x, y = point.split(",")
                numbers += [float(x), float(y)]
        else:
            numbers += [float(part) for part in value.split()]
    return numbers


def polyline_pairs(html):
    """Each polyline's points, as (x, y) pairs: "6.0,74.0 150.0,40.0" -> [(6.0, 74.0), (150.0, 40.0)]."""
    pairs = []
    for points in re.findall(r'points="([^"]*)"', html):
        for point in points.split():
            x, y = point.split(",")
            pairs.append((float(x), float(y)))
    return pairs
