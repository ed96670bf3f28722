"""HTML reports for tutors (a cohort report) and learners (a printable evidence pack).

Tables are built with pandas; charts with matplotlib (embedded as PNG with alt text and the
same facts in a table). Colours come from the Okabe-Ito colour-blind-safe palette, and every
state is also written in words.
"""

from __future__ import annotations

import base64
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..charts import new_figure, png
from ..content.records import Course
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
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 1rem auto; color: #1a1a1a;
       line-height: 1.45; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0; }
th, td { border: 1px solid #6b6b6b; padding: 0.25rem 0.5rem; text-align: left; }
th { background: #ececec; }
.flag { font-weight: bold; }
img { max-width: 100%; }
td { vertical-align: top; }
.wide { overflow-x: auto; }
td details { min-width: 14rem; }
td details[open] p { width: 28rem; max-width: 60vw; margin: 0.3rem 0; }
@media print { .noprint { display: none; } }
"""


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


def html_table(rows: Sequence[dict[str, str | int]]) -> str:
    """Rows of text and whole numbers as the same HTML as pandas' ``to_html(index=False)``:
    pandas took 3 s or more to write 500 learners' evidence packs (benchmarks/report_scale.py)
    and the packs need none of its number formatting."""
    def cell(tag: str, value: str | int) -> str:
        text = str(value).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return f"      <{tag}>{escape(text.strip(), quote=False)}</{tag}>"

    lines = ['<table border="1" class="dataframe">', "  <thead>",
             '    <tr style="text-align: right;">', *(cell("th", c) for c in rows[0]),
             "    </tr>", "  </thead>", "  <tbody>"]
    for row in rows:
        lines += ["    <tr>", *(cell("td", v) for v in row.values()), "    </tr>"]
    return "\n".join([*lines, "  </tbody>", "</table>"])


def _img(figure, alt: str) -> str:
    data = base64.b64encode(png(figure)).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{escape(alt)}'>"


HEATMAP_MAX_LEARNERS = 40
"""Above this many learners the report shows how many learners are in each state per criterion
instead of a row per learner: at 500 learners the per-learner matrix was a 15,000-pixel image
that took 7.8 s to draw (benchmarks/report_scale.py) and was too tall to read."""
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
    _framework_axis(axes, evidence.criteria)
    axes.set_ylabel("Learner")
    axes.set_title(title)
    _state_legend(axes, markers=True, below=-0.12)
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
    _framework_axis(axes, evidence.criteria)
    axes.set_ylabel("Learners")
    axes.set_title(title)
    _state_legend(axes, markers=False, below=-0.2)
    figure.tight_layout()
    return figure


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


def _not_graded_html(left_out: dict[tuple[str, str], str]) -> list[str]:
    """The hand-ins autograde could not grade: listed, as they are left out of every figure."""
    if not left_out:
        return []
    rows = [{"Learner": learner, "Unit": unit, "Why": reason}
            for (unit, learner), reason in sorted(left_out.items(), key=lambda kv: kv[0][::-1])]
    return ["<h2>Not graded</h2>",
            f"<p>{len(rows)} hand-in{'s' if len(rows) != 1 else ''} could not be graded. They "
            "are left out of every figure, chart and table in this report (they are not "
            "zeros); look at them and run workbook autograde again.</p>", html_table(rows)]


def cohort_report(course: Course, learners: Sequence[str], scores: Sequence[ItemScore],
                  out: Path, reflections: dict[str, dict[str, str]] | None = None,
                  observations: Sequence[Observation] = (),
                  not_graded: dict[tuple[str, str], str] | None = None,
                  names: dict[str, str] | None = None) -> CohortFigures:
    """Write out/cohort.html and out/learners/<id>.html; return the headline figures.
    ``not_graded`` ((unit, learner) to the reason) is listed; their scores are not given.
    ``names`` gives each learner's name (from the roster) for the tables and pack titles."""
    names = names or {}
    import pandas as pd

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

    summary = pd.DataFrame([{
        "Unit": u, "Submissions": len(percent[u]), "Mean %": round(mean[u], 1),
        "Lowest %": round(min(percent[u].values()), 1),
        "Highest %": round(max(percent[u].values()), 1)} for u in units])
    evidence_table = pd.DataFrame([{
        "Learner": escape(learner), "Name": escape(names.get(learner, "")),
        **{f.id: f"{evidence.counts(learner, f.id + '-')[MET]} met"
           for f in course.frameworks},
        **{u.id: f"{sum(evidence.states[learner][c] == MET for c in u.criteria)}"
                 f"/{len(u.criteria)}" for u in course.units},
        "OCR Unit 7 estimate": ocr_grade(evidence.states[learner]),
        "Still to evidence": _still_to_evidence(evidence, learner)} for learner in learners])
    counts = state_counts(evidence)
    criteria_table = pd.DataFrame([{
        "Criterion": c, "What it means": course.criteria[c].summary,
        **{f"Learners {s}": counts[c][s] for s in (MET, WORKING, NOT_YET)}}
        for c in evidence.criteria])
    if len(learners) <= HEATMAP_MAX_LEARNERS:
        matrix = [
            "<p>Each square is one criterion for one learner: "
            + ", ".join(f"{s}" for s in STATES) + " (colours and symbols in the key). The "
            "table gives the counts in words: criteria met per framework, and per unit (met "
            "out of the unit's criteria), and every criterion each learner still has to "
            "evidence.</p>",
            _img(heatmap(evidence, "Evidence matrix"), "Heatmap of criteria met, working "
                 "towards and not yet, per learner; the table below gives the counts and the "
                 "criteria still to evidence.")]
    else:
        matrix = [
            f"<p>With more than {HEATMAP_MAX_LEARNERS} learners a square per learner and "
            "criterion is too small to read, so the chart shows how many learners are in each "
            "state on each criterion: " + ", ".join(f"{s}" for s in STATES) + " (colours and "
            "hatching in the key; the last table in this section gives the same counts). The "
            "table after the chart gives each learner's counts in words and every criterion "
            "they still have to evidence; each learner's evidence pack has the items behind "
            "them.</p>",
            _img(criteria_summary(evidence, f"Evidence per criterion ({len(learners)} "
                                  "learners)"),
                 "Stacked columns, one per criterion grouped by framework: how many learners "
                 "have met it, are working towards it and have no evidence for it yet; the table "
                 "below the learners' table gives the same counts.")]
    items = pd.DataFrame([{
        "Unit": s.unit, "Check": s.item, "Answered": s.answered,
        "Facility": round(s.facility, 2),
        "Discrimination": "" if s.discrimination is None else round(s.discrimination, 2),
        "Flag": s.flag} for s in stats])

    html = [f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
            f"<title>Cohort report</title><style>{STYLE}</style></head><body>",
            "<h1>Cohort report: Challenging Customers Workbook</h1>",
            f"<p><strong>{figures.learners}</strong> learners, <strong>{figures.submissions}"
            f"</strong> marked submissions. OCR Unit 7 estimates: "
            + ", ".join(f"{g}: {n}" for g, n in grades.items()) + ".</p>",
            *_not_graded_html(not_graded or {}),
            "<h2>Scores per unit</h2>", summary.to_html(index=False),
            _img(score_distribution({u: list(percent[u].values()) for u in units}),
                 "Box plot of learners' scores per unit; the table above gives the same "
                 "figures."),
            "<h2>Evidence against the criteria</h2>", *matrix,
            "<p>Open a learner's <em>still to evidence</em> cell to read every criterion "
            "they have not met yet.</p>",
            "<div class='wide'>", evidence_table.to_html(index=False, escape=False), "</div>",
            "<h3>Learners in each state, per criterion</h3>",
            criteria_table.to_html(index=False),
            "<h2>Item analysis of the knowledge checks</h2>",
            "<p>Facility is the share of marks earned (1 = everyone right). Discrimination "
            "is the facility among the top third of learners on that unit minus the bottom "
            "third: near 0 or below means the question does not separate stronger from "
            "weaker learners. Flagged: too easy (facility above 0.9), too hard (below 0.3), "
            "misleading (discrimination below 0).</p>",
            items.to_html(index=False), "</body></html>"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "cohort.html").write_text("\n".join(html), encoding="utf-8")
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


def _still_to_evidence(evidence: Evidence, learner: str) -> str:
    """Every criterion the learner has not met, in words, working towards first: HTML, the
    counts in a summary line and the criteria in wrapping text that opens from it (a column
    of 90 criteria made every row hundreds of pixels tall)."""
    chosen = {state: found for state, found in evidence.still_to_evidence(learner).items()
              if found}
    if not chosen:
        return "none: every criterion met"
    summary = ", ".join(f"{state} {len(found)}" for state, found in chosen.items())
    parts = "; ".join(f"{state} ({len(found)}): {', '.join(found)}"
                      for state, found in chosen.items())
    return f"<details><summary>{escape(summary)}</summary><p>{escape(parts)}</p></details>"


def observation_section(course: Course, learner: str,
                        observations: Sequence[Observation]) -> list[str]:
    """The evidence pack's workplace evidence: each observation or witness testimony, the
    units' observation requirements as counts, and a block for the assessor and learner to
    sign."""
    mine = sorted((o for o in observations if o.learner == learner), key=lambda o: o.date)
    html = ["<h2>Workplace evidence: observations and witness testimony</h2>"]
    if mine:
        html.append(html_table([{
            "Date": o.date, "Kind": "observation" if o.kind == "observation"
            else "witness testimony", "Observed by": o.observer, "Context": o.context,
            "Criteria": ", ".join(o.criteria), "Note": o.note} for o in mine]))
    else:
        html.append("<p>None recorded yet (a tutor records them with workbook observe).</p>")
    counts = requirement_counts(course, mine, learner)
    if counts:
        html.append("<p>What the units need observed by an assessor: "
                    + "; ".join(escape(str(c)) for c in counts) + ".</p>")
    html.append("<h3>Sign-off</h3><p>We confirm that the observations above are a true record "
                "of the learner's work.</p>")
    blank = "<td style='min-width: 12rem; height: 2.6rem'></td>"
    html.append("<table><tr><th>Role</th><th>Name</th><th>Signature</th><th>Date</th></tr>"
                + "".join(f"<tr><td>{role}</td>{blank * 3}</tr>"
                          for role in ("Assessor", "Learner")) + "</table>")
    return html


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
    marks = [{
        "Unit": u, "Title": course.assignment(u).title,
        "Points": f"{sum(s.score or 0 for s in mine if s.unit == u):g} of "
                  f"{course.assignment(u).total_points}",
        "Reflections waiting to be marked": sum(1 for s in mine if s.unit == u
                                                 and s.score is None)} for u in units]
    rows = []
    for criterion in course.criteria:
        state = evidence.states[learner][criterion]
        if state == NOT_YET:
            continue
        items = ", ".join([f"{s.item} ({s.status})" for s in evidence.items[learner][criterion]]
                          + [f"{o.kind} {o.date}"
                             for o in evidence.observed.get(learner, {}).get(criterion, ())])
        rows.append({"Criterion": criterion, "What it means": course.criteria[criterion].summary,
                     "State": state, "Evidence": items})
    title = escape(f"{name} ({learner})" if name else learner)
    html = [f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
            f"<title>Evidence pack: {title}</title><style>{STYLE}</style></head><body>",
            f"<h1>Evidence pack: {title}</h1>",
            f"<p>OCR Unit 7 estimate: <strong>{ocr_grade(evidence.states[learner])}</strong>. "
            f"Criteria met: {evidence.counts(learner)[MET]} of {len(course.criteria)}.</p>",
            "<h2>Marks</h2>", html_table(marks) if marks else "<p>No marks yet.</p>",
            *[f"<p>{escape(u)} is not graded yet ({escape(why)}): it is not counted here.</p>"
              for u, why in sorted((not_graded or {}).items())],
            "<h2>Criteria evidenced</h2>", html_table(rows) if rows else "<p>None yet.</p>",
            *observation_section(course, learner, observations)]
    if reflections:
        html.append("<h2>My reflections</h2>")
        for title, text in reflections.items():
            html.append(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>")
    html.append("</body></html>")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{learner}.html"
    path.write_text("\n".join(html), encoding="utf-8")
    return path
