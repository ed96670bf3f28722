"""workbook.progress: one JSON file per activity, written atomically; damaged files are kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbook import progress
from workbook.progress import ProgressStore, learner_id, progress_dir


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "learner")


def unreadable_files(store: ProgressStore, activity: str) -> list:
    return sorted(store.directory.glob(f"{activity}.unreadable-*.json"))


# --------------------------------------------------------------------------- save and load


def test_save_then_load_round_trips(store):
    data = {"round": {"item_ids": ["st-002", "st-010"], "seed": 12}, "score": 7,
            "done": True, "name": "Zoë", "notes": None}
    path = store.save("sort-unit2", data)
    assert path == store.directory / "sort-unit2.json"
    assert ProgressStore(store.directory).load("sort-unit2") == data


def test_load_with_nothing_saved_is_empty(store):
    assert store.load("sort-unit2") == {}
    assert store.notices == []


def test_save_replaces_the_previous_progress(store):
    store.save("sort-unit2", {"score": 1})
    store.save("sort-unit2", {"score": 2})
    assert store.load("sort-unit2") == {"score": 2}


def test_save_leaves_no_temporary_files(store):
    store.save("sort-unit2", {"score": 1})
    store.save("sort-unit2", {"score": 2})
    assert [p.name for p in store.directory.iterdir()] == ["sort-unit2.json"]


def test_failed_save_keeps_the_previous_file_and_leaves_no_temporary_file(store):
    store.save("sort-unit2", {"score": 1})
    before = (store.directory / "sort-unit2.json").read_bytes()
    with pytest.raises(TypeError):
        # json.dump has written part of the file when it meets the object it cannot write.
        store.save("sort-unit2", {"score": 2, "seed": 3, "later": object()})
    assert (store.directory / "sort-unit2.json").read_bytes() == before
    assert [p.name for p in store.directory.iterdir()] == ["sort-unit2.json"]
    assert store.load("sort-unit2") == {"score": 1}


def test_an_unchanged_save_writes_nothing_but_a_changed_file_is_rewritten(store):
    path = store.save("sort-unit2", {"score": 1, "history": [1, 2, 3]})
    inode = path.stat().st_ino
    store.save("sort-unit2", {"score": 1, "history": [1, 2, 3]})
    assert path.stat().st_ino == inode  # not replaced
    path.write_text('{"score": 9}', encoding="utf-8")  # e.g. another copy of the activity
    store.save("sort-unit2", {"score": 1, "history": [1, 2, 3]})
    assert store.load("sort-unit2") == {"score": 1, "history": [1, 2, 3]}
    path.unlink()
    store.save("sort-unit2", {"score": 1, "history": [1, 2, 3]})
    assert store.load("sort-unit2") == {"score": 1, "history": [1, 2, 3]}


def test_every_save_that_writes_is_forced_to_disk(store, monkeypatch):
    synced = []
    monkeypatch.setattr(progress.os, "fsync", synced.append)
    for score in range(3):
        store.save("sort-unit2", {"score": score})
    store.save("sort-unit2", {"score": 2})  # unchanged: nothing written
    assert len(synced) == 3
    assert store.load("sort-unit2") == {"score": 2}


def test_saved_activities_lists_the_json_files(store):
    assert store.saved_activities() == []
    store.save("unit2-reflection", {})
    store.save("sort-unit2", {})
    assert [p.name for p in store.saved_activities()] == ["sort-unit2.json",
                                                           "unit2-reflection.json"]


# --------------------------------------------------------------------------- damaged files


@pytest.mark.parametrize("content", [b'{"score": 3, "ro', b'["not", "an", "object"]', b"",
                                     b"null"], ids=["truncated", "list", "empty", "null"])
def test_unreadable_file_is_kept_aside_and_a_fresh_start_made(store, content):
    store.directory.mkdir(parents=True)
    (store.directory / "sort-unit2.json").write_bytes(content)
    assert store.load("sort-unit2") == {}
    kept = unreadable_files(store, "sort-unit2")
    assert len(kept) == 1
    assert re.fullmatch(r"sort-unit2\.unreadable-\d{8}-\d{6}\.json", kept[0].name)
    assert kept[0].read_bytes() == content
    assert not (store.directory / "sort-unit2.json").exists()
    assert store.notices == [
        f"Your saved progress for this activity could not be read, so it was kept as "
        f"{kept[0].name} and a fresh start was made. Tell your tutor if you need it back."]


def test_after_a_fresh_start_progress_saves_and_loads_again(store):
    store.directory.mkdir(parents=True)
    (store.directory / "sort-unit2.json").write_text("{oops", encoding="utf-8")
    assert store.load("sort-unit2") == {}
    store.save("sort-unit2", {"score": 4})
    assert store.load("sort-unit2") == {"score": 4}
    assert len(store.notices) == 1


def test_file_that_is_not_utf8_is_kept_aside(store):
    store.directory.mkdir(parents=True)
    content = b'\xff\xfe{"score": 3}'
    (store.directory / "sort-unit2.json").write_bytes(content)
    assert store.load("sort-unit2") == {}
    kept = unreadable_files(store, "sort-unit2")
    assert [p.read_bytes() for p in kept] == [content]
    assert len(store.notices) == 1


def test_two_unreadable_files_in_the_same_second_are_both_kept(store, monkeypatch):
    monkeypatch.setattr(progress.time, "strftime", lambda fmt: "20260101-120000")
    store.directory.mkdir(parents=True)
    path = store.directory / "sort-unit2.json"
    path.write_bytes(b"{first")
    assert store.load("sort-unit2") == {}
    path.write_bytes(b"{second")
    assert store.load("sort-unit2") == {}
    assert sorted(p.read_bytes() for p in unreadable_files(store, "sort-unit2")) == [
        b"{first", b"{second"]


# --------------------------------------------------------------------------- names and folders


@pytest.mark.parametrize("activity", ["", "Sort", "sort unit2", "../sort", "sort/unit2",
                                      "-sort", "sort.json", "sort_ü"])
def test_bad_activity_names_are_refused(store, activity):
    message = f"activity names are lower-case words and hyphens, not {activity!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        store.path(activity)
    with pytest.raises(ValueError):
        store.save(activity, {})
    with pytest.raises(ValueError):
        store.load(activity)


@pytest.mark.parametrize("activity", ["sort-unit2", "unit2_reflection", "2"])
def test_good_activity_names_are_accepted(store, activity):
    assert store.path(activity) == store.directory / f"{activity}.json"


@pytest.mark.parametrize("raw, expected", [
    ("test-learner", "test-learner"),
    ("A B/../c", "A_B_.._c"),
    ("..", "learner"),
    ("/", "learner"),
    (".hidden.", "hidden"),
    ("Zoë", "Zoë"),
    ("x" * 100, "x" * 64),
])
def test_learner_id_is_safe_for_a_folder_name(monkeypatch, raw, expected):
    monkeypatch.setenv("WORKBOOK_LEARNER", raw)
    safe = learner_id()
    assert safe == expected
    assert safe and "/" not in safe and "\\" not in safe and safe not in (".", "..")


def test_progress_dir_is_one_folder_per_learner_inside_workbook_progress_dir(
        private_progress, tmp_path, monkeypatch):
    assert progress_dir() == private_progress
    monkeypatch.setenv("WORKBOOK_PROGRESS_DIR", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_LEARNER", "Ann Lee")
    assert progress_dir() == tmp_path / "Ann_Lee"
    monkeypatch.setenv("WORKBOOK_LEARNER", "Bo")
    assert progress_dir() == tmp_path / "Bo"


def test_store_without_a_folder_uses_the_learners_progress_dir(private_progress):
    store = ProgressStore()
    assert store.directory == private_progress
    store.save("sort-unit2", {"score": 1})
    assert json.loads((private_progress / "sort-unit2.json").read_text(encoding="utf-8")) == {
        "score": 1}


def test_in_the_browser_edition_progress_goes_under_drive_with_no_setting(monkeypatch):
    """Pyodide (sys.platform "emscripten") keeps only /drive across reloads; the home folder
    Jupyter's data folder is in would be lost."""
    monkeypatch.delenv("WORKBOOK_PROGRESS_DIR", raising=False)
    monkeypatch.setenv("WORKBOOK_LEARNER", "Ann")
    monkeypatch.setattr("sys.platform", "emscripten")
    assert progress_dir() == Path("/drive/my_progress/Ann")


