from dashboards import charts


def _chart(categories):
    return charts.column_chart(categories=categories, series=[("Now", "series-held", [1] * len(categories))])


def test_short_labels_stay_level_under_their_column():
    chart = _chart(["Jan", "Feb", "Mar"])
    assert [label["slant"] for label in chart["labels"]] == [0, 0, 0]
    assert (chart["height"], chart["view_x"]) == (charts.HEIGHT, 0)


def test_labels_wider_than_their_column_are_slanted_shortened_and_given_room():
    names = ["Applications mobiles et productivité"] + [f"Compétence numéro {n}" for n in range(9)]
    chart = _chart(names)
    assert all(label["slant"] == -charts.SLANT_DEGREES for label in chart["labels"])
    assert chart["labels"][0]["text"] == "Applications mobiles et…"
    assert all(len(label["text"]) <= charts.SLANTED_MAX_CHARS for label in chart["labels"])
    # Room below for the slanted text, and to the left for the first label.
    assert chart["height"] > charts.HEIGHT
    assert chart["view_x"] < 0 and chart["view_width"] == charts.WIDTH - chart["view_x"]
    # The full name stays in the column's tooltip.
    assert chart["columns"][0]["title"].startswith("Applications mobiles et productivité")
