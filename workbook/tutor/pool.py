"""Kernels started ahead of need, so a kernel's start-up overlaps the grading of the learner
before (used by ``workbook autograde``; see tutor/grader.py).

Starting a Python kernel costs about half a second, most of it the kernel importing IPython and
ipykernel while nbgrader waits. :class:`PooledExecute` is nbgrader's ``Execute`` with one
difference: the kernel for the next notebook is launched as soon as the current one is handed
out, so it boots on the other core while this notebook is checked, run and saved. Shutting a
kernel down is also not waited for: the polite shutdown request is sent, and the finished
process is collected later (:meth:`KernelPool.reap`).

What does not change:

- every notebook gets a kernel of its own that no other notebook has used, started in a fresh
  sandbox (tutor/contain.py) exactly as before, with the same settings and arguments;
- the kernel's working folder is a private, empty, writable folder instead of the learner's
  autograded copy, so code cannot see its own notebook file (a knowledge check reads no files).
  When a submission has files other than its notebook, that notebook gets a kernel started the
  usual way, in its own folder, in case its code reads them.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from jupyter_core.utils import run_sync
from nbclient.util import ensure_async
from nbgrader.preprocessors import Execute

from .contain import ContainedKernelManager, course_root_for

SHUTDOWN_WAIT = 5.0
"""Seconds a retired kernel has to exit after its shutdown request before it is killed."""

_FILES_A_KERNEL_IGNORES = {"timestamp.txt"}

# ipykernel_launcher, except that the debugger (debugpy, which nothing in autograde uses) is not
# loaded: a fifth of the kernel's start-up.
_LAUNCHER = ("import sys\n"
             "from pathlib import Path\n"
             "if sys.path[0] == '' or Path(sys.path[0]) == Path.cwd():\n"
             "    del sys.path[0]\n"
             "sys.modules['debugpy'] = None\n"
             "from ipykernel import kernelapp\n"
             "kernelapp.launch_new_instance()\n")


class PoolKernelManager(ContainedKernelManager):
    """The sandboxed kernel manager, starting ipykernel without its debugger."""

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        for n in range(len(command) - 1):
            if command[n:n + 2] == ["-m", "ipykernel_launcher"]:
                return command[:n] + ["-c", _LAUNCHER] + command[n + 2:]
        return command


class KernelPool:
    """At most one spare kernel, launched (not yet answering) for the next notebook, and the
    kernels already used, waiting for their processes to end. Its methods are coroutines, run
    on nbclient's event loop."""

    def __init__(self) -> None:
        self.course_root: Path | None = None
        """The course whose notebooks are graded with pooled kernels (set by the worker).
        Without it nothing is pooled."""
        self.spare: ContainedKernelManager | None = None
        self.spare_key: tuple | None = None
        self.retired: list[tuple[float, ContainedKernelManager, str | None]] = []

    async def _launch(self, key: tuple, config) -> ContainedKernelManager:
        kernel_name, extra_arguments = key
        km = PoolKernelManager(kernel_name=kernel_name, config=config)
        private = getattr(km, "_sockets", None)
        folder = (private / "work") if private else Path(tempfile.mkdtemp(prefix="workbook-run-"))
        folder.mkdir(parents=True, exist_ok=True)
        km._workbook_folder = None if private else str(folder)
        await km._async_start_kernel(extra_arguments=list(extra_arguments), cwd=str(folder))
        return km

    async def take(self, kernel_name: str, extra_arguments: list[str],
                   config) -> ContainedKernelManager:
        """A started kernel for one notebook; a new spare is launched before this returns."""
        await self.reap()
        key = (kernel_name, tuple(extra_arguments))
        km, self.spare = self.spare, None
        if km is not None and (self.spare_key != key or not await km._async_is_alive()):
            await self.retire(km)
            km = None
        if km is None:
            km = await self._launch(key, config)
        self.spare, self.spare_key = await self._launch(key, config), key
        return km

    async def retire(self, km: ContainedKernelManager) -> None:
        """Ask a used kernel to stop; its process is collected by a later :meth:`reap`."""
        try:
            if await km._async_is_alive():
                await km._async_request_shutdown()
        except Exception:  # noqa: BLE001 - a kernel that cannot be asked is killed in reap()
            pass
        self.retired.append((time.monotonic(), km, getattr(km, "_workbook_folder", None)))

    async def reap(self, wait: bool = False) -> None:
        """Clean up retired kernels that have ended; kill those past SHUTDOWN_WAIT. With
        ``wait``, wait for all of them."""
        still = []
        for asked, km, folder in self.retired:
            while True:
                alive = await km._async_is_alive()
                if alive and time.monotonic() - asked > SHUTDOWN_WAIT:
                    await km._async_kill_kernel()
                    alive = False
                if not alive or not wait:
                    break
                await asyncio.sleep(0.01)
            if alive:
                still.append((asked, km, folder))
                continue
            await km._async_cleanup_resources()
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
        self.retired = still

    async def prime(self, kernel_name: str, extra_arguments: list[str], config) -> None:
        """Launch the first spare (a worker does this while it loads the rest of nbgrader)."""
        if self.spare is None:
            key = (kernel_name, tuple(extra_arguments))
            self.spare, self.spare_key = await self._launch(key, config), key

    async def close(self) -> None:
        """Stop the spare (it has run no one's code, so it is simply ended) and wait for
        every used kernel to end."""
        if self.spare is not None:
            spare, self.spare = self.spare, None
            await spare._async_kill_kernel()
            await self.retire(spare)
        await self.reap(wait=True)


POOL = KernelPool()
"""One pool per process (each grading worker is its own process)."""


def needs_own_folder(path: str | None) -> bool:
    """True when the notebook's folder holds files its code might read."""
    if not path:
        return False
    folder = Path(path)
    return folder.is_dir() and any(
        p.suffix != ".ipynb" and p.name not in _FILES_A_KERNEL_IGNORES
        for p in folder.iterdir())


class PooledExecute(Execute):
    """nbgrader's Execute with kernels from :data:`POOL`. Settings for ``Execute`` (the
    timeout, the kernel manager class) apply unchanged."""

    def create_kernel_manager(self):
        if not self.kernel_name:
            self.kernel_name = self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
        path = (self.resources or {}).get("metadata", {}).get("path")
        if (needs_own_folder(path) or self.kernel_manager_class is not ContainedKernelManager
                or POOL.course_root is None or not path
                or course_root_for(Path(path)) != POOL.course_root):
            self._pooled = False
            return super().create_kernel_manager()
        self._pooled = True
        self.km = run_sync(POOL.take)(self.kernel_name, self.kernel_arguments(), self.config)
        return self.km

    def kernel_arguments(self) -> list[str]:
        """The kernel's extra arguments, as nbclient would give them."""
        extra = list(self.extra_arguments)
        if self.ipython_hist_file and not any(
                a.startswith("--HistoryManager.hist_file") for a in extra):
            extra.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        return extra

    async def _async_cleanup_kernel(self) -> None:
        if not getattr(self, "_pooled", False):
            return await super()._async_cleanup_kernel()
        km, kc = self.km, getattr(self, "kc", None)
        try:
            if kc is not None:
                await ensure_async(kc.stop_channels())
        finally:
            self.kc = None
            self.km = None
            if km is not None:
                await POOL.retire(km)

    _cleanup_kernel = run_sync(_async_cleanup_kernel)
