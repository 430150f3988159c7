"""The addon as OCA publishes its addons: a wheel built by whool from its folder.

What a deployment installing it with pip gets: the distribution's name and
version, its requirements, and the files it lays under ``odoo/addons``.
"""

import ast
import email.parser
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ADDON, ROOT

DIST = "odoo-addon-jesignexpert_connector"
PREFIX = "odoo/addons/jesignexpert_connector/"


def _manifest():
    with open(os.path.join(ADDON, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def _tracked():
    """The addon's files under version control: what the wheel must hold."""
    out = subprocess.run(  # noqa: S603 (git, fixed arguments)
        [shutil.which("git"), "ls-files", "-z", "--", "."], cwd=ADDON, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return {name for name in out.split("\0") if name}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if shutil.which("git") is None or not os.path.exists(os.path.join(ROOT, ".git")):
        pytest.fail("the wheel is built from the files git tracks: run this from a clone")
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: whool comes from requirements-test.txt, not from an index.
    subprocess.run(  # noqa: S603 (our own Python, fixed arguments)
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), ADDON],
        check=True,
        timeout=300,
    )
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(meta).decode())
    return path, names, metadata


def test_named_and_versioned_as_oca_publishes_it(wheel):
    path, _names, metadata = wheel
    version = _manifest()["version"]
    assert metadata["Name"] == DIST
    assert metadata["Version"] == version, "the manifest's version, with no .postN"
    assert path.name == f"odoo_addon_jesignexpert_connector-{version}-py3-none-any.whl"
    assert "Framework :: Odoo :: 18.0" in metadata.get_all("Classifier")


def test_requires_odoo_and_the_manifest_python_packages(wheel):
    _path, _names, metadata = wheel
    requires = set(metadata.get_all("Requires-Dist"))
    for package in _manifest()["external_dependencies"]["python"]:
        assert package in requires, f"{package} of external_dependencies is not required"
    assert "odoo==18.0.*" in requires
    # Only Odoo's own addons are depended upon: no other odoo-addon-* to find.
    assert not [r for r in requires if r.startswith("odoo-addon")]


def test_holds_the_addon_and_no_simulator(wheel):
    _path, names, _metadata = wheel
    files = {n[len(PREFIX) :] for n in names if n.startswith(PREFIX)}
    assert files == _tracked() - {"pyproject.toml"}, "every tracked file of the addon, and nothing else"
    for needed in ("__manifest__.py", "models/jesignexpert_collection.py", "i18n/fr.po", "security/"):
        assert [f for f in files if f.startswith(needed)], needed
    assert not [n for n in names if "sandbox" in n.lower()], "the platform's simulator ships apart"
    assert not [n for n in names if not (n.startswith(PREFIX) or ".dist-info/" in n)]
