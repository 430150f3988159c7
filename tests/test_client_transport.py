"""The client's transport: errors, retries, timeouts, the deadline, streamed
downloads, and no secret in a log line or an error."""

import hashlib
import io
import logging
import time

import pytest

from conftest import SECRET, SHORTCUT, blank_pdf, jse


def test_wrong_secret_is_refused_with_the_platform_details(sandbox):
    client = jse.JseClient(sandbox.url, SHORTCUT, "wrong-secret")
    with pytest.raises(jse.JseRequestRefused) as caught:
        client.start_link("http://127.0.0.1:9/back")
    assert "HMAC incorrect" in caught.value.details
    assert "wrong-secret" not in str(caught.value)


def test_403_is_an_auth_error(linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/tokens/revoke", json={"office": "Cabinet Dupont Expertise"})
    with pytest.raises(jse.JseAuthError):
        client.validate_check()


def test_429_waits_for_retry_after_then_succeeds(linked, ctl, sleeps):
    client = linked()
    ctl("POST", "/_sandbox/faults", json={"mode": "429", "count": 1, "retry_after": 7})
    assert client.validate_check()
    assert sleeps == [7]


def test_429_with_a_long_retry_after_is_raised_for_later(linked, ctl, sleeps):
    client = linked(max_retry_after=10)
    ctl("POST", "/_sandbox/faults", json={"mode": "429", "count": 1, "retry_after": 120})
    with pytest.raises(jse.JseRateLimited) as caught:
        client.validate_check()
    assert caught.value.retry_after == 120
    assert sleeps == []


def test_5xx_retried_with_bounded_backoff_on_idempotent_calls(linked, ctl, sleeps):
    client = linked(backoff=1, max_backoff=3, max_retries=3)
    ctl("POST", "/_sandbox/faults", json={"mode": "500", "count": 3})
    calls = client.calls
    assert client.validate_check()
    assert client.calls - calls == 4
    assert len(sleeps) == 3
    # exponential (1, 2, 4 capped at 3) with jitter between half and all of it
    for wait, ceiling in zip(sleeps, (1, 2, 3), strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_5xx_gives_up_after_max_retries(linked, ctl, sleeps):
    client = linked(max_retries=2)
    ctl("POST", "/_sandbox/faults", json={"mode": "500", "count": 5})
    with pytest.raises(jse.JseTransientError):
        client.validate_check()
    assert len(sleeps) == 2


def test_5xx_not_retried_on_a_creation(linked, ctl, sleeps):
    client = linked()
    ctl("POST", "/_sandbox/faults", json={"mode": "500", "count": 1, "path": "/transaction"})
    with pytest.raises(jse.JseTransientError):
        client.create_transaction("Contrat", "", "ACME", "Signez")
    assert sleeps == []
    assert [t for page in client.iter_change_pages(0) for t in page.transactions] == []


def test_timeout_is_retried_on_reads(linked, ctl, sleeps):
    client = linked(timeout=0.5)
    ctl("POST", "/_sandbox/faults", json={"mode": "timeout", "count": 1, "seconds": 1.5})
    assert client.validate_check()
    assert len(sleeps) == 1


def test_timeout_on_a_creation_is_raised_not_retried(linked, ctl, sleeps):
    client = linked(timeout=0.5)
    ctl("POST", "/_sandbox/faults", json={"mode": "timeout", "count": 1, "seconds": 1.5, "path": "/transaction"})
    with pytest.raises(jse.JseTransientError) as caught:
        client.create_transaction("Contrat", "", "ACME", "Signez")
    assert "timed out" in str(caught.value)
    assert sleeps == []


def test_connection_refused_is_transient_and_hides_the_url(sleeps):
    client = jse.JseClient("http://127.0.0.1:9", SHORTCUT, SECRET, "tok-office-XYZ", "tok-user-XYZ", sleep=sleeps)
    with pytest.raises(jse.JseTransientError) as caught:
        client.validate_check()
    assert "127.0.0.1" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert len(sleeps) == client.max_retries


def test_secrets_never_reach_logs_or_errors(sandbox, linked, ctl, caplog):
    caplog.set_level(logging.DEBUG)
    client = linked()
    office, user = client._office_token, client._user_token
    ctl("POST", "/_sandbox/faults", json={"mode": "500", "count": 1})
    client.validate_check()
    ctl("POST", "/_sandbox/tokens/revoke", json={})
    with pytest.raises(jse.JseAuthError) as caught:
        client.get_transaction("nope")
    text = caplog.text + str(caught.value) + repr(client)
    for secret in (office, user, SECRET):
        assert secret not in text


def test_download_streams_and_hashes(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    out = io.BytesIO()
    result = client.download_document(tid, 1, out)

    assert result.size == len(out.getvalue()) > 0
    assert result.sha256 == hashlib.sha256(out.getvalue()).hexdigest()
    assert result.content_type == "application/pdf"


def test_download_larger_than_allowed_is_refused(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    with pytest.raises(jse.JseResponseError):
        client.download_document(tid, 1, io.BytesIO(), max_bytes=100)


def test_every_request_has_a_timeout(linked, monkeypatch):
    client = linked(timeout=12, transfer_timeout=34)
    seen = []
    original = client.session.request

    def spy(method, url, **kwargs):
        seen.append((method, kwargs.get("timeout")))
        return original(method, url, **kwargs)

    monkeypatch.setattr(client.session, "request", spy)
    client.validate_check()
    tid = client.create_transaction("Contrat", "", "ACME", "Signez")
    client.upload_file(tid, 1, blank_pdf(), "c.pdf", [jse.SignField(1, 1, 10, 10)])
    client.delete_transaction(tid)
    assert seen == [("GET", 12), ("POST", 12), ("PUT", 34), ("DELETE", 12)]


def test_downloads_ask_for_a_pdf_not_json(draft, ctl, monkeypatch):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    accepts = []
    original = client.session.request

    def spy(method, url, **kwargs):
        accepts.append(kwargs["headers"].get("Accept"))
        return original(method, url, **kwargs)

    monkeypatch.setattr(client.session, "request", spy)
    client.download_document(tid, 1, io.BytesIO())
    client.download_proof(tid, io.BytesIO())
    assert accepts == ["application/pdf, */*", "*/*"]


def test_with_a_deadline_a_429_is_raised_at_once_never_slept_on(linked, ctl, sleeps):
    client = linked()
    client.deadline = time.monotonic() + 60
    ctl("POST", "/_sandbox/faults", json={"mode": "429", "count": 1, "retry_after": 7})
    with pytest.raises(jse.JseRateLimited) as caught:
        client.validate_check()
    assert caught.value.retry_after == 7
    assert sleeps == []


def test_no_request_is_sent_past_the_deadline(linked):
    client = linked()
    client.deadline = time.monotonic() - 1
    calls = client.calls
    with pytest.raises(jse.JseDeadlineReached):
        client.validate_check()
    assert client.calls == calls


def test_each_timeout_ends_by_the_deadline(linked, monkeypatch):
    client = linked(timeout=30, transfer_timeout=120)
    client.deadline = time.monotonic() + 2
    seen = []
    original = client.session.request

    def spy(method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(method, url, **kwargs)

    monkeypatch.setattr(client.session, "request", spy)
    client.validate_check()
    assert 0 < seen[0] <= 2


def test_a_retry_whose_wait_passes_the_deadline_is_not_made(linked, ctl, sleeps):
    client = linked(backoff=4, max_backoff=8, max_retries=3)
    client.deadline = time.monotonic() + 1
    ctl("POST", "/_sandbox/faults", json={"mode": "500", "count": 3})
    calls = client.calls
    with pytest.raises(jse.JseTransientError):
        client.validate_check()
    assert sleeps == []
    assert client.calls - calls == 1


def test_a_read_timed_out_by_the_deadline_is_not_retried_past_it(linked, ctl, sleeps):
    client = linked(timeout=30)
    client.deadline = time.monotonic() + 0.5
    ctl("POST", "/_sandbox/faults", json={"mode": "timeout", "count": 1, "seconds": 1.5})
    started = time.monotonic()
    with pytest.raises(jse.JseTransientError):
        client.validate_check()
    assert time.monotonic() - started < 1.4, "the call ended by the deadline, not its 30 s timeout"
    assert sleeps == []
