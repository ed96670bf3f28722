"""Every activity works in JupyterLab in a real browser, by mouse and by keyboard alone, with
no serious or critical axe-core findings in what the workbook renders.

JupyterLab runs on 127.0.0.1 with a token in a temporary copy of the course; Playwright drives
Debian's Chromium (/usr/bin/chromium). Each lesson is opened and run top to bottom. Each
activity is then completed once with the mouse and once with the keyboard only (Tab, Space,
Enter, arrow keys inside an open drop-down; focus starts on its first control), and the
feedback on screen is checked.
Screenshots go to test-artifacts/browser/ (not committed); with WORKBOOK_DOCS_SCREENSHOTS=1 a
few are also copied into docs/screenshots/ for the README. A summary table (mouse, keyboard,
axe counts ours / JupyterLab's) is written to test-artifacts/browser/summary.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser_harness import (
    ARTEFACTS,
    CHROMIUM,
    CUT_LABELS,
    axe,
    copy_course,
    error_outputs,
    keyboard_fill,
    next_frame,
    open_notebook,
    overflows,
    resize,
    run_all,
    start_lab,
    stop_lab,
)
from tests.conftest import ROOT
from workbook.lab import NEWS

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}; .ci/run installs Debian's "
    "chromium package")]

DOCS = ROOT / "docs" / "screenshots"
SUMMARY: dict[str, dict] = {}
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    root = copy_course(ROOT, work / "course")
    server = start_lab(root, work)
    yield server
    stop_lab(server)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(work / "lab.log", ARTEFACTS / "lab.log")
    (ARTEFACTS / "summary.json").write_text(json.dumps(SUMMARY, indent=2))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--lang=en-GB"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()
    lab.shut_down_kernels()


def shot(page, selector: str, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / f"{name}.png"
    # JupyterLab scrolls the notebook inside its own panel: make the window tall enough for the
    # whole activity, so the picture is the activity and not the grey page around it.
    element = page.locator(selector).first
    height = element.evaluate("e => e.getBoundingClientRect().height")
    resize(page, 1280, int(min(max(900, height + 400), 8000)))
    element.scroll_into_view_if_needed()
    element.screenshot(path=str(target))
    resize(page, 1280, 900)
    if os.environ.get("WORKBOOK_DOCS_SCREENSHOTS") and name in DOCS_SHOTS:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, DOCS / f"{name}.png")


DOCS_SHOTS = {"sorting-mouse", "quiz-mouse", "scenario-player-mouse", "options-balance-mouse",
              "mark-my-work"}


def status(page, selector: str) -> str:
    return page.locator(f"{selector} .wb-status").last.inner_text()


def click_button(page, selector: str, name: str) -> None:
    page.locator(f"{selector} button", has_text=name).first.click()


def press_button_by_keyboard(page, selector: str, name: str) -> None:
    """Reach a button with Tab from the activity's first control and press it with Enter."""
    page.locator(f"{selector} :is(input, select, textarea, button)").first.focus()
    for _ in range(300):
        text = page.evaluate("() => document.activeElement?.innerText?.trim() || ''")
        if text == name:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name!r}")


# ---------------------------------------------------------------- the activities

def mouse_choose_all(page, selector: str) -> None:
    """Answer every radio group, tick-box group and matching drop-down with the mouse."""
    for box in page.locator(f"{selector} .widget-radio-box").all():
        if box.locator("input:checked").count() == 0:
            box.locator("label").first.click()
    for group in page.locator(f"{selector} .widget-vbox:has(> .widget-checkbox)").all():
        if group.locator("input:checked").count() == 0:
            group.locator(".widget-checkbox input").first.click()
    for select in page.locator(f"{selector} select").all():
        first = select.evaluate("s => s.options[0]?.text || ''")
        if first == "Choose…" and select.input_value() in ("", "0"):
            select.select_option(index=1)


def wait_status(page, selector: str, pattern: str) -> str:
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(
            """([selector, pattern]) => Array.from(document.querySelectorAll(
               selector + ' .wb-status')).some(el => new RegExp(pattern).test(el.innerText))""",
            arg=[selector, pattern], timeout=20_000)
    except Timeout:
        shown = page.locator(f"{selector} .wb-status").all_inner_texts()
        raise AssertionError(f"waited for {pattern!r}; the activity says {shown}; it shows: "
                             f"{page.locator(selector).first.inner_text()[-800:]}") from None
    return status(page, selector)


