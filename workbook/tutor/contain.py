"""Containment for learner code during autograde, with bubblewrap (``bwrap``).

nbgrader runs each submission in a kernel. With this kernel manager the kernel starts inside a
bubblewrap sandbox built from an allow-list: it sees only what a Python kernel needs to run.

- **Visible, read-only:** the system's programs and libraries (/usr, and /bin, /lib... which
  link into it), a few files from /etc that programs read at start (:data:`ETC_FILES`), the
  Python environment that runs the kernel (its prefix and base prefix, wherever they are: a
  ``.venv`` inside the course folder is shown, the rest of the course folder is not) and the
  workbook package's own folder (:data:`PACKAGE`: the format checks import it).
- **Visible, writable:** the kernel's working folder (tutor/pool.py gives it a private, empty
  one; a submission with extra files gets its own autograded copy), and a private, empty home
  and temporary folder (``$HOME``, ``$TMPDIR``), deleted with the kernel.
- **Its own:** /dev (a minimal one), /proc (a new process namespace shows no other process),
  no network (a new, empty network namespace; the kernel talks to nbgrader over Unix sockets in
  its private folder), and an environment holding only :data:`KEPT_VARIABLES` and its own
  folders (no tokens or settings of the tutor's).
- **Everything else is not there:** the rest of the course folder (answers in course_data/,
  source/, the gradebook, exports/, reports/, .git/, other learners' work), the tutor's home
  (Jupyter's runtime folder with server tokens), /root, /tmp (but its own folder), /work, /srv,
  /home, /mnt, /opt (unless the Python environment is there) ... A new folder anywhere is
  hidden without changing this file.
- **Limits:** each process of the kernel may have at most ``memory_limit`` bytes of data
  (RLIMIT_DATA: heap and private memory, not the address space reserved but never made
  writable; default 1 GiB), so a 2 GB allocation gets a MemoryError; and the sandbox may run at
  most ``process_limit`` processes and threads (RLIMIT_NPROC, counted in the sandbox's own user
  namespace, so the tutor's other processes do not count). Linux does not apply RLIMIT_NPROC to
  the root user: run as root (a container, CI) only the memory limit holds.
- Nothing it starts outlives it: the process namespace ends with the kernel, and the kernel
  with nbgrader (``--die-with-parent``). ipykernel's own check of its parent (JPY_PARENT_PID)
  is switched off, as the parent's number means nothing inside the namespace.

On a machine where ``bwrap`` is missing or cannot make a sandbox, the kernel runs as before and
:func:`containment_problem` says why (``workbook autograde`` prints it once).
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Programs and libraries, bound read-only (or re-created as the links they are)."""

ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone",
             "alternatives", "nsswitch.conf", "mime.types")
"""What programs read from /etc at start: the library cache, the time zone, the links of
Debian's alternatives, file types. Not passwd, hosts, ssl or anything else."""

KEPT_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ",
                  "PYDEVD_DISABLE_FILE_VALIDATION")
"""The tutor's environment variables a kernel keeps (language and time zone); every other one
is dropped."""

GIB = 1024 ** 3

NOT_CONTAINED = ("WARNING: learner code is not contained while it is marked: {why} Each "
                 "notebook's code can read any file you can read (answers, grades, other "
                 "learners' work) and use the network. To contain it, install bubblewrap "
                 "(on Debian or Ubuntu: sudo apt-get install bubblewrap) and run this again.")

# Sets the limits inside the sandbox (so RLIMIT_NPROC counts only the sandbox's processes),
# then becomes the kernel. A limit of 0 is left as it was.
_LIMITS = ("import os, resource, sys\n"
           "for kind, limit in zip((resource.RLIMIT_DATA, resource.RLIMIT_NPROC), sys.argv[1:3]):\n"
           "    if int(limit) > 0:\n"
           "        resource.setrlimit(kind, (int(limit), int(limit)))\n"
           "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
           "os.execv(sys.argv[3], sys.argv[3:])\n")


