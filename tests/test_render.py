"""One way to render (issue 21, item 3): every page and widget comes from the Jinja2 templates
in workbook/assets/templates/, autoescaped, so what a learner types shows as the text it is."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from workbook.engine.figures import Table
from workbook.render import TEMPLATES, render

TYPED = "<script>alert(1)</script> & <b>bold</b>"
SAFE = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


def shows_as_text(html: str, before: str) -> None:
    assert "<script>" not in html and "<b>bold" not in html
    assert f"{before}{SAFE}" in html, before


def test_a_template_escapes_what_it_is_given_and_names_what_is_missing():
    html = render("widgets/table.html.j2", table=Table(("Goal", "How"), ((1, TYPED), (2, None))))
    shows_as_text(html, "<td>")
    assert "<th scope=\"row\">2</th><td>–</td>" in html  # a blank shows as a dash
    with pytest.raises(UndefinedError, match="'table' is undefined"):
        render("widgets/table.html.j2")


def test_every_template_lives_in_the_one_folder():
    names = {p.name for p in TEMPLATES.iterdir()}
    assert {"report", "selfmark", "widgets", "workbook_feedback"} <= names


ONE_ELEMENT_LABELS = {
    "widgets/common.py": 3,  # styled(): the stylesheet around made markup; status_html();
    # note_html(), the progress note under a quiz or a sorting round
    "widgets/quiz.py": 1,  # the quiz's <h3> title
    "widgets/sorting.py": 1,  # the round's <h3> title
    "widgets/analysis.py": 1,  # a form section's <h4>
    "lab/saving.py": 1,  # the one-line "run this cell" placeholder
}
"""The only f-strings in workbook/ that write an HTML tag (docs/decisions.md, "One way to
render"); workbook/charts.py writes SVG, not HTML."""


def html_fstrings(path) -> int:
    import ast
    import re

    tag = re.compile(r"</?(p|div|span|h[1-6]|table|thead|tbody|tr|td|th|caption|ul|ol|li|dl|dt|"
                     r"dd|strong|em|code|br|img|a|details|summary|style|html|body)[\s>/]")
    return sum(1 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.JoinedStr)
               and any(isinstance(part, ast.Constant) and tag.search(str(part.value))
                       for part in node.values))


def test_html_is_written_by_templates_not_by_f_strings():
    from pathlib import Path

    import workbook

    package = Path(workbook.__file__).parent
    found = {path.relative_to(package).as_posix(): html_fstrings(path)
             for path in package.rglob("*.py") if path.name != "charts.py"}
    assert {name: count for name, count in found.items() if count} == ONE_ELEMENT_LABELS
