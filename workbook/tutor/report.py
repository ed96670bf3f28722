"""HTML reports for tutors (a cohort report) and learners (a printable evidence pack).

The pages are Jinja2 templates (workbook/assets/templates/report/), filled in by
:func:`workbook.render.render`, which escapes every value; charts are drawn with matplotlib
(embedded as PNG with alt text and the same facts in a table). Colours come from the Okabe-Ito
colour-blind-safe palette, and every state is also written in words.
"""

from __future__ import annotations

import base64
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..charts import new_figure, png
from ..content.records import Course
from ..engine.figures import Table
from ..render import render
from .evidence import (
    MET,
    NOT_YET,
    STATES,
    WORKING,
    Evidence,
    ItemScore,
    Observation,
    build_evidence,
    ocr_grade,
    requirement_counts,
    workplace_needs,
)

STATE_COLOURS = {NOT_YET: "#e6e6e6", WORKING: "#E69F00", MET: "#0072B2"}


@dataclass(frozen=True)
class ItemStats:
    unit: str
    item: str
    facility: float
    """Mean score as a share of the maximum (0 to 1): how easy the item was."""
    discrimination: float | None
    """Facility among the top third of learners (by unit total) minus the bottom third."""
    answered: int

    @property
    def flag(self) -> str:
        if self.discrimination is not None and self.discrimination < 0:
            return "misleading: stronger learners did worse on it"
        if self.facility > 0.9:
            return "too easy"
        if self.facility < 0.3:
            return "too hard"
        return ""


def item_analysis(scores: Sequence[ItemScore]) -> list[ItemStats]:
    """Facility and discrimination of every knowledge check, from marked scores."""
    checks = [s for s in scores if s.kind == "check" and s.score is not None]
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for s in scores:
        if s.score is not None:
            totals[(s.learner, s.unit)] += s.score
    by_item: dict[tuple[str, str], list[ItemScore]] = defaultdict(list)
    for s in checks:
        by_item[(s.unit, s.item)].append(s)
    stats = []
    for (unit, item), rows in sorted(by_item.items(), key=lambda kv: (kv[0][0], _order(kv[0][1]))):
        facility = statistics.fmean(r.score / r.max_score for r in rows)
        ranked = sorted(rows, key=lambda r: totals[(r.learner, unit)])
        third = len(ranked) // 3
        discrimination = None
        if third >= 1:
            low = statistics.fmean(r.score / r.max_score for r in ranked[:third])
            high = statistics.fmean(r.score / r.max_score for r in ranked[-third:])
            discrimination = high - low
        stats.append(ItemStats(unit, item, facility, discrimination, len(rows)))
    return stats


def _order(item: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in item.replace("r", "").split("."))


def same_decimals(values: Sequence[float]) -> list[str]:
    """Numbers in one column written with the same number of decimal places, at least one
    (0.5 and 0.75 as 0.50 and 0.75), as the report has always shown them."""
    places = max([1, *(len(repr(float(v)).partition(".")[2]) for v in values)])
    return [f"{v:.{places}f}" for v in values]


def _png(figure) -> str:
    return base64.b64encode(png(figure)).decode("ascii")


HEATMAP_MAX_LEARNERS = 40
"""Above this many learners the report shows how many learners are in each state per criterion
instead of a row per learner: at 500 learners the per-learner matrix was a 15,000-pixel image,
too tall to read and slow to draw (benchmarks/report_scale.py)."""
STATE_MARKERS = {MET: "o", WORKING: "x"}
"""A symbol on each cell as well as its colour, so the matrix reads without colour."""
STATE_HATCHES = {NOT_YET: "", WORKING: "////", MET: ""}


def _frameworks(criteria: Sequence[str]) -> list[tuple[int, str]]:
    """(index of the first criterion, framework) for each run of one framework's criteria."""
    runs: list[tuple[int, str]] = []
    for index, criterion in enumerate(criteria):
        prefix = criterion.split("-")[0]
        if not runs or runs[-1][1] != prefix:
            runs.append((index, prefix))
    return runs


