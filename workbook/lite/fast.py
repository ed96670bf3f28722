"""What makes the browser edition start quickly, done when the site is built.

- :func:`packed_course`: the course data, read from YAML and checked against its schemas here,
  as one JSON file inside the workbook package (``workbook/course_data.json``). In the page the
  loaders read it instead of parsing YAML in pure Python and compiling the schema checks
  (:func:`workbook.content.loader.prevalidated`), and never import PyYAML.
- :data:`WORKBOOK_DEPENDS`: what the workbook imports in a lesson, so what the kernel loads with
  it; PyYAML and jupyter-core stay in the site for a cell that imports them.
- :func:`preloaded`: the kernel's own packages, loaded together while Python starts rather than
  installed one after another by piplite once it has started.
- :func:`trim_site`: files no browser this site supports ever asks for.
"""

from __future__ import annotations

import json
from pathlib import Path

WORKBOOK_DEPENDS = ["ipywidgets", "jinja2", "fastjsonschema"]
"""What a lesson's ``import workbook`` needs loaded in the page: the widgets (and, through them,
IPython, comm and traitlets), Jinja2 for the widgets' HTML templates, and fastjsonschema, with
which the progress store checks a saved activity against its schema. Desktop-only imports
(jupyter-core, PyYAML, nbgrader, pandas) are never reached in the browser."""
KERNEL_PACKAGES = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython",
                   "widgetsnbextension"]
"""What the Pyodide kernel installs before it says it is ready (jupyterlite-pyodide-kernel's
worker: micropip, then piplite, then each of these with piplite, one after another). Named in
``loadPyodideOptions.packages``, Pyodide loads them all at once from the site's lock instead."""
KERNEL_WHEELS = ("piplite", "ipykernel", "pyodide_kernel", "widgetsnbextension-4")
"""Wheels the kernel extension ships in its own piplite index, copied into the lock."""
UNUSED = ("*.eot", "*.ttf", "fa-*.svg", "fa-*.woff")
"""Font Awesome's fallbacks for browsers without WOFF2 (Internet Explorer, Chrome before 36);
the .woff2 files are kept."""


def packed_course(course_dir: Path, left_out: tuple[str, ...]) -> bytes:
    """The checked data of every course_data file the lessons read, minus the ``left_out``
    folders (the answer keys), as compact JSON. A broken file stops the build with the
    loader's message (file, item, field)."""
    from ..content.glossary import load_glossary
    from ..content.loader import CourseFiles, load_course_uncached

    files = CourseFiles(course_dir)
    course = load_course_uncached(course_dir, files)
    load_glossary(course_dir, {u.id for u in course.units}, files)
    kept = {path: data for path, data in sorted(files.read.items())
            if path.split("/", 1)[0] not in left_out}
    return json.dumps({"format": 1, "files": kept}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def kernel_wheels(extension: Path) -> list[Path]:
    """The kernel extension's own wheels (its piplite index) that the kernel installs."""
    found = [p for p in sorted((extension / "static" / "pypi").glob("*.whl"))
             if p.name.startswith(KERNEL_WHEELS)]
    if len(found) != len(KERNEL_WHEELS):
        names = ", ".join(p.name for p in found)
        raise FileNotFoundError(f"{extension}/static/pypi has {names}; expected one wheel each "
                                f"of {', '.join(KERNEL_WHEELS)}")
    return found


def preloaded() -> dict:
    """The kernel setting that loads its packages while Python starts."""
    return {"loadPyodideOptions": {"packages": KERNEL_PACKAGES}}


def trim_site(out: Path) -> int:
    """Remove what no supported browser asks for; returns the bytes removed."""
    removed = 0
    for pattern in UNUSED:
        for path in (out / "build").glob(pattern):
            removed += path.stat().st_size
            path.unlink()
    return removed