# --------------------------------------------------------------------------- schemas


REFLECTION = {"version": 1, "text": "I listened first.", "saved_at": "2026-12-01T10:00:00"}


def test_save_with_a_kind_writes_its_version_and_load_checks_it(store):
    store.save("unit3-reflection", {"text": "I listened first.",
                                    "saved_at": "2026-12-01T10:00:00"}, kind="reflection")
    assert json.loads((store.directory / "unit3-reflection.json").read_text()) == REFLECTION
    assert store.load("unit3-reflection", "reflection") == REFLECTION
    assert store.notices == []


@pytest.mark.parametrize("content", [
    {**REFLECTION, "version": 2}, {**REFLECTION, "text": 7}, {"version": 1},
    {**REFLECTION, "text": ["I", "listened"]}], ids=["version", "type", "missing", "list"])
def test_a_state_that_does_not_follow_its_schema_is_kept_aside_with_its_own_note(store, content):
    store.directory.mkdir(parents=True)
    text = json.dumps(content)
    (store.directory / "unit3-reflection.json").write_text(text, encoding="utf-8")
    assert store.load("unit3-reflection", "reflection") == {}
    kept = unreadable_files(store, "unit3-reflection")
    assert [p.read_text(encoding="utf-8") for p in kept] == [text]
    assert store.notices == [
        f"Your saved progress for this activity was not in the form this workbook saves, so it "
        f"was kept as {kept[0].name} and a fresh start was made. Tell your tutor if you need "
        f"it back."]


@pytest.mark.parametrize("text", ['{"version": 1, "text": "", "n": NaN}',
                                  '{"version": 1, "text": "", "n": -Infinity}',
                                  '{"version": 1.0, "text": ""}',
                                  '{"version": 1, "text": "", "n": 2.5}'])
def test_a_number_that_is_not_finite_or_not_whole_is_kept_aside(store, text):
    """JSON Schema counts 1.0 as the whole number 1; no activity saves a fraction."""
    store.directory.mkdir(parents=True)
    (store.directory / "unit3-reflection.json").write_text(text, encoding="utf-8")
    assert store.load("unit3-reflection") == {}
    assert [p.read_text() for p in unreadable_files(store, "unit3-reflection")] == [text]
    assert "not in the form this workbook saves" in store.notices[0]


def test_a_file_nested_too_deep_to_read_is_kept_aside(store):
    store.directory.mkdir(parents=True)
    (store.directory / "unit3-reflection.json").write_text("[" * 100_000, encoding="utf-8")
    assert store.load("unit3-reflection", "reflection") == {}
    assert len(unreadable_files(store, "unit3-reflection")) == 1
    assert "could not be read" in store.notices[0]


def test_an_unknown_kind_is_refused(store):
    with pytest.raises(ValueError, match="no progress schema 'sorted'"):
        store.load("unit2-sorting", "sorted")