def checked_round(page, selector: str, pattern: str) -> None:
    text = wait_status(page, selector, pattern)
    feedback = page.locator(f"{selector} .wb-feedback").all_inner_texts()
    assert feedback, f"no feedback shown after: {text}"
    assert all(f.startswith(("✓ Right", "✗ Not quite")) for f in feedback), feedback


@dataclass
class Activity:
    name: str
    notebook: str
    selector: str
    mouse: Callable
    keyboard: Callable


def sorting_mouse(page, sel):
    mouse_choose_all(page, sel)
    click_button(page, sel, "Check my answers")
    checked_round(page, sel, r"You sorted (all \d+|\d+ out of \d+)")


def sorting_keyboard(page, sel):
    press_button_by_keyboard(page, sel, "New round")
    wait_status(page, sel, "Choose assertive")
    keyboard_fill(page, sel, "Check my answers")
    checked_round(page, sel, r"You sorted (all \d+|\d+ out of \d+)")


def quiz_mouse(page, sel):
    mouse_choose_all(page, sel)
    click_button(page, sel, "Check my answers")
    checked_round(page, sel, r"You got (all \d+|\d+ out of \d+)")


QUESTION_FOCUSED = """(s) => { const el = document.activeElement;
  return !!el && !!el.closest(s) && el.tagName !== 'BUTTON' && !['Topic:', 'Difficulty:']
    .includes(el.closest('.widget-dropdown')?.querySelector('label')?.innerText); }"""
"""Focus is on a question's control: where "New quiz" sends it once the new quiz is shown."""


def quiz_keyboard(page, sel):
    press_button_by_keyboard(page, sel, "New quiz")
    wait_status(page, sel, "Answer each question")
    # The kernel moves focus to question 1 just after it shows the quiz; filling before that
    # focus arrives would have it jump back mid-way (seen in the browser edition: question 1
    # skipped).
    page.wait_for_function(QUESTION_FOCUSED, arg=sel, timeout=20_000)
    keyboard_fill(page, sel, "Check my answers")
    checked_round(page, sel, r"You got (all \d+|\d+ out of \d+)")


NEXT_TURN = """([s, before]) => { const root = document.querySelector(s);
  if (root.innerText.includes('The end:')) return true;
  const box = root.querySelector('.widget-radio-box');
  const say = Array.from(root.querySelectorAll('button'))
    .some(b => b.innerText.trim() === 'Say this');
  return !!box && say && box.innerText !== before; }"""