# Run by IPython as the kernel starts (a startup file in its private home): a MemoryError
# ends with one plain sentence under the usual traceback. (IPython shows nothing itself for an
# exception with a handler of its own, so the handler shows the traceback.)
_MEMORY_NOTE = (
    "def _workbook_memory_note(shell, etype, value, tb, tb_offset=None):\n"
    "    lines = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)\n"
    "    shell._showtraceback(etype, value, [*lines, {sentence!r}])\n"
    "get_ipython().set_custom_exc((MemoryError,), _workbook_memory_note)\n"
    "del _workbook_memory_note\n")
MEMORY_SENTENCE = ("This cell asked for more memory than code may use while it is marked "
                   "({limit}), so it was stopped here.")


def _size(limit: int) -> str:
    return f"{limit / GIB:g} GiB" if limit >= GIB else f"{limit / 1024 ** 2:g} MiB"


@functools.lru_cache(maxsize=1)
def containment_problem() -> str | None:
    """Why learner code cannot be contained here (None when it can): ``bwrap`` missing, or
    present but unable to make a sandbox (user namespaces switched off, say)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed."
    true = shutil.which("true") or "/bin/true"
    try:
        tried = subprocess.run(
            [bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--die-with-parent",
             *_system_args(), "--proc", "/proc", "--dev", "/dev", "--", true],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return f"bubblewrap (bwrap) could not be run ({error})."
    if tried.returncode != 0:
        return ("bubblewrap (bwrap) is installed but could not make a sandbox on this machine "
                f"({tried.stderr.strip() or 'exit code ' + str(tried.returncode)}).")
    return None


def containment_available() -> bool:
    return containment_problem() is None


def kernels_folder() -> Path:
    """The private folder (mode 0700, this user's) holding every contained kernel's own
    folder (sockets, connection file, home)."""
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


def _system_args() -> list[str]:
    args: list[str] = []
    for name in SYSTEM_FOLDERS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


def _is_system(path: Path) -> bool:
    return any(path == Path(s).resolve() or Path(s).resolve() in path.parents
               for s in SYSTEM_FOLDERS if Path(s).exists())


PACKAGE = Path(__file__).resolve().parents[1]
"""The workbook package, which the notebooks' format checks import (``workbook.checks``). In a
``pip install -e`` set-up it is the course folder's ``workbook/`` (code only, no course data)."""


def python_roots(executables: Iterable[str] = ()) -> list[Path]:
    """The folders of the Python environment the kernel runs in, outside the system folders:
    this interpreter's prefix and base prefix (a virtual environment and the Python it was made
    from), those of any other interpreter the kernel command names, and the workbook package.
    Outermost only."""
    found = [Path(p) for p in (sys.prefix, sys.exec_prefix, sys.base_prefix,
                               sys.base_exec_prefix)]
    for executable in (sys.executable, *executables):
        if executable and os.path.isabs(executable):
            found.append(Path(executable).parent.parent)  # a venv's own prefix
            found.append(Path(executable).resolve().parent.parent)  # the Python it links to
    found.append(PACKAGE)
    roots = list(dict.fromkeys(p.resolve() for p in found if p.exists()))
    roots = [p for p in roots if p != Path("/") and not _is_system(p)]
    return [p for p in roots if not any(q in p.parents for q in roots)]


def sandbox_args(working: Path, private: Path, executables: Iterable[str] = (),
                 python: Iterable[Path] | None = None,
                 env: Mapping[str, str] | None = None) -> list[str]:
    """The bwrap command that runs a kernel in ``working`` (writable) with its own ``private``
    folder (sockets, connection file, home) and nothing else of this machine but the system
    and the Python environment (``python``; by default :func:`python_roots`). With ``env``,
    the kernel's environment is that and nothing else (bwrap clears the rest)."""
    home = private / "home"
    home.mkdir(parents=True, exist_ok=True)
    args = ["bwrap", "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unsetenv", "JPY_PARENT_PID", *_system_args()]
    if env is not None:
        args.append("--clearenv")
        for name, value in env.items():
            args += ["--setenv", name, value]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for root in python_roots(executables) if python is None else python:
        args += ["--ro-bind", str(root), str(root)]
    args += ["--dev", "/dev", "--proc", "/proc",
             "--bind", str(private), str(private), "--bind", str(working), str(working),
             "--remount-ro", "/", "--chdir", str(working), "--"]
    return args


def sandbox_environment(private: Path, executables: Iterable[str] = (),
                        outside: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: the language and time zone of ``outside``, a PATH of the
    Python environment and the system, and its own home and temporary folder."""
    outside = os.environ if outside is None else outside
    home = private / "home"
    path = [str(root / "bin") for root in python_roots(executables)]
    path += ["/usr/local/bin", "/usr/bin", "/bin"]
    env = {name: outside[name] for name in KEPT_VARIABLES if name in outside}
    env.update(PATH=os.pathsep.join(path), HOME=str(home), TMPDIR=str(home),
               IPYTHONDIR=f"{home}/.ipython", MPLCONFIGDIR=f"{home}/.mpl")
    return env


class ContainedKernelManager(AsyncKernelManager):
    """Starts the kernel inside bubblewrap, talking to nbgrader over Unix sockets."""

    memory_limit = Integer(
        GIB, config=True,
        help="Bytes of data memory each process of a contained kernel may use "
             "(RLIMIT_DATA); 0 for no limit.")
    process_limit = Integer(
        64, config=True,
        help="Processes and threads a contained kernel may run at once (RLIMIT_NPROC in "
             "its own user namespace); 0 for no limit.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sockets_folder: Path | None = None
        """The kernel's own folder (sockets, connection file, home) when contained."""
        self.working_folder: Path | None = None
        """The folder the kernel runs in (``cwd`` given to :meth:`start_kernel`)."""
        if containment_available():
            self.sockets_folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=kernels_folder()))
            self.transport = "ipc"
            self.ip = str(self.sockets_folder / "kernel")
            # Not /tmp (hidden in the sandbox): the kernel reads it from its own folder.
            self.connection_file = str(self.sockets_folder / "kernel.json")

    async def start_kernel(self, **kw):
        """jupyter_client's start_kernel, noting the folder the kernel is to run in (``cwd``):
        the sandbox shows it, writable."""
        cwd = kw.get("cwd")
        self.working_folder = Path(cwd) if cwd else Path(os.getcwd())
        await super().start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        if self.sockets_folder is None:
            return command
        # A signal would reach bwrap, not the kernel inside it: interrupt with a message on
        # the control channel instead, so nbgrader's timeout can stop a runaway cell.
        self.kernel_spec.interrupt_mode = "message"
        working = self.working_folder or Path(os.getcwd())
        command = [shutil.which(command[0]) or command[0], *command[1:]]
        limits = [sys.executable, "-I", "-S", "-c", _LIMITS, str(self.memory_limit),
                  str(self.process_limit)]
        if self.memory_limit > 0:
            startup = self.sockets_folder / "home" / ".ipython" / "profile_default" / "startup"
            startup.mkdir(parents=True, exist_ok=True)
            sentence = MEMORY_SENTENCE.format(limit=_size(self.memory_limit))
            (startup / "workbook-memory.py").write_text(
                _MEMORY_NOTE.format(sentence=sentence), encoding="utf-8")
        env = sandbox_environment(self.sockets_folder, [command[0]])
        return (sandbox_args(working, self.sockets_folder, [command[0]], env=env)
                + limits + command)

    def cleanup_connection_file(self) -> None:
        """jupyter_client removes the connection file when the kernel is cleaned up (not on a
        restart); the kernel's whole folder goes with it."""
        super().cleanup_connection_file()
        if getattr(self, "sockets_folder", None) is not None:  # None: not contained
            shutil.rmtree(self.sockets_folder, ignore_errors=True)
