"""The course's key words (``course_data/glossary.yaml``): what each means and where it is taught.

Kept apart from :class:`~workbook.content.records.Course` on purpose: only the key words box in a
lesson and the taught-terms test read it, so loading the course does not depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .loader import ContentError, CourseFiles, course_files

GLOSSARY_FILE = "glossary.yaml"


@dataclass(frozen=True)
class GlossaryTerm:
    """A word a question depends on, explained in plain words."""

    term: str
    means: str
    taught_in: str
    """The unit whose lesson teaches it."""
    forms: tuple[str, ...] = ()
    """Other ways it is written (plurals, other spellings)."""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Matches the term or a form as whole words. Capitals-only terms (``ADR``) match only
        in capitals, so the letters inside another word or sentence do not count."""
        parts = []
        for spelling in (self.term, *self.forms):
            word = re.escape(spelling).replace(r"\ ", r"\s+")
            parts.append(word if spelling.isupper() else f"(?i:{word})")
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")

    def used_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def load_glossary(root: Path, unit_ids: set[str] | None = None,
                  files: CourseFiles | None = None) -> tuple[GlossaryTerm, ...]:
    """Read and check the glossary; ``unit_ids`` (when given) are the units it may name.
    ``files``: where course_data/ is read from (default: the YAML, or in the browser edition
    the data checked when the site was built)."""
    data, label = (files or course_files(root)).load(GLOSSARY_FILE, "glossary")
    terms, seen = [], set()
    for number, entry in enumerate(data["terms"], start=1):
        item = f"number {number} in terms ({entry['term']!r})"
        if entry["term"].lower() in seen:
            raise ContentError(label, "this term is listed twice", item, "term")
        seen.add(entry["term"].lower())
        if unit_ids is not None and entry["taught_in"] not in unit_ids:
            raise ContentError(label, f"unknown unit {entry['taught_in']!r} (not in "
                               "course_data/units.yaml)", item, "taught_in")
        terms.append(GlossaryTerm(entry["term"], entry["means"], entry["taught_in"],
                                  tuple(entry.get("forms", ()))))
    return tuple(terms)


def terms_for(glossary: tuple[GlossaryTerm, ...], unit: str) -> tuple[GlossaryTerm, ...]:
    """The key words a unit's lesson teaches, in glossary order."""
    return tuple(t for t in glossary if t.taught_in == unit)
