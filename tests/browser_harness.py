"""Driving JupyterLab in Debian's Chromium for the browser tests (tests/test_browser.py).

One JupyterLab server runs on 127.0.0.1 with a token, in a temporary copy of the course with
its own home and progress folders, for the whole test session. Playwright's Python API drives
``/usr/bin/chromium`` (``playwright install`` cannot download here). axe-core, as shipped in
the ``axe-playwright-python`` package, audits what an activity renders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from workbook.lab import lab_arguments, lab_environment

CHROMIUM = Path(os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"

# JupyterLab settings for a quiet, whole-notebook page: every cell in the page (no windowing,
# so off-screen activities exist to be tested) and no news or update pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}

KERNEL_IDLE = ("() => { const w = window.jupyterapp?.shell?.currentWidget;"
               " const k = w?.sessionContext?.session?.kernel;"
               " return !!k && k.status === 'idle'; }")
ALL_RUN = ("() => { const w = window.jupyterapp.shell.currentWidget;"
           " const k = w.sessionContext.session.kernel;"
           " if (!k || k.status !== 'idle') return false;"
           " const cells = Array.from(w.content.model.cells);"
           " return cells.filter(c => c.type === 'code')"
           "   .every(c => c.executionCount !== null && c.executionCount !== undefined); }")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    process: subprocess.Popen

    opened: int = 0

    def address(self, path: str) -> str:
        """A fresh, empty workspace for each page, so only this notebook is open."""
        self.opened += 1
        return f"{self.url}/lab/workspaces/test{self.opened}/tree/{path}?token={self.token}&reset"

    def shut_down_kernels(self) -> None:
        """Stop every kernel, so each test starts with a fresh one and memory stays flat."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}/api/kernels", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            urllib.request.urlopen(urllib.request.Request(
                f"{self.url}/api/kernels/{kernel['id']}", headers=headers, method="DELETE"),
                timeout=30).close()


