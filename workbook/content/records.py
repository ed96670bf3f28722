"""Typed, frozen records for everything in course_data/.

Nothing past the loader handles raw YAML dicts: lessons, engines and tutor tools all work with
these records. Mappings are read-only views, sequences are tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

CATEGORIES: tuple[str, ...] = ("assertive", "aggressive", "passive")
"""The three behaviours learners sort lines into, in teaching order."""

CHANNELS: tuple[str, ...] = ("face-to-face", "telephone", "email", "letter", "social-media", "sms")
"""Channels a statement can come through (OCR Unit 7, 2.1)."""

CHANNEL_NAMES: Mapping[str, str] = MappingProxyType({
    "face-to-face": "face to face", "telephone": "phone call", "email": "email",
    "letter": "letter", "social-media": "social media post", "sms": "text message (SMS)",
    "web-chat": "web chat",
})
"""How each channel is named to a learner."""


@dataclass(frozen=True)
class Framework:
    """One of the five syllabus frameworks (City & Guilds 216, CFACSC4, OCR Unit 7, ...)."""

    id: str
    """Short id used as the prefix of its criteria, e.g. ``CG216``."""
    title: str
    """Full title for tutors' reports."""
    observation_requirements: tuple[ObservationRequirement, ...] = ()
    """What the awarding body says must be observed across the unit, e.g. three customers."""


@dataclass(frozen=True)
class ObservationRequirement:
    """A unit-wide observation requirement, shown as a count in the evidence tracker."""

    label: str
    """What is counted, e.g. ``challenging customers observed``."""
    at_least: int
    counts: str
    """``interactions`` (observation records naming any of the criteria) or ``criteria`` (the
    criteria named by at least one observation record)."""
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Criterion:
    """One assessment criterion, with a summary in the project's own words."""

    id: str
    """Id in the scheme of the syllabus README, e.g. ``CG216-1.4``."""
    framework: str
    """Id of the framework it belongs to."""
    group: str
    """Learning outcome or section it sits in, e.g. ``LO1 Understand`` or ``Merit``."""
    summary: str
    """One line in plain English."""
    workplace_evidence: str | None = None
    """What the awarding body requires from the workplace as well as knowledge evidence:
    ``observation`` (an assessor watched the learner do it) or ``observation or witness`` (a
    witness testimony may stand in for it); None when knowledge evidence is enough."""


@dataclass(frozen=True)
class Unit:
    """One unit of the course: a lesson notebook and an nbgrader assignment."""

    id: str
    """``unitN``; also the nbgrader assignment name."""
    number: int
    title: str
    summary: str
    """One line telling a learner what they will learn."""
    lesson: str
    """Lesson notebook path, relative to the course root."""
    assignment: str
    """nbgrader assignment id (folder under source/ and release/)."""
    criteria: tuple[str, ...]
    """Criterion ids this unit teaches."""


@dataclass(frozen=True)
class Statement:
    """A line a customer or member of staff says or writes, labelled with its behaviour."""

    id: str
    speaker: str
    """``customer`` or ``staff``."""
    name: str
    """Who says or writes it."""
    internal: bool
    """True when the customer is a colleague (an internal customer)."""
    channel: str
    setting: str
    """Kind of workplace, e.g. ``retail`` or ``council-services``."""
    cue: str
    """Tone of voice, body language or the look of a written message; may be empty."""
    text: str
    category: str
    """``assertive``, ``aggressive`` or ``passive``."""
    passive_aggressive: bool
    """Indirect aggression; always has category ``aggressive``."""
    worked_example: bool
    """Shown worked in the lesson and left out of sorting rounds."""
    reason: str
    """One sentence saying why it is in its category."""


@dataclass(frozen=True)
class StatementBank:
    """All statements for one unit's sorting activity."""

    unit: str
    statements: tuple[Statement, ...]

    def by_id(self, statement_id: str) -> Statement:
        """The statement with this id; ``KeyError`` naming the id if there is none."""
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(f"no statement {statement_id!r} in the {self.unit} bank")

    @property
    def sortable(self) -> tuple[Statement, ...]:
        """Statements that may be drawn for sorting (worked examples are left out)."""
        return tuple(s for s in self.statements if not s.worked_example)

    @property
    def worked_examples(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.worked_example)


