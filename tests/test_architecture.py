"""The import rules in docs/architecture.md hold for the code as it is.

The rules are the table between the ``import-rules`` markers in docs/architecture.md; this test
reads that table, so the doc and the test cannot drift apart. Imports are read from each
module's source with ``ast``: every ``import`` and ``from ... import`` anywhere in the file
(inside functions too, where the workbook puts its slow imports), and module names a module
passes to ``importlib.import_module`` as text.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbook"
DOC = ROOT / "docs" / "architecture.md"
ANYTHING = "*"
"""In the "must not import" column: anything outside Python's standard library."""


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]
    """Module names; each covers itself and every module below it."""
    may_import: tuple[str, ...]
    """Layer names, or single modules of another layer (a stated exception)."""
    must_not_import: tuple[str, ...]
    """Top-level names of other packages (``jupyter_*`` patterns allowed), or ``*``."""


@dataclass(frozen=True)
class Import:
    target: str
    """The workbook module (``workbook.engine.quiz``, ``workbook.__init__``), or the top-level
    name of another package (``pandas``)."""
    line: int
    in_function: bool

    def where(self) -> str:
        return f"line {self.line}" + (", inside a function" if self.in_function else "")


def read_rules(text: str) -> list[Layer]:
    """The layers table between ``<!-- import-rules -->`` and ``<!-- /import-rules -->``."""
    found = re.search(r"<!-- import-rules -->(.*?)<!-- /import-rules -->", text, re.S)
    if not found:
        raise ValueError(f"{DOC.name} has no table between <!-- import-rules --> markers")
    layers = []
    for row in found.group(1).strip().splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 4:
            raise ValueError(f"{DOC.name}: an import-rules row needs 4 columns: {row!r}")
        if cells[0] in ("layer", "") or set(cells[0]) <= set("-: "):
            continue  # the header and the line under it
        name, modules, may, must_not = ([c.strip("`") for c in re.findall(r"`[^`]+`", cell)]
                                        for cell in cells)
        if len(name) != 1 or not modules:
            raise ValueError(f"{DOC.name}: a layer row needs one `name` and its `modules`: "
                             f"{row!r}")
        layers.append(Layer(name[0], tuple(modules), tuple(may), tuple(must_not)))
    return layers


def module_name(path: Path) -> str:
    """``workbook/engine/quiz.py`` -> ``workbook.engine.quiz``; a package's own file keeps its
    ``__init__`` so that it is not taken for everything below it."""
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def package_modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(package.rglob("*.py"))}


def resolve_relative(package: str, level: int, module: str | None) -> str:
    """The full name ``from <level dots><module> import ...`` means inside ``package``."""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(source: str, name: str, known: set[str]) -> list[Import]:
    """Every import in a module's source, resolved: relative imports to full names, ``from
    package import module`` to the module, other packages to their top-level name."""
    package = name.rsplit(".", 1)[0]

    def workbook_module(dotted: str) -> str:
        for candidate in (dotted, f"{dotted}.__init__"):
            if candidate in known:
                return candidate
        raise ValueError(f"{name} imports {dotted}, which is not a module of the workbook")

    def relative(level: int, module: str | None) -> str:
        return resolve_relative(package, level, module)

    tree = ast.parse(source)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
    calls_import_module = any(
        isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "import_module"
                                        or getattr(node.func, "attr", None) == "import_module")
        for node in ast.walk(tree))
    found: list[Import] = []

    def add(dotted: str, node: ast.AST, names: tuple[str, ...] = ()) -> None:
        inside = id(node) in in_function
        if dotted != "workbook" and not dotted.startswith("workbook."):
            found.append(Import(dotted.split(".")[0], node.lineno, inside))
            return
        for alias in names:  # from workbook.x import y: y may be a module
            if f"{dotted}.{alias}" in known or f"{dotted}.{alias}.__init__" in known:
                found.append(Import(workbook_module(f"{dotted}.{alias}"), node.lineno, inside))
                continue
            found.append(Import(workbook_module(dotted), node.lineno, inside))
        if not names:
            found.append(Import(workbook_module(dotted), node.lineno, inside))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            dotted = relative(node.level, node.module) if node.level else node.module or ""
            add(dotted, node, tuple(a.name for a in node.names))
        elif (calls_import_module and isinstance(node, ast.Constant)
              and isinstance(node.value, str)
              and re.fullmatch(r"\.[a-z_]\w*(\.[a-z_]\w*)*", node.value)):
            dotted = relative(1, node.value[1:])
            if dotted in known or f"{dotted}.__init__" in known:
                add(dotted, node)
    return found


