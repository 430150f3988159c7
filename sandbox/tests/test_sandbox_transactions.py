"""The sandbox plays jesignexpert.com's transactions faithfully: its rules, the signing orders, the
ends, the change list, the signed PDF."""

import io
import time

import pytest
import requests
from jse_sandbox.pdf import blank_pdf
from jse_sandbox.store import SHORTCUT
from pypdf import PdfReader

import jse

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