def wait_next_turn(page, sel: str, before: str, done: list[str] | None = None) -> None:
    """Wait for the customer's next turn (or the end); if it does not come, fail saying what
    the activity shows, which reply the page has chosen and what the keyboard pressed."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(NEXT_TURN, arg=[sel, before], timeout=60_000)
    except Timeout:
        shown = page.locator(f"{sel} .wb-status").all_inner_texts()
        chosen = page.evaluate("s => Array.from(document.querySelectorAll(s + ' input:checked'))"
                               ".map(i => i.parentElement.innerText)", sel)
        raise AssertionError(f"no next turn after {done or 'a mouse click'}; the activity "
                             f"says {shown}; the page has chosen {chosen}; the replies before "
                             f"were {before!r}") from None


def replies(page, sel) -> str:
    box = page.locator(f"{sel} .widget-radio-box")
    return box.first.inner_text() if box.count() else ""


def scenario_mouse(page, sel):
    for _ in range(12):
        if "The end:" in page.locator(sel).inner_text():
            break
        before = replies(page, sel)
        page.locator(f"{sel} .widget-radio-box label").first.click()
        click_button(page, sel, "Say this")
        wait_next_turn(page, sel, before)
    wait_status(page, sel, "The conversation has ended")
    assert "The end:" in page.locator(sel).inner_text()


def scenario_keyboard(page, sel):
    press_button_by_keyboard(page, sel, "Start again")
    wait_status(page, sel, "Choose your reply")
    page.wait_for_function(NEXT_TURN, arg=[sel, ""], timeout=20_000)
    for _ in range(12):
        if "The end:" in page.locator(sel).inner_text():
            break
        before = replies(page, sel)
        keys = keyboard_fill(page, sel, "Say this")
        wait_next_turn(page, sel, before, keys)
    wait_status(page, sel, "The conversation has ended")
    assert "The end:" in page.locator(sel).inner_text()


REPLY = ("I'm sorry your parcel has not arrived, Mrs Okafor. I will check with the courier "
         "today and call you back by 4pm with what I find out.")
# The keyboard's reply also checks the customer agrees, so its result differs from the
# mouse's: only pressing Check by keyboard can put it on screen.
KEYBOARD_REPLY = REPLY + " Does that work for you?"


def reply_mouse(page, sel):
    page.locator(f"{sel} textarea").first.fill(REPLY)
    click_button(page, sel, "Check my reply")
    page.wait_for_function("s => document.querySelector(s + ' .wb-feedback, ' + s + ' li')",
                           arg=sel, timeout=20_000)
    assert "Nothing to check yet" not in status(page, sel)


def reply_keyboard(page, sel):
    from workbook.engine.reply import check_reply

    said = check_reply(KEYBOARD_REPLY).summary
    assert said != check_reply(REPLY).summary, "the two rounds must end differently"
    keyboard_fill(page, sel, "Check my reply", texts={"Your better reply": KEYBOARD_REPLY})
    wait_status(page, sel, f"^{re.escape(said)}$")
    feedback = page.locator(f"{sel} .wb-feedback").inner_text()
    assert "✓ Does it check the customer understands or agrees?" in feedback, feedback


def reflection_mouse(page, sel):
    page.locator(f"{sel} textarea").first.fill("I kept calm and listened before I answered.")
    click_button(page, sel, "Save my reflection")
    wait_status(page, sel, r"Saved at \d\d:\d\d\. \(8 words\)")


def reflection_keyboard(page, sel):
    keyboard_fill(page, sel, "Save my reflection",
                  texts={"Your reflection": "Next time I will ask more questions first."})
    wait_status(page, sel, r"Saved at \d\d:\d\d\. \(8 words\)")


def added(page, sel: str, name: str, field: str) -> None:
    """Wait for "Added “name”" and for the form to clear the field, so the next entry is not
    typed into a box the kernel is about to empty."""
    wait_status(page, sel, f"Added “{re.escape(name)}”")
    page.wait_for_function(
        """([sel, field]) => Array.from(document.querySelectorAll(sel + ' .widget-inline-hbox'))
           .some(box => box.querySelector('label')?.innerText.startsWith(field)
                 && box.querySelector('input').value === '')""", arg=[sel, field],
        timeout=20_000)


GOALS = [("Staying calm on the phone", "Practise the calm script with my manager",
          "My team leader", "2027-01-11", "2027-02-12", "Fewer calls passed to my manager"),
         ("Writing clear emails", "Use the email checklist before sending", "A colleague",
          "2027-01-18", "2027-03-01", "Fewer follow-up questions from customers"),
         ("Knowing the refund policy", "Read the policy and quiz myself", "The staff handbook",
          "2027-02-01", "2027-02-28", "I answer refund questions without checking")]
GOAL_LABELS = ("What I want to get better at", "How I will do it", "Who or what will help",
               "Start", "Finish by", "How I will know I have improved")


def planner_mouse(page, sel):
    for goal in GOALS:
        for label, value in zip(GOAL_LABELS, goal, strict=True):
            page.locator(f"{sel} .widget-inline-hbox", has=page.locator(
                "label", has_text=re.compile("^" + re.escape(label)))).locator(
                "input").first.fill(value)
        click_button(page, sel, "Add this goal")
        added(page, sel, goal[0], "How I will know I have improved")
    click_button(page, sel, "Check my plan")
    wait_status(page, sel, "Well done: your plan is ready")


def planner_keyboard(page, sel):
    # Remove the mouse's goals with the keyboard, then add three again by keyboard alone.
    for _ in GOALS:
        press_button_by_keyboard(page, sel, "Remove it")
        wait_status(page, sel, "Removed goal")
    for goal in GOALS:
        texts = dict(zip(GOAL_LABELS, goal, strict=True))
        keyboard_fill(page, sel, "Add this goal", texts=texts)
        added(page, sel, goal[0], "How I will know I have improved")
    press_button_by_keyboard(page, sel, "Check my plan")
    wait_status(page, sel, "Well done: your plan is ready")


ANALYSIS_LISTS = {
    "Causes": "The sofa did not arrive on the day promised",
    "Signs": "She sounds upset and speaks quickly",
    "Information": "Order number, delivery date, what the driver recorded",
    "Needs": "A new date she can trust and to feel listened to",
}


def fill_field(page, sel, label, value):
    page.locator(f"{sel} .widget-inline-hbox", has=page.locator(
        "label", has_text=re.compile("^" + re.escape(label)))).locator(
        "input, textarea").first.fill(value)


def analysis_mouse(page, sel):
    labels = page.locator(f"{sel} .widget-textarea label").all_inner_texts()
    for label in labels[:4]:
        fill_field(page, sel, label, ANALYSIS_LISTS.get(label.split()[0].rstrip(":,"),
                                                        "Written down carefully"))
    for name in ("Re-book delivery this week", "Refund the delivery charge"):
        fill_field(page, sel, "Option name", name)
        for select in page.locator(f"{sel} select").all():
            if select.evaluate("s => s.options[0]?.text || ''") == "–":
                select.select_option(index=4)
        click_button(page, sel, "Add this option")
        added(page, sel, name, "Option name")
    page.locator(f"{sel} .widget-dropdown", has=page.locator(
        "label", has_text="I recommend")).locator("select").select_option(index=1)
    fill_field(page, sel, "Why it is fair", "It puts the delivery right fast and costs little.")
    fill_field(page, sel, "Follow-up: what you will check", "That the sofa arrived")
    fill_field(page, sel, "Who will do it", "Me")
    fill_field(page, sel, "When", "2027-01-15")
    fill_field(page, sel, "How you will contact", "Phone call")
    click_button(page, sel, "Check my analysis")
    wait_status(page, sel, r"^Checked\.")


def analysis_keyboard(page, sel):
    press_button_by_keyboard(page, sel, "Remove it")
    wait_status(page, sel, "Removed")
    keyboard_fill(page, sel, "Add this option", texts={"Option name": "Deliver on Saturday"})
    added(page, sel, "Deliver on Saturday", "Option name")
    press_button_by_keyboard(page, sel, "Check my analysis")
    wait_status(page, sel, r"^Checked\.")


ACTIVITIES = [
    Activity("sorting", "02_assertive_aggressive_passive.ipynb", ".wb-sorting",
             sorting_mouse, sorting_keyboard),
    Activity("quiz", "01_recognising_challenging_customers.ipynb", ".wb-unit1-quiz",
             quiz_mouse, quiz_keyboard),
    Activity("authority quiz", "04_policy_authority_escalation.ipynb", ".wb-unit4-authority",
             quiz_mouse, quiz_keyboard),
    Activity("law quiz", "05_law_and_ethics.ipynb", ".wb-unit5-law-match",
             quiz_mouse, quiz_keyboard),
    Activity("scenario player", "01_recognising_challenging_customers.ipynb", ".wb-scenario",
             scenario_mouse, scenario_keyboard),
    Activity("reply rewriter", "03_listening_questioning_calming.ipynb", ".wb-rewrite",
             reply_mouse, reply_keyboard),
    Activity("options balance", "06_solving_and_balancing.ipynb", ".wb-analysis",
             analysis_mouse, analysis_keyboard),
    Activity("development schedule", "08_scenarios_and_reflection.ipynb", ".wb-planner",
             planner_mouse, planner_keyboard),
    Activity("lesson reflection", "02_assertive_aggressive_passive.ipynb", ".wb-reflection",
             reflection_mouse, reflection_keyboard),
]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_lesson_runs_top_to_bottom_in_the_browser(lab, page, notebook):
    seconds = open_notebook(page, lab, f"notebooks/{notebook}")
    assert error_outputs(page) == []
    assert page.evaluate(CUT_LABELS) == [], "labels cut short on screen"
    SUMMARY.setdefault("lessons", {})[notebook] = {"seconds to open and run": round(seconds, 1)}
    ours = [v for v in axe(page, ".jp-OutputArea") if v["targets"]]
    everything = axe(page)
    SUMMARY["lessons"][notebook].update(
        axe_ours=sum(len(v["targets"]) for v in ours),
        axe_jupyterlab=sum(len(v["targets"]) for v in everything)
        - sum(len(v["targets"]) for v in ours))
    assert ours == [], ours


# Where the page sends widget messages: "disabled" means to the kernel's main shell, handled in
# the order sent (workbook.lab.SETTING_DEFAULTS). Sent to a subshell, the box and the button of
# the development schedule could be handled on two threads, and "Add this goal" now and then
# read the last box before its text arrived.
COMMS_ROUTE = ("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
               ".commsOverSubshells")


@pytest.mark.parametrize("activity", ACTIVITIES, ids=[a.name for a in ACTIVITIES])
def test_each_activity_by_mouse_then_keyboard(lab, page, activity):
    open_notebook(page, lab, f"notebooks/{activity.notebook}")
    assert page.evaluate(COMMS_ROUTE) == "disabled"
    sel = activity.selector
    page.locator(sel).first.scroll_into_view_if_needed()
    start = time.monotonic()
    activity.mouse(page, sel)
    shot(page, sel, f"{activity.name.replace(' ', '-')}-mouse")
    activity.keyboard(page, sel)
    shot(page, sel, f"{activity.name.replace(' ', '-')}-keyboard")
    violations = axe(page, sel)
    everything = axe(page)
    SUMMARY.setdefault("activities", {})[activity.name] = {
        "mouse": "pass", "keyboard": "pass", "seconds": round(time.monotonic() - start, 1),
        "axe_ours": sum(len(v["targets"]) for v in violations),
        "axe_jupyterlab": sum(len(v["targets"]) for v in everything)
        - sum(len(v["targets"]) for v in violations),
        "jupyterlab_rules": sorted({v["id"] for v in everything} - {v["id"] for v in violations})}
    assert violations == [], violations


NARROW = """s => { const out = document.querySelector(s).closest('.jp-OutputArea-output');
  return Math.round(out.getBoundingClientRect().width) === 320; }"""


@pytest.mark.parametrize("activity", ACTIVITIES, ids=[a.name for a in ACTIVITIES])
def test_each_activity_fits_narrow_output_and_200_percent_zoom(lab, browser, activity):
    """Output 320 CSS pixels wide (WCAG reflow), and the page at 200% zoom (a 1280-pixel screen
    is then 640 CSS pixels wide): nothing in an activity needs scrolling sideways."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        open_notebook(page, lab, f"notebooks/{activity.notebook}")
        page.add_style_tag(content=".jp-OutputArea-output { width: 320px !important; "
                                   "max-width: 320px !important; flex: none !important; }")
        page.wait_for_function(NARROW, arg=activity.selector, timeout=10_000)
        found = overflows(page, activity.selector)
        assert found == [], f"320 px wide output: {found}"
        page.add_style_tag(content=".jp-OutputArea-output { width: auto !important; "
                                   "max-width: none !important; flex: 1 1 auto !important; }")
        resize(page, 640, 450)
        found = overflows(page, activity.selector)
        assert found == [], f"200% zoom: {found}"
    finally:
        context.close()
        lab.shut_down_kernels()