def layer_of(module: str, layers: list[Layer]) -> Layer | None:
    """The layer whose module name covers this module most closely."""
    best: tuple[int, Layer] | None = None
    for layer in layers:
        for prefix in layer.modules:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), layer)
    return best[1] if best else None


def standard_library(name: str) -> bool:
    return name in sys.stdlib_module_names or name == "__future__"


def broken_rules(modules: dict[str, str], layers: list[Layer]) -> list[str]:
    """Each import that the table does not allow, as a sentence naming the module, the import,
    its line and the rule; ``modules`` maps module names to their source."""
    names = set(modules)
    problems = []
    for name, source in modules.items():
        layer = layer_of(name, layers)
        if layer is None:
            problems.append(f"{name} is in no layer of the import-rules table in "
                            f"docs/architecture.md: add it to the row it belongs to")
            continue
        for imp in imports_of(source, name, names):
            if imp.target.startswith("workbook."):
                if imp.target == name:
                    continue
                target = layer_of(imp.target, layers)
                allowed = (target is not None and (target is layer
                                                   or target.name in layer.may_import)
                           or imp.target in layer.may_import)
                if not allowed:
                    problems.append(
                        f"{name} imports {imp.target} ({imp.where()}): the {layer.name} layer "
                        f"may import only {', '.join(layer.may_import) or 'itself'}")
                continue
            for banned in layer.must_not_import:
                if (banned == ANYTHING and not standard_library(imp.target)) or \
                        (banned != ANYTHING and fnmatch(imp.target, banned)):
                    what = ("anything outside the standard library" if banned == ANYTHING
                            else banned)
                    problems.append(f"{name} imports {imp.target} ({imp.where()}): the "
                                    f"{layer.name} layer must not import {what}")
    return problems


