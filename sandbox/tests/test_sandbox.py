"""The sandbox plays jesignexpert.com faithfully: pages, rules, control API."""

import io
import re
import time

import pytest
import requests
from jse_sandbox import server as sandbox_server
from jse_sandbox.pdf import blank_pdf
from jse_sandbox.store import DIALECT_DEFAULTS, SHORTCUT
from pypdf import PdfReader

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


@pytest.mark.parametrize(
    "change",
    [
        {"fetch_signature": "later"},
        {"return_id_request": "no"},
        {"colour": "blue"},
        {"change_list": "410"},
        {"list_shape": "rows"},
        {"status_case": "title"},
        {"id_format": "uuid"},
        {"proof": "no"},
    ],
)
def test_a_dialect_that_makes_no_sense_is_refused(ctl, change):
    with pytest.raises(requests.HTTPError) as caught:
        ctl("POST", "/_sandbox/dialect", json=change)
    assert caught.value.response.status_code == 400


@pytest.mark.parametrize(
    "status, error", [("404", jse.JseNotFound), ("405", jse.JseNotSupported), ("501", jse.JseNotSupported)]
)
def test_a_platform_may_have_no_change_list(draft, ctl, sleeps, status, error):
    client, tid = draft()
    ctl("POST", "/_sandbox/dialect", json={"change_list": status})
    with pytest.raises(error) as caught:
        client.list_changes(0)
    assert caught.value.status == int(status) and caught.value.endpoint == "transaction.list"
    assert sleeps == [], "a call the platform does not have is not tried again"
    assert client.get_transaction(tid).id == tid, "each transaction is still read on its own"
    assert ctl("POST", "/_sandbox/dialect", json={"change_list": None})["change_list"] == "yes"
    assert [t.id for t in client.iter_changed_transactions(0)] == [tid]


def test_the_change_list_can_silently_miss_one_transaction(draft, ctl):
    client, hidden = draft()
    _client, shown = draft(client=client)
    ctl("POST", f"/_sandbox/transaction/{hidden}/hide_from_list")
    ctl("POST", f"/_sandbox/transaction/{hidden}/confirm")
    ctl("POST", f"/_sandbox/transaction/{hidden}/signatory/1/sign")
    assert [t.id for t in client.iter_changed_transactions(0)] == [shown], "signed, yet not listed"
    assert client.get_transaction(hidden).signatories[0].status == "signed", "read on its own, it tells"
    ctl("DELETE", f"/_sandbox/transaction/{hidden}/hide_from_list")
    assert {t.id for t in client.iter_changed_transactions(0)} == {hidden, shown}


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


# ------------------------------------------------------------ platform rules --


def test_the_platform_checks_what_the_client_checks(linked, sandbox):
    """Even a client that skips validation cannot pass bad input."""
    client = linked()
    headers = {jse.HEADER_OFFICE: client._office_token, jse.HEADER_USER: client._user_token}
    url = f"{sandbox.url}/editor/{SHORTCUT}/transaction"
    body = {"object": "x" * 46, "message": "", "mailSender": "A", "mailSubject": "B"}
    answer = requests.post(url, json=body, headers=headers, timeout=10)
    assert answer.status_code == 400 and "object" in answer.json()["details"]
    tid = client.create_transaction("Contrat", "", "A", "B")
    files = {"file": ("contrat.docx", b"PK\x03\x04", "application/octet-stream"), "SignFields": (None, "[]")}
    answer = requests.put(f"{url}/{tid}/uploadFile/1", files=files, headers=headers, timeout=10)
    assert answer.status_code == 400 and "PDF" in answer.json()["details"]


def test_a_sign_field_off_the_document_is_refused(linked):
    client = linked()
    tid = client.create_transaction("Contrat", "", "A", "B")
    with pytest.raises(jse.JseRequestRefused) as caught:
        client.upload_file(tid, 1, blank_pdf(2), "c.pdf", [jse.SignField(1, 3, 10, 10)])
    assert "no page 3" in caught.value.details


def test_two_signers_with_one_email_are_refused(draft):
    client, tid = draft(signers=1)
    with pytest.raises(jse.JseRequestRefused):
        client.add_signatory(tid, "Other", "SIGNER1@example.com", 2, [1])