@dataclass(frozen=True)
class ServiceItem:
    """Something every customer can expect as standard."""

    title: str
    detail: str


@dataclass(frozen=True)
class CustomerServicePolicy:
    promise: str
    response_times: Mapping[str, str]
    """How fast each channel is answered, by channel name."""
    returns: str
    complaints: str


@dataclass(frozen=True)
class Standards:
    """Standards of behaviour the organisation sets for staff and for customers."""

    staff: tuple[str, ...]
    customers: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    """The most, in whole pounds, a role may agree on its own."""

    refund: int
    goodwill: int
    replacement: int


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    description: str
    limits: Limits
    can_also: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class PolicyStep:
    step: str
    detail: str


@dataclass(frozen=True)
class AbusiveBehaviourPolicy:
    summary: str
    not_tolerated: tuple[str, ...]
    steps: tuple[PolicyStep, ...]
    """In the order staff follow them."""
    ending_contact: Mapping[str, str]
    """How to end contact, by channel (``telephone``, ``face-to-face``, ``written``)."""
    support_for_staff: str


@dataclass(frozen=True)
class Safety:
    rules: tuple[str, ...]
    codeword: str
    emergency: str


@dataclass(frozen=True)
class RecordingProcedure:
    system: str
    when: str
    record: tuple[str, ...]
    incidents: str
    data_protection: str
    reopen_or_escalate: str


@dataclass(frozen=True)
class Organisation:
    """The employer every lesson, quiz and scenario refers to (course_data/organisation.yaml)."""

    name: str
    short_name: str
    sector: str
    description: str
    channels: tuple[str, ...]
    service_offer: tuple[ServiceItem, ...]
    customer_service_policy: CustomerServicePolicy
    standards_of_behaviour: Standards
    roles: tuple[Role, ...]
    escalation_chain: tuple[str, ...]
    """Role ids, lowest authority first."""
    abusive_behaviour_policy: AbusiveBehaviourPolicy
    safety: Safety
    recording_procedure: RecordingProcedure

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(f"no role {role_id!r} in the organisation profile")


@dataclass(frozen=True)
class KnowledgeCheck:
    """One autograded question: the learner types a letter or a word."""

    id: str
    """Dotted id such as ``2.3``; the answer variable is ``answer_2_3``."""
    kind: str
    """``letter`` (options A-D) or ``word`` (one of ``words``)."""
    question: str
    options: Mapping[str, str]
    """Letter to option text; empty for ``word`` checks."""
    words: tuple[str, ...]
    """Accepted words for ``word`` checks; empty for ``letter`` checks."""
    answer: str
    explanation: str
    """For tutors only: why the answer is right. Never shown to learners."""
    criteria: tuple[str, ...]
    points: int

    @property
    def number(self) -> str:
        """The question's number within its unit: ``3`` for check ``2.3``."""
        return self.id.split(".", 1)[1]

    @property
    def variable(self) -> str:
        return "answer_" + self.id.replace(".", "_")

    @property
    def grade_id(self) -> str:
        """The nbgrader grade cell that marks it, e.g. ``check_2_3``."""
        return "check_" + self.id.replace(".", "_")

    @property
    def choices(self) -> tuple[str, ...]:
        """What the learner may type: the option letters or the words."""
        return tuple(self.options) if self.kind == "letter" else self.words


@dataclass(frozen=True)
class RubricLine:
    points: int
    look_for: str
    """What the tutor looks for to award these points."""


@dataclass(frozen=True)
class Reflection:
    """A written answer the tutor marks by hand against a points rubric."""

    id: str
    """Id such as ``2.r1``; the graded cell is ``reflection_2_1``."""
    title: str
    prompt: str
    hints: tuple[str, ...]
    points: int
    criteria: tuple[str, ...]
    rubric: tuple[RubricLine, ...]

    @property
    def number(self) -> str:
        """The reflection's number within its unit: ``1`` for ``2.r1``."""
        return self.id.partition(".r")[2]

    @property
    def grade_id(self) -> str:
        return f"reflection_{self.id.partition('.r')[0]}_{self.number}"


