"""A synthetic cohort for demos and tests: seeded learners with varied answers and reflections,
run through the whole workflow (roster, release, submissions, autograde, marking, feedback,
evidence and reports) with the wall time of each step.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..content.records import Course
from .cohort import Learner, add_learners, gradebook_url
from .run import autograde, nbgrader, run_steps, summary
from .simulate import fill

FIRST = ("Amara", "Tomasz", "Precious", "Gwen", "Deepak", "Siobhan", "Kwame", "Mei", "Callum",
         "Nadia", "Farid", "Bethan", "Joseph", "Lucy", "Harry", "Ewa", "Ravi", "Zara", "Olu",
         "Leah", "Jon", "Priya", "Sam", "Ffion", "Kamal", "Rosa", "Aisha", "Liam", "Yusuf",
         "Grace")
LAST = ("Okoye", "Nowak", "Mensah", "Jones", "Patel", "Murphy", "Asante", "Chen", "Reid",
        "Haddad", "Haidari", "Evans", "Adeyemi", "Brown", "Harris", "Kowalska", "Shah", "Ali",
        "Bello", "Cohen", "Davies", "Singh", "Taylor", "Hughes", "Rahman", "Silva", "Khan",
        "Walsh", "Ahmed", "Kaur")
REFLECTION_LINES = (
    "I listened to the whole story before I said anything, then I said sorry for how it felt.",
    "I explained the reason for the policy in plain words and offered two other options.",
    "I checked my limit and asked my team leader to sign off the refund.",
    "Next time I will ask an open question first instead of jumping to the answer.",
    "I recorded what was agreed and set a follow-up call for Friday.",
    "I found it hard when the customer shouted, but I kept my voice calm and slow.",
)


@dataclass
class DemoResult:
    learners: list[Learner]
    units: list[str]
    timings: dict[str, float] = field(default_factory=dict)
    """Step name to wall-clock seconds."""
    ok: bool = True


def demo_learners(count: int, seed: int) -> list[tuple[Learner, float]]:
    """Seeded learners, each with an ability from 0.3 to 0.95 (the chance of a right answer)."""
    rng = random.Random(seed)
    learners = []
    for number in range(count):
        first, last = FIRST[number % len(FIRST)], LAST[(number * 7) % len(LAST)]
        ident = f"{first.lower()}_{last.lower()}_{number + 1:02d}"
        learners.append((Learner(ident, first, last, f"{ident}@example.org"),
                         round(rng.uniform(0.3, 0.95), 2)))
    return learners


def submissions(course: Course, unit: str, released: nbformat.NotebookNode,
                learners: Sequence[tuple[Learner, float]], seed: int) -> dict[str, object]:
    """Each learner's filled-in notebook, answers right with their ability's chance."""
    assignment = course.assignment(unit)
    out = {}
    for learner, ability in learners:
        rng = random.Random(f"{seed}-{learner.id}-{unit}")
        answers = {}
        for check in assignment.checks:
            wrong = [c for c in check.choices if c != check.answer]
            pick = check.answer if rng.random() < ability else rng.choice(wrong)
            answers[check.variable] = f'"{pick}"'
        reflections = {r.grade_id: " ".join(rng.sample(REFLECTION_LINES, 3))
                       for r in assignment.reflections if rng.random() < 0.9}
        out[learner.id] = fill(released, answers, reflections)
    return out


def mark_reflections(course: Course, course_dir: Path, units: Sequence[str],
                     learners: Sequence[tuple[Learner, float]], seed: int) -> int:
    """A tutor's marks for every submitted reflection, seeded from the learner's ability."""
    from nbgrader.api import Gradebook, MissingEntry

    marked = 0
    with Gradebook(gradebook_url(course_dir)) as gb:
        for unit in units:
            for reflection in course.assignment(unit).reflections:
                for learner, ability in learners:
                    try:
                        grade = gb.find_grade(reflection.grade_id, unit, unit, learner.id)
                    except MissingEntry:
                        continue
                    rng = random.Random(f"{seed}-{learner.id}-{reflection.id}")
                    points = reflection.points
                    grade.manual_score = max(0, min(points, round(
                        points * ability + rng.uniform(-1, 1))))
                    marked += 1
        gb.db.commit()
    return marked


def run_demo(course: Course, course_dir: Path, count: int = 30, seed: int = 1,
             units: Sequence[str] | None = None, jobs: int = 1,
             say: Callable[[str], None] = print) -> DemoResult:
    """Run a synthetic cohort through the whole workflow in ``course_dir`` (a copy of the
    course: it fills submitted/, autograded/, feedback/ and the gradebook)."""
    units = list(units or course.assignments)
    learners = demo_learners(count, seed)
    result = DemoResult([learner for learner, _ in learners], units)

    def timed(name: str, action: Callable[[], object]) -> object:
        start = time.perf_counter()
        value = action()
        result.timings[name] = time.perf_counter() - start
        say(f"== {name}: {result.timings[name]:.1f} s")
        return value

    timed("add learners", lambda: add_learners(course_dir, result.learners))
    steps = [(f"generate_assignment {u}", lambda u=u: nbgrader(course_dir, "generate_assignment",
                                                                 u, "--force")) for u in units]
    release = timed("release (generate the learners' copies)",
                    lambda: run_steps(steps, say=say))

    def submit() -> None:
        for unit in units:
            released = nbformat.read(course_dir / "release" / unit / f"{unit}.ipynb",
                                     as_version=4)
            for learner_id, nb in submissions(course, unit, released, learners, seed).items():
                folder = course_dir / "submitted" / learner_id / unit
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / f"{unit}.ipynb")
                (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")

    timed("learners submit", submit)
    graded = timed("autograde", lambda: [r for u in units
                                         for r in autograde(course_dir, u, jobs, say)])
    timed("tutor marks reflections", lambda: mark_reflections(course, course_dir, units,
                                                              learners, seed))
    steps = [(f"generate_feedback {u}", lambda u=u: nbgrader(course_dir, "generate_feedback",
                                                               u, "--force")) for u in units]
    feedback = timed("feedback", lambda: run_steps(steps, say=say))
    everything = [*release, *graded, *feedback]
    result.ok = all(r.ok for r in everything)
    say(summary(everything))
    return result
