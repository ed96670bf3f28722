"""JupyterLab as a learner should see it, for ``workbook open`` and the browser tests.

Everything here is passed to one JupyterLab process on its command line or in its environment;
nothing is written to the learner's own Jupyter settings.

Learner mode (the default):
- nbgrader's tutor tools are off: Formgrader and Create Assignment in the browser and on the
  server, and the course list; with no exchange folder for this course (a laptop), the
  Assignment List and the Nbgrader menu are off too, since there is nothing to fetch;
- the tutor's folders (``source/`` with the answers, ``course_data/``, ``autograded/``,
  ``submitted/``) and the gradebook are hidden from the file browser;
- no news or update pop-ups;
- widget messages reach the kernel in the order they were sent (``SETTING_DEFAULTS``);
- the start page opens, and it is the address printed with ``--no-browser``;
- terminals find ``workbook``: this environment's scripts folder comes first on PATH and the
  shell is not a login shell (a login shell's /etc/profile would put PATH back);
- a saved activity reopens as one line saying to run it (``saving.py``);
- the workbook's own small JupyterLab extension (``labextensions/``) makes a written answer
  safe to start typing in (see its ``static/remoteEntry.js``).

``--tutor`` leaves nbgrader's tools and every folder as they are.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

START_PAGE = "notebooks/00_start_here.ipynb"
HERE = Path(__file__).resolve().parent
LABEXTENSIONS = HERE / "labextensions"

# fnmatch patterns on names; the first ones are Jupyter's own defaults, kept.
JUPYTER_HIDE_GLOBS = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~"]
TUTOR_FOLDERS = ["source", "course_data", "autograded", "submitted", "gradebook.db"]

TUTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                 "@jupyter/nbgrader:course-list"]
EXCHANGE_PLUGINS = ["@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"]
TUTOR_SERVER = ["nbgrader.server_extensions.formgrader",
                "nbgrader.server_extensions.course_list"]
EXCHANGE_SERVER = ["nbgrader.server_extensions.assignment_list"]
NEWS = ["@jupyterlab/apputils-extension:announcements"]
"""JupyterLab's news and update pop-ups: off for learners and tutors alike."""
SETTING_DEFAULTS = {"@jupyterlab/apputils-extension:kernels-settings": {
    "commsOverSubshells": "disabled"}}
"""JupyterLab settings defaults, for learners and tutors alike (a person can still change them).
Widget messages all go to the kernel's main shell, handled one at a time in the order sent.
JupyterLab's default sends them to a kernel subshell, but ipykernel hands each widget's
messages to whichever thread it last replied from, so a text box's value and a button's click
could be handled on two threads at once: "Add this goal" then sometimes read the box before its
text arrived ("fill in evidence for this goal" with the box filled in). See docs/decisions.md."""


def scripts_dir() -> Path:
    """Where this environment's commands (``workbook``, ``jupyter``) are."""
    return Path(sysconfig.get_path("scripts"))


def has_exchange(root: Path, course_id: str = "challenging-customers") -> bool:
    """True when nbgrader's exchange holds this course (a tutor has released to it)."""
    exchange = Path(os.environ.get("WORKBOOK_EXCHANGE", root / "exchange"))
    return (exchange / course_id).is_dir()


def disabled_plugins(tutor: bool, exchange: bool) -> list[str]:
    if tutor:
        return NEWS
    return NEWS + TUTOR_PLUGINS + ([] if exchange else EXCHANGE_PLUGINS)


def config_dir(tutor: bool, exchange: bool) -> Path:
    """A folder in Jupyter's runtime folder, put on JUPYTER_CONFIG_PATH for this one server."""
    from jupyter_core.paths import jupyter_runtime_dir

    mode = "tutor" if tutor else "learner" + ("-exchange" if exchange else "")
    return Path(jupyter_runtime_dir()) / "workbook-lab" / mode


def write_config(tutor: bool, exchange: bool, config: Path) -> Path:
    """page_config.json naming the JupyterLab plugins that are off, and
    default_setting_overrides.json with :data:`SETTING_DEFAULTS`, in ``config/labconfig``.
    Rewritten at each start (the plugins depend on --tutor and on the exchange)."""
    labconfig = config / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    page = {"disabledExtensions": {name: True for name in disabled_plugins(tutor, exchange)}}
    for name, data in (("page_config.json", page),
                       ("default_setting_overrides.json", SETTING_DEFAULTS)):
        (labconfig / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return config


def start_url_path(page: str = START_PAGE) -> str:
    return "/lab/tree/" + page


def lab_arguments(root: Path, *, tutor: bool = False, exchange: bool = False) -> list[str]:
    """The ``jupyter lab`` options for the course folder ``root``."""
    args = [f"--ServerApp.root_dir={root}",
            f"--LabApp.default_url={start_url_path()}",
            f"--LabApp.extra_labextensions_path={LABEXTENSIONS}",
            # Mark my work asks the page to save the notebook through the app's save command.
            "--LabApp.expose_app_in_browser=True",
            # A saved activity reopens as "Run this cell to show the activity", never as
            # "Error displaying widget: model not found" (workbook/lab/saving.py).
            "--ContentsManager.pre_save_hook=workbook.lab.saving.keep_runnable"]
    shell = os.environ.get("SHELL") or shutil.which("bash") or "sh"
    if os.name != "nt":
        # jupyter_server runs a *login* shell when its output is not a terminal, and a login
        # shell's /etc/profile resets PATH; a plain interactive shell keeps the PATH set below.
        args.append("--ServerApp.terminado_settings=shell_command=" + json.dumps([shell]))
    if not tutor:
        args += [f"--ContentsManager.hide_globs={name}"
                 for name in JUPYTER_HIDE_GLOBS + TUTOR_FOLDERS]
        args += [f"--ServerApp.jpserver_extensions={name}=False"
                 for name in TUTOR_SERVER + ([] if exchange else EXCHANGE_SERVER)]
    return args


def lab_environment(tutor: bool, exchange: bool, base: dict[str, str] | None = None,
                    config: Path | None = None) -> dict[str, str]:
    """The server's environment: scripts first on PATH, our page config found first."""
    env = dict(os.environ if base is None else base)
    config = config or config_dir(tutor, exchange)
    scripts = str(scripts_dir())
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != scripts]
    env["PATH"] = os.pathsep.join([scripts, *parts])
    write_config(tutor, exchange, config)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(config), *[p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]])
    return env


def command(root: Path, *, tutor: bool = False, exchange: bool = False,
            no_browser: bool = False, extra: list[str] | None = None) -> list[str]:
    argv = [sys.executable, "-m", "jupyter", "lab", *lab_arguments(root, tutor=tutor,
                                                                    exchange=exchange)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # JupyterLab refuses to start as root without this (containers, CI); laptops never are.
        argv.append("--allow-root")
    if no_browser:
        argv.append("--no-browser")
    return argv + list(extra or [])
