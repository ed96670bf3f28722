"""workbook.content.loader: the real course loads into frozen records, and every kind of broken
course_data file is refused with a ContentError naming the file, the item and the field."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_course
from workbook.content import ContentError, find_course_root, load_course
from workbook.content.loader import load_course_uncached

STATEMENTS = "course_data/statements/unit2.yaml"
ASSIGNMENT = "course_data/assignments/unit2.yaml"
ORGANISATION = "course_data/organisation.yaml"

UNIT_TITLES = {
    1: "Recognising challenging customers",
    2: "Assertive, aggressive and passive behaviour",
    3: "Listening, questioning and calming things down",
    4: "Policy, authority and escalation",
    5: "The law and doing the right thing",
    6: "Solving the problem and balancing needs",
    7: "Staying safe and knowing your limits",
    8: "Scenario analysis and reflecting on your practice",
}


def expected_criterion_ids() -> list[str]:
    """The id scheme of the syllabus, built independently of criteria.yaml."""
    ids = [f"CG216-{lo}.{n}" for lo in (1, 2) for n in range(1, 8)]
    ids += [f"CFACSC4-P{n}" for n in range(1, 22)] + [f"CFACSC4-K{n}" for n in range(1, 22)]
    ocr_content = ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "4.1"]
    ids += [f"OCR7-{n}" for n in ocr_content]
    ids += [f"OCR7-P{n}" for n in range(1, 10)] + [f"OCR7-M{n}" for n in range(1, 5)]
    ids += ["OCR7-D1", "OCR7-D2"]
    ids += [f"SYN-{group}{n}" for group in ("KC", "MIS", "EMP") for n in range(1, 6)]
    ids += [f"CSP-P{n}" for n in range(1, 17)] + [f"CSP-S({x})" for x in "abcd"]
    ids += [f"CSP-K{n}" for n in range(1, 8)]
    return ids


# --------------------------------------------------------------------------- the real course


def test_expected_scheme_has_123_ids():
    ids = expected_criterion_ids()
    assert len(ids) == 123
    assert len(set(ids)) == 123


def test_real_course_has_exactly_the_criteria_of_the_scheme_in_order(course):
    assert list(course.criteria) == expected_criterion_ids()


def test_every_criterion_belongs_to_the_framework_its_id_starts_with(course):
    assert [f.id for f in course.frameworks] == ["CG216", "CFACSC4", "OCR7", "SYN", "CSP"]
    for ident, criterion in course.criteria.items():
        assert criterion.id == ident
        assert ident.startswith(criterion.framework + "-")


def test_real_course_has_eight_units_numbered_one_to_eight_with_their_titles(course):
    assert [u.number for u in course.units] == list(range(1, 9))
    assert [u.id for u in course.units] == [f"unit{n}" for n in range(1, 9)]
    assert {u.number: u.title for u in course.units} == UNIT_TITLES


def test_every_criterion_is_taught_in_at_least_one_unit(course):
    taught = {ident for unit in course.units for ident in unit.criteria}
    assert set(course.criteria) - taught == set()
    assert taught <= set(course.criteria)


@pytest.mark.parametrize(
    "record, attribute",
    [
        (lambda c: c, "units"),
        (lambda c: c.criteria["CG216-1.4"], "summary"),
        (lambda c: c.units[0], "title"),
        (lambda c: c.statement_bank("unit2").statements[0], "category"),
        (lambda c: c.assignment("unit2").checks[0], "answer"),
        (lambda c: c.organisation.roles[0].limits, "refund"),
    ],
    ids=["course", "criterion", "unit", "statement", "check", "limits"],
)
def test_records_are_frozen(course, record, attribute):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record(course), attribute, "changed")


@pytest.mark.parametrize(
    "mapping",
    [
        lambda c: c.criteria,
        lambda c: c.statement_banks,
        lambda c: c.assignments,
        lambda c: c.assignment("unit2").checks[0].options,
        lambda c: c.organisation.customer_service_policy.response_times,
        lambda c: c.organisation.abusive_behaviour_policy.ending_contact,
    ],
    ids=["criteria", "statement_banks", "assignments", "options", "response_times",
         "ending_contact"],
)
def test_mappings_are_read_only(course, mapping):
    with pytest.raises(TypeError):
        mapping(course)["new"] = "value"


def test_sequences_are_tuples(course):
    assert isinstance(course.units, tuple)
    assert isinstance(course.units[0].criteria, tuple)
    assert isinstance(course.statement_bank("unit2").statements, tuple)
    assert isinstance(course.organisation.escalation_chain, tuple)


# ---------------------------------------------------------------- helpers for broken files


def rewrite(root: Path, relative: str, change: Callable[[dict], None]) -> None:
    """Parse a course_data file, let ``change`` edit the data, and dump it back."""
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def replace_once(root: Path, relative: str, old: str, new: str) -> str:
    """Replace text that occurs exactly once; returns the new file text."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {relative}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def entry(data: dict, key: str, ident: str) -> dict:
    return next(e for e in data[key] if e["id"] == ident)


