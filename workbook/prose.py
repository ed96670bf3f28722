"""The running text of a lesson, as a reader meets it: markdown without its markup.

Used to measure reading ease (the tests score it with textstat) and word counts. Tables and code
are left out because they are not read as sentences; headings and list items count as sentences
of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`)")


def markdown_prose(markdown: str) -> str:
    """Plain sentences from one markdown cell."""
    sentences = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or line.startswith("|") or line.startswith("```"):
            continue
        line = re.sub(r"^(#+|[-*]|\d+\.)\s+", "", line)
        line = _MARKS.sub("", _LINK.sub(r"\1", line)).strip()
        if not line:
            continue
        if line[-1] not in ".!?:":
            line += "."
        sentences.append(line)
    return " ".join(sentences)


def lesson_prose(path: str | Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return " ".join(markdown_prose(c.source) for c in nb.cells if c.cell_type == "markdown")
