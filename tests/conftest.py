"""The suites that need no Odoo: the API client, the tooling, the translations."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(ROOT, "jesignexpert_connector")
# The client imports nothing from Odoo: loaded as a plain package.
sys.path.insert(0, ADDON)
# The client's tests drive the sandbox (the jse-sandbox package) with the
# fixtures of the sandbox's own tests.
sys.path.insert(0, os.path.join(ROOT, "sandbox", "tests"))

from jse_sandbox.pdf import blank_pdf  # noqa: E402
from sandbox_fixtures import (  # noqa: E402, F401 (pytest fixtures)
    SECRET,
    SHORTCUT,
    ctl,
    draft,
    linked,
    make_client,
    sandbox,
    sleeps,
)

import jse  # noqa: E402

__all__ = ["ADDON", "ROOT", "SECRET", "SHORTCUT", "blank_pdf", "jse"]  # what the test modules import from here