def load_error(root: Path) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_course_uncached(root)
    return info.value


def assert_names(error: ContentError, file: str, item: str | None, field: str | None,
                 problem: str) -> None:
    assert (error.file, error.item, error.field, error.problem) == (file, item, field, problem)
    where = file + (f", item {item}" if item else "") + (f", field '{field}'" if field else "")
    assert str(error) == f"{where}: {problem}"


# --------------------------------------------------------------------------- schema errors

STATEMENT_FIELDS = ("category, channel, cue, id, internal, name, passive_aggressive, reason, "
                    "setting, speaker, text, worked_example")


def _drop_reason(data):
    del entry(data, "statements", "st-005")["reason"]


def _internal_yes(data):
    entry(data, "statements", "st-005")["internal"] = "yes"


def _points_one(data):
    entry(data, "checks", "2.3")["points"] = "one"


def _category_rude(data):
    entry(data, "statements", "st-005")["category"] = "rude"


def _cue_typo(data):
    statement = entry(data, "statements", "st-005")
    statement["cu"] = statement.pop("cue")


def _reason_typo(data):
    statement = entry(data, "statements", "st-005")
    statement["reasn"] = statement.pop("reason")


def _limit_lots(data):
    entry(data, "roles", "team-leader")["limits"]["refund"] = "lots"


# (case id, file, change, item, field, problem)
SCHEMA_CASES = [
    ("missing-field", STATEMENTS, _drop_reason, "'st-005' in statements", "reason",
     "is missing (required)"),
    ("internal-not-boolean", STATEMENTS, _internal_yes, "'st-005' in statements", "internal",
     "must be true or false (got 'yes')"),
    ("points-not-integer", ASSIGNMENT, _points_one, "'2.3' in checks", "points",
     "must be a whole number (got 'one')"),
    ("unknown-category", STATEMENTS, _category_rude, "'st-005' in statements", "category",
     "must be one of assertive, aggressive, passive (got 'rude')"),
    ("unknown-field", STATEMENTS, _cue_typo, "'st-005' in statements", "cu",
     f"is not a known field (known: {STATEMENT_FIELDS})"),
    # fastjsonschema checks `required` before `additionalProperties`, so a misspelt required
    # field is reported as the missing field it should have been.
    ("misspelt-required-field", STATEMENTS, _reason_typo, "'st-005' in statements", "reason",
     "is missing (required)"),
    ("nested-field", ORGANISATION, _limit_lots, "'team-leader' in roles", "limits.refund",
     "must be a whole number (got 'lots')"),
]

