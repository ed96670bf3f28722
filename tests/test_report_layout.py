"""The cohort report laid out in Chromium at 30 and 500 learners (issue 17 row 14): the
"still to evidence" column was about 90 px wide, so each row was thousands of pixels tall."""

from __future__ import annotations

import pytest

from tests.browser_harness import CHROMIUM
from tests.test_tutor import synthetic_scores

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")]


@pytest.mark.parametrize("count", [30, 500])
def test_the_cohort_report_reads_at_30_and_500_learners(course, tmp_path, count):
    """Learner n has every unit 1 check right when n is even and all wrong when odd, so every
    row lists over 100 criteria still to evidence: the worst case for the column."""
    from playwright.sync_api import sync_playwright

    from workbook.tutor.report import cohort_report

    learners, scores = synthetic_scores(course, count)
    cohort_report(course, learners, scores, tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((tmp_path / "cohort.html").as_uri())
        height = page.evaluate("document.documentElement.scrollHeight")
        cells = page.locator("td:has(> details)")
        assert cells.count() == count
        closed = cells.first.bounding_box()
        cells.first.locator("summary").click()
        opened = cells.first.bounding_box()
        text = cells.first.inner_text()
        browser.close()
    assert closed["width"] >= 200 and closed["height"] <= 80, closed
    assert opened["width"] >= 400, opened  # the criteria wrap in a readable width
    assert "not yet (" in text
    # 10,380 and 35,784 px measured (136,571 and 2,139,985 px before): well inside these.
    assert height < {30: 15_000, 500: 45_000}[count], height
