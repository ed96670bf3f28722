"""Cards that show the employer's own rules, read from ``course_data/organisation.yaml``.

Lesson text says "your limit" or "your team leader"; these cards fill in the real details, so a
college that swaps in its own employer changes every lesson without touching a notebook. Each
section is a pure function returning HTML (tested without a browser); :func:`organisation_view`
wraps one in a widget. :func:`law_changes_html` is the table of older laws and what replaced
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

import ipywidgets as widgets

from ..content.records import CHANNEL_NAMES, LawCatalogue, Organisation
from ..content.templating import pounds
from .common import html_widget

ENDING_NAMES = {"telephone": "On the phone", "face-to-face": "Face to face",
                "written": "In writing (email, letter, social media, text, web chat)"}


def _list(items: Iterable[str], tag: str = "ul") -> str:
    return f"<{tag} class='wb-plain'>" + "".join(f"<li>{escape(i)}</li>" for i in items) + \
        f"</{tag}>"


def _card(organisation: Organisation, title: str, body: str) -> str:
    return (f"<div class='wb-line'><p class='wb-meta'>Where you work in this course: "
            f"{escape(organisation.name)}</p><h3>{escape(title)}</h3>{body}</div>")


def _about(org: Organisation) -> tuple[str, str]:
    channels = ", ".join(CHANNEL_NAMES[c] for c in org.channels)
    channels = _sentence(channels)
    return (f"About {org.short_name}",
            f"<p>{escape(org.description)}</p><p><strong>Customers contact us by:</strong> "
            f"{escape(channels)}.</p>")


def _service_offer(org: Organisation) -> tuple[str, str]:
    rows = "".join(f"<tr><th scope='row'>{escape(item.title)}</th><td>{escape(item.detail)}"
                   f"</td></tr>" for item in org.service_offer)
    return (f"{org.short_name}'s service offer: what every customer can expect",
            f"<table class='wb-table'><caption class='wb-note'>The service offer</caption>"
            f"<thead><tr><th scope='col'>What we offer</th><th scope='col'>What it means"
            f"</th></tr></thead><tbody>{rows}</tbody></table>")


def _customer_service_policy(org: Organisation) -> tuple[str, str]:
    policy = org.customer_service_policy
    rows = "".join(f"<tr><th scope='row'>{escape(_sentence(CHANNEL_NAMES[c]))}</th>"
                   f"<td>{escape(t)}</td></tr>" for c, t in policy.response_times.items())
    return (f"{org.short_name}'s customer service policy",
            f"<p><strong>Our promise:</strong> {escape(policy.promise)}</p>"
            f"<table class='wb-table'><caption class='wb-note'>How fast we answer</caption>"
            f"<thead><tr><th scope='col'>Channel</th><th scope='col'>Our standard</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
            f"<p><strong>Returns and refunds:</strong> {escape(policy.returns)}</p>"
            f"<p><strong>Complaints:</strong> {escape(policy.complaints)}</p>")


def _standards(org: Organisation) -> tuple[str, str]:
    standards = org.standards_of_behaviour
    return ("Standards of behaviour",
            f"<p><strong>What we expect of staff (you):</strong></p>{_list(standards.staff)}"
            f"<p><strong>What we ask of customers:</strong></p>{_list(standards.customers)}")


def _limits(org: Organisation) -> tuple[str, str]:
    rows = []
    for role_id in org.escalation_chain:
        role = org.role(role_id)
        rows.append(
            f"<tr><th scope='row'>{escape(role.title)}</th>"
            f"<td>{pounds(role.limits.refund)}</td><td>{pounds(role.limits.goodwill)}</td>"
            f"<td>{pounds(role.limits.replacement)}</td><td>{_list(role.can_also)}</td></tr>")
    first = org.role(org.escalation_chain[0])
    notes = "".join(f"<p>{escape(org.role(r).notes)}</p>" for r in org.escalation_chain
                    if org.role(r).notes)
    return ("Limits of authority: what each role may agree on its own",
            f"<p>You work as {escape(_article(first.title))} {escape(first.title)}: the first "
            f"row is yours.</p>"
            f"<table class='wb-table'><caption class='wb-note'>Limits in whole pounds"
            f"</caption><thead><tr><th scope='col'>Role</th><th scope='col'>Refund</th>"
            f"<th scope='col'>Goodwill (per complaint)</th><th scope='col'>Replacement</th>"
            f"<th scope='col'>Can also</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p><strong>How the limits work</strong></p>{notes}")


def _escalation(org: Organisation) -> tuple[str, str]:
    steps = [f"{org.role(r).title}: {org.role(r).description}" for r in org.escalation_chain]
    return ("The chain of command: who to refer to, lowest first",
            _list(steps, "ol") + "<p>Refer one step up at a time, unless someone is in "
            "danger.</p>")


def _abusive_behaviour(org: Organisation) -> tuple[str, str]:
    policy = org.abusive_behaviour_policy
    steps = [f"{s.step}. {s.detail}" for s in policy.steps]
    ending = "".join(f"<li><strong>{escape(ENDING_NAMES.get(c, c))}:</strong> {escape(t)}</li>"
                     for c, t in policy.ending_contact.items())
    return ("The abusive behaviour policy",
            f"<p>{escape(policy.summary)}</p><p><strong>Not accepted on any channel:</strong>"
            f"</p>{_list(policy.not_tolerated)}<p><strong>The steps, in order:</strong></p>"
            f"{_list(steps, 'ol')}<p><strong>Ending the contact:</strong></p>"
            f"<ul class='wb-plain'>{ending}</ul><p><strong>Support for you afterwards:"
            f"</strong> {escape(policy.support_for_staff)}</p>")


def _recording(org: Organisation) -> tuple[str, str]:
    rec = org.recording_procedure
    return (f"Recording: what goes in {rec.system}",
            f"<p><strong>When:</strong> {escape(rec.when)}</p><p><strong>What to record:"
            f"</strong></p>{_list(rec.record)}<p><strong>Incidents:</strong> "
            f"{escape(rec.incidents)}</p><p><strong>Data protection:</strong> "
            f"{escape(rec.data_protection)}</p><p><strong>When a customer may come back or go "
            f"higher:</strong> {escape(rec.reopen_or_escalate)}</p>")


def _safety(org: Organisation) -> tuple[str, str]:
    safety = org.safety
    return ("Keeping safe at work",
            f"{_list(safety.rules)}<p><strong>The codeword for help:</strong> "
            f"{escape(safety.codeword)}</p><p><strong>In an emergency:</strong> "
            f"{escape(safety.emergency)}</p>")


def _sentence(text: str) -> str:
    """Capital first letter, the rest untouched ("text message (SMS)" keeps its SMS)."""
    return text[:1].upper() + text[1:]


def _article(title: str) -> str:
    return "an" if title[:1].lower() in "aeiou" else "a"


SECTIONS: dict[str, Callable[[Organisation], tuple[str, str]]] = {
    "about": _about, "service-offer": _service_offer,
    "customer-service-policy": _customer_service_policy, "standards": _standards,
    "limits": _limits, "escalation": _escalation, "abusive-behaviour": _abusive_behaviour,
    "recording": _recording, "safety": _safety,
}


def organisation_html(organisation: Organisation, section: str) -> str:
    """One section of the employer's rules as an HTML card."""
    if section not in SECTIONS:
        raise ValueError(f"there is no organisation section {section!r}; choose one of "
                         f"{', '.join(SECTIONS)}")
    title, body = SECTIONS[section](organisation)
    return _card(organisation, title, body)


def organisation_view(organisation: Organisation, section: str) -> widgets.HTML:
    return html_widget(organisation_html(organisation, section))


def law_changes_html(catalogue: LawCatalogue) -> str:
    """Older laws a course book may name, what replaced each and when."""
    rows = []
    for law in catalogue.replaced:
        now = " and ".join(catalogue.law(i).name for i in law.replaced_by)
        rows.append(f"<tr><th scope='row'>{escape(law.name)}</th><td>{escape(now)}</td>"
                    f"<td>{escape(law.replaced_on)}</td><td>{escape(law.covers)}</td></tr>")
    return ("<div class='wb-line'><h3>If your course book names an older law</h3>"
            "<table class='wb-table'><caption class='wb-note'>Older laws and what replaced "
            "them</caption><thead><tr><th scope='col'>Older law (no longer current for "
            "this)</th><th scope='col'>Replaced by (today's law)</th><th scope='col'>When"
            "</th><th scope='col'>What changed</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def law_changes_view(catalogue: LawCatalogue) -> widgets.HTML:
    return html_widget(law_changes_html(catalogue))
