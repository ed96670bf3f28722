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
