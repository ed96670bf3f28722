"""JupyterHub for the Challenging Customers Workbook on one college server.

Learners and tutors log in with their own system accounts (PAM). Each gets a JupyterLab server
running as that account (LocalProcessSpawner), from the same Python environment as the hub,
where the workbook, nbgrader and JupyterHub are installed once for everyone. nbgrader's own
exchange, a shared folder, carries assignments and feedback between accounts.

Start it as root: ``jupyterhub -f /etc/jupyterhub/jupyterhub_config.py`` (deploy/README.md has
every step). Anything in the first section can also be set by an environment variable.
"""

import grp
import os
import pwd
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- this college's settings
# Unix groups: members of the tutor group get formgrader; both groups may log in.
TUTOR_GROUP = os.environ.get("WORKBOOK_TUTOR_GROUP", "workbook-tutors")
LEARNER_GROUP = os.environ.get("WORKBOOK_LEARNER_GROUP", "workbook-learners")
# nbgrader's exchange: one folder every account can reach (mode 1777, see deploy/README.md).
EXCHANGE = os.environ.get("WORKBOOK_EXCHANGE", "/srv/nbgrader/exchange")
# The hub's own state (database, cookie secret): readable by root only.
STATE = Path(os.environ.get("WORKBOOK_HUB_STATE", "/srv/jupyterhub"))
# Lessons copied into each person's ~/lessons when their server starts, if missing (default:
# notebooks/ of the workbook checkout installed in this environment with `pip install -e`).
LESSONS = os.environ.get("WORKBOOK_LESSONS", "")
# Global nbgrader settings (course id, exchange) and the learners' server settings.
GLOBAL_CONFIG = HERE / "jupyter"
LEARNER_CONFIG = HERE / "learner"

# ---------------------------------------------------------------- the hub
c.JupyterHub.bind_url = os.environ.get("WORKBOOK_HUB_URL", "http://:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.PAMAuthenticator.allowed_groups = {TUTOR_GROUP, LEARNER_GROUP}
# Accounts are made by the college's usual tools (deploy/README.md), never by the hub.
c.LocalAuthenticator.create_system_users = False

# ---------------------------------------------------------------- each person's server
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
# The single-user server comes from the hub's own environment, so every account runs the same
# workbook, nbgrader and JupyterLab (installed once, readable by all).
ENV_BIN = str(Path(sys.prefix) / "bin")
c.Spawner.cmd = [str(Path(ENV_BIN) / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    # nbgrader runs `alembic` by name when it makes a gradebook.
    "PATH": os.pathsep.join([ENV_BIN, "/usr/local/bin", "/usr/bin", "/bin"]),
    # Read by deploy/jupyterhub/jupyter/nbgrader_config.py and the course's nbgrader_config.py.
    "WORKBOOK_EXCHANGE": EXCHANGE,
}


def workbook_lab_arguments() -> list[str]:
    """What `workbook open` gives every learner's JupyterLab (workbook/lab/__init__.py): the
    workbook's own small extension, so that starting to type in a written answer (a
    double-click, a click then Enter, a click then typing) always goes into the answer; the
    app exposed for Mark my work's save request; saved activities that reopen as one line
    saying to run them. The extension ships inside the workbook package."""
    try:
        from workbook.lab import LABEXTENSIONS
    except ImportError:
        return []
    return [f"--LabApp.extra_labextensions_path={LABEXTENSIONS}",
            "--LabApp.expose_app_in_browser=True",
            "--ContentsManager.pre_save_hook=workbook.lab.saving.keep_runnable"]


c.Spawner.args = workbook_lab_arguments()
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120


def in_group(username: str, group: str) -> bool:
    """Whether a system account is in a Unix group (as its primary or a secondary group)."""
    try:
        entry = grp.getgrnam(group)
        return username in entry.gr_mem or pwd.getpwnam(username).pw_gid == entry.gr_gid
    except KeyError:
        return False


def course_settings(spawner) -> None:
    """Everyone reads the global nbgrader settings; learners also get the learner settings,
    which switch off formgrader and the assignment-creation tools."""
    paths = [str(GLOBAL_CONFIG)]
    if not in_group(spawner.user.name, TUTOR_GROUP):
        paths.insert(0, str(LEARNER_CONFIG))
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


def lessons_folder() -> Path | None:
    if LESSONS:
        return Path(LESSONS)
    try:
        import workbook
    except ImportError:
        return None
    folder = Path(workbook.__file__).resolve().parents[1] / "notebooks"
    return folder if folder.is_dir() else None


def copy_lessons(spawner) -> None:
    """Lessons missing from ~/lessons are copied in, as the person themselves (so root never
    writes in a user's home); lessons already there, perhaps changed, are kept."""
    lessons = lessons_folder()
    if lessons is None:
        spawner.log.warning("No lessons to copy: set WORKBOOK_LESSONS to the notebooks folder")
        return
    home = pwd.getpwnam(spawner.user.name).pw_dir
    copied = subprocess.run(
        ["runuser", "-u", spawner.user.name, "--", "sh", "-c",
         'mkdir -p "$1" && cp -R -n "$2"/. "$1"/', "sh", f"{home}/lessons", str(lessons)],
        capture_output=True, text=True, timeout=60)
    if copied.returncode != 0:
        spawner.log.warning("Lessons not copied for %s: %s", spawner.user.name, copied.stderr)


def before_start(spawner) -> None:
    course_settings(spawner)
    copy_lessons(spawner)


c.Spawner.pre_spawn_hook = before_start
