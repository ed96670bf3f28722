# ruff: noqa: F811 - the tests take the fixtures imported from tests/test_browser.py by name
"""WCAG 2.2 AA in JupyterLab, measured beyond axe (issue 19, item 5), for every activity type.

For each activity (sorting, quiz, "Which law applies?", scenario player, reply rewriter,
options analysis, development planner, lesson reflection) the suite fails on:

- a focus indicator under 3:1 against the unfocused look, computed from screenshots of each
  kind of control, unfocused then focused (the changed pixels against the same place before);
- a chosen radio button or tick box under 3:1 against an unchosen one, before and after
  "Check" (pixel by pixel), and the chosen answer not said in words after checking;
- radio buttons not exposed as a named group in the accessibility tree;
- focus not on a sensible control after an action (not the page, and in the activity);
- a change of state not announced through a persistent live region (the same element before
  and after, aria-live set, its text changed);
- radio buttons, tick boxes, buttons or drop-downs under 24 x 24 CSS px;
- answer text under 16 px;
- an arrow key inside a group of radio buttons or on a drop-down leaving the activity;
- axe-core serious or critical findings in the activity.

One JupyterLab server serves the module (the fixtures of tests/test_browser.py). Measurements go to
test-artifacts/browser/a11y.json, so the figures in a report are the ones measured.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil

import pytest

from tests.browser_harness import ARTEFACTS, axe, next_frame, open_notebook
from tests.conftest import ROOT

# The same marks (browser; skipped without Chromium) and JupyterLab fixtures as test_browser.py.
from tests.test_browser import browser, lab, page, pytestmark  # noqa: F401

MEASURED: dict[str, dict] = {}
DOCS = ROOT / "docs" / "screenshots"


def save(name: str, record: dict) -> None:
    """Keep an activity's figures, written to test-artifacts/browser/a11y.json as they come."""
    MEASURED[name] = record
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "a11y.json").write_text(json.dumps(MEASURED, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------- measuring from pixels


def luminance(rgb) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def picture(page, box: dict, pad: int):
    from PIL import Image

    clip = {"x": box["x"] - pad, "y": box["y"] - pad, "width": box["width"] + 2 * pad,
            "height": box["height"] + 2 * pad}
    return Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert(
        "RGB")


def pixels(image) -> list:
    return list(image.get_flattened_data() if hasattr(image, "get_flattened_data")
                else image.getdata())


def changed_contrasts(before, after) -> list[float]:
    """For every pixel that changed, its contrast against the same place before."""
    return [contrast(a, b) for a, b in zip(pixels(before), pixels(after), strict=True)
            if a != b]


def box_of(locator) -> dict:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box, f"no box for {locator}"
    return box


def focus_contrast(page, locator, pad: int = 7) -> dict:
    """Focus ring contrast of one control: screenshots without and with focus; the changed
    pixels' contrast against the unfocused pixels there. Passes when at least a ring's worth
    of pixels (the control's perimeter) reaches 3:1."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    box = box_of(locator)
    page.mouse.move(0, 0)
    before = picture(page, box, pad)
    locator.focus()
    page.wait_for_function("() => document.activeElement && "
                           "document.activeElement.matches(':focus-visible')")
    after = picture(page, box, pad)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    name = locator.evaluate("e => e.tagName + '-' + (e.type || '')").lower()
    before.save(ARTEFACTS / f"a11y-focus-{name}-before.png")
    after.save(ARTEFACTS / f"a11y-focus-{name}-after.png")
    ratios = changed_contrasts(before, after)
    strong = sum(r >= 3 for r in ratios)
    perimeter = int(2 * (box["width"] + box["height"]))
    return {"strongest": round(max(ratios, default=1.0), 2), "pixels at 3:1 or more": strong,
            "perimeter": perimeter, "ok": strong >= perimeter}


def chosen_contrast(page, chosen, unchosen) -> dict:
    """A chosen control against an unchosen one, pixel by pixel over the control: passes when
    at least a tenth of its area differs by 3:1 or more."""
    a = picture(page, box_of(chosen), 0)
    b = picture(page, box_of(unchosen), 0).resize(a.size)
    ratios = [contrast(x, y) for x, y in zip(pixels(a), pixels(b), strict=True)]
    strong = sum(r >= 3 for r in ratios) / len(ratios)
    return {"strongest": round(max(ratios), 2), "share at 3:1 or more": round(strong, 2),
            "ok": strong >= 0.1}


# ---------------------------------------------------------------- the page's structure

SIZES = """(sel) => { const root = document.querySelector(sel); const small = [];
  const controls = "input[type=radio], input[type=checkbox], button, select";
  for (const el of root.querySelectorAll(controls)) {
    const b = el.getBoundingClientRect(); if (!b.width) continue;
    if (b.width < 24 || b.height < 24) small.push(`${el.tagName} ${el.type || ''} `
      + `${(el.innerText || el.closest('label')?.innerText || '').trim().slice(0, 30)} `
      + `${Math.round(b.width)}x${Math.round(b.height)}`); }
  return small; }"""

TEXT_SIZES = """(sel) => Array.from(document.querySelector(sel).querySelectorAll(
  '.widget-radio-box label, .widget-checkbox label')).filter(l => l.getBoundingClientRect().width)
  .map(l => parseFloat(getComputedStyle(l).fontSize))"""

LIVE = """(sel) => { const root = document.querySelector(sel);
  const live = Array.from(root.querySelectorAll('[aria-live]'))
    .filter(el => el.getBoundingClientRect().width);
  window.__wbLive = live; return live.map(el => ({live: el.getAttribute('aria-live'),
    role: el.getAttribute('role'), text: el.innerText.trim()})); }"""

SAME_LIVE = """(sel) => { const root = document.querySelector(sel);
  return (window.__wbLive || []).map(el => ({same: el.isConnected && root.contains(el),
    live: el.getAttribute('aria-live'), text: el.innerText.trim()})); }"""

FOCUSED = """(sel) => { const el = document.activeElement;
  const root = document.querySelector(sel);
  return {tag: el ? el.tagName.toLowerCase() : null, type: el?.type || '',
    inside: !!el && root.contains(el), body: el === document.body,
    text: (el?.innerText || el?.closest('label')?.innerText || el?.getAttribute('aria-label')
      || '').trim().slice(0, 60),
    group: el?.closest('[role=radiogroup]')?.getAttribute('aria-label') || null}; }"""


def remember_live(page, sel: str) -> list[dict]:
    live = page.evaluate(LIVE, sel)
    assert live, f"{sel}: no live region"
    return live


def announced(page, sel: str, before: list[dict], action: str) -> str:
    """The live region after an action: the same element, still aria-live, its text changed.
    Waits for the change (the kernel answers in its own time)."""
    page.wait_for_function(
        """([sel, before]) => { const root = document.querySelector(sel);
        return (window.__wbLive || []).some((el, i) => el.isConnected && root.contains(el)
          && el.innerText.trim() !== before[i]); }""",
        arg=[sel, [b["text"] for b in before]], timeout=30_000)
    after = page.evaluate(SAME_LIVE, sel)
    assert all(a["same"] for a in after), f"{sel} {action}: the live region was replaced"
    assert all(a["live"] in ("polite", "assertive") for a in after), after
    changed = [a["text"] for a, b in zip(after, before, strict=True) if a["text"] != b["text"]]
    assert changed, f"{sel} {action}: nothing announced"
    return changed[0]


def focus_after(page, sel: str, action: str, expect: tuple[str, ...]) -> dict:
    """Where focus is once it has settled on a control of an expected kind (the kernel sends
    the move after its answer); fails, saying where focus is, if it never does."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(
            """([sel, expect]) => { const el = document.activeElement;
            return !!el && el !== document.body && document.querySelector(sel).contains(el)
              && (expect.includes(el.tagName.toLowerCase()) || expect.includes(el.type)); }""",
            arg=[sel, list(expect)], timeout=30_000)
    except Timeout:
        pass  # the assertions below say where focus went instead
    where = page.evaluate(FOCUSED, sel)
    assert where["inside"] and not where["body"], f"{sel} {action}: focus went to {where}"
    assert where["tag"] in expect or where["type"] in expect, f"{sel} {action}: {where}"
    return where


def tree(page, sel: str) -> str:
    return page.locator(sel).first.aria_snapshot()


def groups_in_tree(page, sel: str) -> list[str]:
    """The radio groups in the accessibility tree: each must have a name and hold radios."""
    snapshot = tree(page, sel)
    lines = snapshot.splitlines()
    found = []
    for n, line in enumerate(lines):
        if line.strip().startswith("- radiogroup"):
            found.append("\n".join(lines[n:n + 4]))
    return found


def press_enter_on(page, sel: str, name: str) -> None:
    button = page.locator(f"{sel} button", has_text=name).first
    button.focus()
    page.keyboard.press("Enter")


def arrow_stays(page, sel: str, control) -> dict:
    """Press ArrowDown on a control: focus must stay in the activity (and a radio group must
    move its choice, not the notebook)."""
    cell = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    control.focus()
    page.keyboard.press("ArrowDown")
    next_frame(page)  # the key handled and its result drawn (nothing may happen: no event)
    where = page.evaluate(FOCUSED, sel)
    after = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    assert where["inside"], f"{sel}: ArrowDown took focus out of the activity: {where}"
    assert cell == after, f"{sel}: ArrowDown moved JupyterLab from cell {cell} to {after}"
    return where


def common_checks(page, sel: str, record: dict) -> None:
    """Sizes, text sizes, axe and the focus ring of each kind of control in the activity."""
    small = page.evaluate(SIZES, sel)
    assert small == [], f"{sel}: targets under 24 x 24 px: {small}"
    sizes = page.evaluate(TEXT_SIZES, sel)
    record["answer text px"] = sorted(set(sizes))
    assert all(s >= 16 for s in sizes), f"{sel}: answer text {sorted(set(sizes))} px"
    found = axe(page, sel)
    record["axe serious or critical"] = len(found)
    assert found == [], found
    rings = {}
    kinds = {"button": "button:not(:disabled)", "radio": "input[type=radio]:not(:disabled)",
             "tick box": "input[type=checkbox]:not(:disabled)", "drop-down": "select",
             "text box": "input[type=text], input[type=date]", "text area": "textarea"}
    for kind, css in kinds.items():
        control = page.locator(f"{sel} :is({css})").first
        if page.locator(f"{sel} :is({css})").count():
            rings[kind] = focus_contrast(page, control)
    record["focus contrast"] = rings
    weak = {k: v for k, v in rings.items() if not v["ok"]}
    assert not weak, f"{sel}: focus indicators under 3:1 against unfocused: {weak}"


def radio_checks(page, sel: str, record: dict, key: str) -> None:
    groups = groups_in_tree(page, sel)
    assert groups, f"{sel}: no radiogroup in the accessibility tree:\n{tree(page, sel)[:1500]}"
    for group in groups:
        assert group.split("\n")[0].strip().startswith('- radiogroup "'), group
        assert "- radio " in group, group
    record["a group in the accessibility tree"] = groups[0]
    box = page.locator(f"{sel} [role=radiogroup]").first
    chosen = box.locator("input:checked")
    if chosen.count():
        record[f"chosen vs unchosen {key}"] = chosen_contrast(
            page, chosen.first, box.locator("input:not(:checked)").first)
        assert record[f"chosen vs unchosen {key}"]["ok"], record
    ticked = page.locator(f"{sel} input[type=checkbox]:checked")
    unticked = page.locator(f"{sel} input[type=checkbox]:not(:checked)")
    if ticked.count() and unticked.count():
        record[f"ticked vs unticked {key}"] = chosen_contrast(page, ticked.first, unticked.first)
        assert record[f"ticked vs unticked {key}"]["ok"], record


def shot(page, top: str, bottom: str, name: str) -> None:
    """A picture from the top of one element to the bottom of another (e.g. a question and its
    feedback), in test-artifacts/browser/; with WORKBOOK_DOCS_SCREENSHOTS=1 also in
    docs/screenshots/."""
    page.set_viewport_size({"width": 1000, "height": 2000})
    first, last = page.locator(top).first, page.locator(bottom).first
    first.scroll_into_view_if_needed()
    a, b = first.bounding_box(), last.bounding_box()
    clip = {"x": a["x"] - 4, "y": a["y"] - 4, "width": max(a["width"], b["width"]) + 8,
            "height": b["y"] + b["height"] - a["y"] + 8}
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / f"a11y-{name}.png"
    page.screenshot(path=str(target), clip=clip, animations="disabled")
    page.set_viewport_size({"width": 1280, "height": 900})
    if os.environ.get("WORKBOOK_DOCS_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, DOCS / target.name)


def first_radio_group(page, sel: str):
    return page.locator(f"{sel} [role=radiogroup]").first


def choose_all_by_mouse(page, sel: str, wrong_first: bool = False) -> None:
    for n, box in enumerate(page.locator(f"{sel} .widget-radio-box").all()):
        if box.locator("input:checked").count() == 0:
            box.locator("input").nth(1 if (wrong_first and n == 0) else 0).click()
    for group in page.locator(f"{sel} .widget-vbox:has(> .widget-checkbox)").all():
        if group.locator("input:checked").count() == 0:
            group.locator(".widget-checkbox input").first.click()
    for select in page.locator(f"{sel} select").all():
        if select.evaluate("s => s.options[0]?.text || ''") == "Choose…":
            select.select_option(index=1)


# ---------------------------------------------------------------- the activities


def start(page, lab, notebook: str, sel: str, name: str) -> dict:
    """Open and run a lesson, then the checks every activity gets; returns its figures."""
    open_notebook(page, lab, f"notebooks/{notebook}")
    record = {"name": name}
    common_checks(page, sel, record)
    return record


def act(page, sel: str, record: dict, button: str, focus: tuple[str, ...]) -> str:
    """Press a button with Enter: record what the live region said and where focus went."""
    live = remember_live(page, sel)
    press_enter_on(page, sel, button)
    said = announced(page, sel, live, button)
    record[f"announced after {button}"] = said
    record[f"focus after {button}"] = focus_after(page, sel, button, focus)["text"]
    return said


def check_and_retry(page, sel: str, record: dict, checked_pattern: str) -> None:
    """Choose by arrow key, check, then try again: what is announced and where focus goes."""
    group = first_radio_group(page, sel)
    first = group.locator("input").first
    first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("(sel) => !!document.querySelector(sel + ' input:checked')", arg=sel)
    where = arrow_stays(page, sel, group.locator("input:checked").first)
    assert where["type"] == "radio" and where["group"], where
    moved = group.locator("input:checked").first.evaluate(
        "e => Array.from(e.closest('[role=radiogroup]').querySelectorAll('input')).indexOf(e)")
    record["ArrowDown in a group"] = f"stays in the group, choice moved to option {moved + 1}"
    assert moved == 1, "ArrowDown did not move the choice to the next option"
    choose_all_by_mouse(page, sel)
    radio_checks(page, sel, record, "before Check")
    assert re.search(checked_pattern, act(page, sel, record, "Check my answers", ("button",)))
    radio_checks(page, sel, record, "after Check")
    said = page.locator(f"{sel} :is(.wb-feedback, .wb-result)").all_inner_texts()
    assert any("You chose" in s for s in said), f"{sel}: the chosen answer is not said: {said}"
    row = f"{sel} .widget-vbox:has(> .widget-html :is(.wb-result, .wb-feedback))"
    shot(page, row, row, f"{record['name']}-checked")
    retry = page.locator(f"{sel} button", has_text="Try the ones I got wrong").first
    act(page, sel, record, "Try the ones I got wrong" if retry.is_enabled() else "New",
        ("radio", "checkbox", "select-one"))


def test_sorting(lab, page):
    record = start(page, lab, "02_assertive_aggressive_passive.ipynb", ".wb-sorting", "sorting")
    check_and_retry(page, ".wb-sorting", record, r"You sorted")
    save("sorting", record)


def test_quiz(lab, page):
    record = start(page, lab, "01_recognising_challenging_customers.ipynb", ".wb-unit1-quiz",
                   "quiz")
    check_and_retry(page, ".wb-unit1-quiz", record, r"You got")
    save("quiz", record)


def test_which_law_applies(lab, page):
    sel = ".wb-unit5-law-match"
    record = start(page, lab, "05_law_and_ethics.ipynb", sel, "which-law")
    choose_all_by_mouse(page, sel, wrong_first=True)
    act(page, sel, record, "Check my answers", ("button",))
    radio_checks(page, sel, record, "after Check")
    # In a question answered wrongly, only the chosen law is marked wrong, and it says which
    # law this situation needs.
    wrong = page.locator(f"{sel} .wb-result:has(p.wb-wrong)").first
    assert wrong.count(), "no question was answered wrongly"
    record["options marked wrong in a wrong answer"] = wrong.locator("li.wb-wrong").count()
    assert record["options marked wrong in a wrong answer"] == 1
    record["why the chosen law does not fit"] = wrong.locator("li.wb-wrong").inner_text()
    assert "This situation needs" in record["why the chosen law does not fit"]
    save("which-law", record)


def test_scenario_player(lab, page):
    sel = ".wb-scenario"
    record = start(page, lab, "01_recognising_challenging_customers.ipynb", sel, "scenario")
    group = first_radio_group(page, sel)
    group.locator("input").first.focus()
    page.keyboard.press("Space")
    where = arrow_stays(page, sel, group.locator("input:checked").first)
    record["ArrowDown in a group"] = f"focus on {where['text'][:40]!r}"
    radio_checks(page, sel, record, "before Say this")
    for turn in range(1, 4):
        if page.locator(f"{sel} button", has_text="Say this").count() == 0:
            break
        group = first_radio_group(page, sel)
        if group.locator("input:checked").count() == 0:
            group.locator("input").first.click()
        said = act(page, sel, record, "Say this", ("radio", "button"))
        assert "Mood:" in said, said
        record[f"announced after Say this ({turn})"] = record.pop("announced after Say this")
        record[f"focus after Say this ({turn})"] = record.pop("focus after Say this")
        if turn == 1:
            shot(page, f"{sel} .widget-html:has(.wb-quote)", f"{sel} .widget-hbox", "scenario-turn")
    act(page, sel, record, "Go back one step", ("radio", "button"))
    save("scenario", record)


def text_activity(page, lab, notebook: str, sel: str, name: str, button: str) -> dict:
    record = start(page, lab, notebook, sel, name)
    if page.locator(f"{sel} .widget-radio-box").count():
        radio_checks(page, sel, record, "before")
    for select in page.locator(f"{sel} select").all()[:1]:
        before = select.evaluate("s => s.selectedIndex")
        arrow_stays(page, sel, select)
        after = select.evaluate("s => s.selectedIndex")
        record["ArrowDown on a drop-down"] = f"focus stays; option {before + 1} -> {after + 1}"
    act(page, sel, record, button, ("button", "textarea", "text", "select-one", "radio"))
    return record


@pytest.mark.parametrize("notebook, sel, name, button", [
    ("03_listening_questioning_calming.ipynb", ".wb-rewrite", "reply rewriter", "Check my reply"),
    ("06_solving_and_balancing.ipynb", ".wb-analysis", "options analysis", "Check my analysis"),
    ("08_scenarios_and_reflection.ipynb", ".wb-planner", "development planner",
     "Check my plan"),
    ("02_assertive_aggressive_passive.ipynb", ".wb-reflection", "lesson reflection",
     "Save my reflection"),
], ids=["reply-rewriter", "options-analysis", "development-planner", "lesson-reflection"])
def test_text_activities(lab, page, notebook, sel, name, button):
    save(name, text_activity(page, lab, notebook, sel, name, button))
