"""The one way the workbook writes HTML: Jinja2 templates in ``workbook/assets/templates/``,
autoescaped, loaded by :func:`render`.

Every template escapes what it is given, so a learner's name, reflection or a tutor's note
cannot add markup. Markup that a view has already built from a template is passed in wrapped
in :class:`markupsafe.Markup` (what :func:`render` returns), and is not escaped twice.

The learner's nbgrader feedback page (``workbook_feedback/``) lives in the same folder but is
loaded by nbconvert, which nbgrader runs (``c.HTMLExporter.extra_template_basedirs`` in
nbgrader_config.py).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = files("workbook") / "assets" / "templates"


@cache
def environment() -> Environment:
    """Templates are read once and compiled once per process: 500 learners' evidence packs
    render from one compiled template."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=False)


def render(name: str, **context: object) -> Markup:
    """The template ``name`` (a path under workbook/assets/templates/) filled in with
    ``context``; the result is safe markup to pass on to another template."""
    return Markup(environment().get_template(name).render(**context))


def macros(name: str):
    """The macros of the template ``name``, to call from Python: a small piece of a page (a
    list item, a feedback line) kept in the same folder as the pages. Each returns safe
    markup."""
    return environment().get_template(name).module
