"""The client on its own, before any request: the linking signature, the
platform's limits, the signers, the paths."""

import pytest
import requests

from conftest import SECRET, SHORTCUT, jse


class NoNetwork(requests.Session):
    """A session that fails the test if anything is sent."""

    def request(self, *args, **kwargs):
        raise AssertionError("a request was sent")


def offline_client(**kwargs):
    return jse.JseClient("https://jse.invalid", SHORTCUT, SECRET, "office", "user", session=NoNetwork(), **kwargs)


def test_hmac_matches_the_partner_documentation_test_vector():
    assert (
        jse.link_signature("shortcut", "secret", "FCmWsIqOv8hqXBR78OHKoJSaH9Aoc0", 1544783760000)
        == "db2070ed2c1348f4c697797f840cb85ce07769bec64f178e61314312155210e5"
    )


def test_id_request_is_30_alphanumeric_characters_new_each_time():
    ids = {jse.new_id_request() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 30 and i.isalnum() and i.isascii() for i in ids)


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


def test_the_preproduction_host_is_the_one_public_integrations_use():
    assert jse.ENVIRONMENTS["preproduction"] == "https://ecma-preprod.reeliant.net"


def test_the_start_signature_is_kept_and_never_shown(make_client):
    request = make_client().start_link("http://127.0.0.1:9/back")
    assert request.ts and len(request.signature) == 64
    assert request.signature == jse.link_signature(SHORTCUT, SECRET, request.id_request, request.ts)
    assert request.signature not in repr(request)