def cycles(modules: dict[str, str]) -> list[list[str]]:
    """Groups of workbook modules that import each other, directly or in a ring (imports
    inside functions count: they are still a dependency)."""
    names = set(modules)
    edges = {name: sorted({i.target for i in imports_of(source, name, names)
                           if i.target.startswith("workbook.") and i.target != name})
             for name, source in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return found


@pytest.fixture(scope="module")
def layers() -> list[Layer]:
    return read_rules(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {name: path.read_text(encoding="utf-8") for name, path in package_modules().items()}


LAYER_NAMES = [layer.name for layer in read_rules(DOC.read_text(encoding="utf-8"))]


def test_the_table_names_real_layers_and_modules(layers, sources):
    names = {layer.name for layer in layers}
    assert len(names) == len(layers), "two rows of the import-rules table share a name"
    for layer in layers:
        for module in layer.modules:
            assert any(m == module or m.startswith(module + ".") for m in sources), \
                f"the {layer.name} row names {module}, which is not in workbook/"
        for allowed in layer.may_import:
            assert allowed in names or allowed in sources, \
                f"the {layer.name} row may import {allowed!r}: neither a layer nor a module"


def test_every_module_is_in_a_layer(layers, sources):
    stray = [m for m in sources if layer_of(m, layers) is None]
    assert not stray, f"in no row of the import-rules table in docs/architecture.md: {stray}"


@pytest.mark.parametrize("layer_name", LAYER_NAMES)
def test_each_layer_imports_only_what_the_table_allows(layer_name, layers, sources):
    mine = {name: source for name, source in sources.items()
            if (layer := layer_of(name, layers)) is not None and layer.name == layer_name}
    assert mine, f"no module is in the {layer_name} layer"
    problems = broken_rules(mine | {n: "" for n in sources if n not in mine}, layers)
    assert not problems, "\n".join(["docs/architecture.md's import rules are broken:",
                                     *problems])


def test_no_workbook_modules_import_each_other_in_a_ring(sources):
    rings = cycles(sources)
    assert not rings, "\n".join(["modules that import each other (move what they share into "
                                  "one of them, or below both):",
                                  *(", ".join(ring) for ring in rings)])


# The checker itself, on made-up modules: each rule it enforces can fail.

RULES = """<!-- import-rules -->
| layer | modules | may import from the workbook | must not import |
| --- | --- | --- | --- |
| `low` | `workbook.low` | nothing | `*` (only the standard library) |
| `engine` | `workbook.engine` | `low` | `pandas`, `jupyter_*` |
| `view` | `workbook.view`, `workbook.__init__` | `low`, `engine`, `workbook.top.one` | `nbgrader` |
| `top` | `workbook.top` | `view` | nothing |
<!-- /import-rules -->"""


def check(modules: dict[str, str]) -> list[str]:
    known = {"workbook.__init__": "", "workbook.low": "", "workbook.engine.__init__": "",
             "workbook.engine.quiz": "", "workbook.view": "", "workbook.top.__init__": "",
             "workbook.top.one": "", "workbook.top.two": ""}
    return broken_rules(known | modules, read_rules(RULES))


def test_the_checker_finds_imports_inside_functions_and_relative_ones():
    assert check({"workbook.engine.quiz": "def f():\n    import pandas as pd\n"}) == [
        "workbook.engine.quiz imports pandas (line 2, inside a function): the engine layer "
        "must not import pandas"]
    assert check({"workbook.engine.quiz": "from ..view import x\n"}) == [
        "workbook.engine.quiz imports workbook.view (line 1): the engine layer may import "
        "only low"]
    assert check({"workbook.engine.quiz": "from jupyter_client import manager\n"}) == [
        "workbook.engine.quiz imports jupyter_client (line 1): the engine layer must not "
        "import jupyter_*"]
    assert check({"workbook.low": "import yaml\nimport json\n"}) == [
        "workbook.low imports yaml (line 1): the low layer must not import anything outside "
        "the standard library"]


def test_the_checker_allows_what_the_table_allows_and_only_that():
    assert check({"workbook.view": "from .engine import quiz\nfrom . import low\n"
                                   "def f():\n    from .top.one import x\n"}) == []
    assert check({"workbook.view": "from .top import two\n"}) == [
        "workbook.view imports workbook.top.two (line 1): the view layer may import only "
        "low, engine, workbook.top.one"]
    assert check({"workbook.__init__": "from importlib import import_module\n"
                                       "NAMES = {'x': '.top.two'}\n"
                                       "def f(n):\n    return import_module(NAMES[n], 'w')\n"
                                       }) == [
        "workbook.__init__ imports workbook.top.two (line 2): the view layer may import only "
        "low, engine, workbook.top.one"]
    assert check({"workbook.stray": ""}) == [
        "workbook.stray is in no layer of the import-rules table in docs/architecture.md: "
        "add it to the row it belongs to"]


def test_the_checker_finds_rings_through_function_level_imports():
    modules = {"workbook.a": "from . import b\n", "workbook.b": "def f():\n    from . import c\n",
               "workbook.c": "import workbook.a\n", "workbook.d": "from . import a\n"}
    assert cycles(modules) == [["workbook.a", "workbook.b", "workbook.c"]]
    assert cycles({**modules, "workbook.c": ""}) == []


def workbook_names_imported(modules: dict[str, Path]) -> list[tuple[str, str, str]]:
    """(importing module, workbook module, name) for every ``from <workbook module> import
    name`` anywhere in a file, functions included, relative imports resolved."""
    found = []
    for name, path in modules.items():
        package = name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            dotted = (resolve_relative(package, node.level, node.module) if node.level
                      else node.module or "")
            if dotted == "workbook" or dotted.startswith("workbook."):
                found.extend((name, dotted, alias.name) for alias in node.names)
    return found


def test_every_module_imports_and_every_name_it_imports_exists():
    """Import each workbook module in a fresh Python and look up every name that any workbook
    file imports from another (inside functions too), so a name removed from one module but
    still imported by another -- as ``_grade_id`` once was, by the grading worker alone -- fails
    here, in the quick suite, and not when a tutor grades."""
    modules = package_modules()
    names = sorted(m.removesuffix(".__init__") for m in modules if not m.endswith("__main__"))
    wanted = sorted(set(workbook_names_imported(modules)))
    script = f"""
import importlib, sys
bad = []
browser_only = ('js', 'pyodide', 'pyodide_js')
for name in {names!r}:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name not in browser_only:
            bad.append(f'{{name}} does not import: {{error!r}}')
    except Exception as error:
        bad.append(f'{{name}} does not import: {{error!r}}')
for importer, module, name in {wanted!r}:
    found = sys.modules.get(module)
    if found is None:
        continue
    if not hasattr(found, name):
        try:
            importlib.import_module(f'{{module}}.{{name}}')
        except ImportError:
            bad.append(f'{{importer}} imports {{name}} from {{module}}, which has no such name')
print('\\n'.join(bad))
sys.exit(1 if bad else 0)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
