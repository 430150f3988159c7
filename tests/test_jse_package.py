"""The client package as a whole: Odoo-free, every module of it, and its
package-level names are all that the rest of the repository uses."""

import ast
import importlib.util
import os
import subprocess
import sys

import pytest

from conftest import ADDON, ROOT, jse

PACKAGE = os.path.join(ADDON, "jse")
MAX_LINES = 400


def package_modules():
    """(dotted name, path, depth below jse) of every Python file of jse/."""
    found = []
    for folder, _dirs, files in os.walk(PACKAGE):
        parts = os.path.relpath(folder, ADDON).split(os.sep)
        for name in sorted(files):
            if name.endswith(".py"):
                module = parts + ([] if name == "__init__.py" else [name[:-3]])
                found.append((".".join(module), os.path.join(folder, name), len(parts)))
    return found


def parsed(path):
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read(), path)


def test_no_module_of_the_package_imports_odoo_or_reaches_above_it():
    modules = package_modules()
    assert {"jse.client", "jse.transport", "jse.errors", "jse.vocabulary"} <= {m for m, _p, _d in modules}
    for module, path, depth in modules:
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level <= depth, f"{module} imports from above the package"
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "odoo" or n.startswith("odoo.") for n in names), f"{module} imports {names}"


def test_every_module_of_the_package_loads_without_odoo():
    modules = [m for m, _p, _d in package_modules() if not m.endswith("__main__")]
    code = (
        "import importlib, sys\n"
        f"sys.path.insert(0, {ADDON!r})\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'odoo' or m.startswith('odoo.'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)  # noqa: S603 (our own code, fixed)


@pytest.mark.parametrize(("module", "path"), [(m, p) for m, p, _d in package_modules()])
def test_each_module_of_the_client_reads_at_a_glance(module, path):
    with open(path, encoding="utf-8") as handle:
        assert sum(1 for _line in handle) <= MAX_LINES, f"{module} is over {MAX_LINES} lines"


def outside_files():
    """The Python files outside the package that may use it."""
    for top in ("jesignexpert_connector", "tools", "tests"):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            if os.path.abspath(folder) == PACKAGE:
                dirs[:] = []
                continue
            yield from (os.path.join(folder, name) for name in files if name.endswith(".py"))


def test_every_name_used_outside_the_package_is_one_of_the_package():
    used = set()
    for path in outside_files():
        tree = parsed(path)
        binds_package = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "jse" and alias.asname in (None, "jse"):
                        binds_package = True
                    elif (node.module or "").split(".")[-1] == "jse":
                        used.add((alias.name, path))
            elif isinstance(node, ast.Import):
                binds_package |= any(alias.name == "jse" and not alias.asname for alias in node.names)
        if binds_package:
            used.update(
                (node.attr, path)
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jse"
            )
    assert len({name for name, _path in used}) > 30, "the scan found the callers"
    missing = sorted(
        f"{os.path.relpath(path, ROOT)}: jse.{name}"
        for name, path in used
        if not hasattr(jse, name) and importlib.util.find_spec(f"jse.{name}") is None
    )
    assert not missing
