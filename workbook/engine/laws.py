""""Which law applies?": each situation becomes a question whose options are today's laws.

Only current laws are offered, so no activity can present a replaced act as a right answer.
Every option's feedback says what that law covers, so a wrong pick is explained.
"""

from __future__ import annotations

from ..content.records import LawCatalogue, LawSituation, Option, Question, QuestionBank, Topic

TOPIC = Topic("which-law", "Which law applies?")
ASK = "Which law applies to this situation?"


def law_question(situation: LawSituation, catalogue: LawCatalogue) -> Question:
    options = tuple(
        Option(law.name, law.id == situation.law,
               f"Yes. {situation.why}" if law.id == situation.law else
               f"Not this one. {law.covers}")
        for law in catalogue.current)
    return Question(id=situation.id, type="single", topic=TOPIC.id, difficulty=2,
                    criteria=situation.criteria, question=f"{situation.situation}\n\n{ASK}",
                    options=options)


def law_bank(catalogue: LawCatalogue, unit: str) -> QuestionBank:
    """Every situation as a question, ready for the quiz engine."""
    return QuestionBank(unit, TOPIC.title, (TOPIC,),
                        tuple(law_question(s, catalogue) for s in catalogue.situations))
