"""Challenging Customers Workbook.

Lesson cells call the few names below, e.g. ``sort_activity("unit2")``. They are loaded on first
use so that ``import workbook`` stays fast and knowledge-check notebooks import nothing heavy.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

__version__ = "0.1.0"

if sys.platform == "emscripten":  # the browser edition's kernel: see workbook/lite/kernel.py
    from .lite.kernel import keep_nulls, search_drive_last

    keep_nulls()
    search_drive_last()

_LESSON_NAMES = ("sort_activity", "worked_examples", "quiz_activity", "authority_activity",
                 "law_activity", "reply_activity", "law_changes", "organisation_policy",
                 "scenario_player", "scenario_analysis", "development_planner",
                 "lesson_reflection", "course_map", "where_is_my_work", "key_words")
_CHECK_NAMES = {"mark_my_work": ".mark_button"}
"""Names knowledge-check cells call, and the module each lives in."""
__all__ = [*_LESSON_NAMES, *_CHECK_NAMES]


def __getattr__(name: str) -> Any:
    if name in _LESSON_NAMES:
        return getattr(import_module(".lessons", __name__), name)
    if name in _CHECK_NAMES:
        return getattr(import_module(_CHECK_NAMES[name], __name__), name)
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
