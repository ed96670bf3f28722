"""Self-marking in the zero-install edition, the build's part: the hashed key files
(workbook/keymark.py) and the check that no answer key reached the site.

Everything in a JupyterLite site can be read by whoever opens it, so the site holds, per
unit, only ``self_marking/<unit>.json``: salted slow hashes of the right answers, never the
answers, the explanations for tutors, the hidden tests or the rubrics. :func:`key_leaks` looks
through every file of a built site, and inside every wheel, for any of those texts; the build
fails if it finds one.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..keymark import KEY_FOLDER, write_keys
from ..tutor.sources import hidden_comparison, solution_line


def add_self_marking(course_dir: Path, files: Path) -> int:
    """Write each unit's key file into the site's ``files/self_marking/``; how many."""
    from ..content import load_course

    return len(write_keys(load_course(course_dir).assignments.values(), files / KEY_FOLDER))


def answer_key_leaks(course_dir: Path, site: Path) -> list[str]:
    """Where a built site holds any text of the answer keys (empty when it holds none); the
    build refuses such a site."""
    from ..content import load_course

    return key_leaks(site, load_course(course_dir))


def answer_key_texts(course) -> list[str]:
    """Texts only the answer keys hold: for each question the solution line and the hidden
    check's comparison (each naming the answer), the explanation for tutors; for each
    reflection the rubric's lines. None may appear anywhere in the site."""
    texts = []
    for assignment in course.assignments.values():
        for check in assignment.checks:
            texts += [solution_line(check), hidden_comparison(check),
                      " ".join(check.explanation.split())]
        for reflection in assignment.reflections:
            texts += [" ".join(line.look_for.split()) for line in reflection.rubric]
    return texts


def _site_texts(site: Path) -> Iterator[tuple[str, str]]:
    """(name, text with runs of white space made one space) of every file in the site, and
    of every file inside its wheels."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        if path.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    data = archive.read(member)
                    yield f"{name}:{member}", " ".join(data.decode("utf-8", "replace").split())
        elif path.suffix != ".wasm":
            yield name, " ".join(path.read_bytes().decode("utf-8", "replace").split())


def key_leaks(site: Path, course) -> list[str]:
    """Every place in a built site where a text of the answer keys appears (empty: none).
    Text in JSON files is also read with its escapes undone (a notebook stores a newline
    as \\n and a quote as \\")."""
    texts = answer_key_texts(course)
    found = []
    for name, text in _site_texts(site):
        variants = [text]
        if name.endswith((".json", ".ipynb")):
            variants.append(" ".join(text.replace("\\n", " ").replace('\\"', '"').split()))
        found += [f"{name}: {t[:60]}" for t in texts if any(t in v for v in variants)]
    return found
