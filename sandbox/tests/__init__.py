# A package, so that its conftest is ``tests.conftest``: the connector's lib
# suite (tests/ at the repository's root, run in the same pytest session)
# imports its own as ``conftest``.