@dataclass(frozen=True)
class Assignment:
    """A unit's nbgrader knowledge check, from course_data/assignments/<unit>.yaml."""

    unit: str
    title: str
    intro: str
    checks: tuple[KnowledgeCheck, ...]
    reflections: tuple[Reflection, ...]

    @property
    def total_points(self) -> int:
        return sum(c.points for c in self.checks) + sum(r.points for r in self.reflections)

    @property
    def autograded_points(self) -> int:
        return sum(c.points for c in self.checks)


QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true-false", "match")
"""Kinds of quiz question: one answer, choose all that apply, true or false, match each
situation to a choice (e.g. "which law applies?")."""

DIFFICULTIES: Mapping[int, str] = MappingProxyType({1: "Easier", 2: "Medium", 3: "Harder"})
"""Question difficulty levels and the words a learner sees for them."""


@dataclass(frozen=True)
class Option:
    """One answer to a single, multiple or true-false question."""

    answer: str
    correct: bool
    feedback: str
    """Why this answer is right or wrong; shown after checking, whether chosen or not."""


@dataclass(frozen=True)
class MatchPair:
    """One situation in a match question and the choice it goes with."""

    situation: str
    answer: str
    """One of the question's ``choices``."""
    feedback: str
    """Why this choice fits the situation."""


@dataclass(frozen=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True)
class Question:
    """A quiz question, with employer placeholders already filled in."""

    id: str
    type: str
    """One of :data:`QUESTION_TYPES`."""
    topic: str
    difficulty: int
    """1 (easier) to 3 (harder); see :data:`DIFFICULTIES`."""
    criteria: tuple[str, ...]
    question: str
    options: tuple[Option, ...] = ()
    """For single, multiple and true-false questions, in the order written."""
    choices: tuple[str, ...] = ()
    """For match questions: what each situation can be matched to."""
    pairs: tuple[MatchPair, ...] = ()
    """For match questions, in the order written."""

    @property
    def correct_options(self) -> frozenset[int]:
        """Positions (in ``options``) of the right answers."""
        return frozenset(i for i, option in enumerate(self.options) if option.correct)

    @property
    def parts(self) -> int:
        """How many things the learner chooses: pairs for match, otherwise one."""
        return len(self.pairs) if self.type == "match" else 1


@dataclass(frozen=True)
class QuestionBank:
    """A set of questions a quiz draws from: a unit's bank, or one built from other data."""

    unit: str
    title: str
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]

    def by_id(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"no question {question_id!r} in the {self.unit} bank")

    def topic_title(self, topic_id: str) -> str:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic.title
        raise KeyError(f"no topic {topic_id!r} in the {self.unit} bank")


@dataclass(frozen=True)
class AuthorityRequest:
    """Something a customer asks for, to be judged inside the learner's authority or not."""

    id: str
    customer: str
    channel: str
    as_role: int
    """Position in the escalation chain the learner plays (1 = the first-line role)."""
    kind: str
    """``refund`` (owed), ``goodwill``, ``replacement``, ``policy`` (always yours) or ``refer``."""
    amount: int
    """Whole pounds with this profile (0 for policy and refer)."""
    already_given: int
    """Goodwill already given on the same complaint, in whole pounds."""
    situation: str
    reason: str
    """For policy and refer requests: why; the others' reasons are worked out from the limits."""
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class AuthoritySet:
    """The "inside my authority, or refer?" requests for a unit."""

    unit: str
    title: str
    requests: tuple[AuthorityRequest, ...]


@dataclass(frozen=True)
class LawSource:
    """Where a law statement comes from, so a tutor can check it against the law itself."""

    section: str
    """The section, regulation or rule, e.g. ``s.23(2)(b)``."""
    in_force: str
    """When that part started to apply, or why that is not confirmed."""
    reference: str
    """Where to read it: legislation.gov.uk or the guidance it was checked against."""
    confirmed: bool = True
    """False when it is not confirmed in force; the course then words it as uncertain."""


@dataclass(frozen=True)
class Law:
    """A law, current, passed (not confirmed in force) or replaced, as a customer-service worker
    needs to know it."""

    id: str
    name: str
    status: str
    """``current``, ``passed`` (not confirmed in force) or ``replaced``."""
    covers: str
    source: LawSource
    replaced_by: tuple[str, ...] = ()
    """Ids of the laws that replaced it (replaced laws only)."""
    replaced_on: str = ""

    @property
    def in_force(self) -> str:
        return self.source.in_force


