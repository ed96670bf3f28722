"""The ``workbook`` command: small subcommands for learners and tutors.

    workbook open             start JupyterLab on the start page
    workbook check-content    validate everything in course_data/
    workbook coverage         where each syllabus criterion is taught and assessed
    workbook learners FILE    add learners to the gradebook from a CSV roster
    workbook evidence         each learner's evidence, OCR estimate and next criteria
    workbook observe LEARNER  record workplace observations (or --import FILE.csv)
    workbook export           grades and evidence as CSV files for a college system
    workbook release|collect|autograde|feedback UNIT   nbgrader steps for a unit or all
    workbook collect UNIT --from FILE.zip   import a Moodle or Canvas download
    workbook report           cohort report and learners' evidence packs (HTML)
    workbook demo             a synthetic cohort through the whole workflow
    workbook mark-my-work UNIT  self-study: mark your own knowledge check
    workbook check NOTEBOOK   check your knowledge check before you hand it in
    workbook build-sources    regenerate source/<unit>/ notebooks from course_data/assignments/
    workbook lite build|serve the zero-install edition: the course as a JupyterLite site

Heavy imports happen inside each subcommand so ``workbook --help`` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .lab import START_PAGE


def _course(args: argparse.Namespace):
    """The validated course, or None after telling the tutor what is wrong and where."""
    from .content import ContentError, load_course

    try:
        return load_course(args.course_dir) if args.course_dir else load_course()
    except ContentError as error:
        print(f"Problem in the course data: {error}", file=sys.stderr)
        return None


def cmd_open(args: argparse.Namespace) -> int:
    """Start JupyterLab on the start page, set up as a learner should see it (workbook/lab)."""
    from . import lab
    from .content import find_course_root

    root = Path(args.course_dir).resolve() if args.course_dir else find_course_root()
    exchange = lab.has_exchange(root)
    command = lab.command(root, tutor=args.tutor, exchange=exchange,
                          no_browser=args.no_browser, extra=args.jupyter_args)
    env = lab.lab_environment(args.tutor, exchange)
    print("Starting JupyterLab on the start page. Stop it with Ctrl+C in this window.",
          flush=True)
    if args.no_browser:
        print("Open the address JupyterLab prints below (it ends in "
              f"{START_PAGE}?token=...) in your web browser.", flush=True)
    if os.name == "nt":  # os.execv does not replace the process on Windows
        import subprocess

        return subprocess.call(command, env=env)
    os.execve(sys.executable, command, env)
    return 0  # not reached


def cmd_check_content(args: argparse.Namespace) -> int:
    course = _course(args)
    if course is None:
        return 1
    statements = sum(len(b.statements) for b in course.statement_banks.values())
    checks = sum(len(a.checks) for a in course.assignments.values())
    reflections = sum(len(a.reflections) for a in course.assignments.values())
    questions = sum(len(b.questions) for b in course.question_banks.values())
    requests = sum(len(s.requests) for s in course.authority_sets.values())
    laws = course.laws
    law_text = (f"{len(laws.laws)} laws, {len(laws.situations)} law situations, "
                if laws else "")
    print(f"course_data is valid: {len(course.criteria)} criteria, {len(course.units)} units, "
          f"{statements} statements, {questions} quiz questions, {requests} authority "
          f"requests, {law_text}{checks} knowledge checks, {reflections} reflections; "
          f"employer: {course.organisation.name}.")
    if args.details:
        print("\n".join(bank_details(course)))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print where each criterion is taught and assessed; exit 1 if any is missing."""
    course = _course(args)
    if course is None:
        return 1
    from .coverage import build_coverage, coverage_table

    coverage = build_coverage(course)
    if args.csv:  # pandas only when a CSV is asked for: it is slow to import
        path = _inside(args, args.csv)
        coverage_table(coverage, course, args.depth).to_csv(path)
        print(f"Wrote {path}")
    elif args.depth:
        print("\n".join(depth_lines(course)))
    else:
        print("\n".join(coverage_lines(coverage, course)))
    print(coverage.summary)
    for label, missing in (("Not yet taught", coverage.untaught),
                           ("Not yet assessed", coverage.unassessed)):
        if missing:
            print(f"{label}: {', '.join(missing)}")
    return 0 if not (coverage.untaught or coverage.unassessed) else 1


def coverage_lines(coverage, course) -> list[str]:
    """A line per criterion, grouped by framework: the units whose lessons teach it and the
    items that assess it (the CSV has every place in full)."""
    lines = []
    for framework in course.frameworks:
        lines.append(f"\n{framework.id}: {framework.title}")
        for criterion in (c for c in coverage.criteria
                          if course.criteria[c].framework == framework.id):
            units = sorted({place.split()[0] for place in coverage.taught.get(criterion, [])})
            items = [place.split()[-1] for place in coverage.assessed.get(criterion, [])]
            taught = ", ".join(units) or "NOT YET TAUGHT"
            assessed = ", ".join(dict.fromkeys(items)) or "NOT YET ASSESSED"
            lines.append(f"  {criterion:<12} taught in {taught:<24} assessed by {assessed}")
    return lines


