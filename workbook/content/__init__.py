"""Course content: load and validate course_data/ into typed, frozen records.

No IPython import here: tutor tools and tests use this without a notebook.
"""

from .loader import ContentError, find_course_root, load_course
from .records import CATEGORIES, CHANNELS, Course

__all__ = ["CATEGORIES", "CHANNELS", "ContentError", "Course", "find_course_root", "load_course"]
