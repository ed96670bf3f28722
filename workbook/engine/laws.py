""""Which law applies?": each situation becomes a question whose options are today's laws.

Only current laws that answer at least one situation are offered, so no activity can present
a replaced act as a right answer, and laws the course names for other reasons (such as
sentencing) do not crowd the list. A wrong law's feedback says, in two or three short
sentences, what that law is about and which law this situation needs instead.
"""

from __future__ import annotations

from ..content.records import Law, LawCatalogue, LawSituation, Option, Question, QuestionBank, Topic

TOPIC = Topic("which-law", "Which law applies?")
ASK = "Which law applies to this situation?"


def answer_laws(catalogue: LawCatalogue) -> tuple[Law, ...]:
    """The current laws that are the answer to at least one situation, in catalogue order."""
    used = {s.law for s in catalogue.situations}
    return tuple(law for law in catalogue.current if law.id in used)


def what_it_is_about(law: Law) -> str:
    """The first sentence of what a law covers, said as "It ...": "It bans unfair trading."."""
    first = " ".join(law.covers.split()).split(". ")[0].rstrip(".")
    return f"It {first[0].lower()}{first[1:]}."


def why_not(law: Law, situation: LawSituation, catalogue: LawCatalogue) -> str:
    """Why ``law`` does not fit this situation: what it is about, then the law that does (the
    right answer's own feedback says why that one fits, so it is not repeated here)."""
    right = catalogue.law(situation.law)
    return (f"Not this one. {law.name} is about something else. {what_it_is_about(law)} "
            f"This situation needs {right.name}.")


def law_question(situation: LawSituation, catalogue: LawCatalogue) -> Question:
    options = tuple(
        Option(law.name, law.id == situation.law,
               f"Yes. {situation.why}" if law.id == situation.law else
               why_not(law, situation, catalogue))
        for law in answer_laws(catalogue))
    return Question(id=situation.id, type="single", topic=TOPIC.id, difficulty=2,
                    criteria=situation.criteria, question=f"{situation.situation}\n\n{ASK}",
                    options=options)


def law_bank(catalogue: LawCatalogue, unit: str) -> QuestionBank:
    """Every situation as a question, ready for the quiz engine."""
    return QuestionBank(unit, TOPIC.title, (TOPIC,),
                        tuple(law_question(s, catalogue) for s in catalogue.situations))
