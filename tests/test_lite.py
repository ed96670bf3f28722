"""The zero-install edition works offline for real, in Debian's Chromium.

The site is built once for this module with ``workbook lite build`` (downloads kept in
``$WORKBOOK_LITE_CACHE``, else ~/.cache/challenging-customers-workbook/lite, so a second run
needs no network) and served on 127.0.0.1. Every request to any other host is aborted and
recorded; each test fails if anything was blocked. Each test gets a fresh browser profile, so
nothing a test saved leaks into the next, except in the reload test, which reloads one page.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.browser_harness import (
    CUT_LABELS,
    KERNEL_IDLE,
    axe,
    error_outputs,
    open_address,
)
from tests.conftest import ROOT
from tests.test_browser import (
    ACTIVITIES,
    browser,  # noqa: F401 - the Chromium fixture
    pytestmark,  # noqa: F401 - browser tests, skipped without Chromium
    sorting_mouse,
    wait_status,
)

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


SAVED_FILES = """async () => { const contents = window.jupyterapp.serviceManager.contents;
  const found = {};
  for (const learner of (await contents.get('my_progress', {content: true})).content) {
    for (const file of (await contents.get(learner.path, {content: true})).content) {
      const model = await contents.get(file.path, {content: true, format: 'text'});
      found[file.path] = typeof model.content === 'string' ? model.content
        : JSON.stringify(model.content); } }
  return found; }"""
"""Every file under my_progress/ as the file list (JupyterLite's contents) holds it."""


def settle(page) -> None:
    """Wait until the kernel has finished what the last click asked (saving included). Called
    once the page shows the click's answer: the kernel said busy before that answer reached
    the page and says idle only once the click's handler, and so its save, has returned."""
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)


SHOWN_CHOICES = """(s) => { const root = document.querySelector(s);
  return root.querySelectorAll('.widget-radio-box input:checked').length +
    Array.from(root.querySelectorAll('select')).filter(m => m.options[0]?.text === 'Choose…'
      && m.selectedIndex !== -1).length; }"""

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from workbook.lite.build import build_site, default_cache

    cache = Path(os.environ.get("WORKBOOK_LITE_CACHE") or default_cache())
    out = tmp_path_factory.mktemp("lite") / "site"
    return build_site(ROOT, out, cache, step=lambda line: None).out


@pytest.fixture(scope="module")
def address(site):
    from workbook.lite.serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser, address):  # noqa: F811 - the fixture imported above
    """A fresh profile whose every request outside the site is aborted and recorded; the test
    fails if there was any."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith((f"{address}/", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  service_workers="allow")
    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda r: None if r.url.startswith(address) else blocked.append(
        r.url))
    yield page
    context.close()
    assert blocked == [], f"requests to other hosts were blocked: {blocked}"


def open_lesson(page, address: str, notebook: str, run: bool = True) -> None:
    """Open a lesson in the lite edition, wait for the kernel, run every cell."""
    open_address(page, f"{address}/lab/index.html?path=notebooks/{notebook}", run, 180_000)


def test_the_site_uses_only_its_own_pyodide_and_wheels(site):
    """The kernel is pointed at the local runtime, and its lock lists only local wheels."""
    import json

    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert kernel["disablePyPIFallback"] is True
    lock = json.loads((site / "static/pyodide/pyodide-lock.json").read_text())
    assert {"micropip", "ipython", "workbook", "ipywidgets", "pyyaml"} <= set(lock["packages"])
    assert all("/" not in p["file_name"] for p in lock["packages"].values())
    assert (site / "files/course_data/units.yaml").is_file()
    assert not (site / "files/course_data/assignments").exists(), "the answer key is published"
    assert {e["name"] for e in config["federated_extensions"]} == {
        "@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"}


KERNEL_SAYS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code});
  let text = '';
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
  await future.done;
  return text; }"""
"""What the open notebook's kernel prints for ``code``, run without touching the notebook."""


def test_the_site_ships_bytecode_and_starts_the_kernel_outside_the_drive(site):
    """What the page imports is compiled when the site is built (workbook/lite/bytecode.py),
    and the kernel's start-up imports from / (fast.start_kernel_outside_drive)."""
    import zipfile

    from workbook.lite.fast import KERNEL_START, KERNEL_START_ELSEWHERE

    pyodide = site / "static" / "pyodide"
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as stdlib:
        names = set(stdlib.namelist())
    assert {"json/__init__.pyc", "asyncio/__init__.pyc", "inspect.pyc"} <= names
    assert "json/__init__.py" not in names
    assert any(n.endswith(".py") for n in names), "modules no page imports stay source"
    ipython = next(pyodide.glob("ipython-*.whl"))
    with zipfile.ZipFile(ipython) as wheel:
        names = set(wheel.namelist())
    assert {"IPython/__init__.pyc", "IPython/core/interactiveshell.pyc"} <= names
    assert "IPython/__init__.py" not in names
    workbook = next(pyodide.glob("workbook-*.whl"))
    with zipfile.ZipFile(workbook) as wheel:
        names = set(wheel.namelist())
    assert "workbook/widgets/sorting.py" in names, "the workbook keeps its source"
    assert any(n.startswith("workbook/widgets/__pycache__/sorting.") for n in names)
    static = site / "extensions/@jupyterlite/pyodide-kernel-extension/static"
    scripts = "".join(p.read_text(encoding="utf-8") for p in static.glob("*.js"))
    jedi = next(pyodide.glob("jedi-*.whl"))
    with zipfile.ZipFile(jedi) as wheel:
        names = set(wheel.namelist())
    assert "jedi/third_party/typeshed/stdlib/3/json/__init__.pyi" in names
    assert not [n for n in names if n.startswith("jedi/third_party/typeshed/third_party/")
                and not n.endswith("LEFT_OUT.txt")]
    assert KERNEL_START not in scripts
    assert scripts.count(KERNEL_START_ELSEWHERE) == 3


