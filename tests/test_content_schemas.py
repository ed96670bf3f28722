"""course_data/schemas: each schema is valid draft-07, and jsonschema (the reference validator)
accepts every real course_data file, as fastjsonschema does at run time."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT
from workbook.content.loader import read_yaml

DATA = ROOT / "course_data"
SCHEMAS = sorted((DATA / "schemas").glob("*.schema.json"))


def _data_files() -> list[tuple[str, str]]:
    """(file relative to course_data, schema name) for every file the loader reads."""
    files = [("criteria.yaml", "criteria"), ("units.yaml", "units"),
             ("organisation.yaml", "organisation"), ("self_marking.yaml", "self_marking")]
    files += [(f"statements/{p.name}", "statements")
              for p in sorted((DATA / "statements").glob("*.yaml"))]
    for folder, kind in (("assignments", "assignment"), ("questions", "questions"),
                         ("authority", "authority"), ("scenarios", "scenario"),
                         ("rewrites", "rewrites")):
        files += [(f"{folder}/{p.name}", kind) for p in sorted((DATA / folder).glob("*.yaml"))]
    if (DATA / "laws.yaml").exists():
        files.append(("laws.yaml", "laws"))
    if (DATA / "glossary.yaml").exists():
        files.append(("glossary.yaml", "glossary"))
    return files


DATA_FILES = _data_files()


def schema(name: str) -> dict:
    return json.loads((DATA / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def data(relative: str) -> dict:
    return read_yaml(DATA / relative, f"course_data/{relative}")


def test_there_is_a_schema_for_every_kind_of_file():
    assert [p.name for p in SCHEMAS] == [
        "assignment.schema.json", "authority.schema.json", "criteria.schema.json",
        "glossary.schema.json", "laws.schema.json", "organisation.schema.json",
        "questions.schema.json", "rewrites.schema.json", "scenario.schema.json",
        "self_marking.schema.json",
        "statements.schema.json", "units.schema.json"]


def test_every_kind_of_file_has_at_least_one_data_file():
    assert {kind for _, kind in DATA_FILES} == {p.name.removesuffix(".schema.json")
                                                for p in SCHEMAS}


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_draft_07(path: Path):
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert document["$id"] == path.name
    jsonschema.Draft7Validator.check_schema(document)


@pytest.mark.parametrize("relative, kind", DATA_FILES, ids=[f for f, _ in DATA_FILES])
def test_data_file_validates_with_jsonschema(relative: str, kind: str):
    validator = jsonschema.Draft7Validator(schema(kind))
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(data(relative))]
    assert problems == []


def test_every_schema_holds_files_to_schema_version_1():
    """The one test of the version rule: each kind's schema refuses one of its real files with
    version 2 or with no version. (Every real file is version 1 because it validates above.)"""
    example = {kind: relative for relative, kind in reversed(DATA_FILES)}
    lenient = []
    for kind, relative in sorted(example.items()):
        document = data(relative)
        without = {k: v for k, v in document.items() if k != "schema_version"}
        for wrong in ({**document, "schema_version": 2}, without):
            if jsonschema.Draft7Validator(schema(kind)).is_valid(wrong):
                lenient.append(f"{kind} ({relative}): {wrong.get('schema_version')}")
    assert lenient == [], f"schemas that accept a file not at version 1: {lenient}"
