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
    KERNEL_IDLE,
    axe,
    error_outputs,
    keyboard_fill,
    open_address,
)
from tests.conftest import ROOT
from tests.test_browser import (
    browser,  # noqa: F401 - the Chromium fixture
    checked_round,
    pytestmark,  # noqa: F401 - browser tests, skipped without Chromium
    quiz_mouse,
    sorting_mouse,
    wait_status,
)

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def settle(page) -> None:
    """Let the in-browser kernel finish what the last click asked (a new round resets every
    choice; choosing before that reset arrives would be undone by it)."""
    page.wait_for_timeout(300)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)


LITE_ACTIVITIES = [  # (name, lesson, activity, what it says when checked)
    ("sorting", "02_assertive_aggressive_passive.ipynb", ".wb-sorting",
     r"You sorted (all \d+|\d+ out of \d+)"),
    ("quiz", "01_recognising_challenging_customers.ipynb", ".wb-unit1-quiz",
     r"You got (all \d+|\d+ out of \d+)"),
]
MOUSE = {"sorting": sorting_mouse, "quiz": quiz_mouse}
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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_lesson_runs_top_to_bottom_offline(page, address, notebook):
    open_lesson(page, address, notebook)
    assert error_outputs(page) == []
    assert page.locator(".jp-OutputArea-output .widget-box, .jp-OutputArea-output "
                        ".jupyter-widgets").count() > 0, "no activity was shown"
    ours = [v for v in axe(page, ".jp-OutputArea") if v["targets"]]
    assert ours == [], ours


@pytest.mark.parametrize(("name", "notebook", "sel", "checked", "way"), [
    pytest.param(*a, way, id=f"{a[0]}-{way}") for a in LITE_ACTIVITIES
    for way in ("mouse", "keyboard")])
def test_activity_by_mouse_and_by_keyboard_offline(page, address, name, notebook, sel, checked,
                                                   way):
    """Each on a fresh page: its first round, completed one way."""
    open_lesson(page, address, notebook)
    page.locator(sel).first.scroll_into_view_if_needed()
    # Nothing is answered yet, in Python (None) and so on the page (the kernel used to drop
    # None from widget messages: the page then showed a choice Python did not have).
    assert page.evaluate(SHOWN_CHOICES, sel) == 0
    if way == "mouse":
        MOUSE[name](page, sel)
    else:
        keyboard_fill(page, sel, "Check my answers")
        checked_round(page, sel, checked)
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