def _state_legend(axes, markers: bool, below: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for state in STATES:
        patch = Patch(facecolor=STATE_COLOURS[state], edgecolor="#1a1a1a",
                      hatch="" if markers else STATE_HATCHES[state])
        if markers and state in STATE_MARKERS:
            patch = (patch, Line2D([], [], linestyle="", marker=STATE_MARKERS[state],
                                   markersize=5, markerfacecolor="#ffffff",
                                   markeredgecolor="#1a1a1a"))
        handles.append(patch)
    axes.legend(handles=handles, labels=list(STATES), loc="upper center",
                bbox_to_anchor=(0.5, below), ncol=3, fontsize=8)


def heatmap(evidence: Evidence, title: str):
    """Learners (rows) by criteria (columns), coloured by state and marked with a symbol, with
    a legend in words. For up to :data:`HEATMAP_MAX_LEARNERS` learners (see
    :func:`criteria_summary` for more)."""
    from matplotlib.colors import ListedColormap

    learners = evidence.learners
    values = [[STATES.index(evidence.states[learner][c]) for c in evidence.criteria]
              for learner in learners]
    figure = new_figure(11, 0.28 * len(learners) + 2.2)
    axes = figure.add_subplot()
    axes.imshow(values, aspect="auto", interpolation="nearest", vmin=0, vmax=2,
                cmap=ListedColormap([STATE_COLOURS[s] for s in STATES]))
    for state, marker in STATE_MARKERS.items():  # one scatter per state, not a text per cell
        code = STATES.index(state)
        xs = [x for row in values for x, v in enumerate(row) if v == code]
        ys = [y for y, row in enumerate(values) for v in row if v == code]
        if xs:
            filled = {"facecolors": "#ffffff", "edgecolors": "#1a1a1a"}
            axes.scatter(xs, ys, marker=marker, s=6, linewidths=0.6,
                         **(filled if marker == "o" else {"color": "#1a1a1a"}))
    axes.set_yticks(range(len(learners)))
    axes.set_yticklabels(learners, fontsize=7)
    return _finish_by_framework(figure, axes, evidence.criteria, "Learner", title,
                                markers=True, below=-0.12)


def _finish_by_framework(figure, axes, criteria: Sequence[str], y_label: str, title: str,
                         markers: bool, below: float):
    """What the two criteria charts end with: criteria grouped by framework along the bottom,
    the axis label and title, the states' legend below, the layout made tight."""
    _framework_axis(axes, criteria)
    axes.set_ylabel(y_label)
    axes.set_title(title)
    _state_legend(axes, markers=markers, below=below)
    figure.tight_layout()
    return figure


def _framework_axis(axes, criteria: Sequence[str]) -> None:
    frameworks = _frameworks(criteria)
    axes.set_xticks([i for i, _ in frameworks])
    axes.set_xticklabels([p for _, p in frameworks], fontsize=8, rotation=0, ha="left")
    for index, _ in frameworks[1:]:
        axes.axvline(index - 0.5, color="#1a1a1a", linewidth=1)
    axes.set_xlabel("Criteria, grouped by framework")


def state_counts(evidence: Evidence) -> dict[str, dict[str, int]]:
    """Criterion to how many learners are in each state."""
    counts = {c: dict.fromkeys(STATES, 0) for c in evidence.criteria}
    for learner in evidence.learners:
        for criterion, state in evidence.states[learner].items():
            counts[criterion][state] += 1
    return counts


def criteria_summary(evidence: Evidence, title: str):
    """How many learners are met, working towards and not yet on each criterion: one stacked
    column per criterion, grouped by framework. Its size depends on the criteria, not on the
    number of learners. Working towards is hatched as well as coloured."""
    counts = state_counts(evidence)
    edges = [i - 0.5 for i in range(len(evidence.criteria) + 1)]
    figure = new_figure(11, 4.4)
    axes = figure.add_subplot()
    bottom = [0] * len(evidence.criteria)
    for state in (MET, WORKING, NOT_YET):  # one stepped patch per state, not a bar per column
        top = [b + counts[c][state] for b, c in zip(bottom, evidence.criteria, strict=True)]
        axes.stairs(top, edges, baseline=bottom, fill=True, color=STATE_COLOURS[state],
                    edgecolor="#1a1a1a", linewidth=0.4, hatch=STATE_HATCHES[state])
        bottom = top
    axes.set_xlim(-0.5, len(evidence.criteria) - 0.5)
    axes.set_ylim(0, len(evidence.learners))
    return _finish_by_framework(figure, axes, evidence.criteria, "Learners", title,
                                markers=False, below=-0.2)


def score_distribution(percentages: dict[str, list[float]]):
    figure = new_figure(8, 3.6)
    axes = figure.add_subplot()
    units = [u for u in percentages if percentages[u]]
    axes.boxplot([percentages[u] for u in units])
    axes.set_xticks(range(1, len(units) + 1))
    axes.set_xticklabels(units)
    axes.set_ylim(0, 100)
    axes.set_xlabel("Unit")
    axes.set_ylabel("Score (% of the unit's points)")
    axes.set_title("Score distribution per unit")
    axes.grid(axis="y", linestyle=":", color="#6b6b6b")
    figure.tight_layout()
    return figure


@dataclass(frozen=True)
class CohortFigures:
    learners: int
    submissions: int
    mean_percent: dict[str, float]
    grades: dict[str, int]
    flagged: int


def _percentages(course: Course, scores: Sequence[ItemScore]) -> dict[str, dict[str, float]]:
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in scores:
        per[s.unit][s.learner] += s.score or 0.0
    return {unit: {learner: 100 * total / course.assignment(unit).total_points
                   for learner, total in learners.items()}
            for unit, learners in per.items()}


def _not_graded_rows(left_out: dict[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """The hand-ins autograde could not grade (learner, unit, why): listed, as they are left
    out of every figure."""
    return [(learner, unit, reason)
            for (unit, learner), reason in sorted(left_out.items(), key=lambda kv: kv[0][::-1])]


def cohort_report(course: Course, learners: Sequence[str], scores: Sequence[ItemScore],
                  out: Path, reflections: dict[str, dict[str, str]] | None = None,
                  observations: Sequence[Observation] = (),
                  not_graded: dict[tuple[str, str], str] | None = None,
                  names: dict[str, str] | None = None) -> CohortFigures:
    """Write out/cohort.html and out/learners/<id>.html; return the headline figures.
    ``not_graded`` ((unit, learner) to the reason) is listed; their scores are not given.
    ``names`` gives each learner's name (from the roster) for the tables and pack titles."""
    names = names or {}
    evidence = build_evidence(scores, learners, list(course.criteria), workplace_needs(course),
                              observations)
    percent = _percentages(course, scores)
    units = [u for u in course.assignments if u in percent]
    mean = {u: statistics.fmean(percent[u].values()) for u in units}
    grades = {g: 0 for g in ("Not yet Pass", "Pass", "Merit", "Distinction")}
    for learner in learners:
        grades[ocr_grade(evidence.states[learner])] += 1
    stats = item_analysis(scores)
    figures = CohortFigures(len(learners), sum(len(p) for p in percent.values()), mean, grades,
                            sum(1 for s in stats if s.flag))

    summary = _columns_of(
        ("Unit", "Submissions", "Mean %", "Lowest %", "Highest %"),
        [units, [len(percent[u]) for u in units],
         same_decimals([round(mean[u], 1) for u in units]),
         same_decimals([round(min(percent[u].values()), 1) for u in units]),
         same_decimals([round(max(percent[u].values()), 1) for u in units])])
    learner_columns = ("Learner", "Name", *(f.id for f in course.frameworks),
                       *(u.id for u in course.units), "OCR Unit 7 estimate", "Still to evidence")
    learner_rows = [{
        "cells": (learner, names.get(learner, ""),
                  *(f"{evidence.counts(learner, f.id + '-')[MET]} met" for f in course.frameworks),
                  *(f"{sum(evidence.states[learner][c] == MET for c in u.criteria)}"
                    f"/{len(u.criteria)}" for u in course.units),
                  ocr_grade(evidence.states[learner])),
        "still": {state: found for state, found in evidence.still_to_evidence(learner).items()
                  if found}} for learner in learners]
    counts = state_counts(evidence)
    criteria = Table(
        ("Criterion", "What it means", *(f"Learners {s}" for s in (MET, WORKING, NOT_YET))),
        tuple((c, course.criteria[c].summary, *(counts[c][s] for s in (MET, WORKING, NOT_YET)))
              for c in evidence.criteria))
    discrimination = [s.discrimination for s in stats]
    items = _columns_of(
        ("Unit", "Check", "Answered", "Facility", "Discrimination", "Flag"),
        [[s.unit for s in stats], [s.item for s in stats], [s.answered for s in stats],
         same_decimals([round(s.facility, 2) for s in stats]),
         ([str(round(d, 2)) if d is not None else "" for d in discrimination]
          if None in discrimination else same_decimals([round(d, 2) for d in discrimination])),
         [s.flag for s in stats]])
    small = len(learners) <= HEATMAP_MAX_LEARNERS
    html = render(
        "report/cohort.html.j2", title="Cohort report", figures=figures,
        not_graded=_not_graded_rows(not_graded or {}), summary=summary,
        distribution=_png(score_distribution({u: list(percent[u].values()) for u in units})),
        states=STATES, heatmap_max=HEATMAP_MAX_LEARNERS,
        heatmap=_png(heatmap(evidence, "Evidence matrix")) if small else "",
        per_criterion="" if small else _png(criteria_summary(
            evidence, f"Evidence per criterion ({len(learners)} learners)")),
        learner_columns=learner_columns, learner_rows=learner_rows, criteria=criteria,
        items=items)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cohort.html").write_text(html, encoding="utf-8")
    by_learner: dict[str, list[ItemScore]] = defaultdict(list)
    for score in scores:  # each pack then reads its own scores, not the whole cohort's
        by_learner[score.learner].append(score)
    watched: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        watched[observation.learner].append(observation)
    for learner in learners:
        evidence_pack(course, learner, evidence, by_learner[learner], out / "learners",
                      (reflections or {}).get(learner), watched[learner],
                      {u: why for (u, x), why in (not_graded or {}).items() if x == learner},
                      names.get(learner, ""))
    return figures


def _columns_of(headings: Sequence[str], columns: Sequence[Sequence[str | int]]) -> Table:
    """A table from its columns (each a list of one column's cells, top to bottom)."""
    return Table(tuple(headings), tuple(zip(*columns, strict=True)))


def observation_section(course: Course, learner: str,
                        observations: Sequence[Observation]) -> str:
    """The evidence pack's workplace evidence (workbook/assets/templates/report/
    observations.html.j2): each observation or witness testimony, the units' observation
    requirements as counts, and a block for the assessor and learner to sign."""
    return render("report/observations.html.j2",
                  **_observation_context(course, learner, observations))


def _observation_context(course: Course, learner: str,
                         observations: Sequence[Observation]) -> dict[str, object]:
    mine = sorted((o for o in observations if o.learner == learner), key=lambda o: o.date)
    observed = Table(
        ("Date", "Kind", "Observed by", "Context", "Criteria", "Note"),
        tuple((o.date, "observation" if o.kind == "observation" else "witness testimony",
               o.observer, o.context, ", ".join(o.criteria), o.note) for o in mine))
    return {"observed": observed,
            "requirements": [str(c) for c in requirement_counts(course, mine, learner)]}


def evidence_pack(course: Course, learner: str, evidence: Evidence,
                  scores: Sequence[ItemScore], out: Path,
                  reflections: dict[str, str] | None = None,
                  observations: Sequence[Observation] = (),
                  not_graded: dict[str, str] | None = None, name: str = "") -> Path:
    """A printable page of one learner's marks, reflections, the criteria they evidence and
    their workplace observations with a sign-off block, titled by their name (and id) when
    the roster gives one. ``not_graded`` (unit to the reason) names units whose hand-in
    could not be graded."""
    mine = [s for s in scores if s.learner == learner]
    units = [u for u in course.assignments if any(s.unit == u for s in mine)]
    marks = Table(
        ("Unit", "Title", "Points", "Reflections waiting to be marked"),
        tuple((u, course.assignment(u).title,
               f"{sum(s.score or 0 for s in mine if s.unit == u):g} of "
               f"{course.assignment(u).total_points}",
               sum(1 for s in mine if s.unit == u and s.score is None)) for u in units))
    rows = []
    for criterion in course.criteria:
        state = evidence.states[learner][criterion]
        if state == NOT_YET:
            continue
        items = ", ".join([f"{s.item} ({s.status})" for s in evidence.items[learner][criterion]]
                          + [f"{o.kind} {o.date}"
                             for o in evidence.observed.get(learner, {}).get(criterion, ())])
        rows.append((criterion, course.criteria[criterion].summary, state, items))
    who = f"{name} ({learner})" if name else learner
    html = render(
        "report/evidence_pack.html.j2", title=f"Evidence pack: {who}", who=who,
        grade=ocr_grade(evidence.states[learner]), met=evidence.counts(learner)[MET],
        criteria_count=len(course.criteria), marks=marks,
        not_graded=sorted((not_graded or {}).items()),
        evidenced=Table(("Criterion", "What it means", "State", "Evidence"), tuple(rows)),
        reflections=reflections or {}, **_observation_context(course, learner, observations))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{learner}.html"
    path.write_text(html, encoding="utf-8")
    return path
