"""The `workbook` command's subcommands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, copy_course
from workbook import cli, lab


def test_check_content_reports_the_counts(capsys):
    assert cli.main(["--course-dir", str(ROOT), "check-content"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("course_data is valid: 123 criteria, 8 units, ")
    assert "employer: Brookmere Home & Appliances Ltd." in out


def test_check_content_details_count_questions_and_criteria(capsys, course):
    assert cli.main(["--course-dir", str(ROOT), "check-content", "--details"]) == 0
    out = capsys.readouterr().out
    bank = course.question_bank("unit4")
    assert f"unit4 question bank ({len(bank.questions)} questions)" in out
    single = sum(q.type == "single" for q in bank.questions)
    assert f"single {single}" in out
    first = bank.topics[0].id
    assert f"  topic {first}: {sum(q.topic == first for q in bank.questions)}\n" in out
    assert "  CG216-1.6: " in out and "not yet assessed here: " in out


def test_check_content_names_the_file_item_and_field_of_a_mistake(tmp_path, capsys):
    folder = copy_course(tmp_path)
    path = folder / "course_data" / "statements" / "unit2.yaml"
    data = yaml.safe_load(path.read_text())
    data["statements"][4]["category"] = "rude"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert cli.main(["--course-dir", str(folder), "check-content"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "Problem in the course data: course_data/statements/unit2.yaml, item 'st-005' in "
        "statements, field 'category': must be one of assertive, aggressive, passive "
        "(got 'rude')")


def test_build_sources_check_passes_on_the_repository_and_fails_when_stale(tmp_path, capsys):
    assert cli.main(["--course-dir", str(ROOT), "build-sources", "--check"]) == 0
    folder = copy_course(tmp_path)
    notebook = folder / "source" / "unit2" / "unit2.ipynb"
    notebook.write_text(notebook.read_text().replace("Question 1", "Question one"))
    assert cli.main(["--course-dir", str(folder), "build-sources", "--check"]) == 1
    assert "source/unit2/unit2.ipynb: out of date" in capsys.readouterr().out
    assert cli.main(["--course-dir", str(folder), "build-sources"]) == 0
    assert cli.main(["--course-dir", str(folder), "build-sources", "--check"]) == 0


def test_open_starts_jupyterlab_on_the_start_page(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: seen.update(exe=exe, argv=argv,
                                                                          env=env))
    monkeypatch.setattr(os, "name", "posix")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(tmp_path / "no-exchange"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    cli.main(["--course-dir", str(ROOT), "open", "--no-browser", "--ServerApp.port=8899"])
    argv, env = seen["argv"], seen["env"]
    assert argv[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in argv
    assert f"--ServerApp.root_dir={ROOT}" in argv and "--no-browser" in argv
    assert argv[-1] == "--ServerApp.port=8899"
    assert ("--allow-root" in argv) == (os.geteuid() == 0)
    # Learner mode: tutor folders hidden, tutor server extensions off, terminals find workbook.
    for name in ("source", "course_data", "autograded", "submitted", "gradebook.db"):
        assert f"--ContentsManager.hide_globs={name}" in argv
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in argv
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    page = json.loads((Path(env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0]) / "labconfig"
                       / "page_config.json").read_text())
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:assignment-list",
            "@jupyterlab/apputils-extension:announcements"} <= set(page["disabledExtensions"])


def test_jupyterlab_sends_widget_messages_to_the_main_shell_in_order(monkeypatch, tmp_path):
    """JupyterLab's own settings reader finds workbook.lab.SETTING_DEFAULTS for `workbook open`
    (learner and tutor) and on the hub (everyone reads deploy/jupyterhub/jupyter), so a text
    box's value reaches the kernel before the click that reads it (docs/decisions.md)."""
    from jupyterlab_server.settings_utils import _get_overrides

    key = "@jupyterlab/apputils-extension:kernels-settings"
    hub = ROOT / "deploy" / "jupyterhub" / "jupyter"
    paths = [lab.lab_environment(tutor, False, base={}, config=tmp_path / str(tutor))
             ["JUPYTER_CONFIG_PATH"] for tutor in (False, True)]
    for path in (*paths, str(hub)):
        monkeypatch.setenv("JUPYTER_CONFIG_PATH", path)
        overrides, error = _get_overrides(str(tmp_path / "no-app-settings"))
        assert not error and overrides[key] == lab.SETTING_DEFAULTS[key], path


def test_open_for_a_learner_whose_tutor_releases_through_the_exchange(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: seen.update(argv=argv, env=env))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(tmp_path / "exchange"))
    (tmp_path / "exchange" / "challenging-customers" / "outbound").mkdir(parents=True)
    cli.main(["--course-dir", str(ROOT), "open"])
    page = json.loads((Path(seen["env"]["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
                       / "labconfig" / "page_config.json").read_text())
    assert "@jupyter/nbgrader:formgrader" in page["disabledExtensions"]
    assert "@jupyter/nbgrader:assignment-list" not in page["disabledExtensions"]
    assert "@jupyter/nbgrader:menu" not in page["disabledExtensions"]
    assert not any("assignment_list" in a for a in seen["argv"])


def test_open_as_tutor_keeps_nbgrader_and_every_folder(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: seen.update(argv=argv, env=env))
    monkeypatch.setattr(os, "name", "posix")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    cli.main(["--course-dir", str(ROOT), "open", "--tutor"])
    assert not any("hide_globs" in a or "jpserver_extensions" in a for a in seen["argv"])
    page = json.loads((Path(seen["env"]["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
                       / "labconfig" / "page_config.json").read_text())
    assert list(page["disabledExtensions"]) == ["@jupyterlab/apputils-extension:announcements"]


def test_other_subcommands_refuse_unknown_options(capsys):
    import pytest

    with pytest.raises(SystemExit):
        cli.main(["check-content", "--port=1"])
    assert "unrecognised arguments: --port=1" in capsys.readouterr().err


def test_workbook_help_answers_quickly_and_lists_the_subcommands():
    out = subprocess.run([sys.executable, "-m", "workbook", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for name in ("open", "check-content", "build-sources"):
        assert name in out
