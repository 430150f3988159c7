"""The sandbox's server: its state survives a restart, it listens on loopback only."""

import pytest
import requests
from jse_sandbox import server as sandbox_server
from jse_sandbox.store import SHORTCUT

import jse

# ------------------------------------------------------------- persistence --


def test_state_survives_a_restart(tmp_path, ctl):
    path = str(tmp_path / "state.sqlite3")
    server = sandbox_server.start(path)
    client = jse.JseClient(server.url, SHORTCUT, "sandbox-secret")
    request = client.start_link("http://127.0.0.1:9/back")
    answer = requests.post(
        f"{server.url}/_sandbox/link/{request.id_request}/approve",
        json={"email": "jean.doe@cabinet-exemple.fr", "office": "Cabinet Dupont Expertise"},
        timeout=10,
    )
    answer.raise_for_status()
    tokens = client.fetch_link(request.id_request)
    tid = jse.JseClient(server.url, SHORTCUT, "", tokens.office_token, tokens.user_token).create_transaction(
        "Contrat", "", "A", "B"
    )
    sandbox_server.stop(server)
    server = sandbox_server.start(path)
    try:
        again = jse.JseClient(server.url, SHORTCUT, "", tokens.office_token, tokens.user_token)
        assert again.validate_check()
        assert again.get_transaction(tid).title == "Contrat"
    finally:
        sandbox_server.stop(server)


def test_the_sandbox_listens_on_loopback_only(tmp_path):
    with pytest.raises(ValueError):
        sandbox_server.start(str(tmp_path / "s.sqlite3"), host="0.0.0.0")  # noqa: S104