def test_a_learner_types_answers_into_a_released_knowledge_check(lab, page):
    open_notebook(page, lab, "release/unit1/unit1.ipynb", run=False)

    def answer(variable: str, text: str) -> str:
        cells = page.locator(".jp-CodeCell")
        index = cells.evaluate_all(
            "(cells, v) => cells.findIndex(c => c.querySelector('.cm-content')?.innerText"
            ".includes(v + ' = \"\"'))", variable)
        assert index >= 0, f"no answer cell for {variable}"
        cells.nth(index).locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.type(f'{variable} = "{text}"')
        page.keyboard.press("Shift+Enter")  # runs the answer cell, moves to the visible check
        page.keyboard.press("Shift+Enter")  # runs the visible check
        output = cells.nth(index + 1).locator(".jp-OutputArea-output").first
        output.wait_for(timeout=30_000)
        return output.inner_text()

    assert answer("answer_1_1", "confused").startswith(
        '✓ Your answer "confused" is in the right form.')
    assert answer("answer_1_2", "maybe").startswith(
        '✗ Check your answer: "maybe" is not one of the choices.')
    assert error_outputs(page) == []


def test_a_slip_in_one_answer_never_stops_run_all(lab, page):
    """Quotes deleted in one answer: Run All still runs every cell, and the check under that
    answer says what to type (answer cells carry the raises-exception tag)."""
    open_notebook(page, lab, "release/unit1/unit1.ipynb", run=False)
    cells = page.locator(".jp-CodeCell")
    index = cells.evaluate_all(
        "(cells) => cells.findIndex(c => c.querySelector('.cm-content')?.innerText"
        ".includes('answer_1_1 = \"\"'))")
    cells.nth(index).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("answer_1_1 = confused")
    page.keyboard.press("Escape")
    run_all(page)
    said = page.locator(".jp-OutputArea-output").all_inner_texts()
    checks = [text for text in said if "Check your answer" in text or "Your answer" in text]
    assert len(checks) == 8, said
    assert checks[0].startswith("✗ Check your answer: The answer line is not written the "
                                "right way."), checks[0]
    assert all("You have not answered yet" in text for text in checks[1:]), checks