@pytest.mark.parametrize("file, change, item, field, problem",
                         [c[1:] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
def test_schema_error_names_the_file_the_item_and_the_field(tmp_path, file, change, item, field,
                                                            problem):
    root = copy_course(tmp_path)
    rewrite(root, file, change)
    assert_names(load_error(root), file, item, field, problem)


def test_schema_error_outside_any_list_names_the_field(tmp_path):
    root = copy_course(tmp_path)
    replace_once(root, STATEMENTS, "schema_version: 1\n", "schema_version: 2\n")
    assert_names(load_error(root), STATEMENTS, None, "schema_version", "must be 1 (got 2)")


def test_load_course_raises_the_same_error_as_the_uncached_loader(tmp_path):
    root = copy_course(tmp_path)
    replace_once(root, STATEMENTS, "schema_version: 1\n", "schema_version: 2\n")
    with pytest.raises(ContentError, match=r"field 'schema_version': must be 1 \(got 2\)$"):
        load_course(root)


# --------------------------------------------------------------------------- cross-checks


def test_duplicate_statement_id_is_refused(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, STATEMENTS, lambda d: entry(d, "statements", "st-002").update(id="st-001"))
    assert_names(load_error(root), STATEMENTS, "number 2 in statements", "id",
                 "duplicate id 'st-001' (each id must be used once)")


def test_duplicate_check_id_is_refused(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ASSIGNMENT, lambda d: entry(d, "checks", "2.2").update(id="2.1"))
    assert_names(load_error(root), ASSIGNMENT, "number 2 in checks", "id",
                 "duplicate id '2.1' (each id must be used once)")


def test_unknown_criterion_in_a_check_is_refused(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ASSIGNMENT,
            lambda d: entry(d, "checks", "2.1").update(criteria=["CG216-1.4", "CG216-9.9"]))
    assert_names(load_error(root), ASSIGNMENT, "'2.1' in checks", "criteria",
                 "unknown criterion id 'CG216-9.9' (not in course_data/criteria.yaml)")


def test_passive_aggressive_line_must_be_category_aggressive(tmp_path):
    root = copy_course(tmp_path)

    def change(data):
        statement = entry(data, "statements", "st-003")
        assert statement["category"] == "passive"
        statement["passive_aggressive"] = True

    rewrite(root, STATEMENTS, change)
    assert_names(load_error(root), STATEMENTS, "'st-003' in statements", "category",
                 "a passive-aggressive line is taught as aggressive: set category to aggressive")


def test_letter_answer_must_be_one_of_the_options(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ASSIGNMENT, lambda d: entry(d, "checks", "2.1").update(answer="E"))
    assert_names(load_error(root), ASSIGNMENT, "'2.1' in checks", "answer",
                 "'E' is not one of the options A, B, C, D")


@pytest.mark.parametrize("check, change, field, problem", [
    ("2.1", lambda c: c.pop("options"), "options", "is missing (a letter check needs options)"),
    ("2.1", lambda c: c.update(words=["a", "b"]), "words", "only word checks have words"),
    ("2.2", lambda c: c.pop("words"), "words", "is missing (a word check needs words)"),
    ("2.2", lambda c: c.update(options={"A": "x", "B": "y"}), "options",
     "only letter checks have options"),
    ("2.2", lambda c: c.update(answer="rude"), "answer",
     "'rude' is not one of the words aggressive, assertive, passive"),
])
def test_letter_checks_have_options_and_word_checks_words(tmp_path, check, change, field,
                                                          problem):
    root = copy_course(tmp_path)
    rewrite(root, ASSIGNMENT, lambda d: change(entry(d, "checks", check)))
    assert_names(load_error(root), ASSIGNMENT, f"'{check}' in checks", field, problem)


def test_rubric_points_must_add_up_to_the_reflection_points(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ASSIGNMENT, lambda d: entry(d, "reflections", "2.r1").update(points=5))
    assert_names(load_error(root), ASSIGNMENT, "'2.r1' in reflections", "rubric",
                 "rubric lines add up to 4 but points is 5")


def test_escalation_chain_must_name_known_roles(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ORGANISATION, lambda d: d["escalation_chain"].__setitem__(1, "boss"))
    error = load_error(root)
    # The item is the chain entry itself, so there is no separate field.
    assert_names(error, ORGANISATION, "number 2 in escalation_chain", None,
                 "'boss' is not the id of a role in roles")


def test_limits_must_not_fall_going_up_the_chain(tmp_path):
    root = copy_course(tmp_path)
    rewrite(root, ORGANISATION,
            lambda d: entry(d, "roles", "team-leader")["limits"].update(refund=100))
    assert_names(load_error(root), ORGANISATION, "'team-leader' in roles", "limits.refund",
                 "team-leader may agree less than adviser (£100 < £150); limits must not fall "
                 "going up the escalation chain")


# --------------------------------------------------------------------------- unreadable files


def test_bad_indentation_is_reported_with_its_line(tmp_path):
    root = copy_course(tmp_path)
    text = replace_once(root, STATEMENTS, "    name: Kyle\n", "  name: Kyle\n")
    line = text.splitlines().index("  name: Kyle") + 1
    error = load_error(root)
    assert (error.file, error.item, error.field) == (STATEMENTS, None, None)
    assert str(error).startswith(f"{STATEMENTS}: not valid YAML (line {line}, column 3): ")


def test_a_key_twice_in_one_block_is_refused(tmp_path):
    root = copy_course(tmp_path)
    text = replace_once(root, STATEMENTS, "    name: Kyle\n", "    name: Kyle\n    text: Hi.\n")
    lines = text.splitlines()
    kyle = lines.index("    name: Kyle")
    second_text = next(n for n in range(kyle + 2, len(lines)) if lines[n].startswith("    text:"))
    error = load_error(root)
    assert (error.file, error.item, error.field) == (STATEMENTS, None, None)
    assert str(error) == (f"{STATEMENTS}: not valid YAML (line {second_text + 1}, column 5): "
                          "the key 'text' appears twice in the same block")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    root = copy_course(tmp_path)
    content = "schema_version: 1\nunit: unit2 # café\n".encode("latin-1")
    (root / STATEMENTS).write_bytes(content)
    error = load_error(root)
    assert_names(error, STATEMENTS, None, None,
                 f"not UTF-8 text (byte {content.index(0xE9)}); save it as UTF-8")


def test_an_empty_file_is_refused(tmp_path):
    root = copy_course(tmp_path)
    (root / STATEMENTS).write_text("", encoding="utf-8")
    assert_names(load_error(root), STATEMENTS, None, None,
                 "the file is empty or is not a block of fields (key: value)")


def test_a_missing_file_is_refused(tmp_path):
    root = copy_course(tmp_path)
    (root / "course_data" / "criteria.yaml").unlink()
    assert_names(load_error(root), "course_data/criteria.yaml", None, None, "file not found")


# --------------------------------------------------------------------------- the cache


def test_load_course_returns_the_cached_course_while_nothing_changes(tmp_path):
    root = copy_course(tmp_path)
    assert load_course(root) is load_course(root)


def test_load_course_reloads_after_a_file_changes(tmp_path):
    root = copy_course(tmp_path)
    first = load_course(root)
    old = "That's not our problem."
    assert first.statement_bank("unit2").by_id("st-002").text.endswith(old)
    replace_once(root, STATEMENTS, old + '"', "That's not our problem at all.\"")
    second = load_course(root)
    assert second is not first
    assert second.statement_bank("unit2").by_id("st-002").text == (
        "Well, you should have read the terms, shouldn't you? That's not our problem at all.")


# --------------------------------------------------------------------------- find_course_root


def test_find_course_root_from_a_subfolder(tmp_path):
    root = copy_course(tmp_path)
    assert find_course_root(root / "notebooks") == root.resolve()


def test_find_course_root_honours_workbook_course_dir(tmp_path, monkeypatch):
    root = copy_course(tmp_path / "course")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("WORKBOOK_COURSE_DIR", str(root))
    assert find_course_root(elsewhere) == root.resolve()
    assert load_course().root == root.resolve()


def test_workbook_course_dir_without_course_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_COURSE_DIR", str(tmp_path))
    with pytest.raises(ContentError) as info:
        find_course_root()
    error = info.value
    assert (error.file, error.item, error.field) == ("WORKBOOK_COURSE_DIR", None, None)
    assert str(error) == (f"WORKBOOK_COURSE_DIR: {tmp_path.resolve()} has no "
                          "course_data/units.yaml; point it at the workbook's top folder")
