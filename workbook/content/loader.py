"""Load course_data/: parse YAML, validate against its JSON Schema, cross-check, build records.

Every problem is reported as one :class:`ContentError` naming the file, the item and the field,
so a tutor who edits a YAML file can find and fix the mistake without reading Python.

Validation uses fastjsonschema rather than jsonschema, whose slow import would delay every
lesson's first cell (the figures are in benchmarks/README.md). The schemas are plain draft-07
JSON Schema files; the test suite checks them with jsonschema as well.

In the browser edition the lite build has already done all of that: it writes every file's
checked data into one JSON file inside the workbook package (:data:`PREVALIDATED`), and the
loaders read that instead of YAML (:class:`CourseFiles`), so a lesson's first activity neither
parses YAML in pure Python nor imports PyYAML, nor checks the course data against its schemas
again (fastjsonschema is still loaded: the progress store checks saved activity with it).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .records import (
    AbusiveBehaviourPolicy,
    Assignment,
    AuthorityRequest,
    AuthoritySet,
    Choice,
    Course,
    Criterion,
    CustomerServicePolicy,
    Ending,
    Framework,
    KnowledgeCheck,
    Law,
    LawCatalogue,
    LawFact,
    LawSituation,
    LawSource,
    Limits,
    MatchPair,
    ObservationRequirement,
    Option,
    Organisation,
    PolicyStep,
    Question,
    QuestionBank,
    RecordingProcedure,
    Reflection,
    RewriteSet,
    RewriteTask,
    Role,
    Route,
    RubricLine,
    Safety,
    Scenario,
    ScenarioCustomer,
    ScenarioNode,
    ServiceItem,
    Standards,
    Statement,
    StatementBank,
    Topic,
    Unit,
)
from .templating import EmployerText, TemplateError, pounds

if TYPE_CHECKING:
    import yaml
    from fastjsonschema import JsonSchemaValueException

DATA_DIR = "course_data"
SCHEMA_DIR = "schemas"
PREVALIDATED = "course_data.json"
"""The course's data, read and checked at build time, inside the workbook package the lite
build puts in the site (never in the repository): {"format": 1, "files": {path in course_data/:
data}}."""


class ContentError(ValueError):
    """A course_data file is broken. The message names the file, the item and the field."""

    def __init__(self, file: str, problem: str, item: str | None = None, field: str | None = None):
        self.file = file
        self.item = item
        self.field = field
        self.problem = problem
        where = file
        if item:
            where += f", item {item}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


# --------------------------------------------------------------------------- finding the course


def find_course_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The course directory: ``$WORKBOOK_COURSE_DIR``, else the nearest folder at or above
    ``start`` (default: the working directory) holding ``course_data/units.yaml``, else the
    folder this package was installed from (an editable install of the repository)."""
    env = os.environ.get("WORKBOOK_COURSE_DIR")
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / DATA_DIR / "units.yaml").is_file():
            raise ContentError(
                "WORKBOOK_COURSE_DIR",
                f"{root} has no {DATA_DIR}/units.yaml; point it at the workbook's top folder",
            )
        return root
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DATA_DIR / "units.yaml").is_file():
            return folder
    package_parent = Path(__file__).resolve().parents[2]
    if (package_parent / DATA_DIR / "units.yaml").is_file():
        return package_parent
    raise ContentError(
        DATA_DIR,
        f"could not find the course folder (no {DATA_DIR}/units.yaml at or above {here}); "
        "open the workbook from its top folder or set WORKBOOK_COURSE_DIR",
    )


# --------------------------------------------------------------------------- YAML and schema


