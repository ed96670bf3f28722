"""Build the zero-install edition: the course as a JupyterLite site that runs in the browser.

Everything comes from the package registries and is checked against ``lock.json``: the
JupyterLite build tools are the ``lite`` extra (PyPI), the Pyodide runtime is the npm package
the kernel pins, and the Python wheels the kernel and the lessons need are PyPI files written
into the site's own ``pyodide-lock.json``, so the kernel never asks a CDN for anything.
Downloads are kept in a cache folder: a second build needs no network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..content.loader import PREVALIDATED
from .fast import (
    KERNEL_START_SCRIPTS,
    LEFT_OUT,
    WORKBOOK_DEPENDS,
    kernel_wheels,
    packed_course,
    page_imports,
    preloaded,
    start_kernel_outside_drive,
    trim_site,
)
from .marking import add_self_marking, answer_key_leaks

LOCK = Path(__file__).with_name("lock.json")
START_PAGE = "notebooks/00_start_here.ipynb"
CONTENTS = ("notebooks", "course_data")
"""Course folders copied into the site as they are; the knowledge checks come from release/
(the released notebooks only, at the same paths the lessons give)."""
ANSWER_KEYS = ("assignments",)
"""Left out of the site: course_data/assignments/ holds the knowledge checks' answers and
rubrics, and everything in the site can be read by whoever opens it. The lessons never read it."""
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "package.json")
"""What the kernel loads from the npm package (no source maps, no demo consoles)."""
WHEEL_STAMP = (2020, 2, 2, 0, 0, 0)
"""One date for every file in the wheels made here, so a rebuild gives the same bytes."""


class LiteBuildError(RuntimeError):
    """A step of the build failed; the message says which and what to do."""


@dataclass(frozen=True)
class LiteSite:
    out: Path
    files: int
    size: int  # bytes

    @property
    def summary(self) -> str:
        return (f"Wrote the JupyterLite site to {self.out} ({self.files} files, "
                f"{self.size / 1e6:.1f} MB). Try it with: workbook lite serve --dir {self.out}")


def default_cache() -> Path:
    return Path.home() / ".cache" / "challenging-customers-workbook" / "lite"


def load_lock(path: Path = LOCK) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, expected: str) -> Path:
    """``path`` if its sha256 is ``expected``; a wrong file is removed and refused."""
    found = sha256(path)
    if found != expected:
        path.unlink()
        raise LiteBuildError(
            f"{path.name} does not match workbook/lite/lock.json (sha256 {found}, expected "
            f"{expected}); it was removed from the cache. Build again to download it afresh.")
    return path


def _run(command: list[str], what: str, cwd: Path | None = None) -> str:
    """Run ``command``; its output, or a LiteBuildError with the last lines of it."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        lines = (result.stdout + result.stderr).strip().splitlines()[-15:]
        tail = "\n".join(line if len(line) <= 300 else line[:300] + " …" for line in lines)
        raise LiteBuildError(f"Could not {what} (exit {result.returncode}):\n{tail}")
    return result.stdout


def fetch_pyodide(lock: dict, cache: Path) -> Path:
    """The npm package of the Pyodide runtime, from the cache or ``npm pack``."""
    entry = lock["pyodide"]
    target = cache / entry["file"]
    if not target.is_file():
        if not shutil.which("npm"):
            raise LiteBuildError("npm is needed once to download the Pyodide runtime "
                                 "(install Node.js, then build again)")
        cache.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", f"{entry['npm']}@{entry['version']}", "--pack-destination",
              str(cache)], f"download {entry['npm']} {entry['version']} from npm")
    return _checked(target, entry["sha256"])


def fetch_pypi(entry: dict, cache: Path, source: bool = False) -> Path:
    """One pinned PyPI file (a wheel for Pyodide's Python, or a source archive)."""
    target = cache / entry["file"]
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        spec = f"{entry['name']}=={entry['version']}"
        if source:
            options = ["--no-binary", entry["name"]]
        else:  # pure-Python wheels for the browser's Python, whatever Python builds the site
            options = ["--only-binary", ":all:", "--python-version", "3.14",
                       "--implementation", "py", "--abi", "none", "--platform", "any"]
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *options,
              "--dest", str(cache), spec], f"download {spec} from PyPI")
    return _checked(target, entry["sha256"])


