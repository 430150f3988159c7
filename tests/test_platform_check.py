"""The platform check: each ASSUMED call of the client tried on a throw-away
draft, and each answer classified (holds, differs, absent)."""

import io

import pytest

from conftest import jse
from jse import platform_check, transport


def states(report):
    return {f.key: (f.verdict, f.code) for f in report.findings}


def remaining_transactions(sandbox):
    with sandbox.store.transaction():
        return sandbox.store._one("SELECT count(*) AS n FROM txn")["n"]


def test_on_our_sandbox_every_assumption_holds_and_nothing_is_left(sandbox, linked, ctl):
    report = platform_check.run(linked())
    assert states(report) == {
        "signatory.phone": ("holds", "accepted"),
        "draft.url": ("holds", "url"),
        "transaction.get": ("holds", "ok"),
        "id_format": ("holds", "text"),
        "status_case": ("holds", "lower"),
        "transaction.list": ("holds", "items"),
        # A draft has no signed document nor proof yet: the sandbox refuses, which is an answer.
        "transaction.document": ("holds", "refused"),
        "transaction.proof": ("holds", "refused"),
        "transaction.cancel": ("holds", "cancelled"),
        "transaction.delete": ("holds", "deleted"),
    }
    assert report.strategy == "list" and not report.left_behind
    assert remaining_transactions(sandbox) == 0


@pytest.mark.parametrize(
    "dialect, key, expected",
    [
        ({"status_case": "upper"}, "status_case", ("differs", "other_case", "DRAFT")),
        ({"list_shape": "data"}, "transaction.list", ("differs", "shape", "data")),
        ({"list_shape": "content"}, "transaction.list", ("differs", "shape", "content")),
        ({"proof": "404"}, "transaction.proof", ("absent", "http", "HTTP 404: not found on jesignexpert.com")),
    ],
)
def test_each_dialect_is_reported_where_it_differs(sandbox, linked, ctl, dialect, key, expected):
    client = linked()
    ctl("POST", "/_sandbox/dialect", json=dialect)
    report = platform_check.run(client)
    finding = report.finding(key)
    assert (finding.verdict, finding.code) == expected[:2]
    assert finding.value.startswith(expected[2])
    others = [f for f in report.findings if f.key != key]
    assert all(f.verdict == "holds" for f in others), others
    assert report.strategy == "list" and not report.left_behind
    assert remaining_transactions(sandbox) == 0


def test_numeric_ids_are_reported_and_compared_as_given(sandbox, linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/dialect", json={"id_format": "number"})
    report = platform_check.run(client)
    finding = report.finding("id_format")
    assert (finding.verdict, finding.code) == ("differs", "number")
    assert finding.value == report.transaction_id and report.transaction_id.isdigit()
    assert report.finding("transaction.list").verdict == "holds", "the list found the draft by its id"
    assert remaining_transactions(sandbox) == 0


@pytest.mark.parametrize("status", [404, 405, 501])
def test_no_change_list_means_the_sweep_alone(sandbox, linked, monkeypatch, status):
    client = linked(max_retries=0)

    def missing(*args, **kwargs):
        raise transport.error_of(
            type("R", (), {"status_code": status, "headers": {}, "json": dict})(), "transaction.list"
        )

    monkeypatch.setattr(client, "list_changes", missing)
    report = platform_check.run(client)
    assert report.finding("transaction.list").verdict == "absent"
    assert report.strategy == "sweep"
    assert remaining_transactions(sandbox) == 0


def test_a_step_that_fails_still_deletes_the_draft(sandbox, linked, ctl):
    client = linked()
    # Both tries to add the signer (with, then without a phone) are refused.
    ctl("POST", "/_sandbox/faults", json={"mode": "status", "status": 400, "path": "/signatory", "count": 2})
    report = platform_check.run(client)
    assert states(report)["transaction.check"] == ("differs", "stopped")
    assert report.finding("transaction.list").verdict == "untested"
    assert report.finding("transaction.delete").verdict == "holds"
    assert not report.left_behind and remaining_transactions(sandbox) == 0


def test_an_unexpected_error_still_deletes_the_draft(sandbox, linked, monkeypatch):
    client = linked()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(client, "download_document", broken)
    with pytest.raises(RuntimeError):
        platform_check.run(client)
    assert remaining_transactions(sandbox) == 0


def test_a_delete_that_is_refused_is_reported_as_left_behind(sandbox, linked):
    client = linked()
    # Every DELETE refused: the transaction stays, and the report says so.
    original = client.delete_transaction

    def refused(tid):
        raise jse.JseApiError("jesignexpert.com answered HTTP 405", 405, "transaction.delete")

    client.delete_transaction = refused
    report = platform_check.run(client)
    assert report.finding("transaction.delete").verdict == "absent"
    assert report.left_behind and remaining_transactions(sandbox) == 1
    original(report.transaction_id)


def test_no_token_or_secret_comes_back_in_a_finding(sandbox, linked, ctl):
    client = linked()
    token = client._user_token
    ctl(
        "POST",
        "/_sandbox/faults",
        json={"mode": "status", "status": 409, "path": "/document/", "details": f"token {token} refused"},
    )
    report = platform_check.run(client)
    finding = report.finding("transaction.document")
    assert finding.verdict == "holds" and "***" in finding.value
    assert all(token not in f.value for f in report.findings)


def test_the_client_reads_the_other_list_shapes_and_refuses_an_unknown_one(draft, ctl, monkeypatch):
    client, tid = draft(signers=1)
    for shape in ("items", "data", "content"):
        ctl("POST", "/_sandbox/dialect", json={"list_shape": shape})
        assert [t.id for page in client.iter_change_pages(0) for t in page.transactions] == [tid]
    monkeypatch.setattr(client, "_call", lambda *a, **k: {"results": [], "total": 0})
    with pytest.raises(jse.JseResponseError, match=r"shape we do not read \(keys: results, total\)"):
        client.list_changes(0)


def test_upper_case_states_and_numeric_ids_are_read_as_ours(linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/dialect", json={"status_case": "upper", "id_format": "number"})
    tid = client.create_transaction("T", "", "S", "O")
    assert tid.isdigit()
    transaction = client.get_transaction(tid)
    assert (transaction.id, transaction.status, transaction.reported_status) == (tid, "draft", "DRAFT")


def test_the_proof_is_skipped_where_the_platform_has_no_proof_call(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    assert client.download_proof_if_any(tid, io.BytesIO()) is not None
    ctl("POST", "/_sandbox/dialect", json={"proof": "404"})
    assert client.download_proof_if_any(tid, io.BytesIO()) is None
