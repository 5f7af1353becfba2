"""Authentication on Api2: API key spellings, SignIn sessions across a publisher's stores, the permission."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from inkship.simulators.inksoft.state import InkSoftState

from .conftest import CREDENTIALS, KEY, SECOND_STORE, STORE, Api2, assert_error


def sign_in(api: Api2, store: str = STORE, **overrides: object) -> object:
    form = {"Username": CREDENTIALS.inksoft_username, "Password": CREDENTIALS.inksoft_password,
            "PublisherId": CREDENTIALS.inksoft_publisher_id, **overrides}
    return api.post("SignIn", store=store, key=None, **{k: v for k, v in form.items() if v is not None})


@pytest.mark.parametrize("name", ["ApiKey", "APIKey", "apikey"])
def test_api_key_is_accepted_in_the_query_under_any_spelling(client: FlaskClient, name: str) -> None:
    response = client.get(f"/{STORE}/Api2/GetStoreData", query_string={name: KEY})
    assert response.status_code == 200 and response.get_json()["Data"]["StoreUri"] == STORE


def test_api_key_is_accepted_in_a_form_or_json_body(client: FlaskClient) -> None:
    assert client.post(f"/{STORE}/Api2/GetStoreData", data={"APIKey": KEY}).status_code == 200
    assert client.post(f"/{STORE}/Api2/GetStoreData", json={"apikey": KEY}).status_code == 200


def test_the_publisher_key_works_on_every_store_of_the_publisher(api: Api2) -> None:
    assert api.get("GetStoreData", store=SECOND_STORE).status_code == 200


@pytest.mark.parametrize("key", [None, "wrong-key", KEY + "x"])
def test_missing_or_bad_key_is_a_401_envelope_that_never_echoes_the_key(api: Api2, key: str | None) -> None:
    response = api.get("GetOrderSummaries", key=key)
    body = assert_error(response, 401, "Unauthorized")
    assert "wrong-key" not in response.get_data(as_text=True) and KEY not in str(body)


def test_unknown_store_is_404(api: Api2) -> None:
    assert_error(api.get("GetStoreData", store="nowhere"), 404, "NotFound", contains="nowhere")


@pytest.mark.parametrize("login", [CREDENTIALS.inksoft_username, "FULFIL@example.com"])
def test_sign_in_gives_a_session_token_valid_on_every_store_of_the_publisher(api: Api2, client: FlaskClient,
                                                                             login: str) -> None:
    response = sign_in(api, Username=login)
    assert response.status_code == 200
    data = response.get_json()["Data"]
    token = data["Token"]
    assert data["SessionToken"] == token and data["PublisherId"] == 4242
    assert "FulfillmentStoreAdmin" in data["Permissions"]
    for store in (STORE, SECOND_STORE):
        answer = client.get(f"/{store}/Api2/GetOrderSummaries", query_string={"SessionToken": token})
        assert answer.status_code == 200


def test_sign_in_accepts_email_instead_of_username(api: Api2) -> None:
    response = sign_in(api, Username=None, Email=CREDENTIALS.inksoft_username)
    assert response.status_code == 200


def test_a_user_without_the_fulfilment_permission_is_refused_with_403(api: Api2) -> None:
    response = sign_in(api, Username="designer@example.com")
    assert_error(response, 403, "Forbidden", contains="FulfillmentStoreAdmin")


@pytest.mark.parametrize("overrides", [{"Password": "nope"}, {"PublisherId": 1},
                                       {"Username": "who@example.com"}])
def test_wrong_login_details_are_401_without_saying_which(api: Api2, overrides: dict) -> None:
    body = assert_error(sign_in(api, **overrides), 401, "Unauthorized")
    assert "nope" not in str(body)


def test_sign_in_needs_a_publisher_id(api: Api2) -> None:
    assert_error(sign_in(api, PublisherId=None), 400, "BadRequest", contains="PublisherId")


def test_a_session_is_not_valid_on_another_publishers_store(api: Api2, client: FlaskClient,
                                                            state: InkSoftState) -> None:
    state.seed({"stores": [{"StoreId": 9001, "StoreUri": "elsewhere", "PublisherId": 77}]})
    token = sign_in(api).get_json()["Data"]["Token"]
    response = client.get("/elsewhere/Api2/GetOrderSummaries", query_string={"SessionToken": token})
    assert_error(response, 401, "Unauthorized")
    assert_error(api.get("GetOrderSummaries", store="elsewhere"), 401, "Unauthorized")


def test_ended_sessions_and_withdrawn_permissions_are_refused(api: Api2, client: FlaskClient,
                                                              state: InkSoftState) -> None:
    token = sign_in(api).get_json()["Data"]["Token"]
    state.seed({"users": [{"Username": CREDENTIALS.inksoft_username, "Permissions": []}]})
    response = client.get(f"/{STORE}/Api2/GetOrderSummaries", query_string={"SessionToken": token})
    assert_error(response, 403, "Forbidden", contains="FulfillmentStoreAdmin")
    assert client.delete("/__sim/sessions").get_json() == {"ended": 1}
    response = client.get(f"/{STORE}/Api2/GetOrderSummaries", query_string={"SessionToken": token})
    assert_error(response, 401, "Unauthorized")


def test_get_order_without_key_needs_the_buyers_email(api: Api2, state: InkSoftState) -> None:
    order = state.add_order({"Email": "dana@example.org"})
    found = api.get("GetOrder", key=None, OrderId=order["ID"], OrderEmail="Dana@Example.org")
    assert found.status_code == 200 and found.get_json()["Data"]["ID"] == order["ID"]
    wrong_email = api.get("GetOrder", key=None, OrderId=order["ID"], OrderEmail="x@example.org")
    assert_error(wrong_email, 404, "NotFound")
    assert_error(api.get("GetOrder", key=None, OrderId=order["ID"]), 401, "Unauthorized")
