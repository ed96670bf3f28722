"""nbgrader settings for the Challenging Customers Workbook.

The folder holding this file is the nbgrader course directory: source/, release/, submitted/,
autograded/ and feedback/ all live here. Tutors run nbgrader (or `workbook`) from this folder.
"""

import importlib.util
import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

ROOT = Path(__file__).resolve().parent

# ---------------------------------------------------------------- the course
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "challenging-customers"

# Where nbgrader's exchange lives (release, fetch, submit, collect). The default
# (/srv/nbgrader/exchange) is often not writable; JupyterHub set-ups point this at a shared folder.
c.Exchange.root = os.environ.get("WORKBOOK_EXCHANGE", str(ROOT / "exchange"))

# ---------------------------------------------------------------- generating the learner's copy
# Answer cells hold `answer_2_3 = ""` above the solution region, so the released cell keeps just
# that line under its instruction: no `raise NotImplementedError` ever reaches a learner.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here, in your own words. (Replace this line.)"
# Rubrics live in mark-scheme regions of read-only prompt cells (not nbgrader "task" cells).
c.ClearMarkScheme.enforce_metadata = False

# ---------------------------------------------------------------- autograding
# Knowledge checks run in well under a second; a cell still running after this is stuck.
c.Execute.timeout = 15
# nbgrader fails the whole notebook when a cell's last output and idle message reach it more
# than iopub_timeout seconds after the cell's reply (raise_on_iopub_timeout is on). nbgrader's
# 4 s is short on a busy 2-core laptop grading in parallel, or for a cell that printed a lot:
# honest notebooks failed that way here (docs/decisions.md, the intermittent NOT GRADED).
c.Execute.iopub_timeout = 20
# What nbclient gives a Python kernel when it starts one itself, set here so that the kernels
# `workbook autograde` starts ahead of need get the same (workbook/tutor/pool.py).
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
# Learner code runs in a bubblewrap sandbox when `bwrap` is installed: it sees the system, its
# Python environment, its working folder and a private home, nothing else (not this folder, not
# your home), and has no network. Without bwrap (e.g. a learner's own laptop) it runs as before
# and `workbook autograde` says so. See workbook/tutor/contain.py.
c.Execute.kernel_manager_class = "workbook.tutor.contain.ContainedKernelManager"
# Limits for each contained kernel: memory (bytes of data each of its processes may use; a
# bigger allocation gets a MemoryError) and processes plus threads (an ordinary kernel runs 12).
c.ContainedKernelManager.memory_limit = 1024 ** 3
c.ContainedKernelManager.process_limit = 64
# nbgrader's own steps, plus ours (workbook/tutor/marking.py): every knowledge check is
# marked a second time from the answer as written, outside the learner's kernel, so code that
# rewires the kernel cannot earn a mark; any cell's output is cut to 20,000 characters; and no
# cell can be tagged to be skipped.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "workbook.tutor.marking.ExecutionTags",
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "workbook.tutor.marking.CrossCheck",
    "workbook.tutor.marking.LimitOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.CrossCheck.course_root = str(ROOT)

# ---------------------------------------------------------------- feedback
# nbgrader restores hidden tests and mark schemes into the autograded copy (tutors see them in
# formgrader); strip both again before the learner's feedback is made.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "workbook.tutor.feedback.PlainFeedback",
]
# The learner's page is the workbook's own template, in plain words: each question's number and
# mark, the check's message, tutor comments; no "Test cell", cell ids or "In [3]:".
c.HTMLExporter.template_name = "workbook_feedback"
c.HTMLExporter.anchor_link_text = ""  # no pilcrow after each heading
c.HTMLExporter.extra_template_basedirs = [
    str(Path(importlib.util.find_spec("workbook").origin).parent / "assets" / "templates")]
c.PlainFeedback.course_root = str(ROOT)
# Course setting: True shows, under each question, the right answer and why (the explanation in
# course_data/assignments/). Off by default: a page passed round before everyone has handed in
# would give the answers away.
c.PlainFeedback.show_expected = False
