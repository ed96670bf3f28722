"""The hub's submit (workbook.exchange.PrivateSubmit) is nbgrader's, with the folder closed.

tests/test_jupyterhub.py proves with real accounts that another learner cannot open it and the
tutor can still collect it."""

from __future__ import annotations

import shutil
import stat

import pytest

from tests.conftest import copy_course, nbgrader
from workbook.exchange import FOLDER_MODE

pytestmark = pytest.mark.slow


def test_a_submission_folder_is_closed_to_other_accounts_and_collected_as_usual(tmp_path):
    course = copy_course(tmp_path / "course")
    exchange, cache, home = tmp_path / "exchange", tmp_path / "cache", tmp_path / "learner"
    places = [f"--Exchange.root={exchange}", f"--Exchange.cache={cache}"]
    nbgrader(course, "generate_assignment", "unit1", "--force")
    nbgrader(course, "release_assignment", "unit1", *places)
    shutil.copytree(course / "release" / "unit1", home / "unit1")
    nbgrader(home, "submit", "unit1", "--course=challenging-customers", *places,
             "--ExchangeFactory.submit=workbook.exchange.PrivateSubmit")

    inbound = exchange / "challenging-customers" / "inbound"
    (submission,) = inbound.iterdir()
    assert stat.S_IMODE(submission.stat().st_mode) == FOLDER_MODE == 0o770
    assert {p.name for p in submission.iterdir()} == {
        "unit1.ipynb", "timestamp.txt", "submission_secret.txt"}
    nbgrader(course, "collect", "unit1", *places)
    assert len(list((course / "submitted").glob("*/unit1/unit1.ipynb"))) == 1