def test_sequential_signing_goes_in_order(draft, ctl):
    client, tid = draft(signers=2)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    states = [s.status for s in client.get_transaction(tid).signatories]
    assert states == ["invited", "waiting"]
    with pytest.raises(requests.HTTPError):
        ctl("POST", f"/_sandbox/transaction/{tid}/signatory/2/sign")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/sign")
    assert client.get_transaction(tid).status == "sent"
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/2/sign")
    transaction = client.get_transaction(tid)
    assert transaction.status == "signed"
    assert all(s.status == "signed" and s.signed_at for s in transaction.signatories)


def test_parallel_invites_everyone_at_once(draft, ctl):
    client, tid = draft(signers=3, mode="parallel")
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    assert [s.status for s in client.get_transaction(tid).signatories] == ["invited"] * 3
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/3/sign")
    assert client.get_transaction(tid).status == "sent"


def test_a_refusal_ends_the_collection_without_document(draft, ctl):
    client, tid = draft(signers=2)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    ctl("POST", f"/_sandbox/transaction/{tid}/signatory/1/refuse")
    transaction = client.get_transaction(tid)
    assert transaction.status == "refused"
    with pytest.raises(jse.JseRequestRefused):
        client.download_document(tid, 1, io.BytesIO())


def test_a_sent_collection_expires_after_15_days(draft, linked, ctl):
    client, tid = draft(signers=1)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    before = client.get_transaction(tid).updated_at
    ctl("POST", "/_sandbox/clock", json={"days": 14.9})
    client = linked()  # the user token lasts 5 days: link again
    assert client.get_transaction(tid).status == "sent"
    ctl("POST", "/_sandbox/clock", json={"days": 0.2})
    expired = [t for t in client.iter_changed_transactions(before) if t.id == tid]
    assert [t.status for t in expired] == ["expired"]


def test_changes_are_listed_since_a_time_page_after_page(linked):
    client = linked()
    start = int(time.time() * 1000) - 1
    ids = [client.create_transaction(f"Contrat {n}", "", "A", "B") for n in range(205)]
    first = client.list_changes(start)
    assert len(first.transactions) == 100 and first.has_more
    assert first.position == (first.transactions[-1].updated_at, first.transactions[-1].id)
    seen = [t.id for t in client.iter_changed_transactions(start)]
    assert sorted(seen) == sorted(ids)
    last = client.get_transaction(ids[-1]).updated_at
    assert [t.id for t in client.iter_changed_transactions(last)] == []


def test_a_change_between_two_pages_hides_no_transaction(linked, ctl):
    """150 sent collections; one of page 1 is signed while page 1 is being
    read: with offset paging, another would slip between the pages (the list
    shifts by one) and its stamp, older than the new position, is never
    asked again.  Keyset paging asks for what comes after page 1's last one."""
    client = linked()
    start = int(time.time() * 1000) - 1
    ids = []
    for n in range(150):
        tid = client.create_transaction(f"Contrat {n}", "", "A", "B")
        client.upload_file(tid, 1, blank_pdf(), "c.pdf", [jse.SignField(1, 1, 40, 40)])
        client.add_signatory(tid, "Jean", f"jean{n}@example.com", 1, [1])
        client.send(tid)
        ids.append(tid)
    pages = client.iter_change_pages(start)
    first = next(pages)
    assert len(first.transactions) == 100
    ctl("POST", f"/_sandbox/transaction/{first.transactions[3].id}/signatory/1/sign")  # it moves to the end
    rest = [t for page in pages for t in page.transactions]
    seen = {t.id for t in first.transactions} | {t.id for t in rest}
    assert seen == set(ids), "every collection is seen"
    assert [t.status for t in rest if t.id == first.transactions[3].id] == ["signed"], "and the news with it"


