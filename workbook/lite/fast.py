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
- :func:`start_kernel_outside_drive`: the kernel imports its packages with the notebook's folder
  out of the way (see there).
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
KERNEL_IMPORTS = ["pyodide_kernel", "piplite", "micropip", "jedi"]
"""What the kernel imports before it is ready (``pyodide_kernel`` sets up IPython and the
kernel; the completer uses jedi): the site compiles these, and what they import, to bytecode."""
DESKTOP_ONLY = ("workbook.tutor", "workbook.cli", "workbook.lab", "workbook.lite.build",
                "workbook.lite.bytecode", "workbook.lite.serve", "workbook.lite.marking",
                "workbook.__main__", "workbook.exchange", "workbook.presubmit", "workbook.prose")
"""Workbook modules a page never imports: they run nbgrader, nbformat, servers or the build."""
KERNEL_START = '.push("import pyodide_kernel")'
"""How jupyterlite-pyodide-kernel 0.8.6 (pinned in lock.json) adds the line that imports the
kernel to the code its worker runs at start: once in each of its three start-up scripts."""
KERNEL_START_SCRIPTS = 3
KERNEL_START_ELSEWHERE = ('.push("import os as _os\\n_cwd = _os.getcwd()\\n_os.chdir(\'/\')\\n'
                          'import pyodide_kernel\\n_os.chdir(_cwd)\\ndel _os, _cwd")')
"""The same line run from ``/`` and then back in the folder the kernel was in (``\\n`` is a
line break inside the JavaScript string)."""
LEFT_OUT = ("jedi/third_party/typeshed/third_party/", "jedi/third_party/django-stubs/",
            "ipywidgets/widgets/tests/", "ipywidgets/tests/")
"""Folders of the site's wheels that no page uses, left out when the site is built (each keeps
a note saying so): jedi's type stubs for other projects' packages (none of which the site has;
the standard library's stubs, which completion uses, stay) and for Django, and ipywidgets'
own tests. 1,100 files the page would unpack on every visit."""
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


def page_imports() -> list[str]:
    """The modules whose imports the site compiles to bytecode: the kernel's, then every
    workbook module a page can import (the lessons, knowledge checks and Mark my work)."""
    package = Path(__file__).resolve().parent.parent
    modules = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not name.startswith(DESKTOP_ONLY):
            modules.append(name)
    return [*KERNEL_IMPORTS, *modules]


def preloaded() -> dict:
    """The kernel setting that loads its packages while Python starts."""
    return {"loadPyodideOptions": {"packages": KERNEL_PACKAGES}}


def start_kernel_outside_drive(out: Path) -> int:
    """Make the kernel import its own packages from ``/``, not from ``/drive``.

    The kernel's worker mounts the learner's files at ``/drive`` and moves there before it
    imports ``pyodide_kernel`` (IPython and some 700 modules). Python looks in the current
    folder first for each top-level module (``''`` leads ``sys.path``), and in ``/drive`` each
    look is a request from the worker to the page and back, on every visit (benchmarks/README.md
    has what it costs). The worker's start-up line is rewritten to import from ``/`` and go
    back to the folder it was in, so the kernel ends where it always did. Returns the scripts
    changed: any number but :data:`KERNEL_START_SCRIPTS` means the kernel extension is not the
    version this was written for, and the build stops."""
    static = out / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    changed = 0
    for script in sorted(static.glob("*.js")):
        text = script.read_text(encoding="utf-8")
        if KERNEL_START in text:
            script.write_text(text.replace(KERNEL_START, KERNEL_START_ELSEWHERE),
                              encoding="utf-8")
            changed += 1
    return changed


def trim_site(out: Path) -> int:
    """Remove what no supported browser asks for; returns the bytes removed."""
    removed = 0
    for pattern in UNUSED:
        for path in (out / "build").glob(pattern):
            removed += path.stat().st_size
            path.unlink()
    return removed
