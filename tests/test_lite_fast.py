"""The browser edition's course data, checked at build time (workbook/lite/fast.py): the one
JSON file the lite build puts in the workbook package gives exactly what the YAML loaders give
for the site's course_data/, holds no answer key, and a lesson reads it without PyYAML (the
progress store still loads fastjsonschema for saved activity). Quick: no browser, no site build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbook.content import ContentError
from workbook.content.glossary import load_glossary
from workbook.content.loader import CourseFiles, load_course_uncached
from workbook.lite.build import ANSWER_KEYS, course_contents
from workbook.lite.fast import packed_course


@pytest.fixture(scope="module")
def packed() -> dict:
    return json.loads(packed_course(ROOT, ANSWER_KEYS))


@pytest.fixture(scope="module")
def site_root(tmp_path_factory) -> Path:
    """The course folder as the site holds it (lessons, course_data without the answer keys)."""
    root = tmp_path_factory.mktemp("site") / "files"
    course_contents(ROOT, root)
    return root


def test_packed_data_gives_what_the_yaml_gives(packed, site_root):
    from_yaml = load_course_uncached(site_root)
    from_packed = load_course_uncached(site_root, CourseFiles(site_root, packed["files"]))
    assert from_packed == from_yaml
    assert len(from_packed.question_banks) > 1 and from_packed.scenarios  # a real course
    units = {u.id for u in from_yaml.units}
    assert load_glossary(site_root, units, CourseFiles(site_root, packed["files"])) == (
        load_glossary(site_root, units))


def test_every_file_the_site_holds_is_packed_and_no_answer_key(packed, site_root):
    on_site = {p.relative_to(site_root / "course_data").as_posix()
               for p in (site_root / "course_data").rglob("*.yaml")}
    assert set(packed["files"]) == on_site - {"self_marking.yaml"}
    assert not [path for path in packed["files"] if path.startswith("assignments/")]


def test_a_file_missing_from_the_packed_data_is_named(packed, site_root):
    files = dict(packed["files"])
    del files["laws.yaml"], files["units.yaml"]
    with pytest.raises(ContentError, match="course_data/units.yaml: not in the site's"):
        load_course_uncached(site_root, CourseFiles(site_root, files))


def test_a_lesson_in_the_browser_reads_the_packed_data_without_yaml(packed, site_root,
                                                                     tmp_path):
    """As in Pyodide (sys.platform 'emscripten', the packed file in the package, no pandas):
    activities are made and used (a goal and an option added: their tables need no pandas)
    and no YAML parser, schema compiler or jupyter_core is imported."""
    data = tmp_path / "course_data.json"
    data.write_text(json.dumps(packed), encoding="utf-8")
    script = f"""
import json, sys
sys.platform = "emscripten"
sys.modules["pandas"] = None  # the browser edition has no pandas: importing it fails
from pathlib import Path
import workbook.content.loader as loader
loader.prevalidated = lambda: json.loads(Path({str(data)!r}).read_text())["files"]
import workbook
workbook.course_map(); workbook.key_words("unit2"); workbook.sort_activity("unit2")
workbook.quiz_activity("unit1"); workbook.scenario_player("shouting-in-store")
plan = workbook.development_planner()
plan.add_goal("Stay calm", "Practise", "My manager", "2027-01-11", "2027-02-12", "Fewer calls")
form = workbook.scenario_analysis("missed-sofa-delivery")
form.add_option("Re-book this week", "repair")
assert "Stay calm" in plan._table.value and "Re-book this week" in form._table.value
print(sorted(m for m in ("yaml", "jupyter_core") if m in sys.modules))
"""
    env = {**os.environ, "WORKBOOK_COURSE_DIR": str(site_root),
           "WORKBOOK_PROGRESS_DIR": str(tmp_path / "progress")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_server_lets_a_second_visit_use_the_browser_cache(tmp_path):
    """Hashed code is kept without asking; the rest is kept and checked ("304 Not Modified"
    when unchanged), so a rebuilt site's settings, runtime and lessons are seen at once."""
    import threading
    import urllib.error
    import urllib.request

    from workbook.lite.serve import make_server

    files = {"build/963.71d40b5.js": "js", "extensions/x/static/remoteEntry.abcac41d5ca77040.js":
             "js", "static/pyodide/pyodide.asm.wasm": "wasm", "jupyter-lite.json": "{}",
             "files/notebooks/00_start_here.ipynb": "{}", "build/lab/bundle.js": "js"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    server = make_server(tmp_path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        headers = {}
        for name in files:
            with urllib.request.urlopen(f"{base}/{name}", timeout=10) as response:
                got = response.headers
                headers[name] = (got["Cache-Control"], got["Content-Type"], got["Last-Modified"])
        assert {n: h[0] for n, h in headers.items()} == {
            "build/963.71d40b5.js": "public, max-age=31536000, immutable",
            "extensions/x/static/remoteEntry.abcac41d5ca77040.js":
                "public, max-age=31536000, immutable",
            "static/pyodide/pyodide.asm.wasm": "no-cache", "jupyter-lite.json": "no-cache",
            "files/notebooks/00_start_here.ipynb": "no-cache", "build/lab/bundle.js": "no-cache"}
        assert headers["static/pyodide/pyodide.asm.wasm"][1] == "application/wasm"
        again = urllib.request.Request(f"{base}/static/pyodide/pyodide.asm.wasm", headers={
            "If-Modified-Since": headers["static/pyodide/pyodide.asm.wasm"][2]})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(again, timeout=10)
        assert answer.value.code == 304
    finally:
        server.shutdown()
        server.server_close()
