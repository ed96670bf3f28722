"""Compile the site's Python to bytecode when the site is built, not in every learner's browser.

Pyodide ships the standard library, and PyPI ships the wheels, as source. A browser cannot keep
compiled files between visits (the Python files live in memory), so without this every visit
compiles IPython, the widgets and half the standard library again before the kernel is ready.
Compiling needs the same Python as the page's, byte for byte (bytecode changes with each
Python release), so this module runs inside the site's own Pyodide, under Node.js, started by
``bytecode.mjs``; it uses nothing but the standard library.

Only what a page imports is compiled (bytecode is bigger than zipped source, and the site has a
size budget): the modules Python imports while it starts, and those that importing the kernel
(``pyodide_kernel``) and the workbook's modules bring in, found by importing them here
(:func:`imported_files`). Everything else stays source, compiled if a learner's cell imports it.

- Wheels: each such ``.py`` file is replaced by its ``.pyc`` (as Pyodide's own packages are),
  except in the wheels named in ``--keep-source``, which keep every ``.py`` and gain a ``.pyc``
  for each in ``__pycache__/`` beside it, so a learner's traceback through the workbook still
  shows its lines. RECORD is rewritten to match.
- The standard library zip: each such ``.py`` is replaced by its ``.pyc``.

Every ``.pyc`` is "unchecked hash" based: Python uses it without comparing it with a source
file's date, which unpacking a wheel in the page does not keep.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib
import sys
import warnings
import zipfile
from importlib import _bootstrap_external, util
from pathlib import Path

SITE = "/lib/python3.14/site-packages"
STDLIB = "/lib/python314.zip"


def pyc(source: bytes, filename: str) -> bytes:
    """The bytecode file for ``source``, as ``filename`` names it in tracebacks."""
    with warnings.catch_warnings():  # e.g. an old escape in a library's string: not ours
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(source, filename, "exec", dont_inherit=True)
    return _bootstrap_external._code_to_hash_pyc(code, util.source_hash(source), checked=False)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _entry(like: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    item = zipfile.ZipInfo(name, like.date_time)
    item.compress_type = zipfile.ZIP_DEFLATED
    item.external_attr = like.external_attr
    return item


def _compiled(name: str, data: bytes, prefix: str, keep_source: bool,
              wanted: set[str] | None) -> list[tuple[str, bytes]]:
    """The archive entries that replace the file ``name``: a ``.py`` named in ``wanted`` (or
    any, when ``wanted`` is None) becomes its ``.pyc`` (and keeps its source, with the ``.pyc``
    in ``__pycache__/``, when ``keep_source``); anything else stays."""
    if not name.endswith(".py") or (wanted is not None and name not in wanted):
        return [(name, data)]
    try:
        code = pyc(data, f"{prefix}/{name}")
    except SyntaxError:  # e.g. a test file written for Python 2: left as it was
        return [(name, data)]
    if not keep_source:
        return [(name + "c", code)]
    folder, _, file = name.rpartition("/")
    tag = sys.implementation.cache_tag
    cached = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc" if folder else \
        f"__pycache__/{file[:-3]}.{tag}.pyc"
    return [(name, data), (cached, code)]


LEFT_OUT_NOTE = (b"Left out of the workbook's browser edition, to keep the site small and quick "
                 b"to start: the files of this folder (see workbook/lite/fast.py, LEFT_OUT).\n")


def compile_wheel(source: Path, target: Path, keep_source: bool,
                  wanted: set[str] | None = None, left_out: tuple[str, ...] = ()) -> int:
    """Write ``source`` as ``target`` with its Python (or the files in ``wanted``) compiled,
    and without the files in the folders ``left_out`` (each keeps one file, ``LEFT_OUT.txt``,
    saying so, so the folder is still there for code that lists it); returns the files
    compiled."""
    compiled = 0
    entries: list[tuple[zipfile.ZipInfo, str, bytes]] = []
    record_name = None
    noted: set[str] = set()
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            folder = next((f for f in left_out if info.filename.startswith(f)), None)
            if folder is not None:
                if folder not in noted:
                    noted.add(folder)
                    entries.append((info, f"{folder}LEFT_OUT.txt", LEFT_OUT_NOTE))
                continue
            if info.filename.endswith(".dist-info/RECORD"):
                record_name, record_info = info.filename, info
                continue
            parts = _compiled(info.filename, archive.read(info), SITE, keep_source,
                              None if keep_source else wanted)
            compiled += sum(1 for name, _ in parts if name.endswith(".pyc"))
            entries.extend((info, name, data) for name, data in parts)
    if record_name is None:
        raise ValueError(f"{source.name} has no RECORD")
    record = [_record_line(name, data) for _, name, data in entries]
    record.append(f"{record_name},,")
    entries.append((record_info, record_name, ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, name, data in entries:
            archive.writestr(_entry(info, name), data)
    return compiled


def compile_stdlib(source: Path, target: Path, wanted: set[str] | None = None) -> int:
    """Write the standard library zip ``source`` as ``target`` with bytecode in place of the
    source of its files (or of those in ``wanted``); returns the files compiled."""
    compiled = 0
    with zipfile.ZipFile(source) as archive, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            if info.is_dir():
                out.writestr(info, b"")
                continue
            for name, data in _compiled(info.filename, archive.read(info), STDLIB, False,
                                        wanted):
                compiled += name.endswith(".pyc")
                out.writestr(_entry(info, name), data)
    return compiled


def imported_files(wheels: list[Path],
                   modules: list[str]) -> tuple[set[str], set[str], list[str]]:
    """Unpack ``wheels`` into a scratch folder, import ``modules`` from it, and return the
    archive names of every Python file then imported (paths inside the wheels, and inside the
    standard library zip), with the imports that failed.
    The kernel's package replaces sys.stdout and wants a page to send messages to: both are
    put back or stood in for, so the imports can run here."""
    scratch = Path("/tmp/bytecode-site")
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(scratch)
    sys.path.insert(0, str(scratch))
    failed = []
    for module in modules:
        try:
            importlib.import_module(module)
        except BaseException as error:  # what it reached before failing still counts
            failed.append(f"{module} ({type(error).__name__})")
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        shell = getattr(sys.modules.get("pyodide_kernel"), "ipython_shell", None)
        if shell is not None and not hasattr(shell, "send_comm"):
            shell.send_comm = lambda *args, **kwargs: None
    found: dict[str, set[str]] = {f"{scratch}/": set(), f"{STDLIB}/": set()}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None) or ""
        for root, names in found.items():
            if file.startswith(root) and file.endswith(".py"):
                names.add(file[len(root):])
    return found[f"{scratch}/"], found[f"{STDLIB}/"], failed


def main(argv: list[str]) -> int:
    """Compile, in place, python_stdlib.zip and the wheels in ``folder`` (see the module's
    docstring), leaving out of the wheels the folders named in ``--leave-out``."""
    parser = argparse.ArgumentParser(prog="bytecode")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep-source", nargs="*", default=[],
                        help="wheels (file name starts) that keep their source")
    parser.add_argument("--leave-out", nargs="*", default=[],
                        help="folders inside wheels to leave out (each ending in /)")
    parser.add_argument("--imports", nargs="*", default=None,
                        help="modules whose imports are compiled (default: compile everything)")
    args = parser.parse_args(argv)
    wheels = sorted(args.folder.glob("*.whl"))
    site, stdlib_names, failed = (None, None, []) if args.imports is None else \
        imported_files(wheels, args.imports)
    keep = tuple(args.keep_source)
    total = 0
    for wheel in wheels:
        temp = wheel.with_suffix(".compiling")
        total += compile_wheel(wheel, temp, bool(keep) and wheel.name.startswith(keep), site,
                               tuple(args.leave_out))
        temp.replace(wheel)
    stdlib = args.folder / "python_stdlib.zip"
    temp = stdlib.with_suffix(".compiling")
    total += compile_stdlib(stdlib, temp, stdlib_names)
    temp.replace(stdlib)
    print(f"compiled {total} Python files to bytecode for Python {sys.version.split()[0]}"
          + (f"; these could not be imported to find theirs: {', '.join(failed)}"
             if failed else ""))
    return 0
