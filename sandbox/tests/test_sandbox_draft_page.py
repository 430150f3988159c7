"""The sandbox's page of a draft, as a person on jesignexpert.com sees it."""

import re

import pytest
import requests

import jse

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
