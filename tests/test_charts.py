"""workbook.charts: lesson charts as SVG text, readable without colour; report figures as PNG."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

from workbook.charts import bar_chart, mood_chart, new_figure, png, timeline_chart, wrapped
from workbook.widgets.common import Chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML, checked to be a whole, scalable SVG document with a title."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert root.find(f"{SVG}title").text
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def shown_svg(chart: Chart) -> ET.Element:
    """The SVG a Chart widget shows in its ``<img>``, parsed; it must be the one it keeps."""
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', chart.value).group(1)
    assert base64.b64decode(data).decode("utf-8") == chart.svg
    return parse(chart.svg)


def test_the_mood_chart_has_a_title_axes_a_marker_and_a_label_per_turn():
    root = parse(mood_chart([2, 4, 7], ["Start", "1", "2"], "Sam's mood, turn by turn"))
    words = texts(root)
    assert words[0] == "Sam's mood, turn by turn"
    assert {"0 very upset", "5 unsettled", "10 reassured", "Start", "1", "2",
            "Turn in the conversation", "Customer's mood"} <= set(words)
    assert ["2", "4", "7"] == [w for w in words if w in {"2", "4", "7"}][-3:]
    assert len(root.findall(f"{SVG}circle")) == 3
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 3


def test_bars_are_plain_and_hatched_with_a_value_on_each_and_a_key():
    root = parse(bar_chart("Options balance", ["Repair", "★ Refund"],
                           [("For the customer", [6, 9]), ("For the organisation", [12, 8])],
                           "Total score", 15))
    words = texts(root)
    assert {"Options balance", "Repair", "★ Refund", "For the customer", "For the organisation",
            "Total score", "6", "9", "12", "8"} <= set(words)
    fills = [r.get("fill") for r in root.findall(f"{SVG}rect")]
    assert fills.count("url(#wb-hatch)") == 3 and fills.count("#4d4d4d") == 3  # key + 2 bars
    assert root.find(f".//{SVG}pattern[@id='wb-hatch']") is not None


def test_the_timeline_has_a_bar_dates_and_a_label_per_row():
    start = dt.date(2026, 12, 1)
    root = parse(timeline_chart("My development timeline", [
        ("1. Stay calm", start, start + dt.timedelta(days=21)),
        ("2. Explain refunds & credit notes", dt.date(2026, 12, 8), dt.date(2027, 1, 12))]))
    words = texts(root)
    assert {"My development timeline", "1. Stay calm", "1 Dec to 22 Dec (3 weeks)",
            "8 Dec to 12 Jan (5 weeks)", "Date", "2027"} <= set(words)
    assert "2. Explain refunds & credit notes" in " ".join(words)  # on two lines
    fills = [r.get("fill") for r in root.findall(f"{SVG}rect")]
    assert fills.count("url(#wb-dots)") == 1 and fills.count("url(#wb-hatch)") == 1


def test_long_labels_are_wrapped_and_cut_short():
    assert wrapped("short", 200) == ["short"]
    lines = wrapped("a very long label " * 10, 100, 12, rows=2)
    assert len(lines) == 2 and lines[-1].endswith("…")


def test_the_chart_widget_keeps_the_alt_text():
    chart = Chart()
    chart.show(mood_chart([5], ["Start"], "A & B"), 'Line chart of "A & B": 5 out of 10.')
    alt = re.search(r'alt="([^"]*)"', chart.value)[1]  # the quotes inside are escaped
    assert html.unescape(alt) == 'Line chart of "A & B": 5 out of 10.'
    assert "&amp; B" in alt
    assert texts(shown_svg(chart))[0] == "A & B"


def test_report_figures_are_still_png():
    figure = new_figure(2, 1)
    figure.add_subplot().plot([1, 2])
    assert png(figure)[:8] == b"\x89PNG\r\n\x1a\n"
