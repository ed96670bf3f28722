"""Taught terms: every key word a knowledge check or quiz question uses is taught in the lesson of
its unit or an earlier one, by the lesson's text or its key words box (course_data/glossary.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator

import nbformat
import pytest
import textstat

from tests.conftest import ROOT, copy_course
from workbook.content.glossary import GlossaryTerm, load_glossary, terms_for
from workbook.content.loader import ContentError
from workbook.widgets.glossary import key_words_html

# Found tested but never taught or explained (issue 18); each must be in the glossary.
FOUND_UNTAUGHT = {"data minimisation", "purpose limitation", "storage limitation", "RIDDOR",
                  "ADR", "power of attorney", "credit note"}


@pytest.fixture(scope="module")
def glossary(course) -> tuple[GlossaryTerm, ...]:
    return load_glossary(course.root, {u.id for u in course.units})


def lesson_markdown(course, unit: str) -> str:
    nb = nbformat.read(ROOT / course.unit(unit).lesson, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def has_key_words_box(course, unit: str) -> bool:
    nb = nbformat.read(ROOT / course.unit(unit).lesson, as_version=4)
    return any(c.cell_type == "code" and f'key_words("{unit}")' in c.source for c in nb.cells)


def taught_in_lesson(course, glossary, unit: str) -> set[str]:
    """The glossary terms a unit's lesson teaches: those its text uses, and those its key
    words box shows."""
    text = lesson_markdown(course, unit)
    taught = {t.term for t in glossary if t.used_in(text)}
    if has_key_words_box(course, unit):
        taught |= {t.term for t in terms_for(glossary, unit)}
    return taught


def question_texts(course) -> Iterator[tuple[int, str, str]]:
    """(unit number, where, everything a learner reads) for every check and bank question."""
    for unit_id, assignment in course.assignments.items():
        number = course.unit(unit_id).number
        for check in assignment.checks:
            text = "\n".join([check.question, *check.options.values(), *check.words,
                              check.explanation])
            yield number, f"check {check.id}", text
    for unit_id, bank in course.question_banks.items():
        number = course.unit(unit_id).number
        for q in bank.questions:
            parts = [q.question, *q.choices]
            parts += [f"{o.answer}\n{o.feedback}" for o in q.options]
            parts += [f"{p.situation}\n{p.answer}\n{p.feedback}" for p in q.pairs]
            yield number, q.id, "\n".join(parts)


def test_the_terms_found_untaught_are_in_the_glossary(glossary):
    assert FOUND_UNTAUGHT <= {t.term for t in glossary}


def test_every_glossary_term_is_taught_in_the_lesson_it_names(course, glossary):
    missing = [(t.term, t.taught_in) for t in glossary
               if t.term not in taught_in_lesson(course, glossary, t.taught_in)]
    assert missing == []


def test_every_question_uses_only_terms_taught_by_its_unit_or_earlier(course, glossary):
    taught_by = {u.number: taught_in_lesson(course, glossary, u.id) for u in course.units}
    problems = []
    for number, where, text in question_texts(course):
        known = set().union(*(taught_by[n] for n in taught_by if n <= number))
        problems += [f"{where} (unit {number}) uses {t.term!r}, first taught in {t.taught_in}"
                     for t in glossary if t.used_in(text) and t.term not in known]
    assert problems == []


def test_every_glossary_term_is_used_by_some_question(course, glossary):
    """A word no question depends on does not belong in the glossary."""
    texts = [text for _, _, text in question_texts(course)]
    assert [t.term for t in glossary if not any(t.used_in(x) for x in texts)] == []


def test_the_glossary_reads_at_60_or_above(glossary):
    meanings = " ".join(t.means for t in glossary)
    assert textstat.flesch_reading_ease(meanings) >= 60


def test_matching_is_whole_words_and_capitals_only_for_acronyms():
    adr = GlossaryTerm("ADR", "x", "unit6", ("alternative dispute resolution",))
    assert adr.used_in("the ADR body") and adr.used_in("Alternative  dispute\nresolution")
    assert not adr.used_in("the adr body") and not adr.used_in("LADDER") \
        and not adr.used_in("ADRs-x")
    follow = GlossaryTerm("follow-up", "x", "unit6", ("follow up",))
    assert follow.used_in("a Follow-up call") and follow.used_in("follow up later")
    assert not follow.used_in("following up")


def test_a_lesson_without_the_word_or_a_box_fails(course, glossary):
    """The check can fail: RIDDOR taught by unit 5's box only is not taught by unit 4."""
    riddor = next(t for t in glossary if t.term == "RIDDOR")
    assert "RIDDOR" not in taught_in_lesson(course, glossary, "unit4")
    assert riddor.taught_in == "unit5"


@pytest.mark.parametrize("edit, field, problem", [
    ("  - term: goodwill\n", "term", "this term is listed twice"),
    ("    taught_in: unit4\n", "taught_in", "unknown unit 'unit99'"),
])
def test_glossary_mistakes_are_named_by_file_item_and_field(tmp_path, course, edit, field,
                                                             problem):
    root = copy_course(tmp_path)
    path = root / "course_data" / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    if field == "term":
        text = text.replace("  - term: credit note\n", edit, 1)
    else:
        text = text.replace(edit, "    taught_in: unit99\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_glossary(root, {u.id for u in course.units})
    assert caught.value.file == "course_data/glossary.yaml"
    assert caught.value.field == field and problem in caught.value.problem
    assert caught.value.item.startswith("number ")


def test_the_key_words_box_lists_each_word_and_escapes_it():
    html = key_words_html([GlossaryTerm("A <b>", "means & more", "unit1")])
    assert "<dt><strong>A &lt;b&gt;</strong></dt><dd>means &amp; more</dd>" in html
    with pytest.raises(ValueError, match="glossary.yaml"):
        key_words_html([])