@dataclass(frozen=True)
class LawSituation:
    """A workplace situation and the current law that applies to it."""

    id: str
    situation: str
    law: str
    why: str
    criteria: tuple[str, ...]
    source: LawSource


@dataclass(frozen=True)
class LawFact:
    """A point of law a lesson or scenario teaches, traced to its source."""

    id: str
    says: str
    law: str
    """The id of the law in the catalogue."""
    source: LawSource
    taught_in: tuple[tuple[str, str], ...]
    """(file, phrase) pairs: the notebook or course_data file that teaches it, and words it uses."""


@dataclass(frozen=True)
class LawCatalogue:
    """course_data/laws.yaml: the laws the course teaches, the "which law?" situations, and the
    points of law lessons teach, each traced to its source."""

    laws: tuple[Law, ...]
    situations: tuple[LawSituation, ...]
    facts: tuple[LawFact, ...] = ()

    def law(self, law_id: str) -> Law:
        for law in self.laws:
            if law.id == law_id:
                return law
        raise KeyError(f"no law {law_id!r} in course_data/laws.yaml")

    @property
    def current(self) -> tuple[Law, ...]:
        return tuple(law for law in self.laws if law.status == "current")

    @property
    def replaced(self) -> tuple[Law, ...]:
        return tuple(law for law in self.laws if law.status == "replaced")


# --------------------------------------------------------------------------- scenarios

TECHNIQUES: Mapping[str, str] = MappingProxyType({
    "listening": "active listening", "acknowledging": "acknowledging the problem",
    "empathy": "empathy without admitting fault", "open-question": "an open question",
    "closed-question": "a closed question", "probing-question": "a probing question",
    "summarising": "summarising back", "apologising": "a sincere apology for how it feels",
    "explaining-position": "explaining the organisation's position",
    "offering-options": "offering options", "plain-language": "plain words, no jargon",
    "reasonable-adjustment": "a reasonable adjustment",
    "setting-limits": "setting limits calmly (the abusive behaviour policy)",
    "referring": "referring within the chain of command",
    "safety-procedure": "the safety procedure", "checking-identity": "checking identity",
    "recording": "recording what happened", "following-up": "following up",
    "confirming-understanding": "checking the customer understood",
    "arguing": "arguing back", "blaming": "blaming someone else",
    "admitting-liability": "admitting fault before the facts are known",
    "over-promising": "promising what you cannot deliver",
    "giving-in": "giving in beyond your authority", "jargon": "jargon",
    "ignoring-feelings": "ignoring the customer's feelings",
    "going-it-alone": "handling danger on your own",
    "reading-the-rules": "reading the rules back without reasons",
})
"""What each technique (or mistake) a scenario choice uses is called in feedback."""

ENDING_KINDS: Mapping[str, str] = MappingProxyType({
    "resolved": "Resolved", "resolved-follow-up": "Resolved, with a follow-up",
    "escalated-properly": "Passed on properly", "escalated-badly": "Passed on badly",
    "customer-leaves": "The customer left unhappy", "safety": "Safety procedure used",
})

CUSTOMER_TYPES: Mapping[str, str] = MappingProxyType({
    "angry": "angry", "aggressive": "aggressive", "abusive": "abusive",
    "confused": "confused", "upset": "upset", "indecisive": "indecisive",
    "unreasonable": "unreasonable", "confrontational": "confrontational",
    "frustrated": "frustrated", "special-requirements": "with special requirements",
    "internal": "an internal customer (a colleague)",
})

MOOD_MIN, MOOD_MAX = 0, 10


@dataclass(frozen=True)
class Route:
    """Where a choice leads instead of its ``next`` when the conditions hold."""

    next: str
    mood_below: int | None = None
    mood_at_least: int | None = None
    chose: tuple[str, ...] = ()
    not_chose: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    id: str
    say: str
    technique: str
    """A key of :data:`TECHNIQUES`."""
    quality: str
    """``good``, ``okay`` or ``poor``."""
    mood: int
    """How far this choice moves the customer's mood (kept within 0 to 10)."""
    feedback: str
    next: str
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class ScenarioNode:
    id: str
    says: str
    cue: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Ending:
    id: str
    kind: str
    """A key of :data:`ENDING_KINDS`."""
    title: str
    summary: str