def test_the_kernel_runs_the_bytecode_from_the_notebooks_folder(page, address):
    """In the page: the kernel ends its start in the notebook's folder with that folder on
    sys.path (a learner's own module beside the notebook imports), and the modules it
    imported came from bytecode."""
    open_lesson(page, address, "02_assertive_aggressive_passive.ipynb", run=False)
    said = page.evaluate(KERNEL_SAYS, "import os, sys, json, IPython\n"
                         "print(os.getcwd(), sys.path.count(''), json.__file__, "
                         "IPython.__file__)")
    folder, on_path, json_file, ipython_file = said.split()
    assert folder == "/drive/notebooks"
    assert on_path == "1"
    assert json_file.endswith("json/__init__.pyc"), json_file
    assert ipython_file.endswith("IPython/__init__.pyc"), ipython_file
    # Completion (jedi) works without the type stubs the site leaves out (fast.LEFT_OUT).
    said = page.evaluate(KERNEL_SAYS, "import jedi\n"
                         "print([c.name for c in jedi.Script('import json\\njson.dum')"
                         ".complete()])")
    assert said.strip() == "['dump', 'dumps']", said
    tab = page.evaluate("""async () => {  // what Tab in a cell asks the kernel
      const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const code = 'import json\\njson.dum';
      return (await kernel.requestComplete({code, cursor_pos: code.length})).content.matches;
      }""")
    assert tab == ["dump", "dumps"], tab
    said = page.evaluate(KERNEL_SAYS, "open('helper_of_mine.py', 'w').write('X = 42')\n"
                         "import importlib; importlib.invalidate_caches()\n"
                         "import helper_of_mine; print(helper_of_mine.X)")
    assert said.strip() == "42"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_lesson_runs_top_to_bottom_offline(page, address, notebook):
    open_lesson(page, address, notebook)
    assert error_outputs(page) == []
    assert page.evaluate(CUT_LABELS) == [], "labels cut short on screen"
    assert page.locator(".jp-OutputArea-output .widget-box, .jp-OutputArea-output "
                        ".jupyter-widgets").count() > 0, "no activity was shown"
    ours = [v for v in axe(page, ".jp-OutputArea") if v["targets"]]
    assert ours == [], ours
    if notebook == "00_start_here.ipynb":  # where the work is kept, backups (issue 20 item 3)
        note = page.locator(".wb-where").inner_text()
        assert "this web browser, for this website only" in note
        assert "Download" in note and "Upload" in note


@pytest.mark.parametrize("activity", ACTIVITIES, ids=[a.name for a in ACTIVITIES])
def test_each_activity_by_mouse_then_keyboard_offline(page, address, activity):
    """As in the JupyterLab suite (tests/test_browser.py): on one page, the activity completed
    by mouse, then again by keyboard alone; then axe-core on it."""
    open_lesson(page, address, activity.notebook)
    sel = activity.selector
    page.locator(sel).first.scroll_into_view_if_needed()
    if "quiz" in activity.name or activity.name == "sorting":
        # Nothing is answered yet, in Python (None) and so on the page (the kernel used to drop
        # None from widget messages: the page then showed a choice Python did not have).
        assert page.evaluate(SHOWN_CHOICES, sel) == 0
    activity.mouse(page, sel)
    activity.keyboard(page, sel)
    assert axe(page, sel) == []


def test_progress_is_restored_after_the_page_is_reloaded(page, address):
    sel = ".wb-sorting"
    open_lesson(page, address, "02_assertive_aggressive_passive.ipynb")
    sorting_mouse(page, sel)
    before = wait_status(page, sel, r"You sorted")
    settle(page)
    page.reload()
    open_lesson(page, address, "02_assertive_aggressive_passive.ipynb")
    after = wait_status(page, sel, r"You sorted|Choose")
    assert after == before  # a fresh start would ask to choose a category for each line
    # The start page tells the learner to download the my_progress folder's files as a
    # backup: the file is there, in the file list, holding the checked round.
    saved = page.evaluate(SAVED_FILES)
    assert any(path.endswith("/unit2-sorting.json") and '"checked": true' in text.replace(
        '"checked":true', '"checked": true') for path, text in saved.items()), saved
