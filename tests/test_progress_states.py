"""Every activity's saved state against its schema (workbook/schemas/progress/).

Progress saved by the workbook at 4b9282a (tests/data/progress-4b9282a/) loads into today's
activities and carries on where it was left. Random and hostile saved states never crash an
activity: each either restores a state that follows its schema or sets the file aside, says so,
and starts fresh.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT
from workbook.content import load_course
from workbook.engine.authority import authority_bank
from workbook.engine.laws import law_bank
from workbook.progress import KINDS, ProgressError, ProgressStore, check_state, schema, version
from workbook.widgets.analysis import AnalysisForm, DevelopmentPlanner
from workbook.widgets.quiz import QuizActivity
from workbook.widgets.reflection import LessonReflection
from workbook.widgets.reply import ReplyRewriter
from workbook.widgets.scenario import ScenarioPlayer
from workbook.widgets.sorting import SortingActivity

OLD = ROOT / "tests" / "data" / "progress-4b9282a"
COURSE = load_course()
TODAY = dt.date(2026, 12, 1)
CASES = int(os.environ.get("WORKBOOK_PROGRESS_CASES", "12"))
"""Random saved states tried per activity (each a seeded, repeatable mutation of a 4b9282a
state); set ``WORKBOOK_PROGRESS_CASES`` to try more."""


def sorting(store: ProgressStore) -> SortingActivity:
    return SortingActivity(COURSE.statement_bank("unit2"), store, seed=1)


def unit_quiz(unit: str) -> Callable[[ProgressStore], QuizActivity]:
    def make(store: ProgressStore) -> QuizActivity:
        bank = COURSE.question_bank(unit)
        return QuizActivity(bank, store, seed=1, size=min(8, len(bank.questions)))
    return make


def whole_quiz(store: ProgressStore) -> QuizActivity:
    bank = COURSE.question_bank("unit3")
    return QuizActivity(bank, store, seed=1, size=len(bank.questions))


def authority(store: ProgressStore) -> QuizActivity:
    bank = authority_bank(COURSE.authority_set("unit4"), COURSE.organisation)
    return QuizActivity(bank, store, seed=1, activity="unit4-authority")


def laws(store: ProgressStore) -> QuizActivity:
    return QuizActivity(law_bank(COURSE.law_catalogue(), "unit2"), store, seed=1,
                        activity="unit2-law-match")


SCENARIO = "colleague-chasing-order"

ACTIVITIES: dict[str, tuple[str, Callable[[ProgressStore], Any]]] = {
    "unit2-sorting": ("sorting", sorting),
    "unit1-quiz": ("quiz", unit_quiz("unit1")),
    "unit3-quiz": ("quiz", whole_quiz),
    "unit4-authority": ("quiz", authority),
    "unit2-law-match": ("quiz", laws),
    f"scenario-{SCENARIO}": ("scenario", lambda s: ScenarioPlayer(COURSE.scenario(SCENARIO), s,
                                                                  learner="old")),
    f"analysis-{SCENARIO}": ("analysis", lambda s: AnalysisForm(
        COURSE.scenario(SCENARIO), COURSE.organisation, s, today=TODAY)),
    "development-plan": ("development", lambda s: DevelopmentPlanner(s, today=TODAY)),
    "unit3-reflection": ("reflection", lambda s: LessonReflection("unit3", s)),
    "unit3-rewrite": ("rewrite", lambda s: ReplyRewriter(COURSE.rewrite_set("unit3"), s)),
}
"""Every activity that saves, by the name it saves under: its kind and how to open it."""


def use(activity: Any) -> None:
    """Work with an opened activity through its Python twins, so it saves what it restored."""
    if isinstance(activity, (SortingActivity, QuizActivity)):
        activity.check()
        activity._save()
    elif isinstance(activity, ScenarioPlayer):
        activity.back()
        activity._save()
        assert isinstance(activity.endings_reached, list)
    elif isinstance(activity, (AnalysisForm, DevelopmentPlanner)):
        activity.check()
        activity._save()
    elif isinstance(activity, LessonReflection):
        activity.save()
    else:
        activity.write(activity.reply.value + " Thank you.")
        activity.check()


def old_states() -> list[Path]:
    return sorted(OLD.glob("*.json"))


def activity_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def aside(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f"{name}.unreadable-*.json"))


# --------------------------------------------------------------------------- the schemas


def test_every_kind_has_a_schema_with_a_version_and_every_activity_is_tried():
    assert {kind for kind, _ in ACTIVITIES.values()} == set(KINDS)
    for kind in KINDS:
        assert schema(kind)["type"] == "object" and "version" in schema(kind)["required"]
        assert version(kind) == 1
    assert {activity_of(p) for p in old_states()} == set(ACTIVITIES)


@pytest.mark.parametrize("path", old_states(), ids=lambda p: p.name)
def test_progress_saved_at_4b9282a_follows_todays_schema(path):
    """And jsonschema, the reference validator, agrees with fastjsonschema."""
    kind = ACTIVITIES[activity_of(path)][0]
    state = json.loads(path.read_text(encoding="utf-8"))
    check_state(kind, state)
    jsonschema.Draft7Validator.check_schema(schema(kind))
    jsonschema.validate(state, schema(kind), cls=jsonschema.Draft7Validator)


def test_a_state_that_breaks_its_schema_says_where():
    state = json.loads((OLD / "unit2-sorting.checked.json").read_text(encoding="utf-8"))
    state["history"][0]["total"] = 0
    with pytest.raises(ProgressError, match=r"^sorting progress: history\[0\]\.total must be "):
        check_state("sorting", state)


def test_saving_a_state_that_breaks_its_schema_raises_and_writes_nothing(tmp_path):
    store = ProgressStore(tmp_path)
    good = json.loads((OLD / "unit3-rewrite.one-draft.json").read_text(encoding="utf-8"))
    store.save("unit3-rewrite", {"drafts": good["drafts"]}, kind="rewrite")
    before = (tmp_path / "unit3-rewrite.json").read_bytes()
    with pytest.raises(ProgressError, match="drafts"):
        store.save("unit3-rewrite", {"drafts": {"rw-1": 3}}, kind="rewrite")
    with pytest.raises(ValueError):
        store.save("unit3-rewrite", {"drafts": {}, "later": math.nan}, kind="rewrite")
    assert (tmp_path / "unit3-rewrite.json").read_bytes() == before
    assert json.loads(before)["version"] == 1


# --------------------------------------------------------------------------- upgrading


@pytest.mark.parametrize("path", old_states(), ids=lambda p: p.name)
def test_progress_saved_at_4b9282a_carries_on_with_todays_code(path, tmp_path):
    name = activity_of(path)
    kind, make = ACTIVITIES[name]
    saved = json.loads(path.read_text(encoding="utf-8"))
    (tmp_path / f"{name}.json").write_bytes(path.read_bytes())
    activity = make(ProgressStore(tmp_path))
    assert activity.notes in ([], ["Welcome back! The conversation carries on where you left it."])
    assert not aside(tmp_path, name)
    if kind == "sorting":
        assert activity.round_ids == saved["round"]["item_ids"]
        assert activity.selections == saved["selections"]
        assert activity.checked == saved["checked"]
        assert activity.history == saved["history"]
    elif kind == "quiz":
        assert activity.question_ids == saved["attempt"]["question_ids"]
        assert activity.responses == saved["responses"]
        assert activity.checked == saved["checked"]
        assert activity.history == saved["history"]
        assert (activity.topic, activity.difficulty) == (saved["filters"]["topic"],
                                                         saved["filters"]["difficulty"])
    elif kind == "scenario":
        assert activity.choices_made == saved["choices"] and activity.runs == saved["runs"]
    elif kind == "analysis":
        assert [o.name for o in activity.analysis.options] == [
            o["name"] for o in saved["analysis"]["options"]]
        assert list(activity.analysis.causes) == saved["analysis"]["causes"]
        assert activity.analysis.recommended == saved["analysis"]["recommended"]
    elif kind == "development":
        assert [g.area for g in activity.plan.goals] == [g["area"] for g in saved["goals"]]
    elif kind == "reflection":
        assert activity.text == saved["text"] and activity.box.value == saved["text"]
    else:
        assert activity.drafts == saved["drafts"]
        assert activity.reply.value == saved["drafts"].get(activity.task_id, "")
    use(activity)
    check_state(kind, json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- hostile states

JUNK: list[Any] = [
    None, True, False, 0, -1, 1, -(10**30), 10**30, 2**63, 1.5, -0.0, math.nan, math.inf,
    -math.inf, "", "x", "0", "assertive", "\u0000\ufffd", "é" * 300, [], {}, [None], [0],
    ["x"], [[[[[[]]]]]], {"a": {"b": {"c": [1, {"d": None}]}}}, {"score": "8"},
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], {"": ""},
]
"""Values a damaged or hand-edited file might hold where anything else was saved."""

WHOLE_FILES: list[bytes] = [
    b"", b"null", b"[]", b"0", b'"text"', b"{", b'{"version": 1', b"\xff\xfe\x00{",
    bytes(range(256)), b"[" * 100_000 + b"]" * 100_000, b'{"version": NaN}',
    b'{"version": 1, "history": [' + b"9" * 5000 + b"]}", b'{"version": 2}', b'{"version": "1"}',
    b"{}", b'{"version": 1}', b"\xef\xbb\xbf{}",
]
"""Whole files no activity ever wrote: empty, truncated, binary, too deep, NaN, a number too
long to read, another version."""


def paths_in(value: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a JSON value: a tuple of keys and list positions."""
    found = [at]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths_in(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths_in(inner, (*at, index))
    return found


def mutate(state: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One to three random changes: a value replaced by junk, a key removed, junk added."""
    state = copy.deepcopy(state)
    for _ in range(rng.randint(1, 3)):
        at = rng.choice(paths_in(state)[1:] or [()])
        parent = state
        for step in at[:-1]:
            parent = parent[step]
        how = rng.random()
        if not at:
            state[rng.choice(["version", "junk"])] = rng.choice(JUNK)
        elif how < 0.7:
            parent[at[-1]] = copy.deepcopy(rng.choice(JUNK))
        elif how < 0.85:
            del parent[at[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["version", "x", str(at[-1])])] = copy.deepcopy(rng.choice(JUNK))
        else:
            parent.append(copy.deepcopy(rng.choice(JUNK)))
    return state


def hostile_files(name: str) -> list[bytes]:
    """The whole files above, then seeded random mutations of the 4b9282a states."""
    bases = [json.loads(p.read_text(encoding="utf-8")) for p in old_states()
             if activity_of(p) == name]
    rng = random.Random(name)
    mutated = [json.dumps(mutate(rng.choice(bases), rng)).encode() for _ in range(CASES)]
    truncated = [text[: rng.randrange(len(text))] for text in mutated[:3]]
    return WHOLE_FILES + mutated + truncated


@pytest.mark.parametrize("name", sorted(ACTIVITIES))
def test_no_saved_state_crashes_an_activity(name, tmp_path):
    """Each file either restores a state that follows the schema (the activity saves it back
    whole) or is set aside with a note and the activity starts fresh."""
    kind, make = ACTIVITIES[name]
    for number, content in enumerate(hostile_files(name)):
        folder = tmp_path / str(number)
        folder.mkdir()
        path = folder / f"{name}.json"
        path.write_bytes(content)
        try:
            activity = make(ProgressStore(folder))
            kept = aside(folder, name)
            if kept:
                assert [p.read_bytes() for p in kept] == [content]
                assert any(kept[0].name in note for note in activity.notes)
                assert kept[0].name in activity.message
            use(activity)
            check_state(kind, json.loads(path.read_text(encoding="utf-8")))
        except Exception as error:
            raise AssertionError(f"{name}, case {number}: {content[:300]!r}") from error


def test_a_sorting_history_with_a_total_of_zero_or_text_is_set_aside(tmp_path):
    """Before one schema per activity, "total": 0 crashed the sorting activity with
    ZeroDivisionError and text values with TypeError."""
    state = json.loads((OLD / "unit2-sorting.history.json").read_text(encoding="utf-8"))
    for number, (field, value) in enumerate([("total", 0), ("score", "8"), ("total", "8")]):
        folder = tmp_path / str(number)
        folder.mkdir()
        broken = copy.deepcopy(state)
        broken["history"][0][field] = value
        (folder / "unit2-sorting.json").write_text(json.dumps(broken), encoding="utf-8")
        activity = sorting(ProgressStore(folder))
        assert activity.history == [] and not activity.checked
        kept = aside(folder, "unit2-sorting")
        assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8")) == broken
        assert activity.message == (
            f"Your saved progress for this activity was not in the form this workbook saves, "
            f"so it was kept as {kept[0].name} and a fresh start was made. Tell your tutor if "
            f"you need it back.")
