"""The API client on its own: signature, validation, errors, retries."""

import io
import logging
import time

import pytest
import requests

from conftest import SECRET, SHORTCUT, blank_pdf, jse


class NoNetwork(requests.Session):
    """A session that fails the test if anything is sent."""

    def request(self, *args, **kwargs):
        raise AssertionError("a request was sent")


def offline_client(**kwargs):
    return jse.JseClient("https://jse.invalid", SHORTCUT, SECRET, "office", "user", session=NoNetwork(), **kwargs)


# ----------------------------------------------------------------- signature --


def test_hmac_matches_the_partner_documentation_test_vector():
    assert (
        jse.link_signature("shortcut", "secret", "FCmWsIqOv8hqXBR78OHKoJSaH9Aoc0", 1544783760000)
        == "db2070ed2c1348f4c697797f840cb85ce07769bec64f178e61314312155210e5"
    )


def test_id_request_is_30_alphanumeric_characters_new_each_time():
    ids = {jse.new_id_request() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 30 and i.isalnum() and i.isascii() for i in ids)


# ---------------------------------------------------------------- validation --


@pytest.mark.parametrize(
    ("field", "kwargs", "limit"),
    [
        ("object", {"title": "x" * 46}, 45),
        ("mailSender", {"mail_sender": "x" * 101}, 100),
        ("mailSubject", {"mail_subject": "x" * 101}, 100),
        ("message", {"message": "x" * 4001}, 4000),
    ],
)
def test_limits_are_refused_before_any_request(field, kwargs, limit):
    args = {"title": "Contrat", "message": "Bonjour", "mail_sender": "ACME", "mail_subject": "Signez"}
    args.update(kwargs)
    with pytest.raises(jse.JseValidationError) as caught:
        offline_client().create_transaction(**args)
    assert (caught.value.code, caught.value.field, caught.value.params["limit"]) == ("too_long", field, limit)


def test_limits_themselves_are_accepted(sandbox, linked):
    client = linked()
    tid = client.create_transaction("x" * 45, "m" * 4000, "s" * 100, "o" * 100)
    assert client.get_transaction(tid).title == "x" * 45


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "required"),
        (b"PK\x03\x04 a zip, not a PDF", "not_pdf"),
        (b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "too_large"),
    ],
)
def test_only_pdf_up_to_10_mb(content, code):
    with pytest.raises(jse.JseValidationError) as caught:
        offline_client().upload_file("t1", 1, content, "contrat.pdf", [])
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("signers", "code"),
    [
        ([], "no_signer"),
        ([("Ann", "", "")], "required"),
        ([("Ann", "ann@", "")], "invalid_email"),
        ([("Ann", "ann@example.com", ""), ("Bob", "ANN@example.com", "")], "duplicate_email"),
        ([("Ann", "ann@example.com", "12")], "invalid_phone"),
    ],
)
def test_bad_signers_are_refused(signers, code):
    with pytest.raises(jse.JseValidationError) as caught:
        jse.check_signatories(signers)
    assert caught.value.code == code


def test_french_mobile_numbers_become_international():
    assert jse.check_phone("06 12 34 56 78") == "+33612345678"
    assert jse.check_phone("0033 7 12 34 56 78") == "+33712345678"
    assert jse.check_phone("") == ""


def test_bad_signatory_refused_before_any_request():
    with pytest.raises(jse.JseValidationError):
        offline_client().add_signatory("t1", "Ann", "not-an-email", 1, [1])


# ------------------------------------------------------------ errors, retries --


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


def test_link_fetch_404_means_the_login_expired(make_client):
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    with pytest.raises(jse.JseLinkExpired):
        client.fetch_link(request.id_request)  # nobody logged in


