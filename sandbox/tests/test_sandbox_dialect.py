"""The sandbox can be made to speak another dialect where jesignexpert.com's behaviour is ASSUMED: what
it accepts, no change list, a change list that misses a transaction."""

import pytest
import requests

import jse


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
