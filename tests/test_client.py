"""The client's calls: linking, making and ending a collection, reading the
platform's answers tolerantly (what the facts leave open)."""

import io
import json
import logging

import pytest
import requests

from conftest import SECRET, SHORTCUT, blank_pdf, jse


def test_link_fetch_404_means_the_login_expired(make_client):
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    with pytest.raises(jse.JseLinkExpired):
        client.fetch_link(request.id_request)  # nobody logged in


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
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
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
