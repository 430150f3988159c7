"""The README's map of the house ("How it is built") stays true: every file or
folder it names exists, in the repository or in the addon."""

import glob
import os
import re

from conftest import ADDON, ROOT

# A file or folder named in the map: a path with a slash, or a file name.
PATH = re.compile(r"[\w.*-]+(?:/[\w.*-]*)+|[\w-]+\.(?:py|xml|csv)\b")


def _section(title):
    with open(os.path.join(ROOT, "README.rst"), encoding="utf-8") as f:
        text = f.read()
    start = text.index(f"\n{title}\n{'=' * len(title)}\n")
    rest = text[start + 2 * len(title) + 3 :]
    end = re.search(r"\n[^\n]+\n=+\n", rest)
    return rest[: end.start()] if end else rest


def _exists(name):
    return any(glob.glob(os.path.join(base, name)) for base in (ROOT, ADDON))


def test_the_map_names_only_what_exists():
    section = _section("How it is built")
    named = {match.rstrip(".,") for match in PATH.findall(section)} - {"jesignexpert.com"}
    assert len(named) >= 20, sorted(named)  # the map names the house's files, not a few
    missing = sorted(name for name in named if not _exists(name))
    assert not missing, f"README.rst's map names files that do not exist: {missing}"


def test_the_map_names_methods_that_exist():
    section = _section("How it is built")
    sources = ""
    for path in glob.glob(os.path.join(ADDON, "models", "*.py")):
        with open(path, encoding="utf-8") as f:
            sources += f.read()
    for method in re.findall(r"``(_\w+)``", section):
        assert f"def {method}(" in sources, f"README.rst's map names {method}, which no model defines"