def depth_lines(course) -> list[str]:
    """A line per criterion with the kinds of evidence it gets, grouped by framework, and the
    criteria flagged as thin."""
    from .coverage import build_depth

    depths = build_depth(course)
    lines = []
    for framework in course.frameworks:
        lines.append(f"\n{framework.id}: {framework.title}")
        for d in (d for d in depths if course.criteria[d.criterion].framework == framework.id):
            flag = f"  FLAG: {d.flag}" if d.flag else ""
            lines.append(f"  {d.criterion:<12} {d.kinds}{flag}")
    flagged = [d.criterion for d in depths if d.flag]
    lines.append(f"\nDepth: {len(flagged)} of {len(depths)} criteria flagged (only one-word "
                 "answers or a single multiple-choice item, a Merit or Distinction criterion with "
                 "no written reflection, or too few knowledge items beside workplace "
                 "evidence)" + (f": {', '.join(flagged)}" if flagged else "."))
    unmeetable = [d.criterion for d in depths if not d.can_be_met]
    lines.append(f"Cannot be met even with full marks on every item (evidence rules): "
                 f"{len(unmeetable)} of {len(depths)} criteria"
                 + (f": {', '.join(unmeetable)}" if unmeetable else "."))
    return lines


def _course_dir(args: argparse.Namespace) -> Path:
    from .content import find_course_root

    return Path(args.course_dir).resolve() if args.course_dir else find_course_root()


def _inside(args: argparse.Namespace, path: str) -> Path:
    """Where a command writes ``path``: a relative path is inside the course folder (so
    ``--course-dir demo-cohort report`` writes demo-cohort/reports/), an absolute one as given."""
    return (_course_dir(args) / Path(path).expanduser()).resolve()


def cmd_learners(args: argparse.Namespace) -> int:
    """Add (or update) learners in the gradebook from a CSV roster."""
    from .tutor.cohort import RosterError, add_learners, read_roster

    try:
        learners = read_roster(args.roster)
    except RosterError as error:
        print(f"Problem in the roster: {error}", file=sys.stderr)
        return 1
    added, updated = add_learners(_course_dir(args), learners)
    print(f"Gradebook: {added} learners added, {updated} updated ({len(learners)} in the roster).")
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    """Each learner's knowledge evidence, observed performance, criteria met, the OCR Unit 7
    estimate and what next."""
    course = _course(args)
    if course is None:
        return 1
    from .tutor.cohort import item_scores
    from .tutor.evidence import (
        MET,
        NOT_YET,
        WORKING,
        build_evidence,
        ocr_grade,
        requirement_counts,
        workplace_needs,
    )
    from .tutor.observations import read_observations

    left_out = _not_graded(_course_dir(args))
    if left_out is None:
        return 1
    learners, scores = item_scores(course, _course_dir(args))
    if not learners:
        print("No learners in the gradebook yet. Add them with: workbook learners ROSTER.csv")
        return 0
    observations = read_observations(_course_dir(args))
    evidence = build_evidence(scores, learners, list(course.criteria), workplace_needs(course),
                              observations)
    frameworks = [f.id for f in course.frameworks]
    width = max(16, *(len(learner) for learner in learners))
    header = f"{'learner':<{width}} " + " ".join(f"{f:>9}" for f in frameworks)
    print(header + f" {'OCR estimate':>13}  next criteria")
    for learner in learners:
        cells = []
        for framework in frameworks:
            counts = evidence.counts(learner, framework + "-")
            total = sum(counts.values())
            cells.append(f"{counts[MET]:>4}/{total:<4}")
        grade = ocr_grade(evidence.states[learner])
        upcoming = ", ".join(evidence.needs_next(learner)[:4])
        print(f"{learner:<{width}} " + " ".join(f"{c:>9}" for c in cells)
              + f" {grade:>13}  {upcoming}")
    print("\nKnowledge evidence (knowledge checks and marked reflections): criteria with "
          "enough")
    print(header)
    for learner in learners:
        cells = [f"{evidence.knowledge_met(learner, f + '-'):>4}/"
                 f"{sum(c.startswith(f + '-') for c in course.criteria):<4}" for f in frameworks]
        print(f"{learner:<{width}} " + " ".join(f"{c:>9}" for c in cells))
    observed = [f for f in frameworks if any(evidence.needs.get(c) for c in course.criteria
                                             if c.startswith(f + "-"))]
    print("\nObserved performance (workbook observe): criteria that need workplace evidence "
          "and have it, and what each unit needs observed")
    print(f"{'learner':<{width}} " + " ".join(f"{f:>9}" for f in observed))
    for learner in learners:
        cells = ["{:>4}/{:<4}".format(*evidence.workplace_counts(learner, f + "-"))
                 for f in observed]
        counts = "; ".join(str(c) for c in requirement_counts(course, observations, learner))
        print(f"{learner:<{width}} " + " ".join(f"{c:>9}" for c in cells) + f"  {counts}")
    total = len(course.criteria)
    print(f"\nThe first table counts criteria met (every kind of evidence they need) out of "
          f"each framework's total ({total} in all). "
          f"States: {MET}, {WORKING}, {NOT_YET}; the rules are in workbook evidence --help "
          "and the README.")
    _say_not_graded(left_out)
    return 0


