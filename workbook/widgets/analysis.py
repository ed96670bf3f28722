"""Guided forms: the structured scenario analysis with its options balance, and the
development schedule builder. Thin views over :mod:`workbook.engine.analysis` and
:mod:`workbook.engine.development`; every control is labelled and reached with Tab.

Python twins: :class:`AnalysisForm` ``set_list``, ``add_option``, ``remove_option``,
``recommend``, ``set_follow_up``, ``check``; :class:`DevelopmentPlanner` ``add_goal``,
``remove_goal``, ``check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, replace
from html import escape
from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Unicode

from ..charts import bar_chart, timeline_chart
from ..content.records import CHANNEL_NAMES, Organisation, Scenario
from ..engine import analysis as engine
from ..engine import development as plans
from ..engine.analysis import ACTIONS, FACTORS, Analysis, Finding, FollowUp, OptionPlan
from ..engine.figures import Table
from ..progress import ProgressStore
from ..render import macros, render
from .common import PIECES, Activity, Chart, live_status, styled

LISTS = {"causes": "What caused the problem? (one per line)",
         "indicators": "Signs you noticed in words, tone, body language or writing (one per line)",
         "information": "What you need to find out, and how (one per line)",
         "needs": "What the customer needs (one per line)"}
WIDE = widgets.Layout(width="95%")
STYLE = {"description_width": "initial"}


def findings_html(findings: tuple[Finding, ...], done: str) -> str:
    return PIECES.findings(findings, done)


def table_html(table: Table) -> str:
    return render("widgets/table.html.j2", table=table)


def form_controls(form: Any, thing: str, add_tooltip: str, remove: Callable[[Any], None],
                  check: tuple[str, str]
                  ) -> tuple[widgets.Button, widgets.Dropdown, widgets.Button, widgets.Button]:
    """The controls the options balance and the development planner share: the "Add this
    <thing>" button, the list of things to remove with its "Remove it" button, and the check
    button (``check`` is its label and tooltip). Add calls the form's ``_add_from_controls``,
    Check its ``check``; Remove with nothing to remove says so through its ``_say``."""
    add = widgets.Button(description=f"Add this {thing}", icon="plus", tooltip=add_tooltip)
    add.on_click(lambda _: form._add_from_controls())
    choice = widgets.Dropdown(description=f"{thing.capitalize()} to remove:", style=STYLE,
                              options=[])
    button = widgets.Button(description="Remove it", icon="trash",
                            tooltip=f"Remove the chosen {thing}")
    button.on_click(lambda _: remove(choice.value) if choice.value
                    else form._say(f"There is no {thing} to remove yet."))
    checker = widgets.Button(description=check[0], icon="check", button_style="primary",
                             tooltip=check[1])
    checker.on_click(lambda _: form.check())
    for each in (add, button, checker):
        each.layout = widgets.Layout(width="auto")
    return add, choice, button, checker


class AnalysisForm(Activity, widgets.VBox):
    """Analyse a scenario step by step and weigh up the options for both sides."""

    complete = Bool(False, help="True when the last check found nothing missing.")
    message = Unicode("", help="What the learner was last told.")
    kind = "analysis"

    def __init__(self, scenario: Scenario, organisation: Organisation,
                 store: ProgressStore | None = None, today: dt.date | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.organisation = organisation
        self.store = store
        self.today = today
        self.activity = f"analysis-{scenario.id}"
        self.analysis = Analysis(scenario.id)
        self.findings: tuple[Finding, ...] = ()
        self.chart_svg = ""
        self._quiet = False
        self.add_class("wb-analysis")
        chain = [organisation.role(r) for r in organisation.escalation_chain]

        self.lists = {part: widgets.Textarea(description=label, layout=WIDE, style=STYLE,
                                             rows=3, continuous_update=False)
                      for part, label in LISTS.items()}
        for part, box in self.lists.items():
            box.observe(self._on_list(part), names="value")
        self.option_name = widgets.Text(description="Option name:", style=STYLE,
                                        placeholder="e.g. Replace it this week")
        self.option_action = widgets.Dropdown(description="Kind of action:", style=STYLE,
                                              options=[(v, k) for k, v in ACTIONS.items()])
        self.option_cost = widgets.BoundedIntText(description="Cost to the organisation (£):",
                                                  min=0, max=1_000_000, style=STYLE)
        self.option_refer = widgets.Dropdown(
            description="Who agrees it:", style=STYLE,
            options=[(f"Me ({chain[0].title})", None),
                     *[(role.title, n) for n, role in enumerate(chain[1:], start=2)]])
        self.option_scores = {key: widgets.Dropdown(
            description=f"{label}:", options=[("–", None), *[(str(n), n) for n in range(1, 6)]],
            style=STYLE) for key, label in FACTORS.items()}
        self.add_button, self.remove_choice, self.remove_button, self.check_button = \
            form_controls(self, "option", "Add the option above to your comparison",
                          self.remove_option, ("Check my analysis",
                                               "See what is missing and the options balance"))
        self.recommend_choice = widgets.Dropdown(description="I recommend:", style=STYLE,
                                                 options=[])
        self.justification = widgets.Textarea(
            description="Why it is fair to both the customer and the organisation:",
            layout=WIDE, style=STYLE, rows=4, continuous_update=False)
        self.recommend_choice.observe(self._on_recommend, names="value")
        self.justification.observe(self._on_recommend, names="value")
        self.follow_what = widgets.Text(description="Follow-up: what you will check:",
                                        layout=WIDE, style=STYLE, continuous_update=False)
        self.follow_who = widgets.Text(description="Who will do it:", style=STYLE,
                                       continuous_update=False)
        self.follow_when = widgets.DatePicker(description="When:", style=STYLE)
        self.follow_how = widgets.Text(description="How you will contact the customer:",
                                       layout=WIDE, style=STYLE, continuous_update=False)
        for control in (self.follow_what, self.follow_who, self.follow_when, self.follow_how):
            control.observe(self._on_follow_up, names="value")
        self._table = widgets.HTML()
        self._findings = widgets.HTML()
        self._status = live_status()
        self.chart = Chart()

        heading = macros("widgets/analysis.html.j2").heading(scenario,
                                                             CHANNEL_NAMES[scenario.channel])
        # A one-element label: an f-string says it more plainly than a template would.
        section = lambda text: widgets.HTML(value=styled(f"<h4>{escape(text)}</h4>"))  # noqa: E731
        self.children = (
            widgets.HTML(value=styled(heading)),
            section("1. Causes, signs, information and needs"), *self.lists.values(),
            section("2. Possible options, scored from 1 (poor) to 5 (good) for each side"),
            self.option_name, self.option_action, self.option_cost, self.option_refer,
            *self.option_scores.values(), self.add_button, self._table,
            widgets.HBox([self.remove_choice, self.remove_button]),
            section("3. Your recommendation"), self.recommend_choice, self.justification,
            section("4. Follow-up"), self.follow_what, self.follow_who, self.follow_when,
            self.follow_how, self.check_button, self._status, self._findings, self.chart)
        self._restore(self._load_progress())
        self._refresh_options()
        self._say("Fill in each part, then press “Check my analysis”. Your work saves as you go.")
        self._say_notes()

    # ------------------------------------------------------------------ Python twins of events

    def set_list(self, part: str, items: list[str] | str) -> None:
        """Fill one of causes, indicators, information or needs (the twin of typing)."""
        if part not in self.lists:
            raise ValueError(f"part must be one of {', '.join(self.lists)} (got {part!r})")
        self.lists[part].value = items if isinstance(items, str) else "\n".join(items)

    def add_option(self, name: str, action: str, cost: int = 0, refer_to: int | None = None,
                   scores: dict[str, int] | None = None) -> None:
        """Add an option (the twin of filling the option controls and pressing Add)."""
        self.analysis = engine.add_option(
            self.analysis, OptionPlan(name.strip(), action, cost, refer_to, dict(scores or {})))
        self._refresh_options()
        self._save()
        self._say(f"Added “{name.strip()}”. Add another, or score and compare them below.")

    def remove_option(self, name: str) -> None:
        self.analysis.option(name)  # KeyError naming the options if there is no such one
        kept = tuple(o for o in self.analysis.options if o.name != name)
        recommended = "" if self.analysis.recommended == name else self.analysis.recommended
        self.analysis = replace(self.analysis, options=kept, recommended=recommended)
        self._refresh_options()
        self._save()
        self._say(f"Removed “{name}”.")

    def recommend(self, name: str, justification: str) -> None:
        """Choose the recommended option and say why (the twin of the two controls)."""
        self.analysis.option(name)
        self.recommend_choice.value = name
        self.justification.value = justification

    def set_follow_up(self, what: str, who: str, when: dt.date | str, how: str) -> None:
        self.follow_what.value, self.follow_who.value = what, who
        self.follow_when.value = plans.parse_date(when)
        self.follow_how.value = how

    def check(self) -> tuple[Finding, ...]:
        """Check completeness and consistency, and show the table and chart."""
        self.findings = engine.check_analysis(self.analysis, self.organisation, self.today)
        self.complete = not self.findings
        self._findings.value = styled(findings_html(
            self.findings, "Your analysis has every part, and your recommendation fits your "
            "authority and your own scores."))
        if self.analysis.options:
            data = engine.options_chart(self.analysis)
            self.chart_svg = bar_chart(data.title, data.groups, data.series, data.y_label,
                                       data.y_max)
            self.chart.show(self.chart_svg, "Bar chart of each option's scores for the customer "
                            "and for the organisation; the table above gives the same scores.")
        self._say("Checked. " + ("Well done: nothing is missing." if self.complete else
                                  f"{still_to_do(len(self.findings))}, listed below."))
        self._save()
        return self.findings

    # ------------------------------------------------------------------ view and saving

    def _add_from_controls(self) -> None:
        scores = {k: c.value for k, c in self.option_scores.items() if c.value is not None}
        try:
            self.add_option(self.option_name.value, self.option_action.value,
                            self.option_cost.value, self.option_refer.value, scores)
        except ValueError as error:
            self._say(f"That option was not added: {error}.")
            return
        self.option_name.value = ""
        for control in self.option_scores.values():
            control.value = None

    def _on_list(self, part: str):
        def handler(change: dict[str, Any]) -> None:
            items = tuple(line.strip() for line in change["new"].splitlines() if line.strip())
            self.analysis = replace(self.analysis, **{part: items})
            if not self._quiet:
                self._save()
        return handler

    def _on_recommend(self, _change: dict[str, Any]) -> None:
        self.analysis = replace(self.analysis, recommended=self.recommend_choice.value or "",
                                justification=self.justification.value)
        if not self._quiet:
            self._save()

    def _on_follow_up(self, _change: dict[str, Any]) -> None:
        self.analysis = replace(self.analysis, follow_up=FollowUp(
            self.follow_what.value, self.follow_who.value, self.follow_when.value,
            self.follow_how.value))
        if not self._quiet:
            self._save()

    def _refresh_options(self) -> None:
        names = [o.name for o in self.analysis.options]
        self._quiet = True
        try:  # each list's new options and choice reach the page as one message
            with self.remove_choice.hold_sync():
                self.remove_choice.options = names
                if names and self.remove_choice.value not in names:
                    self.remove_choice.value = names[0]  # "Remove it" always has one chosen
            with self.recommend_choice.hold_sync():
                self.recommend_choice.options = [("Choose…", ""), *[(n, n) for n in names]]
                self.recommend_choice.value = (self.analysis.recommended
                                               if self.analysis.recommended in names else "")
        finally:
            self._quiet = False
        self._table.value = styled(table_html(engine.options_table(self.analysis))) \
            if names else ""

    def _save(self) -> None:
        data = asdict(self.analysis)
        when = self.analysis.follow_up.when
        data["follow_up"]["when"] = when.isoformat() if when else None
        self._save_progress({"analysis": data})

    def _restore(self, saved: dict[str, Any]) -> None:
        """Put back a saved form (checked against its schema on loading); an option the
        engine no longer accepts, or a date that is not a date, is left out."""
        if not saved:
            return
        data = saved["analysis"]
        self._quiet = True
        try:
            for part, box in self.lists.items():
                box.value = "\n".join(data[part])
            for option in data["options"]:
                try:
                    scores = {k: v for k, v in option.get("scores", {}).items() if k in FACTORS}
                    self.analysis = engine.add_option(self.analysis, OptionPlan(
                        option["name"], option["action"], option.get("cost", 0),
                        option.get("refer_to"), scores))
                except ValueError:
                    continue
            follow = data["follow_up"]
            self.follow_what.value = follow.get("what", "")
            self.follow_who.value = follow.get("who", "")
            self.follow_how.value = follow.get("how", "")
            try:
                self.follow_when.value = (plans.parse_date(follow["when"])
                                          if follow.get("when") else None)
            except ValueError:
                self.follow_when.value = None
            self.justification.value = data["justification"]
        finally:
            self._quiet = False
        self._refresh_options()
        recommended = data["recommended"]
        if recommended in [o.name for o in self.analysis.options]:
            self._quiet = True
            self.recommend_choice.value = recommended
            self._quiet = False
        self.analysis = replace(
            self.analysis, recommended=self.recommend_choice.value or "",
            justification=self.justification.value,
            follow_up=FollowUp(self.follow_what.value, self.follow_who.value,
                               self.follow_when.value, self.follow_how.value),
            **{part: tuple(line.strip() for line in box.value.splitlines() if line.strip())
               for part, box in self.lists.items()})


def still_to_do(count: int) -> str:
    return f"{count} thing{'' if count == 1 else 's'} still to do"


class DevelopmentPlanner(Activity, widgets.VBox):
    """Build a dated development schedule, shown as a table and a timeline."""

    complete = Bool(False, help="True when the last check found nothing missing.")
    message = Unicode("", help="What the learner was last told.")
    kind = "development"

    def __init__(self, store: ProgressStore | None = None, today: dt.date | None = None,
                 activity: str = "development-plan", **kwargs: Any):
        super().__init__(**kwargs)
        self.store = store
        self.today = today
        self.activity = activity
        self.plan = plans.Plan()
        self.findings: tuple[Finding, ...] = ()
        self.chart_svg = ""
        self.add_class("wb-planner")
        # Boxes a button reads send their text when the learner leaves them
        # (continuous_update=False). Sent per keystroke, ipywidgets holds back a box's later
        # keystrokes until the kernel answers the earlier ones, but sends a click at once, so
        # a quick Tab and Enter could add a goal without its last letters. The box's message
        # is sent before the click; workbook.lab.SETTING_DEFAULTS keeps both on the kernel's
        # main shell, so the kernel also handles them in that order.
        self.area = widgets.Text(description="What I want to get better at:", layout=WIDE,
                                 style=STYLE, continuous_update=False)
        self.action = widgets.Text(description="How I will do it:", layout=WIDE, style=STYLE,
                                   continuous_update=False)
        self.support = widgets.Text(description="Who or what will help:", layout=WIDE,
                                    style=STYLE, continuous_update=False)
        self.start = widgets.DatePicker(description="Start:", style=STYLE)
        self.end = widgets.DatePicker(description="Finish by:", style=STYLE)
        self.evidence = widgets.Text(description="How I will know I have improved:",
                                     layout=WIDE, style=STYLE, continuous_update=False)
        self.add_button, self.remove_choice, self.remove_button, self.check_button = \
            form_controls(self, "goal", "Add the goal above to your schedule", self.remove_goal,
                          ("Check my plan", "See what is missing from your plan"))
        self._table = widgets.HTML()
        self._status = live_status()
        self._findings = widgets.HTML()
        self.chart = Chart()
        self.children = (self.area, self.action, self.support, self.start, self.end,
                         self.evidence, self.add_button, self._table,
                         widgets.HBox([self.remove_choice, self.remove_button]),
                         self.check_button, self._status, self._findings, self.chart)
        self._restore(self._load_progress())
        self._refresh()
        self._say("Add at least 3 goals, each with dates, then press “Check my plan”.")
        self._say_notes()

    def add_goal(self, area: str, action: str, support: str, start: dt.date | str,
                 end: dt.date | str, evidence: str) -> None:
        """Add a goal (the twin of filling the goal controls and pressing Add)."""
        goal = plans.Goal(area.strip(), action.strip(), support.strip(), plans.parse_date(start),
                          plans.parse_date(end), evidence.strip())
        self.plan = plans.add_goal(self.plan, goal)
        self._refresh()
        self._save()
        self._say(f"Added “{goal.area}”.")

    def remove_goal(self, number: int) -> None:
        self.plan = plans.remove_goal(self.plan, number)
        self._refresh()
        self._save()
        self._say(f"Removed goal {number}.")

    def check(self) -> tuple[Finding, ...]:
        self.findings = plans.check_plan(self.plan, self.today)
        self.complete = not self.findings
        self._findings.value = styled(findings_html(
            self.findings, "Your plan has enough dated goals, each with a way to know you "
            "have improved."))
        self._say("Checked. " + ("Well done: your plan is ready." if self.complete else
                                  f"{still_to_do(len(self.findings))}, listed below."))
        return self.findings

    def _add_from_controls(self) -> None:
        if self.start.value is None or self.end.value is None:
            self._say("That goal was not added: choose a start date and a finish date.")
            return
        try:
            self.add_goal(self.area.value, self.action.value, self.support.value,
                          self.start.value, self.end.value, self.evidence.value)
        except ValueError as error:
            self._say(f"That goal was not added: {error}.")
            return
        for control in (self.area, self.action, self.evidence):
            control.value = ""

    def _refresh(self) -> None:
        goals = self.plan.goals
        with self.remove_choice.hold_sync():  # new options and choice in one message
            self.remove_choice.options = [(f"{n}. {g.area}", n)
                                          for n, g in enumerate(goals, 1)]
            if goals and self.remove_choice.value is None:
                self.remove_choice.value = 1  # "Remove it" always has one chosen
        self._table.value = styled(table_html(plans.plan_table(self.plan))) if goals else ""
        if goals:
            data = plans.timeline_chart(self.plan)
            self.chart_svg = timeline_chart(data.title, data.rows)
            self.chart.show(self.chart_svg, "Timeline of your goals, each from its start date "
                            "to its finish date; the table above gives the same dates.")

    def _save(self) -> None:
        goals = [{**asdict(g), "start": g.start.isoformat(), "end": g.end.isoformat()}
                 for g in self.plan.goals]
        self._save_progress({"goals": goals})

    def _restore(self, saved: dict[str, Any]) -> None:
        """Put back saved goals (checked against their schema on loading); a goal the engine
        no longer accepts (e.g. a date that is not a date) is left out."""
        for goal in saved.get("goals", []):
            try:
                self.plan = plans.add_goal(self.plan, plans.Goal(
                    goal["area"], goal["action"], goal["support"],
                    plans.parse_date(goal["start"]), plans.parse_date(goal["end"]),
                    goal["evidence"]))
            except ValueError:
                continue
