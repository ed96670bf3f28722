"""workbook/lite/bytecode.py: the wheels and standard library the site ships, compiled.

At build time the module runs inside the site's own Pyodide; here it runs in this Python, so the
bytecode is this Python's, and the test can import it to see that it works."""

from __future__ import annotations

import base64
import hashlib
import importlib
import sys
import zipfile
from pathlib import Path

import pytest

from workbook.lite.bytecode import compile_stdlib, compile_wheel

SOURCES = {
    "shop/__init__.py": b"from .till import total\n",
    "shop/till.py": b"def total(prices):\n    return sum(prices)\n",
    "shop/unused.py": b"RAISED = 1 / 0\n",
    "shop/data.txt": b"not Python\n",
    "shop/old.py": b"print 'Python 2'\n",
}


def make_wheel(folder: Path, name: str = "shop") -> Path:
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in SOURCES.items():
            archive.writestr(path, data)
        archive.writestr(f"{name}-1.0.dist-info/METADATA", b"Name: shop\n")
        archive.writestr(f"{name}-1.0.dist-info/RECORD", b"")
    return wheel


def record_of(archive: zipfile.ZipFile) -> dict[str, str]:
    name = next(n for n in archive.namelist() if n.endswith("RECORD"))
    lines = archive.read(name).decode().splitlines()
    return {line.split(",")[0]: line for line in lines}


def unload(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


def test_a_wheel_without_source_imports_from_its_bytecode(tmp_path, monkeypatch):
    wheel = make_wheel(tmp_path)
    out = tmp_path / "out.whl"
    compiled = compile_wheel(wheel, out, keep_source=False)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"shop/__init__.pyc", "shop/till.pyc", "shop/unused.pyc"} <= names
        assert not {"shop/__init__.py", "shop/till.py", "shop/unused.py"} & names
        # Not Python 3: kept as it was, as is a data file.
        assert {"shop/old.py", "shop/data.txt"} <= names
        record = record_of(archive)
        assert set(record) == names
        data = archive.read("shop/till.pyc")
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert record["shop/till.pyc"] == f"shop/till.pyc,sha256={digest},{len(data)}"
        archive.extractall(tmp_path / "site")
    assert compiled == 3
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    unload("shop")
    try:
        shop = importlib.import_module("shop")
        assert shop.total([2, 3]) == 5
        assert shop.__file__.endswith("__init__.pyc")
    finally:
        unload("shop")


def test_only_the_files_wanted_are_compiled_and_kept_source_stays(tmp_path):
    wheel = make_wheel(tmp_path)
    only = tmp_path / "only.whl"
    assert compile_wheel(wheel, only, keep_source=False, wanted={"shop/till.py"}) == 1
    with zipfile.ZipFile(only) as archive:
        names = set(archive.namelist())
    assert "shop/till.pyc" in names and "shop/till.py" not in names
    assert {"shop/__init__.py", "shop/unused.py"} <= names
    kept = tmp_path / "kept.whl"
    assert compile_wheel(wheel, kept, keep_source=True) == 3
    with zipfile.ZipFile(kept) as archive:
        names = set(archive.namelist())
    tag = sys.implementation.cache_tag
    assert {"shop/till.py", f"shop/__pycache__/till.{tag}.pyc"} <= names


def test_the_standard_library_zip_imports_from_its_bytecode(tmp_path, monkeypatch):
    stdlib = tmp_path / "stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as archive:
        archive.writestr("counter/", b"")
        for path, data in SOURCES.items():
            archive.writestr(path.replace("shop", "counter"), data)
    out = tmp_path / "compiled.zip"
    assert compile_stdlib(stdlib, out, wanted={"counter/__init__.py", "counter/till.py"}) == 2
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
    assert {"counter/__init__.pyc", "counter/till.pyc", "counter/unused.py"} <= names
    assert "counter/till.py" not in names
    monkeypatch.syspath_prepend(str(out))
    unload("counter")
    try:
        counter = importlib.import_module("counter")
        assert counter.total([1, 1]) == 2
        assert counter.till.__spec__.origin.endswith("till.pyc")
    finally:
        unload("counter")


@pytest.mark.parametrize("keep", [True, False])
def test_a_wheel_with_no_record_is_refused_by_name(tmp_path, keep):
    wheel = tmp_path / "bare-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("bare.py", b"x = 1\n")
    with pytest.raises(ValueError, match="bare-1.0-py3-none-any.whl has no RECORD"):
        compile_wheel(wheel, tmp_path / "out.whl", keep_source=keep)


def test_a_build_without_node_says_what_to_install(tmp_path, monkeypatch):
    from workbook.lite import build

    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(build.LiteBuildError, match=r"Node\.js is needed .* install Node\.js 18"):
        build.compile_bytecode(tmp_path)


def test_left_out_folders_keep_a_note_and_leave_the_record(tmp_path):
    wheel = make_wheel(tmp_path)
    out = tmp_path / "out.whl"
    compile_wheel(wheel, out, keep_source=False, left_out=("shop/",))
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        record = record_of(archive)
        note = archive.read("shop/LEFT_OUT.txt").decode()
    assert names == {"shop/LEFT_OUT.txt", "shop-1.0.dist-info/METADATA",
                     "shop-1.0.dist-info/RECORD"}
    assert set(record) == names
    assert "Left out of the workbook's browser edition" in note


def test_a_failed_build_step_shows_its_last_lines_cut_to_a_readable_length():
    """Node prints a whole minified line of source with an error; the message keeps the end
    of the output, each line at most 300 characters."""
    from workbook.lite import build

    script = "import sys; print('x' * 100000); print('the real reason'); sys.exit(3)"
    with pytest.raises(build.LiteBuildError) as error:
        build._run([sys.executable, "-c", script], "do the step")
    message = str(error.value)
    assert message.startswith("Could not do the step (exit 3):")
    assert message.endswith("the real reason")
    assert len(message) < 400