@dataclass(frozen=True)
class ScenarioCustomer:
    name: str
    types: tuple[str, ...]
    about: str


@dataclass(frozen=True)
class Scenario:
    """A branching conversation (course_data/scenarios/<id>.yaml), placeholders filled in."""

    id: str
    unit: str
    title: str
    channel: str
    customer: ScenarioCustomer
    cause: str
    situation: str
    criteria: tuple[str, ...]
    mood_start: int
    start: str
    nodes: tuple[ScenarioNode, ...]
    endings: tuple[Ending, ...]

    def node(self, node_id: str) -> ScenarioNode:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(f"no node {node_id!r} in scenario {self.id!r}")

    def ending(self, ending_id: str) -> Ending:
        for ending in self.endings:
            if ending.id == ending_id:
                return ending
        raise KeyError(f"no ending {ending_id!r} in scenario {self.id!r}")

    def is_ending(self, step_id: str) -> bool:
        return any(e.id == step_id for e in self.endings)


@dataclass(frozen=True)
class RewriteTask:
    """A customer's message and a weak staff reply for the learner to rewrite."""

    id: str
    customer: str
    channel: str
    message: str
    poor_reply: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class RewriteSet:
    unit: str
    title: str
    tasks: tuple[RewriteTask, ...]


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class Course:
    """Everything in course_data/, validated and cross-checked."""

    root: Path
    """The course directory (the folder holding course_data/, notebooks/, source/)."""
    frameworks: tuple[Framework, ...]
    criteria: Mapping[str, Criterion]
    """By id, in the order of criteria.yaml."""
    units: tuple[Unit, ...]
    organisation: Organisation
    statement_banks: Mapping[str, StatementBank]
    """By unit id."""
    assignments: Mapping[str, Assignment]
    """By unit id."""
    question_banks: Mapping[str, QuestionBank] = field(default_factory=_empty)
    """By unit id."""
    authority_sets: Mapping[str, AuthoritySet] = field(default_factory=_empty)
    """By unit id."""
    laws: LawCatalogue | None = None
    """course_data/laws.yaml, when the course has it."""
    scenarios: Mapping[str, Scenario] = field(default_factory=_empty)
    """By scenario id, in file-name order."""
    rewrite_sets: Mapping[str, RewriteSet] = field(default_factory=_empty)
    """By unit id."""

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        known = ", ".join(u.id for u in self.units)
        raise KeyError(f"no unit {unit_id!r} in course_data/units.yaml (known: {known})")

    def statement_bank(self, unit_id: str) -> StatementBank:
        try:
            return self.statement_banks[unit_id]
        except KeyError:
            raise KeyError(
                f"no statement bank for {unit_id!r}: expected course_data/statements/{unit_id}.yaml"
            ) from None

    def assignment(self, unit_id: str) -> Assignment:
        try:
            return self.assignments[unit_id]
        except KeyError:
            raise KeyError(
                f"no assignment for {unit_id!r}: expected course_data/assignments/{unit_id}.yaml"
            ) from None

    def question_bank(self, unit_id: str) -> QuestionBank:
        try:
            return self.question_banks[unit_id]
        except KeyError:
            raise KeyError(
                f"no question bank for {unit_id!r}: expected course_data/questions/{unit_id}.yaml"
            ) from None

    def authority_set(self, unit_id: str) -> AuthoritySet:
        try:
            return self.authority_sets[unit_id]
        except KeyError:
            raise KeyError(
                f"no authority requests for {unit_id!r}: expected "
                f"course_data/authority/{unit_id}.yaml") from None

    def rewrite_set(self, unit_id: str) -> RewriteSet:
        try:
            return self.rewrite_sets[unit_id]
        except KeyError:
            raise KeyError(f"no rewrite tasks for {unit_id!r}: expected "
                           f"course_data/rewrites/{unit_id}.yaml") from None

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            known = ", ".join(self.scenarios) or "none yet"
            raise KeyError(f"no scenario {scenario_id!r}: expected "
                           f"course_data/scenarios/{scenario_id}.yaml (known: {known})") from None

    def law_catalogue(self) -> LawCatalogue:
        if self.laws is None:
            raise KeyError("no law catalogue: expected course_data/laws.yaml")
        return self.laws