def write_wheel(out_dir: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """A pure-Python wheel of ``files`` (archive name -> bytes), byte-for-byte reproducible."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    files = dict(sorted(files.items()))
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: workbook lite build\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = [f"{path},sha256={_urlsafe_digest(data)},{len(data)}" for path, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = out_dir / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_in, data in files.items():
            item = zipfile.ZipInfo(name_in, WHEEL_STAMP)
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            archive.writestr(item, data)
    return path


def _urlsafe_digest(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_from_sdist(entry: dict, sdist: Path, out_dir: Path) -> Path:
    """A pure-Python wheel of the package folder inside a source archive (PyYAML without its
    C extension: ``yaml`` falls back to its Python parser by itself)."""
    prefix = f"{sdist.name.removesuffix('.tar.gz')}/{entry['package']}/"
    top = entry["package"].rsplit("/", 1)[-1]
    files = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(prefix) and member.name.endswith(".py"):
                data = archive.extractfile(member).read()
                files[f"{top}/{member.name[len(prefix):]}"] = data
    if not files:
        raise LiteBuildError(f"{sdist.name} has no {entry['package']}/ folder")
    return write_wheel(out_dir, entry["name"], entry["version"], files)


def workbook_wheel(out_dir: Path, extra: dict[str, bytes] | None = None) -> Path:
    """The workbook package itself as a wheel (its Python files and assets, and ``extra``:
    archive name -> bytes, e.g. the checked course data)."""
    import workbook

    package = Path(workbook.__file__).parent
    files = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[path.relative_to(package.parent).as_posix()] = path.read_bytes()
    return write_wheel(out_dir, "workbook", workbook.__version__, {**files, **(extra or {})})


def lock_entry(name: str, version: str, wheel: Path, imports: list[str],
               depends: list[str]) -> dict:
    """An entry of Pyodide's lock for a local wheel (sha256 of the file as shipped)."""
    return {"name": name, "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": sha256(wheel), "package_type": "package", "imports": imports,
            "depends": depends, "unvendored_tests": False}


def compile_bytecode(folder: Path) -> str:
    """Compile what a page imports from the standard library and the wheels in ``folder`` (the
    site's static/pyodide/, runtime included) to bytecode with that runtime under Node.js (see
    bytecode.py); the workbook's own wheel keeps its source beside the bytecode. Returns what
    it printed."""
    node = shutil.which("node")
    if node is None:
        raise LiteBuildError("Node.js is needed to build the site (it runs the site's own Python "
                             "to compile the lessons' code once, so no browser has to): install "
                             "Node.js 18 or newer, then build again")
    here = Path(__file__).parent
    printed = _run([node, str(here / "bytecode.mjs"), str(folder), str(here / "bytecode.py"),
                    "--keep-source", "workbook-", "--leave-out", *LEFT_OUT,
                    "--imports", *page_imports()],
                   "compile the site's Python to bytecode")
    for path in folder.iterdir():
        path.chmod(0o644)
    return printed.strip().splitlines()[-1]


def assemble_pyodide(lock: dict, cache: Path, target: Path,
                     step: Callable[[str], None] = print, course_dir: Path | None = None) -> int:
    """Fill ``target`` (the lite folder's static/pyodide/) with the runtime, the wheels and a
    pyodide-lock.json that lists only those local wheels: the pinned ones, the kernel
    extension's own, and the workbook's with ``course_dir``'s checked data (when given).
    Returns the number of wheels."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fetch_pyodide(lock, cache)) as archive:
        for name in (*PYODIDE_FILES, "pyodide-lock.json"):
            member = archive.getmember(f"package/{name}")
            (target / name).write_bytes(archive.extractfile(member).read())
    upstream = json.loads((target / "pyodide-lock.json").read_text(encoding="utf-8"))
    found = {}  # name -> (version, wheel, imports, depends)
    wheels = lock["wheels"]
    for number, entry in enumerate(wheels, 1):
        step(f"    wheel {number}/{len(wheels)}: {entry['name']} {entry['version']}")
        wheel = fetch_pypi(entry, cache / "wheels")
        shutil.copyfile(wheel, target / wheel.name)
        found[entry["name"]] = (entry["version"], target / wheel.name, entry["imports"],
                                entry["depends"])
    for entry in lock.get("sdists", []):
        step(f"    built from source: {entry['name']} {entry['version']}")
        sdist = fetch_pypi(entry, cache / "sdists", source=True)
        found[entry["name"]] = (entry["version"], wheel_from_sdist(entry, sdist, target),
                                entry["imports"], entry["depends"])
    for wheel in kernel_wheels(extension_folders()[0]):
        name, version = wheel.name.split("-")[:2]
        name = name.replace("_", "-")
        shutil.copyfile(wheel, target / wheel.name)
        found[name] = (version, target / wheel.name, [name.replace("-", "_")], [])
    import workbook

    packed = {} if course_dir is None else {
        f"workbook/{PREVALIDATED}": packed_course(course_dir, ANSWER_KEYS)}
    found["workbook"] = (workbook.__version__, workbook_wheel(target, packed), ["workbook"],
                         WORKBOOK_DEPENDS)
    step("    compiling the Python to bytecode (in the site's own Pyodide, with Node.js)")
    step(f"    {compile_bytecode(target)}")
    packages = {name: lock_entry(name, *spec) for name, spec in found.items()}

    def canonical(name: str) -> str:
        return name.lower().replace("_", "-")

    missing = ({canonical(d) for p in packages.values() for d in p["depends"]}
               - {canonical(n) for n in packages})
    if missing:
        raise LiteBuildError(f"lock.json leaves out what other wheels need: {sorted(missing)}")
    site_lock = {"info": upstream["info"], "packages": dict(sorted(packages.items()))}
    (target / "pyodide-lock.json").write_text(json.dumps(site_lock, indent=1), encoding="utf-8")
    return len(packages)


def course_contents(course_dir: Path, files: Path) -> int:
    """Copy the lessons, course data and released knowledge checks into the site's files/."""
    for folder in CONTENTS:
        shutil.copytree(course_dir / folder, files / folder,
                        ignore=shutil.ignore_patterns(".*", "__pycache__", *ANSWER_KEYS))
    release = course_dir / "release"
    for notebook in sorted(release.glob("*/*.ipynb")):
        target = files / "release" / notebook.parent.name / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)
    return sum(1 for p in files.rglob("*") if p.is_file())


