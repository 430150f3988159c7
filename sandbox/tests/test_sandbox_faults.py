"""The faults the sandbox can be told to play: latency, a corrupted PDF, any status on one
transaction's calls, and those that make no sense refused."""

import io
import time

import pytest
import requests
from jse_sandbox import server as sandbox_server
from pypdf import PdfReader

import jse


def test_latency_is_added_to_every_api_call(linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/latency", json={"ms": 150})
    started = time.monotonic()
    client.validate_check()
    slow = time.monotonic() - started
    ctl("POST", "/_sandbox/latency", json={"ms": 0})
    assert slow >= 0.15


def test_corrupted_pdf_fault(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    ctl("POST", "/_sandbox/faults", json={"mode": "corrupt_pdf", "count": 1})
    broken, good = io.BytesIO(), io.BytesIO()
    client.download_document(tid, 1, broken)
    client.download_document(tid, 1, good)
    with pytest.raises(Exception):  # noqa: B017 (whatever pypdf raises)
        PdfReader(io.BytesIO(broken.getvalue())).pages[0].extract_text()
    assert len(PdfReader(io.BytesIO(good.getvalue())).pages) == 2


def signed(draft, ctl, n=2):
    """``n`` collections of one cabinet, each signed by its one signer."""
    client, first = draft(signers=1)
    tids = [first] + [draft(signers=1, client=client)[1] for _ in range(n - 1)]
    for tid in tids:
        ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
        ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    return client, tids


@pytest.mark.parametrize(
    "status, error", [(400, jse.JseRequestRefused), (409, jse.JseApiError), (410, jse.JseApiError)]
)
def test_a_status_fault_strikes_one_transactions_calls_only(draft, ctl, status, error):
    client, (refused, other) = signed(draft, ctl)
    fault = {"mode": "status", "status": status, "path": "/document/", "transaction": refused, "count": 2}
    ctl("POST", "/_sandbox/faults", json=fault | {"details": "the sealed file is not ready"})
    assert client.download_document(other, 1, io.BytesIO()).size > 0, "another transaction's download is not struck"
    assert client.get_transaction(refused).status == "signed", "nor another call about the same transaction"
    for _attempt in range(2):
        with pytest.raises(error) as caught:
            client.download_document(refused, 1, io.BytesIO())
        assert caught.value.status == status
    assert "the sealed file is not ready" in str(caught.value)
    assert client.download_document(refused, 1, io.BytesIO()).size > 0, "after count calls the fault is spent"


def test_a_status_fault_answers_any_status_on_any_path(linked, ctl, sleeps):
    client = linked()
    ctl("POST", "/_sandbox/faults", json={"mode": "status", "status": 418, "path": "/token/validateCheck"})
    with pytest.raises(jse.JseApiError) as caught:
        client.validate_check()
    assert caught.value.status == 418
    ctl("POST", "/_sandbox/faults", json={"mode": "status", "status": 503, "count": 1})
    assert client.validate_check(), "a 503 is retried as any server error"
    assert len(sleeps) == 1
    ctl("POST", "/_sandbox/faults", json={"mode": "status", "status": 429, "retry_after": 7, "count": 1})
    assert client.list_changes(0).transactions == ()
    assert sleeps[-1] == 7, "the Retry-After given is sent"


def test_the_older_fault_modes_can_be_scoped_to_one_transaction(draft, ctl, sleeps):
    client, (struck, other) = signed(draft, ctl)
    ctl("POST", "/_sandbox/faults", json={"mode": "403", "transaction": struck, "count": 1})
    assert client.get_transaction(other).status == "signed"
    with pytest.raises(jse.JseAuthError):
        client.get_transaction(struck)
    ctl("POST", "/_sandbox/faults", json={"mode": "corrupt_pdf", "transaction": struck, "count": 1})
    good, broken = io.BytesIO(), io.BytesIO()
    client.download_document(other, 1, good)
    client.download_document(struck, 1, broken)
    assert len(PdfReader(io.BytesIO(good.getvalue())).pages) == 2
    assert b"garbled" in broken.getvalue()


@pytest.mark.parametrize(
    "fault",
    [
        {"mode": "status"},
        {"mode": "status", "status": 99},
        {"mode": "status", "status": "400"},
        {"mode": "500", "count": 0},
        {"mode": "boom"},
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(ctl, fault):
    with pytest.raises(requests.HTTPError) as caught:
        ctl("POST", "/_sandbox/faults", json=fault)
    assert caught.value.response.status_code == 400


def test_faults_added_before_an_upgrade_survive_it(tmp_path):
    """A sandbox file made before the fault table had its later columns."""
    import sqlite3

    path = str(tmp_path / "old.sqlite3")
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE fault (id INTEGER PRIMARY KEY, mode TEXT NOT NULL, remaining INTEGER NOT NULL, path TEXT,"
        " retry_after REAL, seconds REAL);"
        "INSERT INTO fault (mode, remaining, path) VALUES ('403', 1, '/token/');"
    )
    old.commit()
    old.close()
    server = sandbox_server.start(path)
    try:
        assert server.store.take_fault("/editor/sandbox/token/validateCheck")["mode"] == "403"
        server.store.add_fault("status", status=409, transaction="abc")
        assert server.store.take_fault("/editor/sandbox/transaction/abd/send") is None
        assert server.store.take_fault("/editor/sandbox/transaction/abc/send")["status"] == 409
    finally:
        sandbox_server.stop(server)