def cmd_observe(args: argparse.Namespace) -> int:
    """Record an observation or witness testimony, or import many from a CSV file."""
    import datetime as dt

    course = _course(args)
    if course is None:
        return 1
    from .tutor.cohort import learner_names
    from .tutor.observations import (
        ObservationError,
        add_observations,
        check_observation,
        read_import,
        read_observations,
        refuse_repeat,
        store_path,
    )

    course_dir = _course_dir(args)
    learners, today = sorted(learner_names(course_dir)), dt.date.today()
    recorded = read_observations(course_dir)
    try:
        if args.import_file:
            if args.learner:
                raise ObservationError("give a learner or --import FILE, not both")
            found = read_import(Path(args.import_file), learners, course.criteria, today,
                                recorded)
        else:
            if not args.learner:
                raise ObservationError("name the learner (or use --import FILE)")
            fields = {"learner": args.learner, "date": args.date or today.isoformat(),
                      "kind": args.kind, "observer": args.observer, "context": args.context,
                      "criteria": args.criteria, "note": args.note}
            found = [check_observation(fields, learners, course.criteria, today)]
            refuse_repeat(found[0], recorded)
    except ObservationError as error:
        print(f"Not recorded: {error}", file=sys.stderr)
        return 1
    added = add_observations(course_dir, found)
    for o in found[:20]:
        print(f"Recorded {o.kind}: {o.learner}, {o.date}, by {o.observer}: "
              f"{', '.join(o.criteria)}")
    if added > 20:
        print(f"... and {added - 20} more.")
    print(f"{added} added to {store_path(course_dir)}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Grades per learner per unit, and criterion states per learner, as CSV files."""
    course = _course(args)
    if course is None:
        return 1
    from .tutor.cohort import export_csv

    left_out = _not_graded(_course_dir(args))
    if left_out is None:
        return 1
    paths = export_csv(course, _course_dir(args), _inside(args, args.out))
    for path in paths:
        print(f"Wrote {path}")
    _say_not_graded(left_out)
    return 0


def _units(args: argparse.Namespace) -> list[str] | None:
    """The units a command names (one, or all), or None after saying what is wrong."""
    course = _course(args)
    if course is None:
        return None
    if args.unit == "all":
        return list(course.assignments)
    if args.unit not in course.assignments:
        print(f"There is no unit {args.unit!r} with a knowledge check. Choose one of "
              f"{', '.join(course.assignments)}, or all.", file=sys.stderr)
        return None
    return [args.unit]


def cmd_nbgrader_step(args: argparse.Namespace) -> int:
    """release, collect and feedback for one unit or all, with progress and a summary."""
    units = _units(args)
    if units is None:
        return 1
    from .tutor.run import nbgrader, run_steps

    folder = _course_dir(args)
    if getattr(args, "download", None):
        return _import_download(args, folder, units)
    commands = {
        "release": [("generate_assignment", "--force"), ("release_assignment", "--force")],
        "collect": [("collect", "--update")],
    }.get(args.step)
    if commands is None:
        return _feedback(args, folder, units)
    steps = [(f"{command[0]} {unit}",
              lambda unit=unit, command=command: nbgrader(folder, command[0], unit,
                                                          *command[1:]))
             for unit in units for command in commands]
    return _report_steps(run_steps(steps))


def _feedback(args: argparse.Namespace, folder: Path, units: list[str]) -> int:
    """generate_feedback, then (with --release) release_feedback for everyone who handed in
    through the exchange; the others' feedback pages are listed, to be given to them another
    way. A feedback folder without nbgrader's timestamp.txt (work copied in by hand) gets one."""
    from .tutor.lms import outside_exchange, stamp_feedback
    from .tutor.run import StepResult, nbgrader, run_steps

    outside: dict[str, list[str]] = {}
    if args.unit == "all":  # nbgrader fails a unit nobody has been graded on yet
        waiting = [u for u in units if not any((folder / "autograded").glob(f"*/{u}"))]
        if waiting:
            print(f"No graded work yet for {', '.join(waiting)}: no feedback to make there.")
        units = [u for u in units if u not in waiting]

    def release(unit: str) -> StepResult:
        stamp_feedback(folder, unit)
        outside[unit] = outside_exchange(folder, unit)
        extra = ([f"--CourseDirectory.student_id_exclude={','.join(outside[unit])}"]
                 if outside[unit] else [])
        return nbgrader(folder, "release_feedback", unit, *extra)

    steps = []
    for unit in units:
        steps.append((f"generate_feedback {unit}",
                      lambda unit=unit: nbgrader(folder, "generate_feedback", unit, "--force")))
        if args.release:
            steps.append((f"release_feedback {unit}", lambda unit=unit: release(unit)))
    code = _report_steps(run_steps(steps))
    for unit, learners in outside.items():
        if learners:
            print(f"{unit}: {len(learners)} learner(s) did not hand in through the exchange, so "
                  "they cannot fetch feedback from it; give them their page another way (the "
                  "college LMS, e-mail):")
            for learner in learners:
                print(f"  {learner}: {folder / 'feedback' / learner / unit / (unit + '.html')}")
    return code


def _import_download(args: argparse.Namespace, folder: Path, units: list[str]) -> int:
    """workbook collect UNIT --from FILE.zip: a Moodle or Canvas download into submitted/."""
    from .tutor.lms import DownloadError, import_download

    if len(units) != 1:
        print("An LMS download holds one unit's hand-ins: name the unit, such as "
              "workbook collect unit4 --from submissions.zip", file=sys.stderr)
        return 1
    unit = units[0]
    try:
        plan, result = import_download(folder, unit, Path(args.download).expanduser().resolve())
    except DownloadError as error:
        print(f"Could not import it: {error}", file=sys.stderr)
        return 1
    if not result.ok:
        print(result.output[-2000:], file=sys.stderr)
        print(f"nbgrader zip_collect {unit} failed; its output is shown above.")
        return 1
    learners = sorted({learner for learner, _ in plan.taken.values()})
    print(f"{plan.scheme.capitalize()} download: {len(learners)} learner(s) imported into "
          f"submitted/<id>/{unit}/.")
    for learner in learners:
        late = " (handed in late)" if learner in plan.late else ""
        print(f"  {plan.names[learner]} -> {learner}{late}")
    for path in plan.replaced:
        print(f"  older upload left out (the learner handed it in again): {path}")
    for path in plan.others:
        print(f"  not a notebook, left out: {path}")
    if plan.unmapped:
        print(f"Could not match {len(plan.unmapped)} file(s) to a learner on the roster; "
              "nothing was imported for them:")
        for path, why in plan.unmapped.items():
            print(f"  {path}: {why}")
    return 0


def _report_steps(results) -> int:
    """Show nbgrader's output for any step that failed, then the summary; 1 if any failed."""
    from .tutor.run import summary

    for result in results:
        if not result.ok and result.output:
            print(result.output[-2000:], file=sys.stderr)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_autograde(args: argparse.Namespace) -> int:
    units = _units(args)
    if units is None:
        return 1
    from .tutor.contain import NOT_CONTAINED, containment_problem
    from .tutor.lms import unknown_folders
    from .tutor.run import autograde

    why = containment_problem()
    if why:  # said once for the whole command
        print(NOT_CONTAINED.format(why=why))
    results = []
    for unit in units:
        for folder, message in unknown_folders(_course_dir(args), unit):
            print(f"NOTE {folder}, {unit}: {message}.")
        results += autograde(_course_dir(args), unit, jobs=args.jobs)
    return _report_steps(results)


def cmd_demo(args: argparse.Namespace) -> int:
    """Build a synthetic cohort in a fresh folder and run the whole workflow there."""
    import shutil

    course = _course(args)
    if course is None:
        return 1
    from .content.loader import load_course_uncached
    from .tutor.demo import run_demo

    source = _course_dir(args)
    target = _inside(args, args.into)
    if target.exists() and any(target.iterdir()):
        if not args.replace:
            print(f"{target} already exists and is not empty. Choose another folder with "
                  "--into, or add --replace to start it again.", file=sys.stderr)
            return 1
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("course_data", "source", "notebooks"):
        shutil.copytree(source / name, target / name)
    shutil.copy2(source / "nbgrader_config.py", target / "nbgrader_config.py")
    units = args.units.split(",") if args.units else None
    print(f"Demo cohort of {args.learners} learners in {target}")
    result = run_demo(load_course_uncached(target), target, args.learners, args.seed, units,
                      args.jobs)
    print("\nWall time per step:")
    for step, seconds in result.timings.items():
        print(f"  {step:<42} {seconds:7.1f} s")
    print(f"  {'total':<42} {sum(result.timings.values()):7.1f} s")
    print(f"\nNext: workbook --course-dir {target} evidence (or report, export)")
    return 0 if result.ok else 1


def cmd_report(args: argparse.Namespace) -> int:
    """The cohort report and every learner's evidence pack, as HTML."""
    course = _course(args)
    if course is None:
        return 1
    from .tutor.cohort import item_scores, learner_names, reflection_texts
    from .tutor.observations import read_observations
    from .tutor.report import cohort_report

    folder = _course_dir(args)
    left_out = _not_graded(folder)
    if left_out is None:
        return 1
    learners, scores = item_scores(course, folder)
    if not learners:
        print("No learners in the gradebook yet. Add them with: workbook learners ROSTER.csv")
        return 1
    out = _inside(args, args.out)
    texts = {learner: reflection_texts(course, folder, learner) for learner in learners}
    figures = cohort_report(course, learners, scores, out, texts, read_observations(folder),
                            left_out, learner_names(folder))
    print(f"Wrote {out / 'cohort.html'} and {len(learners)} evidence packs in "
          f"{out / 'learners'}")
    print(f"Learners: {figures.learners}. Marked submissions: {figures.submissions}.")
    print("Mean score per unit: " + ", ".join(f"{u} {p:.1f}%"
                                            for u, p in figures.mean_percent.items()))
    print("OCR Unit 7 estimates: " + ", ".join(f"{g} {n}" for g, n in figures.grades.items()))
    print(f"Knowledge checks flagged by item analysis: {figures.flagged}")
    _say_not_graded(left_out)
    return 0


def _not_graded(folder: Path) -> dict[tuple[str, str], str] | None:
    """The hand-ins autograde could not grade, or None (said) when its record is unreadable."""
    from .tutor.status import StatusError, not_graded

    try:
        return not_graded(folder)
    except StatusError as error:
        print(f"Problem: {error}", file=sys.stderr)
        return None


def _say_not_graded(left_out: dict[tuple[str, str], str]) -> None:
    if left_out:
        print(f"Not graded, so left out of every figure ({len(left_out)}): " + ", ".join(
            f"{learner} in {unit} ({reason})" for (unit, learner), reason in sorted(
                left_out.items(), key=lambda kv: kv[0][::-1])))


def cmd_mark_my_work(args: argparse.Namespace) -> int:
    """Self-study: mark your own knowledge check as a tutor's autograde would."""
    course = _course(args)
    if course is None:
        return 1
    if args.unit not in course.assignments:
        print(f"There is no knowledge check called {args.unit!r}. Choose one of "
              f"{', '.join(course.assignments)}.", file=sys.stderr)
        return 1
    from .tutor.selfmark import SelfMarkError, mark_my_work, result_lines

    print(f"Marking your {args.unit} knowledge check. This takes about half a minute...",
          flush=True)
    try:
        result = mark_my_work(course, args.unit, Path(args.notebook) if args.notebook else None)
    except SelfMarkError as error:
        print(str(error), file=sys.stderr)
        return 1
    for line in result_lines(result):
        print(line)
    print(f"Your marks page (open it in JupyterLab or a web browser): {result.feedback}")
    print(f"Your evidence pack (to print or upload to an e-portfolio): {result.evidence}")
    print("Your notebook itself was not changed.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """A learner's check before handing in: missing, doubled or changed cells, gaps."""
    from .presubmit import check_notebook, restore

    root = _course_dir(args)
    try:
        report = check_notebook(Path(args.notebook), root)
    except ValueError as error:
        print(f"Could not check it: {error}", file=sys.stderr)
        return 1
    print(report.text())
    if args.restore and report.problems:
        target, recovery = restore(Path(args.notebook), root, report.unit)
        print(f"\nWrote {target}: the released notebook with your answers copied in. Open it, "
              "check your answers are all there, then hand in that file instead. Your "
              "original file has not been changed.")
        said = [*recovery.unclear, *(f"{q} has no answer anywhere in your file; type it in "
                                     "again" for q in recovery.lost)]
        if said:
            print("Check these in the repaired copy:")
            print("\n".join(f"  - {line[0].upper()}{line[1:]}." for line in said))
    return 0 if report.ready else 1


def bank_details(course) -> list[str]:
    """Each question bank counted by type, topic and difficulty, then every criterion the
    banks, authority requests, law situations and knowledge checks assess, with how often."""
    from collections import Counter

    from .content.records import DIFFICULTIES

    lines = []
    for unit, bank in course.question_banks.items():
        lines.append(f"\n{unit} question bank ({len(bank.questions)} questions): {bank.title}")
        types = Counter(q.type for q in bank.questions)
        lines.append("  by type: " + ", ".join(f"{t} {n}" for t, n in sorted(types.items())))
        topics = Counter(q.topic for q in bank.questions)
        lines += [f"  topic {t.id}: {topics[t.id]}" for t in bank.topics]
        levels = Counter(q.difficulty for q in bank.questions)
        lines.append("  by difficulty: " + ", ".join(
            f"{DIFFICULTIES[d].lower()} {levels[d]}" for d in sorted(levels)))
    uses: Counter[str] = Counter()
    for bank in course.question_banks.values():
        uses.update(c for q in bank.questions for c in q.criteria)
    for requests in course.authority_sets.values():
        uses.update(c for r in requests.requests for c in r.criteria)
    if course.laws:
        uses.update(c for s in course.laws.situations for c in s.criteria)
    for assignment in course.assignments.values():
        uses.update(c for item in (*assignment.checks, *assignment.reflections)
                    for c in item.criteria)
    lines.append("\nCriteria assessed (questions, authority requests, law situations, "
                 "knowledge checks and reflections):")
    lines += [f"  {c}: {uses[c]}" for c in course.criteria if uses[c]]
    missing = [c for c in course.criteria if not uses[c]]
    lines.append(f"  not yet assessed here: {len(missing)} of {len(course.criteria)}")
    return lines


def cmd_build_sources(args: argparse.Namespace) -> int:
    from .tutor.sources import build_sources

    course = _course(args)
    if course is None:
        return 1
    stale = build_sources(course, check_only=args.check)
    for path in stale:
        verb = "out of date" if args.check else "rewritten"
        print(f"{path.relative_to(course.root)}: {verb}")
    if args.check and stale:
        print("Run `workbook build-sources`, then `nbgrader generate_assignment <unit> --force`.",
              file=sys.stderr)
        return 1
    if not stale:
        print("source/ is up to date with course_data/.")
    elif not args.check:
        print("Now regenerate the learner versions: nbgrader generate_assignment <unit> --force")
    return 0


def _positive(text: str) -> int:
    """A whole number of 1 or more, for --jobs."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return number


EVIDENCE_RULES = """\
The evidence rules:
  An item is a knowledge check or a reflection (a written answer marked against its rubric).
  A check is achieved with full marks; a reflection with at least half its points.
  Pass and knowledge criteria need one achieved reflection or two achieved checks, with no
    more than half of the learner's marked items for the criterion missed.
  Merit and Distinction criteria (OCR7-M, OCR7-D) need a reflection that assesses them,
    marked at that level: at least two thirds of its points for Merit, full points for
    Distinction. Knowledge checks never meet them.
  Criteria whose awarding body needs workplace evidence (City & Guilds 216 LO2, NOS CFACSC4
    and NVQ performance criteria) need an observation too (workbook observe); a witness
    testimony may stand in, except for NVQ performance criteria 3-7.
  Met: every part it needs is there. Working towards: some evidence, not yet enough.
    Not yet: no evidence.
  OCR Unit 7 estimate: Pass when every OCR7-P criterion is met, Merit when every OCR7-M is
    too, Distinction when every OCR7-D is too.
"""

OBSERVE_IMPORT = """\
The import file is a CSV file with a header row. Columns:
  learner   the learner's id (required)
  date      YYYY-MM-DD, not in the future (required)
  observer  who observed, or who gave the testimony (required)
  context   where and what (required)
  criteria  criterion ids separated by commas, semicolons or spaces (required)
  kind      observation (the default when empty) or witness
  note      anything else (may be empty)
Every row is checked first: if any is wrong (or already recorded), the problems are listed
by line number and column and nothing is imported.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook", description="Challenging Customers Workbook: commands for learners "
        "and tutors.")
    course_dir_help = ("the workbook's top folder, before or after the command (default: "
                       "found from the current folder, or $WORKBOOK_COURSE_DIR); reports, "
                       "exports and a relative --out, --csv or --into go inside it")
    parser.add_argument("--course-dir", help=course_dir_help)
    # The same option after the command (`workbook report --course-dir X`): SUPPRESS keeps
    # a value given before the command when it is not repeated after it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course-dir", default=argparse.SUPPRESS, help=course_dir_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **options) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **options)

    p = command("open", help="start JupyterLab on the start page",
                       description=cmd_open.__doc__)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.add_argument("--tutor", action="store_true",
                   help="keep nbgrader's tutor tools (Formgrader, Create Assignment) and show "
                        "every folder")
    p.set_defaults(func=cmd_open, passes_options=True)
    p.epilog = "Any further options (such as --port=8890) are passed on to jupyter lab."

    p = command("check-content", help="validate everything in course_data/",
                       description="Read and validate every course_data file; a problem is "
                       "reported with its file, item and field.")
    p.add_argument("--details", action="store_true",
                   help="also count the questions by type, topic and difficulty, and list "
                        "how often each criterion is assessed")
    p.set_defaults(func=cmd_check_content)

    p = command("coverage", help="where each criterion is taught and assessed",
                       description="Print the coverage matrix: for each of the syllabus "
                       "criteria, the lesson sections and activities that teach it and the "
                       "knowledge checks and reflections that assess it. Exits 1 if any "
                       "criterion is not taught or not assessed.")
    p.add_argument("--csv", metavar="FILE", help="write the full matrix to a CSV file instead "
                   "(a relative path is inside the course folder)")
    p.add_argument("--depth", action="store_true",
                   help="for each criterion, the kinds of evidence it gets (knowledge check, "
                        "written reflection, observation), flagging criteria whose only "
                        "assessed evidence is one-word answers or a single multiple-choice "
                        "item, and naming any that full marks on every item would not meet")
    p.set_defaults(func=cmd_coverage)

    p = command("learners", help="add learners to the gradebook from a CSV roster",
                       description="Add or update learners in the nbgrader gradebook from a "
                       "CSV file with a header row: id (required), first_name, last_name, "
                       "email.")
    p.add_argument("roster", help="the CSV roster file")
    p.set_defaults(func=cmd_learners)

    p = command("evidence", help="each learner's evidence against the criteria",
                       description=textwrap.fill(
                           "Read the gradebook and the recorded observations and print, for "
                           "each learner: criteria met, the OCR Unit 7 grade estimate and the "
                           "criteria to work on next; knowledge evidence (criteria per "
                           "framework with enough); observed performance (criteria that need "
                           "workplace evidence and have it, and each unit's observation "
                           "requirement as a count).", width=79),
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=EVIDENCE_RULES)
    p.set_defaults(func=cmd_evidence)

    p = command("observe", help="record workplace observations or witness testimony",
                       description=textwrap.fill(
                           "Record that a learner was observed (or a witness saw them) dealing "
                           "with a customer, naming the criteria it shows. Kept in "
                           "observations.csv in the course folder, beside the gradebook. A bad "
                           "learner id or criterion is refused with the nearest match, and so "
                           "is an observation already recorded.", width=79),
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=OBSERVE_IMPORT)
    p.add_argument("learner", nargs="?", help="the learner's id, as in the gradebook")
    p.add_argument("--criteria", default="",
                   help="criterion ids, comma-separated, e.g. CG216-2.1,CG216-2.2")
    p.add_argument("--date", help="when, as YYYY-MM-DD (default: today)")
    p.add_argument("--observer", default="", help="who observed, or who gave the testimony")
    p.add_argument("--context", default="",
                   help="where and what, e.g. \"Returns desk, angry customer, faulty kettle\"")
    p.add_argument("--note", default="", help="what the learner did well or should work on")
    p.add_argument("--kind", choices=("observation", "witness"), default="observation",
                   help="observation by an assessor (default) or witness testimony")
    p.add_argument("--import", dest="import_file", metavar="FILE",
                   help="import many from a CSV file instead (columns below)")
    p.set_defaults(func=cmd_observe)

    p = command("export", help="grades and evidence as CSV for a college system",
                       description="Write grades.csv (one row per learner: id, names, email, "
                       "points per unit out of its total, overall total) and criteria.csv (one "
                       "row per learner, one column per criterion: met, working towards or not "
                       "yet). The id and email columns match a Moodle or Canvas gradebook "
                       "import; see the README.")
    p.add_argument("--out", default="exports", help="folder to write to (default: exports); "
                   "a relative folder is inside the course folder")
    p.set_defaults(func=cmd_export)

    for step, text, detail in (
            ("release", "generate the learners' copies and release them",
             "Generate release/<unit>/ from source/ and copy it to the exchange."),
            ("collect", "collect submissions from the exchange",
             "Copy learners' submissions from the exchange into submitted/, or with "
             "--from, import a Moodle or Canvas download of one unit's submissions."),
            ("feedback", "make learners' feedback pages",
             "Generate feedback/ from the autograded and marked work; with --release, put "
             "it in the exchange for learners who handed in through it to fetch, and list "
             "the feedback pages of those who did not.")):
        p = command(step, help=text, description=detail)
        p.add_argument("unit", help="a unit id such as unit2, or all")
        if step == "collect":
            p.add_argument("--from", dest="download", metavar="FILE.zip",
                           help="import a Moodle \"Download all submissions\" zip or a "
                                "Canvas submissions zip instead, matching each hand-in to a "
                                "roster learner by name or email")
        if step == "feedback":
            p.add_argument("--release", action="store_true",
                           help="also release the feedback to the exchange")
        p.set_defaults(func=cmd_nbgrader_step, step=step)

    p = command("autograde", help="mark the knowledge checks of every submission",
                       description="Autograde every submission of a unit (or all units), "
                       "one line per learner. Learners are marked in parallel, one per "
                       "processor core; --jobs N sets how many at once.")
    p.add_argument("unit", help="a unit id such as unit2, or all")
    p.add_argument("--jobs", type=_positive, default=None,
                   help="learners marked at once (default: one per core, at most 4)")
    p.set_defaults(func=cmd_autograde)

    p = command("report", help="cohort report and learners' evidence packs (HTML)",
                       description="Write reports/cohort.html (scores per unit, evidence "
                       "heatmap, item analysis) and reports/learners/<id>.html (each learner's "
                       "printable evidence pack).")
    p.add_argument("--out", default="reports", help="folder to write to (default: reports); "
                   "a relative folder is inside the course folder")
    p.set_defaults(func=cmd_report)

    p = command("mark-my-work", help="self-study: mark your own knowledge check",
                       description="Mark your own knowledge check exactly as a tutor's "
                       "autograde would, and get your feedback page and evidence pack. For "
                       "learners working without a tutor. Your notebook is not changed.")
    p.add_argument("unit", help="the unit, such as unit2")
    p.add_argument("--notebook", help="your notebook (default: release/<unit>/<unit>.ipynb)")
    p.set_defaults(func=cmd_mark_my_work)

    p = command("check", help="check your knowledge check before you hand it in",
                       description="Compare your notebook with the released one and say, in "
                       "plain words, about deleted, doubled or changed cells, unanswered "
                       "questions and empty written answers. Your file is not changed.")
    p.add_argument("notebook", help="your knowledge check, e.g. release/unit2/unit2.ipynb")
    p.add_argument("--restore", action="store_true",
                   help="write <name>-restored.ipynb with missing or changed cells put back "
                        "and your answers kept")
    p.set_defaults(func=cmd_check)

    p = command("demo", help="run a synthetic cohort through the whole workflow",
                       description="Copy the course into a new folder, add N simulated "
                       "learners with seeded answers and reflections, and run release, "
                       "submission, autograde, marking and feedback, timing each step.")
    p.add_argument("--learners", type=int, default=30, help="how many learners (default 30)")
    p.add_argument("--seed", type=int, default=1, help="seed for the answers (default 1)")
    p.add_argument("--units", default="", help="comma-separated units (default: all)")
    p.add_argument("--jobs", type=_positive, default=None,
                   help="learners autograded at once (default: one per core, at most 4)")
    p.add_argument("--into", default="demo-cohort", help="folder to build it in (default: "
                   "demo-cohort, inside the course folder)")
    p.add_argument("--replace", action="store_true", help="empty the folder first")
    p.set_defaults(func=cmd_demo)

    p = command("build-sources", help="regenerate source/ notebooks from course_data/",
                       description="Write source/<unit>/<unit>.ipynb for every "
                       "course_data/assignments/<unit>.yaml.")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if any source notebook is out of date")
    p.set_defaults(func=cmd_build_sources)

    add_lite_parser(sub, common)
    return parser


def cmd_lite_build(args: argparse.Namespace) -> int:
    from .lite.build import LiteBuildError, build_site

    try:
        site = build_site(_course_dir(args), _inside(args, args.out),
                          Path(args.cache) if args.cache else None,
                          step=lambda line: print(line, flush=True))
    except LiteBuildError as error:
        print(f"The lite build stopped: {error}", file=sys.stderr)
        return 1
    print(site.summary)
    return 0


def cmd_lite_serve(args: argparse.Namespace) -> int:
    from .lite.serve import serve

    return serve(_inside(args, args.dir), args.port)


def add_lite_parser(sub, common: argparse.ArgumentParser) -> None:
    lite = sub.add_parser("lite", parents=[common],
                          help="the zero-install edition (JupyterLite in the browser)",
                          description="Build the whole course as a static JupyterLite site "
                          "that runs in a web browser with nothing installed, or serve it.")
    steps = lite.add_subparsers(dest="lite_step", required=True, metavar="build|serve")
    p = steps.add_parser("build", parents=[common],
                         help="build the site (needs pip install -e \".[lite]\")",
                         description="Build the site from the course using only PyPI and npm; "
                         "every download is pinned and checked against workbook/lite/lock.json "
                         "and kept in a cache, so a second build works offline.")
    p.add_argument("--out", default="lite-site",
                   help="folder to write (default: lite-site; a relative path is inside the "
                   "course folder)")
    p.add_argument("--cache", default=None,
                   help="download cache (default: ~/.cache/challenging-customers-workbook/lite)")
    p.set_defaults(func=cmd_lite_build)
    p = steps.add_parser("serve", parents=[common], help="serve the built site on 127.0.0.1",
                         description="Serve a built site on this computer only (127.0.0.1).")
    p.add_argument("--dir", default="lite-site",
                   help="the built site (default: lite-site; a relative path is inside the "
                   "course folder)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.set_defaults(func=cmd_lite_serve)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_options", False):
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    args.jupyter_args = extra
    # jsonschema (which nbformat and nbgrader import) compiles about 40 IRI grammars with lark
    # when the optional rfc3987_syntax is installed, a large part of every tutor command's start
    # (benchmarks/README.md). No schema these commands use has an "iri" format, so they do
    # without that one format checker.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # nbgrader runs `alembic` by name when it creates a gradebook: put this environment's
    # scripts first on PATH, so tutor commands work even when it was never "activated".
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
