"""Containment for learner code during autograde, with Debian's bubblewrap (``bwrap``).

nbgrader runs each submission in autograded/<learner>/<unit>/. With this kernel manager the
kernel process starts inside a bubblewrap sandbox where:

- the whole file system is read-only, except the learner's own working copy and a private,
  empty home and temporary folder (so code cannot write anywhere else);
- source/, release/, submitted/, feedback/, the exchange and every other learner's
  autograded/ folder are replaced by empty folders, and gradebook.db by an empty file (so code
  cannot read answers, grades or other learners' work);
- there is no network (a new, empty network namespace; the kernel talks to nbgrader over Unix
  sockets in a folder shared for that purpose only);
- other kernels cannot be reached: every kernel's socket folder sits in one private folder
  (:func:`kernels_folder`) that each sandbox replaces with an empty one, binding back only its
  own; and each sandbox has its own process namespace, so /proc shows no other process
  (nor, through /proc/PID/root, another sandbox's files);
- nothing it starts outlives it: the process namespace ends with the kernel, and the kernel
  with nbgrader (``--die-with-parent``). ipykernel's own check of its parent (JPY_PARENT_PID)
  is switched off, as the parent's number means nothing inside the namespace.

Not contained: CPU and memory use (nbgrader's cell timeout stops runaway loops; a memory
limit is not set), and reading files the tutor's user can read outside the course folder
(the system's Python and libraries must stay readable). On a machine without ``bwrap`` the
kernel runs as before and :func:`containment_available` says so.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

COURSE_FOLDERS = ("source", "release", "submitted", "autograded", "feedback", "exchange")


def containment_available() -> bool:
    return shutil.which("bwrap") is not None


def kernels_folder() -> Path:
    """The private folder (mode 0700, this user's) holding every contained kernel's socket
    folder, so one sandbox can hide all the others'."""
    folder = Path(tempfile.gettempdir()) / f"workbook-kernels-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # Someone else's, or not private: use a fresh private folder instead.
        return Path(tempfile.mkdtemp(prefix="workbook-kernels-"))
    return folder


def course_root_for(working: Path) -> Path | None:
    """The course folder above an autograded/<learner>/<unit> working copy."""
    for parent in working.resolve().parents:
        if (parent / "nbgrader_config.py").is_file() and (parent / "course_data").is_dir():
            return parent
    return None


def sandbox_args(working: Path, sockets: Path, course: Path | None) -> list[str]:
    args = ["bwrap", "--die-with-parent", "--unshare-net", "--unshare-pid",
            "--unsetenv", "JPY_PARENT_PID",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    if course is not None:
        for name in COURSE_FOLDERS:
            if (course / name).is_dir():
                args += ["--tmpfs", str(course / name)]
        for name in ("gradebook.db", "gradebook.db-journal"):
            if (course / name).exists():
                args += ["--ro-bind", "/dev/null", str(course / name)]
    home = sockets / "home"  # the kernel's private, writable home and temporary folder
    home.mkdir(parents=True, exist_ok=True)
    args += ["--tmpfs", str(sockets.parent)]  # other kernels' sockets (own bound back below)
    args += ["--bind", str(working), str(working), "--bind", str(sockets), str(sockets),
             "--setenv", "HOME", str(home), "--setenv", "TMPDIR", str(home),
             "--setenv", "IPYTHONDIR", f"{home}/.ipython", "--setenv", "MPLCONFIGDIR",
             f"{home}/.mpl", "--chdir", str(working), "--"]
    return args


class ContainedKernelManager(AsyncKernelManager):
    """Starts the kernel inside bubblewrap, talking to nbgrader over Unix sockets."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.course_root: Path | None = None
        """The course folder whose other folders are hidden; by default the one above the
        kernel's working folder (tutor/pool.py sets it: its kernels work elsewhere)."""
        if containment_available():
            self._sockets = Path(tempfile.mkdtemp(prefix="kernel-", dir=kernels_folder()))
            self.transport = "ipc"
            self.ip = str(self._sockets / "kernel")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        if not containment_available():
            return command
        # A signal would reach bwrap, not the kernel inside it: interrupt with a message on
        # the control channel instead, so nbgrader's timeout can stop a runaway cell.
        self.kernel_spec.interrupt_mode = "message"
        cwd = (getattr(self, "_launch_args", None) or {}).get("cwd")
        working = Path(cwd) if cwd else Path(os.getcwd())
        course = self.course_root or course_root_for(working)
        return sandbox_args(working, self._sockets, course) + command

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart and getattr(self, "_sockets", None):
            shutil.rmtree(self._sockets, ignore_errors=True)