@cache
def _strict_loader() -> type:
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one). Made on
    first use, so that code which never reads YAML never imports PyYAML."""
    import yaml

    # libyaml's C parser, when PyYAML was built with it, reads the course much faster than the
    # pure-Python one, which was most of a lesson's first activity's start-up
    # (benchmarks/README.md).
    class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    def construct_mapping(loader, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in the same block",
                    key_node.start_mark)
            seen[key] = key_node
        return loader.construct_mapping(node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return StrictLoader


def read_yaml(path: Path, label: str) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError with line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(label, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ContentError(label, f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    import yaml

    try:
        return yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ContentError(label, f"not valid YAML{where}: {problem}") from None


_validators: dict[Path, Callable[[Any], Any]] = {}


def _validator(schema_path: Path) -> Callable[[Any], Any]:
    import fastjsonschema

    if schema_path not in _validators:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        _validators[schema_path] = fastjsonschema.compile(schema)
    return _validators[schema_path]


def _locate(data: Any, path: list[Any]) -> tuple[str | None, str | None]:
    """Turn a path into the data such as ['statements', 3, 'category'] into an item name
    (the list entry's id where it has one) and a field name relative to that item."""
    item = None
    field_parts: list[str] = []
    node = data
    for depth, part in enumerate(path):
        if isinstance(part, str) and part.isdigit() and isinstance(node, list):
            part = int(part)  # fastjsonschema gives list positions as text
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            entry = node[part]
            container = ".".join(str(p) for p in path[:depth]) or "list"
            ident = entry.get("id") if isinstance(entry, dict) else None
            label = f"{ident!r}" if isinstance(ident, str) else f"number {part + 1}"
            item = f"{label} in {container}" if item is None else f"{item} > {label}"
            field_parts = []
            node = entry
        else:
            field_parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return item, ".".join(field_parts) or None


def _schema_problem(exc: JsonSchemaValueException, data: Any) -> tuple[str, list]:
    path = list(exc.path[1:])  # drop the leading "data"
    rule = exc.rule
    definition = exc.definition or {}
    value = exc.value
    if rule == "required" and isinstance(value, dict):
        missing = [name for name in definition.get("required", []) if name not in value]
        if missing:
            return "is missing (required)", path + [missing[0]]
    if rule == "additionalProperties" and isinstance(value, dict):
        known = set(definition.get("properties", {}))
        extra = [k for k in value if k not in known]
        if extra:
            return (f"is not a known field (known: {', '.join(sorted(known))})", path + [extra[0]])
    if rule == "enum":
        return (f"must be one of {', '.join(map(str, definition['enum']))} (got {value!r})", path)
    if rule == "type":
        return f"must be {_type_words(definition.get('type'))} (got {value!r})", path
    if rule == "pattern":
        return f"{value!r} does not have the expected form ({definition['pattern']})", path
    if rule == "const":
        return f"must be {definition['const']!r} (got {value!r})", path
    if rule in ("minLength", "minItems", "minProperties"):
        return "must not be empty", path
    if rule == "minimum":
        return f"must be at least {definition['minimum']} (got {value!r})", path
    if rule == "uniqueItems":
        return "must not list the same value twice", path
    message = exc.message
    if message.startswith("data"):
        message = message.split(" ", 1)[1] if " " in message else message
    return message, path


def _type_words(kind: Any) -> str:
    words = {"string": "text", "integer": "a whole number", "boolean": "true or false",
             "array": "a list", "object": "a block of fields", "number": "a number"}
    if isinstance(kind, list):
        return " or ".join(words.get(k, k) for k in kind)
    return words.get(kind, str(kind))


def validate(data: Any, schema_name: str, label: str, root: Path) -> None:
    """Check parsed YAML against ``course_data/schemas/<schema_name>.schema.json``."""
    if not isinstance(data, dict):
        raise ContentError(label, "the file is empty or is not a block of fields (key: value)")
    from fastjsonschema import JsonSchemaValueException

    schema_path = root / DATA_DIR / SCHEMA_DIR / f"{schema_name}.schema.json"
    try:
        _validator(schema_path)(data)
    except JsonSchemaValueException as exc:
        problem, path = _schema_problem(exc, data)
        item, field = _locate(data, path)
        raise ContentError(label, problem, item, field) from None


# --------------------------------------------------------------------------- cross-checks


def _unique_ids(entries: Iterable[Mapping[str, Any]], label: str, container: str) -> None:
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        ident = entry["id"]
        if ident in seen:
            raise ContentError(
                label, f"duplicate id {ident!r} (each id must be used once)",
                f"number {number} in {container}", "id")
        seen.add(ident)


def _known_criteria(ids: Iterable[str], known: Mapping[str, Any], label: str, item: str) -> None:
    for ident in ids:
        if ident not in known:
            raise ContentError(
                label, f"unknown criterion id {ident!r} (not in course_data/criteria.yaml)",
                item, "criteria")


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


class _Filler:
    """Fills employer placeholders, turning a bad one into a ContentError naming where it is."""

    def __init__(self, employer: EmployerText, label: str):
        self.employer = employer
        self.label = label

    def text(self, text: str, item: str, field: str, extra: dict[str, str] | None = None) -> str:
        try:
            return self.employer.render(text, extra).strip()
        except TemplateError as exc:
            raise ContentError(self.label, str(exc), item, field) from None

    def amount(self, expression: str | int, item: str, field: str) -> int:
        try:
            return self.employer.amount(expression)
        except TemplateError as exc:
            raise ContentError(self.label, str(exc), item, field) from None


# --------------------------------------------------------------------------- builders


def _build_criteria(data: dict, label: str) -> tuple[tuple[Framework, ...], dict[str, Criterion]]:
    _unique_ids(data["frameworks"], label, "frameworks")
    _unique_ids(data["criteria"], label, "criteria")
    framework_ids = {f["id"] for f in data["frameworks"]}
    criteria: dict[str, Criterion] = {}
    for c in data["criteria"]:
        item = f"{c['id']!r} in criteria"
        if c["framework"] not in framework_ids:
            raise ContentError(label, f"unknown framework {c['framework']!r}", item, "framework")
        if not c["id"].startswith(c["framework"] + "-"):
            raise ContentError(
                label, f"id must start with its framework, {c['framework']}-", item, "id")
        criteria[c["id"]] = Criterion(c["id"], c["framework"], c["group"], c["summary"],
                                      c.get("workplace_evidence"))
    frameworks = tuple(Framework(f["id"], f["title"], tuple(
        _observation_requirement(r, f["id"], criteria, label)
        for r in f.get("observation_requirements", ()))) for f in data["frameworks"])
    return frameworks, criteria


def _observation_requirement(data: dict, framework: str, criteria: Mapping[str, Criterion],
                             label: str) -> ObservationRequirement:
    item = f"{data['label']!r} in the observation requirements of {framework}"
    _known_criteria(data["criteria"], criteria, label, item)
    for ident in data["criteria"]:
        if criteria[ident].framework != framework:
            raise ContentError(label, f"{ident} is not a {framework} criterion", item, "criteria")
        if criteria[ident].workplace_evidence is None and data["counts"] == "interactions":
            raise ContentError(label, f"{ident} has no workplace_evidence, so it cannot be "
                               "observed for this count", item, "criteria")
    return ObservationRequirement(data["label"], data["at_least"], data["counts"],
                                  tuple(data["criteria"]))


def _build_units(data: dict, label: str, criteria: Mapping[str, Criterion]) -> tuple[Unit, ...]:
    _unique_ids(data["units"], label, "units")
    units = []
    numbers: set[int] = set()
    for u in data["units"]:
        item = f"{u['id']!r} in units"
        if u["number"] in numbers:
            raise ContentError(label, f"unit number {u['number']} is used twice", item, "number")
        numbers.add(u["number"])
        if u["id"] != f"unit{u['number']}":
            raise ContentError(label, f"id must be unit{u['number']} to match its number",
                               item, "id")
        _known_criteria(u["criteria"], criteria, label, item)
        units.append(Unit(u["id"], u["number"], u["title"], u["summary"], u["lesson"],
                          u["assignment"], tuple(u["criteria"])))
    return tuple(sorted(units, key=lambda unit: unit.number))


def _build_statements(data: dict, label: str) -> StatementBank:
    _unique_ids(data["statements"], label, "statements")
    statements = []
    for s in data["statements"]:
        if s["passive_aggressive"] and s["category"] != "aggressive":
            raise ContentError(
                label,
                "a passive-aggressive line is taught as aggressive: set category to aggressive",
                f"{s['id']!r} in statements", "category")
        statements.append(Statement(
            id=s["id"], speaker=s["speaker"], name=s["name"], internal=s["internal"],
            channel=s["channel"], setting=s["setting"], cue=s.get("cue", ""), text=s["text"],
            category=s["category"], passive_aggressive=s["passive_aggressive"],
            worked_example=s["worked_example"], reason=s["reason"]))
    return StatementBank(data["unit"], tuple(statements))


def _build_assignment(data: dict, label: str, criteria: Mapping[str, Criterion],
                      employer: EmployerText) -> Assignment:
    fill = _Filler(employer, label)
    _unique_ids(data["checks"], label, "checks")
    _unique_ids(data.get("reflections", []), label, "reflections")
    number = data["unit"].removeprefix("unit")
    checks = []
    for c in data["checks"]:
        item = f"{c['id']!r} in checks"
        if c["id"].split(".")[0] != number:
            raise ContentError(label, f"check ids in {data['unit']} start with {number}.",
                               item, "id")
        _known_criteria(c["criteria"], criteria, label, item)
        # A letter check lists its options, a word check its words: one, never the other.
        kind, other = ("letter", "word") if c["kind"] == "letter" else ("word", "letter")
        listed, unlisted = ("options", "words") if kind == "letter" else ("words", "options")
        if listed not in c:
            raise ContentError(label, f"is missing (a {kind} check needs {listed})",
                               item, listed)
        if unlisted in c:
            raise ContentError(label, f"only {other} checks have {unlisted}", item, unlisted)
        if c["answer"] not in c[listed]:
            raise ContentError(
                label, f"{c['answer']!r} is not one of the {listed} {', '.join(c[listed])}",
                item, "answer")
        options = {letter: fill.text(text, item, f"options.{letter}")
                   for letter, text in c.get("options", {}).items()}
        checks.append(KnowledgeCheck(
            id=c["id"], kind=c["kind"], question=fill.text(c["question"], item, "question"),
            options=_frozen(options), words=tuple(c.get("words", ())),
            answer=c["answer"], explanation=fill.text(c["explanation"], item, "explanation"),
            criteria=tuple(c["criteria"]), points=c["points"]))
    reflections = []
    for r in data.get("reflections", []):
        item = f"{r['id']!r} in reflections"
        if r["id"].split(".")[0] != number:
            raise ContentError(label, f"reflection ids in {data['unit']} start with {number}.r",
                               item, "id")
        _known_criteria(r["criteria"], criteria, label, item)
        rubric_total = sum(line["points"] for line in r["rubric"])
        if rubric_total != r["points"]:
            raise ContentError(
                label, f"rubric lines add up to {rubric_total} but points is {r['points']}",
                item, "rubric")
        reflections.append(Reflection(
            id=r["id"], title=fill.text(r["title"], item, "title"),
            prompt=fill.text(r["prompt"], item, "prompt"),
            hints=tuple(fill.text(h, item, "hints") for h in r.get("hints", ())),
            points=r["points"], criteria=tuple(r["criteria"]),
            rubric=tuple(RubricLine(line["points"], fill.text(line["look_for"], item, "rubric"))
                         for line in r["rubric"])))
    return Assignment(data["unit"], fill.text(data["title"], "title", "title"),
                      fill.text(data["intro"], "intro", "intro"), tuple(checks),
                      tuple(reflections))


def _build_questions(data: dict, label: str, criteria: Mapping[str, Criterion],
                     employer: EmployerText) -> QuestionBank:
    fill = _Filler(employer, label)
    _unique_ids(data["topics"], label, "topics")
    _unique_ids(data["questions"], label, "questions")
    topics = tuple(Topic(t["id"], t["title"]) for t in data["topics"])
    topic_ids = {t.id for t in topics}
    prefix = "q" + data["unit"].removeprefix("unit") + "-"
    questions = []
    for q in data["questions"]:
        item = f"{q['id']!r} in questions"
        if not q["id"].startswith(prefix):
            raise ContentError(label, f"question ids in {data['unit']} start with {prefix}",
                               item, "id")
        if q["topic"] not in topic_ids:
            raise ContentError(label, f"unknown topic {q['topic']!r} (the file's topics are "
                               f"{', '.join(sorted(topic_ids))})", item, "topic")
        _known_criteria(q["criteria"], criteria, label, item)
        _check_question_shape(q, label, item)
        options = tuple(
            Option(fill.text(o["answer"], item, f"options.{n}.answer"), o["correct"],
                   fill.text(o["feedback"], item, f"options.{n}.feedback"))
            for n, o in enumerate(q.get("options", ()), start=1))
        choices = tuple(fill.text(c, item, "choices") for c in q.get("choices", ()))
        pairs = tuple(
            MatchPair(fill.text(p["situation"], item, f"pairs.{n}.situation"),
                      fill.text(p["answer"], item, f"pairs.{n}.answer"),
                      fill.text(p["feedback"], item, f"pairs.{n}.feedback"))
            for n, p in enumerate(q.get("pairs", ()), start=1))
        questions.append(Question(
            id=q["id"], type=q["type"], topic=q["topic"], difficulty=q["difficulty"],
            criteria=tuple(q["criteria"]), question=fill.text(q["question"], item, "question"),
            options=options, choices=choices, pairs=pairs))
    return QuestionBank(data["unit"], fill.text(data["title"], "title", "title"), topics,
                        tuple(questions))


def _check_question_shape(q: dict, label: str, item: str) -> None:
    """The fields each type needs: options for single, multiple and true-false; choices and
    pairs for match; the right number of correct answers."""
    kind = q["type"]
    needs, forbids = (("choices", "pairs"), ("options",)) if kind == "match" else (
        ("options",), ("choices", "pairs"))
    for field in needs:
        if field not in q:
            raise ContentError(label, f"is missing (a {kind} question needs {field})",
                               item, field)
    for field in forbids:
        if field in q:
            raise ContentError(label, f"a {kind} question has no {field}", item, field)
    if kind == "match":
        for n, pair in enumerate(q["pairs"], start=1):
            if pair["answer"] not in q["choices"]:
                raise ContentError(label, f"{pair['answer']!r} is not one of the choices",
                                   item, f"pairs.{n}.answer")
        return
    answers = [o["answer"] for o in q["options"]]
    if len(set(answers)) != len(answers):
        raise ContentError(label, "two options have the same answer text", item, "options")
    right = sum(o["correct"] for o in q["options"])
    if kind == "true-false":
        if answers != ["True", "False"]:
            raise ContentError(label, 'a true-false question has two options, "True" then '
                               f'"False" (got {", ".join(map(repr, answers))})', item, "options")
    if kind in ("single", "true-false") and right != 1:
        raise ContentError(label, f"a {kind} question has exactly one correct option "
                           f"(this one has {right})", item, "options")
    if kind == "multiple" and not 1 <= right < len(answers):
        raise ContentError(label, "a multiple question needs at least one correct and one "
                           "wrong option", item, "options")


_AMOUNT_KINDS = ("refund", "goodwill", "replacement")


def _build_authority(data: dict, label: str, criteria: Mapping[str, Criterion],
                     employer: EmployerText) -> AuthoritySet:
    fill = _Filler(employer, label)
    _unique_ids(data["requests"], label, "requests")
    chain = len(employer.organisation.escalation_chain)
    requests = []
    for r in data["requests"]:
        item = f"{r['id']!r} in requests"
        _known_criteria(r["criteria"], criteria, label, item)
        kind = r["kind"]
        as_role = r.get("as_role", 1)
        if as_role >= chain:
            raise ContentError(label, f"as_role must be below the top of the escalation chain "
                               f"(1 to {chain - 1}), so there is someone to refer to",
                               item, "as_role")
        if kind in _AMOUNT_KINDS:
            if "amount" not in r:
                raise ContentError(label, f"is missing (a {kind} request needs an amount)",
                                   item, "amount")
            if "reason" in r:
                raise ContentError(label, f"the reason for a {kind} request is worked out from "
                                   "the limits; leave reason out", item, "reason")
        else:
            if "reason" not in r:
                raise ContentError(label, f"is missing (a {kind} request needs a reason)",
                                   item, "reason")
            if "amount" in r:
                raise ContentError(label, f"a {kind} request has no amount", item, "amount")
        if "already_given" in r and kind != "goodwill":
            raise ContentError(label, "only goodwill requests have already_given",
                               item, "already_given")
        amount = fill.amount(r["amount"], item, "amount") if "amount" in r else 0
        already = fill.amount(r.get("already_given", 0), item, "already_given")
        extra = {"amount": pounds(amount), "already": pounds(already)}
        requests.append(AuthorityRequest(
            id=r["id"], customer=r["customer"], channel=r["channel"], as_role=as_role,
            kind=kind, amount=amount, already_given=already,
            situation=fill.text(r["situation"], item, "situation", extra),
            reason=fill.text(r.get("reason", ""), item, "reason", extra) if "reason" in r else "",
            criteria=tuple(r["criteria"])))
    return AuthoritySet(data["unit"], fill.text(data["title"], "title", "title"),
                        tuple(requests))


def _law_source(entry: Mapping[str, Any]) -> LawSource:
    s = entry["source"]
    return LawSource(section=s["section"], in_force=s["in_force"], reference=s["reference"],
                     confirmed=s.get("confirmed", True))


def _build_laws(data: dict, label: str, criteria: Mapping[str, Criterion],
                employer: EmployerText) -> LawCatalogue:
    fill = _Filler(employer, label)
    _unique_ids(data["laws"], label, "laws")
    _unique_ids(data["situations"], label, "situations")
    _unique_ids(data.get("facts", ()), label, "facts")
    status = {law["id"]: law["status"] for law in data["laws"]}
    laws = []
    for law in data["laws"]:
        item = f"{law['id']!r} in laws"
        replaced = law["status"] == "replaced"
        for field in ("replaced_by", "replaced_on"):
            if replaced and field not in law:
                raise ContentError(label, "is missing (a replaced law says what replaced it "
                                   "and when)", item, field)
            if not replaced and field in law:
                raise ContentError(label, "only a replaced law has this field", item, field)
        for successor in law.get("replaced_by", ()):
            if status.get(successor) != "current":
                raise ContentError(label, f"{successor!r} is not the id of a current law in "
                                   "laws", item, "replaced_by")
        source = _law_source(law)
        if (law["status"] == "passed") == source.confirmed:
            raise ContentError(label, "a passed law has confirmed: false, and only a passed law "
                               "does (passed means not confirmed in force)", item,
                               "source.confirmed")
        laws.append(Law(id=law["id"], name=law["name"], status=law["status"],
                        covers=fill.text(law["covers"], item, "covers"), source=source,
                        replaced_by=tuple(law.get("replaced_by", ())),
                        replaced_on=law.get("replaced_on", "")))
    situations = []
    for s in data["situations"]:
        item = f"{s['id']!r} in situations"
        _known_criteria(s["criteria"], criteria, label, item)
        if status.get(s["law"]) != "current":
            raise ContentError(label, f"{s['law']!r} is not the id of a current law in laws",
                               item, "law")
        situations.append(LawSituation(
            id=s["id"], situation=fill.text(s["situation"], item, "situation"), law=s["law"],
            why=fill.text(s["why"], item, "why"), criteria=tuple(s["criteria"]),
            source=_law_source(s)))
    facts = []
    for f in data.get("facts", ()):
        item = f"{f['id']!r} in facts"
        if f["law"] not in status or status[f["law"]] == "replaced":
            raise ContentError(label, f"{f['law']!r} is not the id of a current or passed law "
                               "in laws", item, "law")
        facts.append(LawFact(id=f["id"], says=f["says"], law=f["law"], source=_law_source(f),
                             taught_in=tuple((t["file"], t["phrase"]) for t in f["taught_in"])))
    return LawCatalogue(tuple(laws), tuple(situations), tuple(facts))


def _build_rewrites(data: dict, label: str, criteria: Mapping[str, Criterion],
                    employer: EmployerText) -> RewriteSet:
    fill = _Filler(employer, label)
    _unique_ids(data["tasks"], label, "tasks")
    tasks = []
    for t in data["tasks"]:
        item = f"{t['id']!r} in tasks"
        _known_criteria(t["criteria"], criteria, label, item)
        tasks.append(RewriteTask(t["id"], t["customer"], t["channel"],
                                 fill.text(t["message"], item, "message"),
                                 fill.text(t["poor_reply"], item, "poor_reply"),
                                 tuple(t["criteria"])))
    return RewriteSet(data["unit"], fill.text(data["title"], "title", "title"), tuple(tasks))


def _build_scenario(data: dict, label: str, criteria: Mapping[str, Criterion],
                    employer: EmployerText) -> Scenario:
    """A scenario whose ids all join up, every node and ending can be reached, and every path
    ends; a problem names the scenario file and the node."""
    from ..engine.scenario import ScenarioShapeError, explore  # the engine walks the paths

    fill = _Filler(employer, label)
    _known_criteria(data["criteria"], criteria, label, "the scenario")
    _unique_ids([*data["nodes"], *data["endings"]], label, "nodes and endings")
    steps = {n["id"] for n in data["nodes"]} | {e["id"] for e in data["endings"]}
    choice_ids = [c["id"] for n in data["nodes"] for c in n["choices"]]
    if len(set(choice_ids)) != len(choice_ids):
        twice = sorted({c for c in choice_ids if choice_ids.count(c) > 1})
        raise ContentError(label, f"choice id {twice[0]!r} is used twice (choice ids are unique "
                           "in a scenario)", None, "nodes")
    if data["start"] not in steps or data["start"] not in {n["id"] for n in data["nodes"]}:
        raise ContentError(label, f"{data['start']!r} is not the id of a node", None, "start")
    nodes = []
    for n in data["nodes"]:
        item = f"node {n['id']!r}"
        choices = []
        for c in n["choices"]:
            where = f"choice {c['id']!r}"
            targets = [c["next"], *(r["next"] for r in c.get("routes", ()))]
            for target in targets:
                if target not in steps:
                    raise ContentError(label, f"{where} leads to {target!r}, which is not a node "
                                       "or ending in this scenario", item, "next")
            routes = []
            for r in c.get("routes", ()):
                condition = r["if"]
                for ref in (*condition.get("chose", ()), *condition.get("not_chose", ())):
                    if ref not in choice_ids:
                        raise ContentError(label, f"{where} has a route that depends on "
                                           f"{ref!r}, which is not a choice in this scenario",
                                           item, "routes")
                routes.append(Route(r["next"], condition.get("mood_below"),
                                    condition.get("mood_at_least"),
                                    tuple(condition.get("chose", ())),
                                    tuple(condition.get("not_chose", ()))))
            choices.append(Choice(
                id=c["id"], say=fill.text(c["say"], item, f"{where} say"),
                technique=c["technique"], quality=c["quality"], mood=c["mood"],
                feedback=fill.text(c["feedback"], item, f"{where} feedback"), next=c["next"],
                routes=tuple(routes)))
        nodes.append(ScenarioNode(n["id"], fill.text(n["says"], item, "says"),
                                  fill.text(n.get("cue", ""), item, "cue"), tuple(choices)))
    endings = tuple(Ending(e["id"], e["kind"], fill.text(e["title"], f"ending {e['id']!r}",
                                                         "title"),
                           fill.text(e["summary"], f"ending {e['id']!r}", "summary"))
                    for e in data["endings"])
    customer = data["customer"]
    scenario = Scenario(
        id=data["id"], unit=data["unit"], title=fill.text(data["title"], "title", "title"),
        channel=data["channel"],
        customer=ScenarioCustomer(customer["name"], tuple(customer["types"]),
                                  fill.text(customer["about"], "customer", "about")),
        cause=data["cause"], situation=fill.text(data["situation"], "situation", "situation"),
        criteria=tuple(data["criteria"]), mood_start=data["mood_start"], start=data["start"],
        nodes=tuple(nodes), endings=endings)
    try:
        explored = explore(scenario)
    except ScenarioShapeError as exc:
        raise ContentError(label, str(exc), f"node {exc.node!r}", "choices") from None
    for n in data["nodes"]:
        if n["id"] not in explored.reached:
            raise ContentError(label, "no path through the scenario reaches this node",
                               f"node {n['id']!r}", None)
    for e in data["endings"]:
        if e["id"] not in explored.reached:
            raise ContentError(label, "no path through the scenario reaches this ending",
                               f"ending {e['id']!r}", None)
    return scenario


def _build_organisation(data: dict, label: str) -> Organisation:
    _unique_ids(data["roles"], label, "roles")
    roles = tuple(
        Role(id=r["id"], title=r["title"], description=r["description"],
             limits=Limits(**r["limits"]), can_also=tuple(r.get("can_also", ())),
             notes=r.get("notes", ""))
        for r in data["roles"])
    role_ids = {r.id for r in roles}
    chain = tuple(data["escalation_chain"])
    for position, role_id in enumerate(chain, start=1):
        if role_id not in role_ids:
            raise ContentError(
                label, f"{role_id!r} is not the id of a role in roles",
                f"number {position} in escalation_chain", None)
    by_id = {r.id: r for r in roles}
    for lower, higher in pairwise(chain):
        for kind in ("refund", "goodwill", "replacement"):
            low, high = getattr(by_id[lower].limits, kind), getattr(by_id[higher].limits, kind)
            if high < low:
                raise ContentError(
                    label,
                    f"{higher} may agree less than {lower} (£{high} < £{low}); limits must not "
                    "fall going up the escalation chain",
                    f"{higher!r} in roles", f"limits.{kind}")
    policy = data["customer_service_policy"]
    abuse = data["abusive_behaviour_policy"]
    record = data["recording_procedure"]
    return Organisation(
        name=data["name"], short_name=data["short_name"], sector=data["sector"],
        description=data["description"], channels=tuple(data["channels"]),
        service_offer=tuple(ServiceItem(s["title"], s["detail"]) for s in data["service_offer"]),
        customer_service_policy=CustomerServicePolicy(
            promise=policy["promise"], response_times=_frozen(policy["response_times"]),
            returns=policy["returns"], complaints=policy["complaints"]),
        standards_of_behaviour=Standards(
            staff=tuple(data["standards_of_behaviour"]["staff"]),
            customers=tuple(data["standards_of_behaviour"]["customers"])),
        roles=roles,
        escalation_chain=chain,
        abusive_behaviour_policy=AbusiveBehaviourPolicy(
            summary=abuse["summary"], not_tolerated=tuple(abuse["not_tolerated"]),
            steps=tuple(PolicyStep(s["step"], s["detail"]) for s in abuse["steps"]),
            ending_contact=_frozen(abuse["ending_contact"]),
            support_for_staff=abuse["support_for_staff"]),
        safety=Safety(rules=tuple(data["safety"]["rules"]), codeword=data["safety"]["codeword"],
                      emergency=data["safety"]["emergency"]),
        recording_procedure=RecordingProcedure(
            system=record["system"], when=record["when"], record=tuple(record["record"]),
            incidents=record["incidents"], data_protection=record["data_protection"],
            reopen_or_escalate=record["reopen_or_escalate"]),
    )


# --------------------------------------------------------------------------- entry points


class CourseFiles:
    """Where the loaders get each file of ``root/course_data`` from: the YAML, parsed and
    checked against its schema, or ``prevalidated`` data (the lite build's :data:`PREVALIDATED`:
    {path in course_data/: data}, checked when the site was built). ``read`` collects what was
    loaded, in the same form, so the build can write it."""

    def __init__(self, root: Path, prevalidated: Mapping[str, Any] | None = None):
        self.root = root
        self.prevalidated = prevalidated
        self.read: dict[str, Any] = {}

    def load(self, relative: str, schema: str) -> tuple[Any, str]:
        label = f"{DATA_DIR}/{relative}"
        if self.prevalidated is None:
            data = read_yaml(self.root / DATA_DIR / relative, label)
            validate(data, schema, label, self.root)
        elif relative in self.prevalidated:
            data = self.prevalidated[relative]
        else:
            raise ContentError(label, f"not in the site's {PREVALIDATED}: build the site again")
        self.read[relative] = data
        return data, label

    def exists(self, relative: str) -> bool:
        if self.prevalidated is None:
            return (self.root / DATA_DIR / relative).is_file()
        return relative in self.prevalidated

    def unit_files(self, folder: str) -> list[Path]:
        """The YAML files in ``course_data/<folder>/``, as names (``unit1.yaml``), sorted."""
        if self.prevalidated is None:
            return [Path(p.name) for p in sorted((self.root / DATA_DIR / folder).glob("*.yaml"))]
        return sorted(Path(k.split("/", 1)[1]) for k in self.prevalidated
                      if k.startswith(f"{folder}/") and k.endswith(".yaml"))


@cache
def prevalidated() -> Mapping[str, Any] | None:
    """The lite build's checked course data, in the browser edition; else None (the YAML)."""
    if sys.platform != "emscripten":
        return None
    from importlib.resources import files

    try:
        packed = json.loads((files("workbook") / PREVALIDATED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return packed["files"]


def course_files(root: Path) -> CourseFiles:
    return CourseFiles(root, prevalidated())


def load_course_uncached(root: Path, files: CourseFiles | None = None) -> Course:
    """Read, validate and cross-check every file in ``root/course_data`` (from ``files``:
    default, the YAML files)."""
    files = files or CourseFiles(root)
    data, label = files.load("criteria.yaml", "criteria")
    frameworks, criteria = _build_criteria(data, label)
    data, label = files.load("units.yaml", "units")
    units = _build_units(data, label, criteria)
    unit_ids = {u.id for u in units}
    data, label = files.load("organisation.yaml", "organisation")
    organisation = _build_organisation(data, label)

    banks: dict[str, StatementBank] = {}
    for path in files.unit_files("statements"):
        data, label = files.load(f"statements/{path.name}", "statements")
        _check_unit_file(data["unit"], path, unit_ids, label)
        banks[data["unit"]] = _build_statements(data, label)

    employer = EmployerText(organisation)
    per_unit: dict[str, dict[str, Any]] = {}
    for folder, schema, build in (("assignments", "assignment", _build_assignment),
                                  ("questions", "questions", _build_questions),
                                  ("authority", "authority", _build_authority),
                                  ("rewrites", "rewrites", _build_rewrites)):
        per_unit[folder] = {}
        for path in files.unit_files(folder):
            data, label = files.load(f"{folder}/{path.name}", schema)
            _check_unit_file(data["unit"], path, unit_ids, label)
            per_unit[folder][data["unit"]] = build(data, label, criteria, employer)

    laws = None
    if files.exists("laws.yaml"):
        data, label = files.load("laws.yaml", "laws")
        laws = _build_laws(data, label, criteria, employer)

    scenarios: dict[str, Scenario] = {}
    for path in files.unit_files("scenarios"):
        data, label = files.load(f"scenarios/{path.name}", "scenario")
        if data["id"] != path.stem:
            raise ContentError(label, f"the file for scenario {data['id']!r} must be named "
                               f"{data['id']}.yaml", None, "id")
        _check_unit_file(data["unit"], path.with_name(f"{data['unit']}.yaml"), unit_ids, label)
        scenarios[data["id"]] = _build_scenario(data, label, criteria, employer)

    return Course(root=root, frameworks=frameworks, criteria=_frozen(criteria), units=units,
                  organisation=organisation, statement_banks=_frozen(banks),
                  assignments=_frozen(per_unit["assignments"]),
                  question_banks=_frozen(per_unit["questions"]),
                  authority_sets=_frozen(per_unit["authority"]), laws=laws,
                  scenarios=_frozen(scenarios),
                  rewrite_sets=_frozen(per_unit["rewrites"]))


def _check_unit_file(unit: str, path: Path, unit_ids: set[str], label: str) -> None:
    if unit not in unit_ids:
        raise ContentError(label, f"unknown unit {unit!r} (not in course_data/units.yaml)",
                           None, "unit")
    if path.stem != unit:
        raise ContentError(label, f"the file for {unit} must be named {unit}.yaml", None, "unit")


_cache: dict[Path, tuple[tuple, Course]] = {}


def _signature(root: Path) -> tuple:
    files = sorted((root / DATA_DIR).rglob("*"))
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


def load_course(root: str | os.PathLike[str] | None = None) -> Course:
    """The validated course. Cached per folder and reloaded when any file in course_data/
    changes, so a tutor's edit shows up on the next call without restarting anything."""
    folder = Path(root).resolve() if root is not None else find_course_root()
    if prevalidated() is not None:  # the browser edition: checked at build time, never edited
        if folder not in _cache:
            _cache[folder] = ((), load_course_uncached(folder, course_files(folder)))
        return _cache[folder][1]
    signature = _signature(folder)
    cached = _cache.get(folder)
    if cached is None or cached[0] != signature:
        _cache[folder] = (signature, load_course_uncached(folder))
    return _cache[folder][1]