def test_download_streams_and_hashes(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    out = io.BytesIO()
    result = client.download_document(tid, 1, out)
    import hashlib

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


def test_deleting_a_draft_twice_is_harmless(draft):
    client, tid = draft(signers=1)
    assert client.delete_transaction(tid) is True
    assert client.delete_transaction(tid) is False
    with pytest.raises(jse.JseNotFound):
        client.get_transaction(tid)


def test_a_sent_collection_can_be_cancelled_once_and_then_nobody_signs(draft, ctl):
    client, tid = draft(signers=2)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    client.cancel_transaction(tid)
    client.cancel_transaction(tid)  # twice: nothing more happens
    assert client.get_transaction(tid).status == "cancelled"
    with pytest.raises(requests.HTTPError):
        ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")


def test_a_signed_collection_cannot_be_cancelled(draft, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    with pytest.raises(jse.JseRequestRefused, match="signed"):
        client.cancel_transaction(tid)
    assert client.get_transaction(tid).status == "signed"


def test_odd_shortcut_or_id_cannot_bend_the_path(linked):
    with pytest.raises(jse.JseValidationError):
        jse.JseClient("https://jse.invalid", "../admin", SECRET)
    with pytest.raises(jse.JseNotFound):
        linked().get_transaction("../token/validateCheck")


def test_no_tokens_no_request():
    client = jse.JseClient("https://jse.invalid", SHORTCUT, SECRET, session=NoNetwork())
    with pytest.raises(jse.JseValidationError) as caught:
        client.validate_check()
    assert caught.value.code == "not_linked"


# ------------------------------------------------------- tolerant reading --


class Answers(requests.Session):
    """A session that answers each request with the next canned JSON, and
    records what was asked."""

    def __init__(self, *bodies):
        super().__init__()
        self.bodies = list(bodies)
        self.asked = []

    def request(self, method, url, **kwargs):
        self.asked.append((method, url, kwargs.get("params"), kwargs.get("headers")))
        response = requests.Response()
        response.status_code = 200
        body = self.bodies.pop(0)
        response._content = body if isinstance(body, bytes) else __import__("json").dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        return response


def answering(*bodies):
    session = Answers(*bodies)
    return jse.JseClient("https://jse.invalid", SHORTCUT, SECRET, "office", "user", session=session), session


def test_unknown_states_missing_lists_and_fields_are_read_not_raised():
    odd = [
        {"id": "a1", "status": "archived", "updatedAt": 5, "signatories": None},
        {"id": "a2", "updatedAt": 6, "signatories": [{"level": 1, "status": "opened", "name": "Jean"}]},
        {"id": "a3", "status": "sent", "updatedAt": "soon", "sentAt": None, "signatories": "none", "extra": [1]},
        {"status": "sent"},  # no id: cannot be matched to anything
    ]
    client, _session = answering({"items": odd, "hasMore": False})
    page = client.list_changes(0)
    by_id = {t.id: t for t in page.transactions}
    assert sorted(by_id) == ["a1", "a2", "a3"]
    assert (by_id["a1"].status, by_id["a1"].reported_status) == (None, "archived")
    assert [p.code for p in by_id["a1"].problems] == ["unknown_status", "no_signatories"]
    assert [p.code for p in by_id["a2"].problems] == ["no_status", "unknown_signatory_status"]
    assert by_id["a2"].signatories[0].status is None and by_id["a2"].signatories[0].reported_status == "opened"
    assert by_id["a3"].status == "sent" and by_id["a3"].updated_at is None and by_id["a3"].signatories == ()
    assert by_id["a3"].completed_at is None
    assert [p.code for p in page.problems] == ["unreadable_item"]
    assert page.position == (6, "a2"), "the last readable stamp"


def test_pages_are_asked_after_the_last_stamp_and_id():
    client, session = answering(
        {
            "items": [{"id": "t1", "status": "sent", "updatedAt": 10}, {"id": "t2", "status": "sent", "updatedAt": 10}],
            "hasMore": True,
        },
        {"items": [{"id": "t3", "status": "sent", "updatedAt": 12}], "hasMore": False},
    )
    assert [t.id for page in client.iter_change_pages(7) for t in page.transactions] == ["t1", "t2", "t3"]
    assert [params for _m, _u, params, _h in session.asked] == [
        {"updatedSince": 7},
        {"updatedSince": 10, "afterId": "t2"},
    ]


def test_an_opaque_continuation_is_followed_when_given():
    client, session = answering(
        {"items": [{"id": "t1", "status": "sent", "updatedAt": 10}], "hasMore": True, "next": "abc"},
        {"items": [], "hasMore": False},
    )
    list(client.iter_change_pages(0))
    assert session.asked[1][2]["continuation"] == "abc"


def test_pages_that_do_not_move_forward_stop_with_an_error():
    same = {"items": [{"id": "t1", "status": "sent", "updatedAt": 10}], "hasMore": True}
    client, _session = answering(same, same)
    with pytest.raises(jse.JseResponseError):
        list(client.iter_change_pages(0))


def test_a_draft_page_url_comes_from_the_draft_answer(draft):
    client, tid = draft(signers=1)
    assert client.save_draft(tid).endswith(f"/collecte/{tid}")


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


def test_a_signed_pdf_with_a_certificate_page_is_accepted_with_a_note(draft, ctl):
    client, tid = draft(signers=1, pages=2)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/certificate_page", json={})
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    out = io.BytesIO()
    client.download_document(tid, 1, out)
    out.seek(0)
    signed = jse.read_signed_pdf(out, original_pages=2)
    assert signed.pages == 3
    assert [(n.code, n.value) for n in signed.notes] == [("extra_pages", "1")]


def test_only_an_unreadable_signed_pdf_is_refused():
    with pytest.raises(jse.JseResponseError):
        jse.read_signed_pdf(io.BytesIO(b"%PDF-1.7 garbled"), original_pages=1)
    unsigned = jse.read_signed_pdf(io.BytesIO(blank_pdf(1)), original_pages=2)
    assert [n.code for n in unsigned.notes] == ["fewer_pages", "no_signature"]


def test_the_integrator_credentials_can_be_checked_without_a_user(sandbox):
    assert jse.JseClient(sandbox.url, SHORTCUT, SECRET).check_credentials("http://127.0.0.1:9/back")
    with pytest.raises(jse.JseRequestRefused):
        jse.JseClient(sandbox.url, SHORTCUT, "wrong").check_credentials("http://127.0.0.1:9/back")
    with pytest.raises(jse.JseRequestRefused):
        jse.JseClient(sandbox.url, "unknown", SECRET).check_credentials("http://127.0.0.1:9/back")


def test_the_preproduction_host_is_the_one_public_integrations_use():
    assert jse.ENVIRONMENTS["preproduction"] == "https://ecma-preprod.reeliant.net"


# ------------------------------------------------- what the facts leave open --


def test_status_names_are_read_whatever_their_case():
    client, _session = answering(
        {
            "items": [
                {"id": "t1", "status": "SIGNED", "updatedAt": 1, "signatories": [{"level": 1, "status": "Signed"}]},
                {"id": "t2", "status": " Sent ", "updatedAt": 2, "signatories": [{"level": 1, "status": "INVITED"}]},
            ],
            "hasMore": False,
        }
    )
    signed, sent = client.list_changes(0).transactions
    assert (signed.status, signed.signatories[0].status, signed.problems) == ("signed", "signed", ())
    assert (sent.status, sent.signatories[0].status, sent.problems) == ("sent", "invited", ())
    assert signed.reported_status == "SIGNED", "what the platform said is kept"


def test_ids_are_kept_as_the_platform_gives_them():
    client, _session = answering(
        {"items": [{"id": "00123", "status": "sent"}, {"id": 124, "status": "sent"}], "hasMore": False},
        {"id": "000457"},
    )
    assert [t.id for t in client.list_changes(0).transactions] == ["00123", "124"]
    assert client.create_transaction("T", "", "S", "O") == "000457", "never turned into a number and back"


def test_a_transaction_id_that_is_not_one_is_refused():
    client, _session = answering({"id": True})
    with pytest.raises(jse.JseResponseError):
        client.create_transaction("T", "", "S", "O")


def test_the_start_signature_is_kept_and_never_shown(make_client):
    request = make_client().start_link("http://127.0.0.1:9/back")
    assert request.ts and len(request.signature) == 64
    assert request.signature == jse.link_signature(SHORTCUT, SECRET, request.id_request, request.ts)
    assert request.signature not in repr(request)


def approve(ctl, request):
    body = {"email": "jean.doe@cabinet-exemple.fr", "office": "Cabinet Dupont Expertise"}
    ctl("POST", f"/_sandbox/link/{request.id_request}/approve", json=body)


@pytest.mark.parametrize("reading", ["start", "fresh", "any"])
def test_the_tokens_fetch_links_whichever_signature_the_platform_wants(make_client, ctl, reading, caplog):
    ctl("POST", "/_sandbox/dialect", json={"fetch_signature": reading})
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    approve(ctl, request)
    # Every line the client logs (its linking calls and its transport), none of the sandbox's.
    with caplog.at_level(logging.DEBUG, logger="jse.linking"), caplog.at_level(logging.DEBUG, logger="jse.transport"):
        tokens = client.fetch_link(request.id_request, request.ts, request.signature)
    assert tokens.office_name == "Cabinet Dupont Expertise"
    asked_again = "asking with the start's signature" in caplog.text
    assert asked_again == (reading == "start"), "asked a second time only when the first was refused"
    assert request.signature not in caplog.text and SECRET not in caplog.text


def test_without_the_start_signature_a_platform_that_wants_it_refuses(make_client, ctl):
    ctl("POST", "/_sandbox/dialect", json={"fetch_signature": "start"})
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    approve(ctl, request)
    with pytest.raises(jse.JseRequestRefused) as caught:
        client.fetch_link(request.id_request)
    assert "HMAC incorrect" in caught.value.details
    assert client.fetch_link(request.id_request, request.ts, request.signature).user_token, "nothing was used up"


def test_a_fetch_refused_both_ways_says_why(make_client, ctl):
    ctl("POST", "/_sandbox/dialect", json={"fetch_signature": "start"})
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    approve(ctl, request)
    with pytest.raises(jse.JseRequestRefused):
        client.fetch_link(request.id_request, request.ts, "0" * 64)


def test_an_expired_login_is_not_asked_twice(make_client, ctl):
    ctl("DELETE", "/_sandbox/calls")
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    with pytest.raises(jse.JseLinkExpired):
        client.fetch_link(request.id_request, request.ts, request.signature)  # nobody logged in
    assert ctl("GET", "/_sandbox/calls")["api_link_fetch"] == 1


# ------------------------------------------------------------- deadline --


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