# ---------------------------------------------------------------- the learner's JupyterLab

STUB = "Write your answer here, in your own words. (Replace this line.)"
SENTENCE = "I stayed calm, said sorry and asked what would help. Then I did it by 4pm!"
SAVED = ("() => { const w = window.jupyterapp.shell.currentWidget;"
         " return !!w && !!w.context && !w.context.model.dirty; }")
CELL_COUNT = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"


def _copy_release(lab, unit: str, name: str, answers: dict | None = None) -> str:
    """A private copy of a released knowledge check in the lab's folder, with ``answers``
    typed in (see workbook.tutor.simulate.fill); its path there."""
    import nbformat

    from workbook.tutor.simulate import fill

    released = lab.root / "release" / unit / f"{unit}.ipynb"
    target = released.parent / f"{name}.ipynb"
    nb = nbformat.read(released, as_version=4)
    nbformat.write(fill(nb, answers) if answers else nb, target)
    return str(target.relative_to(lab.root))


def _save(page) -> None:
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(SAVED, timeout=30_000)


TYPED = """([sentence, before]) => { const notebook = window.jupyterapp.shell.currentWidget.content;
  return notebook.model.cells.length !== before
    || notebook.activeCell?.model.sharedModel.getSource() === sentence; }"""


def typed_in(page, before: int) -> None:
    """Wait until the sentence is the answer's text (the workbook's extension may still be
    opening the editor with the first keys held back) or a shortcut has changed the cells. If
    neither happens, the test's assertions say what the notebook holds."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(TYPED, arg=[SENTENCE, before], timeout=15_000)
    except Timeout:
        pass


WAYS = {
    "double-click": lambda cell: cell.locator(".jp-RenderedMarkdown").dblclick(),
    "click then Enter": lambda cell: (cell.locator(".jp-RenderedMarkdown").click(),
                                      cell.page.keyboard.press("Enter")),
    "click then type": lambda cell: cell.locator(".jp-RenderedMarkdown").click(),
}


@pytest.mark.parametrize("way", list(WAYS))
def test_typing_a_written_answer_goes_into_the_answer_however_it_is_started(lab, page, way):
    """Issue 19 item 2: the learner starts typing in a reflection box by double-clicking, by
    clicking then pressing Enter, or by clicking then just typing. Every letter of a sentence
    full of notebook shortcut keys (a, b, c, d, m, x, y, z, ...) must land in the answer, the
    released line must be replaced, and the notebook must keep every cell (read from the
    saved file)."""
    import nbformat

    path = _copy_release(lab, "unit2", f"typing-{way.replace(' ', '-')}")
    open_notebook(page, lab, path, run=False)
    before = page.evaluate(CELL_COUNT)
    cell = page.locator(".jp-MarkdownCell", has_text=STUB).first
    cell.scroll_into_view_if_needed()
    WAYS[way](cell)
    page.keyboard.type(SENTENCE, delay=10)
    typed_in(page, before)
    assert page.evaluate(CELL_COUNT) == before
    _save(page)
    saved = nbformat.read(lab.root / path, as_version=4)
    answers = [c for c in saved.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("solution")]
    assert len(saved.cells) == before
    assert answers[0].source == SENTENCE, answers[0].source
    assert answers[1].source == STUB  # the other answer is untouched
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    cell.screenshot(path=str(ARTEFACTS / f"reflection-{way.replace(' ', '-')}.png"))


def test_the_learner_sees_no_tutor_tools_folders_or_news(lab, page):
    """Issue 19 item 6, as the browser shows it: no Nbgrader menu (no exchange on a laptop),
    no Create Assignment tab, no source/ or course_data/ in the file browser, no news."""
    open_notebook(page, lab, "notebooks/00_start_here.ipynb", run=False)
    page.evaluate("window.jupyterapp.commands.execute('filebrowser:go-to-path', {path: '/'})")
    page.wait_for_function("() => Array.from(document.querySelectorAll("
                           "'.jp-DirListing-itemName')).some(e => e.innerText === 'release')",
                           timeout=30_000)
    names = page.locator(".jp-DirListing-itemName").all_inner_texts()
    assert "notebooks" in names and "release" in names
    assert not {"source", "course_data", "autograded", "submitted"} & set(names), names
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Nbgrader" not in menus and "File" in menus, menus
    tabs = page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(t => (t.title || t.innerText || '').trim())")
    assert not any("Create Assignment" in t or "nbgrader" in t.lower() for t in tabs), tabs
    # Pop-ups come from plugins started by the time JupyterLab is restored: the news and
    # updates one is not there, and nothing has popped up.
    page.evaluate("() => window.jupyterapp.restored.then(() => null)")
    assert page.evaluate("() => window.jupyterapp.hasPlugin("
                         "'@jupyterlab/apputils-extension:notification')")  # the look-up works
    assert not page.evaluate(f"() => window.jupyterapp.hasPlugin({json.dumps(NEWS[0])})")
    next_frame(page)
    assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0


def test_a_reopened_lesson_says_to_run_an_activity_instead_of_an_error(lab, page):
    path = "notebooks/02_assertive_aggressive_passive.ipynb"
    shutil.copy2(lab.root / path, lab.root / "notebooks" / "reopened.ipynb")
    open_notebook(page, lab, "notebooks/reopened.ipynb")
    assert page.locator(".wb-sorting").count() == 1
    _save(page)
    lab.shut_down_kernels()
    open_notebook(page, lab, "notebooks/reopened.ipynb", run=False)
    # Each saved activity is drawn as its saved line or as an error: wait for all of them.
    page.wait_for_function(
        """() => { const t = document.querySelector('.jp-Notebook').innerText;
                   return (t.match(/Run this cell to show the activity|model not found/g)
                           || []).length >= 3; }""", timeout=30_000)
    text = page.locator(".jp-Notebook").inner_text()
    assert "model not found" not in text
    assert text.count("Run this cell to show the activity") >= 3
    shot(page, ".jp-Notebook", "reopened-lesson")


def test_mark_my_work_saves_marks_and_shows_the_marks_in_the_knowledge_check(lab, page):
    """Issue 19 item 1: answers right except question 1; a reflection typed but NOT saved;
    one press of Mark my work saves the notebook, marks it, and shows the marks: question 1
    with its reason, the typed reflection "for your tutor to mark", none shown as 0."""
    from workbook.content import load_course
    from workbook.tutor.simulate import right_answers, wrong_answers

    assignment = load_course(lab.root).assignment("unit2")
    answers = right_answers(assignment)
    first = assignment.checks[0].variable
    answers[first] = wrong_answers(assignment)[first]
    path = _copy_release(lab, "unit2", "marked", answers)
    open_notebook(page, lab, path)
    cell = page.locator(".jp-MarkdownCell", has_text=STUB).first
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-RenderedMarkdown").click()
    page.keyboard.type(SENTENCE, delay=5)
    page.keyboard.press("Escape")
    sel = ".wb-mark-my-work"
    page.locator(sel).scroll_into_view_if_needed()
    click_button(page, sel, "Mark my work")
    n = len(assignment.checks)
    try:
        page.wait_for_function("s => /You scored|first|Cannot|stopped/.test("
                               "document.querySelector(s).innerText)", arg=sel,
                               timeout=300_000)
    except Exception:
        raise AssertionError(f"no marks; it says {page.locator(sel).inner_text()!r}") from None
    shown = page.locator(sel).inner_text()
    assert f"You scored {n - 1} out of {n} on the questions." in shown
    assert "Question 1: ✗ Not right" in shown and "That is not the right answer." in shown
    assert "Reflection 1 (" in shown and "for your tutor to mark." in shown
    assert "Reflection 2 (" in shown and "not written yet" in shown
    for reflection in assignment.reflections:
        assert f"0 of {reflection.points}" not in shown
    page_file = lab.root / "release" / "unit2" / "unit2-my-marks.html"
    assert page_file.is_file() and "for your tutor to mark" in page_file.read_text()
    shot(page, sel, "mark-my-work")
    assert error_outputs(page) == []
    # The marks page opens in JupyterLab itself.
    page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:open', "
                  "{path: 'release/unit2/unit2-my-marks.html'}); return null; }")
    frame = page.frame_locator(".jp-HTMLViewer iframe")
    frame.locator("h1").wait_for(timeout=30_000)
    assert frame.locator("h1").inner_text() == f"My marks: {assignment.title}"
