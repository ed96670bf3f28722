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
from nbgrader.preprocessors import Execute

from .contain import ContainedKernelManager, course_root_for

SHUTDOWN_WAIT = 5.0
"""Seconds a retired kernel has to exit after its shutdown request before it is killed."""

_FILES_A_KERNEL_IGNORES = {"timestamp.txt"}


class PoolKernelManager(ContainedKernelManager):
    """The sandboxed kernel manager of a pooled kernel. nbclient shuts a kernel down when its
    notebook is done and waits for it to end; this one is handed back to the pool instead
    (:meth:`KernelPool.retire`), which collects it later."""

    def __init__(self, pool: KernelPool | None = None, **kwargs):
        super().__init__(**kwargs)
        self.pool = pool
        """The pool this kernel goes back to when shut down (None once it has)."""
        self.work_folder: str | None = None
        """A working folder made for this kernel, removed with it."""
        self.retiring = False
        """True from its shutdown request until the pool has collected its process."""

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        if self.pool is None or restart:
            return await super().shutdown_kernel(now=now, restart=restart)
        await self.pool.retire(self)  # asked to stop; not waited for

    async def cleanup_resources(self, restart: bool = False) -> None:
        if self.retiring:  # cleaned up once its process has ended (KernelPool.reap)
            return
        await super().cleanup_resources(restart=restart)
        if not restart:
            self.remove_work_folder()

    def remove_work_folder(self) -> None:
        if self.work_folder:
            shutil.rmtree(self.work_folder, ignore_errors=True)


class KernelPool:
    """At most one spare kernel, launched (not yet answering) for the next notebook, and the
    kernels already used, waiting for their processes to end. Its methods are coroutines, run
    on nbclient's event loop."""

    def __init__(self) -> None:
        self.course_root: Path | None = None
        """The course whose notebooks are graded with pooled kernels (set by the worker).
        Without it nothing is pooled."""
        self.spare: PoolKernelManager | None = None
        self.spare_key: tuple | None = None
        self.retired: list[tuple[float, PoolKernelManager]] = []

    async def _launch(self, key: tuple, config) -> PoolKernelManager:
        kernel_name, extra_arguments = key
        km = PoolKernelManager(pool=self, kernel_name=kernel_name, config=config)
        if km.sockets_folder is not None:
            folder = km.sockets_folder / "work"
        else:
            folder = Path(tempfile.mkdtemp(prefix="workbook-run-"))
            km.work_folder = str(folder)
        folder.mkdir(parents=True, exist_ok=True)
        await km.start_kernel(extra_arguments=list(extra_arguments), cwd=str(folder))
        return km

    async def take(self, kernel_name: str, extra_arguments: list[str],
                   config) -> PoolKernelManager:
        """A started kernel for one notebook; a new spare is launched before this returns."""
        await self.reap()
        key = (kernel_name, tuple(extra_arguments))
        km, self.spare = self.spare, None
        if km is not None and (self.spare_key != key or not await km.is_alive()):
            await km.shutdown_kernel(now=True)
            km = None
        if km is None:
            km = await self._launch(key, config)
        self.spare, self.spare_key = await self._launch(key, config), key
        return km

    async def retire(self, km: PoolKernelManager) -> None:
        """Ask a used kernel to stop; its process is collected by a later :meth:`reap`."""
        km.pool, km.retiring = None, True
        try:
            if await km.is_alive():
                await km.request_shutdown()
        except Exception:  # noqa: BLE001 - a kernel that cannot be asked is killed in reap()
            pass
        self.retired.append((time.monotonic(), km))

    async def reap(self, wait: bool = False) -> None:
        """Clean up retired kernels that have ended; kill those past SHUTDOWN_WAIT. With
        ``wait``, wait for all of them."""
        still = []
        for asked, km in self.retired:
            while True:
                alive = await km.is_alive()
                if not alive or not wait or time.monotonic() - asked > SHUTDOWN_WAIT:
                    break
                await asyncio.sleep(0.01)
            if alive and time.monotonic() - asked <= SHUTDOWN_WAIT:
                still.append((asked, km))
                continue
            km.retiring = False
            if alive:
                await km.shutdown_kernel(now=True)  # kills it, then cleans up
                km.remove_work_folder()
            else:
                await km.cleanup_resources()
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
            spare.pool = None
            await spare.shutdown_kernel(now=True)
            spare.remove_work_folder()
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
            return super().create_kernel_manager()
        self.km = run_sync(POOL.take)(self.kernel_name, self.kernel_arguments(), self.config)
        return self.km

    def kernel_arguments(self) -> list[str]:
        """The kernel's extra arguments (``Execute.extra_arguments``). nbclient adds
        ``--HistoryManager.hist_file`` to them when it starts a kernel itself and they hold
        none; nbgrader_config.py sets it, so a pooled kernel gets exactly what nbclient's
        own would."""
        return list(self.extra_arguments)