def lite_config() -> dict:
    """jupyter-lite.json: open the start page, never fall back to PyPI or a CDN."""
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Challenging Customers Workbook",
            "exposeAppInBrowser": True,  # window.jupyterapp: the browser tests and benchmarks
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "disablePyPIFallback": True, **preloaded(),
                },
            },
        },
    }


def extension_folders() -> list[Path]:
    """The two lab extensions the site needs: the Pyodide kernel and ipywidgets. Other lab
    extensions of this environment (nbgrader's need a server) are left out."""
    base = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    folders = [base / "@jupyterlite" / "pyodide-kernel-extension",
               base / "@jupyter-widgets" / "jupyterlab-manager"]
    for folder in folders:
        if not (folder / "package.json").is_file():
            raise LiteBuildError(f"{folder} is missing: install the build tools with "
                                 "pip install -e \".[lite]\"")
    return folders


def build_site(course_dir: Path, out: Path, cache: Path | None = None,
               step: Callable[[str], None] = print) -> LiteSite:
    """Build the site into ``out`` (replaced if it exists) and say how big it is."""
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError as error:
        raise LiteBuildError("the JupyterLite build tools are not installed: run "
                             "pip install -e \".[lite]\" in the workbook folder") from error
    lock = load_lock()
    cache = cache or default_cache()
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="workbook-lite-") as temp:
        lite_dir = Path(temp) / "lite"
        step("[1/4] Pyodide runtime and wheels (from the cache, else npm and PyPI)")
        wheels = assemble_pyodide(lock, cache, lite_dir / "static" / "pyodide", step,
                                  course_dir)
        step(f"      {wheels} wheels in the site's pyodide-lock.json, all local")
        step("[2/4] Course: lessons, course data, knowledge checks")
        files = course_contents(course_dir, lite_dir / "files")
        step(f"      {files} files")
        keys = add_self_marking(course_dir, lite_dir / "files")
        step(f"      {keys} self-marking keys (hashes of the answers, never the answers)")
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(lite_config(), indent=1),
                                                    encoding="utf-8")
        step("[3/4] jupyter lite build")
        if out.exists():
            shutil.rmtree(out)
        command = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir),
                   "--output-dir", str(out), "--no-sourcemaps", "--no-unused-shared-packages",
                   "--ignore-sys-prefix", "--apps", "lab"]  # only JupyterLab: see fast.py
        for folder in extension_folders():
            command.append(f"--LiteBuildConfig.federated_extensions={folder}")
        _run(command, "build the JupyterLite site", cwd=lite_dir)
    step("[4/4] Checking the site")
    trimmed = trim_site(out)
    step(f"      {trimmed / 1e6:.1f} MB of fonts for old browsers left out")
    started = start_kernel_outside_drive(out)
    if started != KERNEL_START_SCRIPTS:
        raise LiteBuildError(
            f"the Pyodide kernel's start-up was found in {started} of its scripts, not "
            f"{KERNEL_START_SCRIPTS}: jupyterlite-pyodide-kernel is not the version "
            "workbook/lite/lock.json pins (see start_kernel_outside_drive in fast.py)")
    step(f"      the kernel's start-up set to import from / ({started} scripts)")
    check_site(out)
    leaks = answer_key_leaks(course_dir, out)
    if leaks:
        raise LiteBuildError("the site holds text of the answer keys, which anyone opening it "
                             "could read: " + "; ".join(leaks[:5]))
    paths = [p for p in out.rglob("*") if p.is_file()]
    return LiteSite(out, len(paths), sum(p.stat().st_size for p in paths))


def check_site(out: Path) -> None:
    """The kernel points at the local Pyodide and nothing in the lock is remote."""
    config = json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    if settings.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        raise LiteBuildError(f"the kernel would load Pyodide from {settings.get('pyodideUrl')}")
    site_lock = json.loads((out / "static/pyodide/pyodide-lock.json").read_text("utf-8"))
    for entry in site_lock["packages"].values():
        wheel = out / "static" / "pyodide" / entry["file_name"]
        if not wheel.is_file() or sha256(wheel) != entry["sha256"]:
            raise LiteBuildError(f"static/pyodide/{entry['file_name']} is missing or changed")

