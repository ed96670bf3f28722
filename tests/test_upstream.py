"""The upstream code the workbook depends on (workbook/tutor/upstream.py) is the code it was
checked against. When an upgrade of nbgrader, nbclient or jupyter_client changes any of it,
this fails and names what to re-check (docs/upgrading-nbgrader.md)."""

from __future__ import annotations

import pytest

from workbook.tutor import upstream


@pytest.mark.parametrize("name", sorted(upstream.PINNED))
def test_the_upstream_code_each_internal_depends_on_is_unchanged(name):
    pinned, recheck = upstream.PINNED[name]
    assert upstream.source_digest(name) == pinned, (
        f"{name} is not the code the workbook was checked against (its source has changed). "
        f"Re-check {recheck} Then re-pin: python -m workbook.tutor.upstream prints the new "
        "hashes for workbook/tutor/upstream.py. See docs/upgrading-nbgrader.md.")


def test_a_changed_source_gives_a_different_digest(monkeypatch):
    """The digest follows the source: a changed function no longer matches its pin."""
    name = "nbgrader.api.Gradebook.close"
    before = upstream.source_digest(name)
    monkeypatch.setattr(upstream.inspect, "getsource", lambda found: "def close(self): pass\n")
    assert upstream.source_digest(name) != before