def test_the_sandbox_can_report_odd_transactions(draft, ctl):
    client, tid = draft(signers=2)
    ctl("POST", f"/_sandbox/transaction/{tid}/answer", json={"status": "archived", "signatories": None})
    transaction = client.get_transaction(tid)
    assert (transaction.status, transaction.reported_status) == (None, "archived")
    assert {p.code for p in transaction.problems} == {"unknown_status", "no_signatories"}
    ctl("DELETE", f"/_sandbox/transaction/{tid}/answer")
    assert client.get_transaction(tid).status == "draft"


def test_latency_is_added_to_every_api_call(linked, ctl):
    client = linked()
    ctl("POST", "/_sandbox/latency", json={"ms": 150})
    started = time.monotonic()
    client.validate_check()
    slow = time.monotonic() - started
    ctl("POST", "/_sandbox/latency", json={"ms": 0})
    assert slow >= 0.15


# --------------------------------------------------------------- signed PDF --


def test_signed_pdf_is_derived_from_the_original(draft, ctl):
    client, tid = draft(signers=2, pages=3)
    ctl("POST", f"/_sandbox/transaction/{tid}/confirm")
    for n in (1, 2):
        ctl("POST", f"/_sandbox/transaction/{tid}/signatory/{n}/sign")
    out = io.BytesIO()
    client.download_document(tid, 1, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 3
    last_page = reader.pages[-1].extract_text()
    assert "Signé électroniquement par Signer 1" in last_page
    assert "Signé électroniquement par Signer 2" in last_page
    fields = reader.trailer["/Root"]["/AcroForm"]["/Fields"]
    values = [f.get_object()["/V"].get_object() for f in fields]
    assert [v["/Type"] for v in values] == ["/Sig", "/Sig"]
    assert [v["/Name"] for v in values] == ["Signer 1", "Signer 2"]
    proof = io.BytesIO()
    assert client.download_proof(tid, proof).content_type == "application/zip"


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


# --------------------------------------------------------- the draft's page --


def login_on(url, email="jean.doe@cabinet-exemple.fr"):
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    assert "Connectez-vous" in page.text
    tid = url.rsplit("/", 1)[1]
    page = browser.post(
        f"{url.rsplit('/', 2)[0]}/collecte/{tid}/login", data={"email": email, "password": "demo"}, timeout=10
    )
    return browser, page


def test_the_draft_page_shows_the_collection(draft):
    client, tid = draft(signers=2)
    url = client.get_transaction(tid).url
    _browser, page = login_on(url)
    text = page.text
    assert "Collecte de signature du Cabinet Dupont Expertise" in text
    assert "CDD MARC LANGLOIS" in text and "Brouillon" in text
    assert re.search(r"CDD MARC LANGLOIS\.pdf</a> \(\d+ Ko\)", text)
    assert text.count("Signature avancée") == 2
    assert "Invitations séquentielles" in text
    assert "dernière page (x=60, y=650)" in text
    # the last of the 2 pages carries both signature fields, drawn where they go
    assert text.count('class="page"') == 2
    assert re.findall(r'class="field" style="left:(\d+)px;top:(\d+)px[^>]*>([^<]+)<', text) == [
        ("18", "195", "Signataire 1 : Signer 1"),
        ("78", "195", "Signataire 2 : Signer 2"),
    ]
    for button in ("Supprimer le brouillon", "Marquer comme préparé", "Envoyer la collecte"):
        assert button in text


def test_the_draft_page_buttons(draft):
    client, tid = draft(signers=1)
    url = client.get_transaction(tid).url
    browser, _page = login_on(url)
    browser.post(f"{url}/prepare", timeout=10)
    assert client.get_transaction(tid).status == "prepared"
    page = browser.post(f"{url}/send", timeout=10)
    assert "Envoyé" in page.text and "Envoyer la collecte" not in page.text
    assert client.get_transaction(tid).status == "sent"
    _client, other = draft(signers=1, client=client)
    browser.post(f"{url.rsplit('/', 1)[0]}/{other}/delete", timeout=10)
    with pytest.raises(jse.JseNotFound):
        client.get_transaction(other)


def test_the_draft_page_is_closed_to_other_cabinets(draft):
    client, tid = draft(signers=1)
    _browser, page = login_on(client.get_transaction(tid).url, email="paul.petit@cabinet-exemple.fr")
    assert page.status_code == 403


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