def start_lab(root: Path, work: Path) -> Lab:
    """Start JupyterLab serving ``root``; wait until it answers."""
    settings = work / "settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port, token = free_port(), "workbook-browser-tests"
    # JupyterLab as `workbook open` starts it for a learner on a laptop (workbook/lab).
    env = lab_environment(tutor=False, exchange=False, config=work / "jupyter-path", base={
        **os.environ, "HOME": str(work / "home"),
        "WORKBOOK_PROGRESS_DIR": str(work / "progress"),
        "WORKBOOK_EXCHANGE": str(work / "no-exchange"),
        "JUPYTER_CONFIG_DIR": str(work / "jupyter-config")})
    (work / "home").mkdir(exist_ok=True)
    log = open(work / "lab.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", *lab_arguments(root),
         f"--LabApp.user_settings_dir={settings}",
         f"--LabApp.workspaces_dir={work / 'workspaces'}"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab stopped: {(work / 'lab.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                return Lab(url, token, root, process)
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("JupyterLab did not start within 120 s")


def stop_lab(lab: Lab) -> None:
    lab.process.terminate()
    try:
        lab.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.process.kill()


def copy_course(source: Path, target: Path) -> Path:
    for name in ("course_data", "notebooks", "source", "release"):
        shutil.copytree(source / name, target / name)
    shutil.copy2(source / "nbgrader_config.py", target / "nbgrader_config.py")
    return target


def open_notebook(page, lab: Lab, path: str, run: bool = True) -> float:
    """Open a notebook, wait for its kernel, run every cell; return the seconds it took."""
    return open_address(page, lab.address(path), run)


CUT_LABELS = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea-output button, .jp-OutputArea-output label'))
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText.trim())"""
"""Labels of the project's buttons and form labels that do not fit their box, so a learner
sees them cut short ("Save my re…")."""


def open_address(page, address: str, run: bool = True, timeout: int = 90_000) -> float:
    """Open a notebook's page (JupyterLab or JupyterLite), wait for its kernel (``timeout`` ms),
    run every cell; return the seconds it took."""
    start = time.monotonic()
    page.goto(address)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout)
    if run:
        run_all(page, timeout=max(timeout, 120_000))
    return time.monotonic() - start


def run_all(page, timeout: int = 120_000) -> None:
    """Run every cell of the open notebook and wait until the run is over: JupyterLab's
    run-all command settles once every cell it ran has had its reply from the kernel; then
    the kernel is idle and every code cell has an execution number."""
    page.evaluate("""() => { window.wbRunAll = 'running';
        window.jupyterapp.commands.execute('notebook:run-all-cells').then(
            () => { window.wbRunAll = 'done'; },
            error => { window.wbRunAll = 'failed: ' + error; }); }""")
    page.wait_for_function("() => window.wbRunAll !== 'running'", timeout=timeout, polling=250)
    ran = page.evaluate("() => window.wbRunAll")
    assert ran == "done", f"Run All did not finish: {ran}"
    page.wait_for_function(ALL_RUN, timeout=timeout, polling=250)


CURRENT_BOX = ("() => { const r = window.jupyterapp.shell.currentWidget.node"
               ".getBoundingClientRect(); return [r.width, r.height]; }")


def resize(page, width: int, height: int) -> None:
    """Set the window's size and wait until JupyterLab has laid the open notebook out again
    (the notebook's own box changes size once Lumino has handled the resize)."""
    size = page.viewport_size
    if size and (size["width"], size["height"]) == (width, height):
        return
    before = page.evaluate(CURRENT_BOX)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        f"""([w, h, before]) => innerWidth === w && innerHeight === h
            && JSON.stringify(({CURRENT_BOX})()) !== JSON.stringify(before)""",
        arg=[width, height, before], timeout=10_000)


def next_frame(page) -> None:
    """Wait until the page has handled what was just done to it and drawn the result: the
    next animation frame, then the task after it (JupyterLab runs a key's command there)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")


def error_outputs(page) -> list[str]:
    """Text of every error or stderr output in the open notebook."""
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


AXE_SCRIPT = None


def axe(page, selector: str | None = None) -> list[dict]:
    """axe-core's serious and critical violations, on one element or on the whole page.
    Each is {"id", "impact", "help", "targets"}."""
    global AXE_SCRIPT
    if AXE_SCRIPT is None:
        import axe_playwright_python

        AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.evaluate(AXE_SCRIPT)
    context = json.dumps({"include": [[selector]]} if selector else None)
    results = page.evaluate(
        f"axe.run({context} || document, {{resultTypes: ['violations'], runOnly: {{type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]]}
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def overflows(page, selector: str) -> list[str]:
    """Elements inside the activity wider than the activity (horizontal scrolling needed)."""
    return page.evaluate(
        """(selector) => { const root = document.querySelector(selector);
        const limit = root.getBoundingClientRect().right + 1; const found = [];
        if (root.scrollWidth > root.clientWidth + 1) found.push('the activity itself');
        for (const el of root.querySelectorAll('*')) {
          const box = el.getBoundingClientRect();
          if (box.width > 0 && box.right > limit && getComputedStyle(el).position !== 'fixed')
            found.push(((el.className || el.tagName).toString().slice(0, 60)) + ' ' +
                       Math.round(box.right - limit) + 'px over');
        } return found.slice(0, 10); }""", selector)


# ---------------------------------------------------------------- keyboard-only completion

ACTIVE = """() => { const el = document.activeElement; if (!el) return null;
  const group = el.closest('.widget-radio-box, .widget-vbox');
  const label = el.closest('label')?.innerText || el.getAttribute('aria-label') || '';
  const out = {tag: el.tagName.toLowerCase(), type: el.type || '',
    text: (el.innerText || label).trim(),
    checked: !!el.checked, value: el.value ?? '', index: el.selectedIndex ?? -1,
    first: el.options ? (el.options[0]?.text || '') : '', inside: !!el.closest(arguments[0])};
  if (el.type === 'radio') { const box = el.closest('.widget-radio-box');
    out.groupDone = !!box.querySelector('input:checked'); }
  if (el.type === 'checkbox') { const box = el.closest('.widget-vbox');
    const boxes = Array.from(box.querySelectorAll("input[type='checkbox']"));
    out.groupDone = boxes.some(b => b.checked); out.firstInGroup = boxes[0] === el; }
  return out; }"""


def focus_info(page, selector: str) -> dict | None:
    return page.evaluate(ACTIVE.replace("arguments[0]", json.dumps(selector)))


def date_order(page) -> list[str]:
    """The order the browser's date fields take day, month and year (Chromium follows the
    system's locale, not the page's), found by typing 03/04/2027 into a scratch field."""
    page.evaluate("""() => { const i = document.createElement('input'); i.type = 'date';
        i.id = 'wb-date-probe'; document.body.appendChild(i); i.focus(); }""")
    page.keyboard.type("03042027")
    probe = page.evaluate("() => { const i = document.getElementById('wb-date-probe');"
                          " const v = i.value; i.remove(); return v; }")
    return ["day", "month", "year"] if probe == "2027-04-03" else ["month", "day", "year"]


def date_keys(order: list[str], iso: str) -> str:
    """The digits a person types into a date field for ``iso`` (YYYY-MM-DD)."""
    year, month, day = iso.split("-")
    return "".join({"day": day, "month": month, "year": year}[part] for part in order)


def keyboard_fill(page, selector: str, finish: str, texts: dict[str, str] | None = None,
                  max_steps: int = 400) -> list[str]:
    """Fill an activity with the keyboard only, starting from focus on its first control:
    Tab moves on, Space picks an unanswered radio group's first choice or ticks the first
    box of a group, Space opens a drop-down still on its placeholder and ArrowDown, Enter pick
    an option (JupyterLab takes arrow keys on a closed list or a radio button to move between
    cells), text boxes whose label
    starts with a key of ``texts`` get that text typed, and Enter presses ``finish``.
    Returns the keys pressed."""
    texts = dict(texts or {})
    keys: list[str] = []
    order = date_order(page) if any(re.fullmatch(r"\d{4}-\d\d-\d\d", t)
                                    for t in texts.values()) else []
    page.locator(f"{selector} :is(input, select, textarea, button)").first.focus()
    for _ in range(max_steps):
        info = focus_info(page, selector)
        if info is None or not info["inside"]:
            raise AssertionError(f"focus left the activity after {len(keys)} keys: {info}")
        key = "Tab"
        if info["type"] == "radio" and not info["groupDone"]:
            key = "Space"
        elif info["type"] == "checkbox" and info["firstInGroup"] and not info["groupDone"]:
            key = "Space"
        elif (info["tag"] == "select" and info["index"] <= 0
              and info["first"] in ("Choose…", "–")):
            # Space opens the list; arrows and Enter pick inside it. (Arrow keys on a closed
            # list are taken by JupyterLab to move between cells.)
            for key in ("Space", "ArrowDown", "ArrowDown", "Enter"):
                page.keyboard.press(key)
                keys.append(key)
            continue
        elif info["tag"] in ("input", "textarea") and info["type"] not in ("radio", "checkbox"):
            label = page.evaluate("() => document.activeElement.closest('.widget-inline-hbox')"
                                  "?.querySelector('label')?.innerText || ''")
            match = next((k for k in texts if label.startswith(k)), None)
            if match:
                text = texts.pop(match)
                if info["type"] == "date":
                    text = date_keys(order, text)
                else:
                    page.keyboard.press("Control+a")  # replace what the box held
                page.keyboard.type(text, delay=15)
                keys.append(f"type {text!r}")
                continue
        elif info["tag"] == "button" and info["text"] == finish:
            page.keyboard.press("Enter")
            keys.append("Enter")
            return keys
        page.keyboard.press(key)
        keys.append(key)
    raise AssertionError(f"never reached the {finish!r} button in {max_steps} keys")
