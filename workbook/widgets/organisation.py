"""Cards that show the employer's own rules, read from ``course_data/organisation.yaml``.

Lesson text says "your limit" or "your team leader"; these cards fill in the real details, so a
college that swaps in its own employer changes every lesson without touching a notebook. Each
section is a pure function returning HTML (tested without a browser) from the Jinja2 macros in
workbook/assets/templates/widgets/organisation.html.j2; :func:`organisation_view` wraps one in a
widget. :func:`law_changes_html` is the table of older laws and what replaced
them.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..content.records import CHANNEL_NAMES, LawCatalogue, Organisation
from ..content.templating import pounds
from ..render import macros
from .common import html_widget

CARDS = macros("widgets/organisation.html.j2")

ENDING_NAMES = {"telephone": "On the phone", "face-to-face": "Face to face",
                "written": "In writing (email, letter, social media, text, web chat)"}


def _about(org: Organisation) -> tuple[str, str]:
    channels = _sentence(", ".join(CHANNEL_NAMES[c] for c in org.channels))
    return f"About {org.short_name}", CARDS.about(org, channels)


def _service_offer(org: Organisation) -> tuple[str, str]:
    return (f"{org.short_name}'s service offer: what every customer can expect",
            CARDS.service_offer(org))


def _customer_service_policy(org: Organisation) -> tuple[str, str]:
    names = {c: _sentence(name) for c, name in CHANNEL_NAMES.items()}
    return (f"{org.short_name}'s customer service policy",
            CARDS.customer_service_policy(org.customer_service_policy, names))


def _standards(org: Organisation) -> tuple[str, str]:
    return "Standards of behaviour", CARDS.standards(org.standards_of_behaviour)


def _limits(org: Organisation) -> tuple[str, str]:
    roles = [org.role(r) for r in org.escalation_chain]
    return ("Limits of authority: what each role may agree on its own",
            CARDS.limits(roles, _article(roles[0].title), pounds))


def _escalation(org: Organisation) -> tuple[str, str]:
    return ("The chain of command: who to refer to, lowest first",
            CARDS.escalation([org.role(r) for r in org.escalation_chain]))


def _abusive_behaviour(org: Organisation) -> tuple[str, str]:
    return ("The abusive behaviour policy",
            CARDS.abusive_behaviour(org.abusive_behaviour_policy, ENDING_NAMES))


def _recording(org: Organisation) -> tuple[str, str]:
    return (f"Recording: what goes in {org.recording_procedure.system}",
            CARDS.recording(org.recording_procedure))


def _safety(org: Organisation) -> tuple[str, str]:
    return "Keeping safe at work", CARDS.safety(org.safety)


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
    return CARDS.card(organisation, title, body)


def organisation_view(organisation: Organisation, section: str) -> widgets.HTML:
    return html_widget(organisation_html(organisation, section))


def law_changes_html(catalogue: LawCatalogue) -> str:
    """Older laws a course book may name, what replaced each and when."""
    return CARDS.law_changes([(law, " and ".join(catalogue.law(i).name for i in law.replaced_by))
                              for law in catalogue.replaced])


def law_changes_view(catalogue: LawCatalogue) -> widgets.HTML:
    return html_widget(law_changes_html(catalogue))
