"""The sandbox's tests: it plays jesignexpert.com faithfully (see sandbox_fixtures.py)."""

from .sandbox_fixtures import ctl, draft, linked, make_client, sandbox, sleeps  # noqa: F401 (pytest fixtures)
