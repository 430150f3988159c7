"""The sandbox plays jesignexpert.com's linking faithfully: the pages a person goes through, the
tokens' fetch, its refusals."""

import re
import time

import pytest
import requests
from jse_sandbox.store import DIALECT_DEFAULTS, SHORTCUT

import jse

# ------------------------------------------------------------------- linking --


def browse_link(url, email="jean.doe@cabinet-exemple.fr", password="demo", office="Cabinet Dupont Expertise"):
    """What a person does on the linking page; returns the final redirect."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    assert page.status_code == 200 and "Se connecter" in page.text
    page = browser.post(url, data={"step": "login", "email": email, "password": password}, timeout=10)
    assert page.status_code == 200
    offices = {name: oid for oid, name in re.findall(r'value="(\d+)"[^>]*> ([^<]+)</label>', page.text)}
    assert office in offices, page.text
    return browser.post(url, data={"step": "choose", "office_id": offices[office]}, allow_redirects=False, timeout=10)


def test_a_person_logs_in_picks_a_cabinet_and_goes_back(make_client):
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/jesignexpert/linked?company=1")
    back = browse_link(request.url)
    assert back.status_code == 303
    assert (
        back.headers["Location"] == f"http://127.0.0.1:9/jesignexpert/linked?company=1&idRequest={request.id_request}"
    )
    tokens = client.fetch_link(request.id_request)
    assert (tokens.office_name, tokens.user_email) == ("Cabinet Dupont Expertise", "jean.doe@cabinet-exemple.fr")
    linked = make_client(office_token=tokens.office_token, user_token=tokens.user_token)
    assert linked.validate_check()


def test_the_return_address_may_come_back_exactly_as_given(make_client, ctl):
    ctl("POST", "/_sandbox/dialect", json={"return_id_request": False})
    request = make_client().start_link("http://127.0.0.1:9/jesignexpert/linked?state=1.abc")
    back = browse_link(request.url)
    assert back.headers["Location"] == "http://127.0.0.1:9/jesignexpert/linked?state=1.abc"
    assert ctl("DELETE", "/_sandbox/dialect") == DIALECT_DEFAULTS


def fetch_signed(sandbox, request, ts, mac):
    path = f"/editor/{SHORTCUT}/token/officeAndUser/fetch/{request.id_request}/{mac}"
    return requests.get(sandbox.url + path, params={"ts": ts}, timeout=10)


@pytest.mark.parametrize("reading, fresh_ok", [("start", False), ("fresh", True)])
def test_the_tokens_fetch_is_accepted_signed_one_way_only(sandbox, make_client, ctl, reading, fresh_ok):
    ctl("POST", "/_sandbox/dialect", json={"fetch_signature": reading})
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    ctl(
        "POST",
        f"/_sandbox/link/{request.id_request}/approve",
        json={"email": "jean.doe@cabinet-exemple.fr", "office": "Cabinet Dupont Expertise"},
    )
    ts = request.ts + 1
    fresh = (ts, jse.link_signature(SHORTCUT, "sandbox-secret", request.id_request, ts))
    start = (request.ts, request.signature)
    refused, accepted = (start, fresh) if fresh_ok else (fresh, start)
    answer = fetch_signed(sandbox, request, *refused)
    assert answer.status_code == 400 and answer.json()["details"]
    assert fetch_signed(sandbox, request, *accepted).status_code == 200, "the refusal used nothing up"


def test_wrong_password_stays_on_the_login_page(make_client):
    request = make_client().start_link("http://127.0.0.1:9/back")
    page = requests.post(
        request.url, data={"step": "login", "email": "jean.doe@cabinet-exemple.fr", "password": "x"}, timeout=10
    )
    assert "Identifiants incorrects" in page.text


def test_tokens_are_fetched_once(make_client, ctl):
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    ctl(
        "POST",
        f"/_sandbox/link/{request.id_request}/approve",
        json={"email": "paul.petit@cabinet-exemple.fr", "office": "Cabinet Petit & Associés"},
    )
    client.fetch_link(request.id_request)
    with pytest.raises(jse.JseLinkExpired):
        client.fetch_link(request.id_request)


def test_a_collaborator_cannot_link_a_cabinet_of_others(make_client, ctl):
    request = make_client().start_link("http://127.0.0.1:9/back")
    with pytest.raises(requests.HTTPError):
        ctl(
            "POST",
            f"/_sandbox/link/{request.id_request}/approve",
            json={"email": "paul.petit@cabinet-exemple.fr", "office": "Cabinet Dupont Expertise"},
        )


def test_stale_link_request_expires(make_client, ctl):
    client = make_client()
    request = client.start_link("http://127.0.0.1:9/back")
    ctl("POST", "/_sandbox/clock", json={"days": 0.01})  # 14 minutes later
    assert requests.get(request.url, timeout=10).status_code == 404
    with pytest.raises(jse.JseLinkExpired):
        client.fetch_link(request.id_request)


def test_timestamp_far_from_now_is_refused(sandbox):
    ts = int(time.time() * 1000) - 3600 * 1000
    idr = jse.new_id_request()
    mac = jse.link_signature(SHORTCUT, "sandbox-secret", idr, ts)
    url = f"{sandbox.url}/editor/{SHORTCUT}/token/officeAndUser/auth/{idr}/{mac}?ts={ts}"
    answer = requests.post(url, json={"success_url": "http://127.0.0.1:9/"}, timeout=10)
    assert answer.status_code == 400 and "ts" in answer.json()["details"]


def test_user_token_expires_after_5_days(linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/clock", json={"days": 4.9})
    assert client.validate_check()
    ctl("POST", "/_sandbox/clock", json={"days": 0.2})
    with pytest.raises(jse.JseAuthError):
        client.validate_check()


def test_tokens_of_one_cabinet_do_not_open_another(linked, draft):
    _client, tid = draft(signers=1)
    other = linked(email="paul.petit@cabinet-exemple.fr", office="Cabinet Petit & Associés")
    with pytest.raises(jse.JseNotFound):
        other.get_transaction(tid)
