"""Customers (SPEC §7): create, get, list filters, update, validation field by field."""

from __future__ import annotations

from typing import Any

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

CUSTOMERS = "/api/v1/customers"


def details_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()["error"]
    assert body["code"] == "VALIDATION_ERROR"
    details: list[dict[str, str]] = body["details"]
    return details


def test_create_returns_the_full_object(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.post(
        CUSTOMERS,
        json={
            "email": "alice@example.com",
            "name": "Alice Tan",
            "externalId": "user_19823",
            "metadata": {"segment": "enterprise"},
        },
        idempotency_key="idem_1",
    )
    assert response.status_code == 201
    customer = data_of(response)
    cid = customer["id"]
    assert cid.startswith("cus_") and len(cid) == 30
    assert customer == {
        "id": cid,
        "arn": f"arn:plugipay:{fake.account_id}:customer/{cid}",
        "accountId": fake.account_id,
        "externalId": "user_19823",
        "email": "alice@example.com",
        "name": "Alice Tan",
        "phone": None,
        "taxId": None,
        "defaultPaymentTokenId": None,
        "metadata": {"segment": "enterprise"},
        "createdAt": "2026-05-12T10:42:00.000Z",
        "updatedAt": "2026-05-12T10:42:00.000Z",
    }
    assert fake.customers == [customer]
    assert data_of(raw.get(f"{CUSTOMERS}/{cid}")) == customer


def test_bare_create(raw: RawClient) -> None:
    customer = raw.create_customer()
    assert customer["email"] is None and customer["metadata"] == {}


def test_missing_idempotency_key_is_400(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.post(CUSTOMERS, json={"name": "x"})
    assert details_of(response) == [
        {
            "field": "Idempotency-Key",
            "code": "required",
            "message": "The Idempotency-Key header is required",
        }
    ]
    customer = raw.create_customer()
    response = raw.patch(f"{CUSTOMERS}/{customer['id']}", json={"name": "y"})
    assert details_of(response)[0]["field"] == "Idempotency-Key"
    assert len(fake.customers) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"email": "not-an-email"}, [("email", "invalid")]),
        ({"email": "a@b"}, [("email", "invalid")]),
        ({"email": "a" * 65 + "@example.com"}, [("email", "invalid")]),
        ({"email": "a@" + "b" * 320 + ".com"}, [("email", "too_long")]),
        ({"email": 5}, [("email", "invalid")]),
        ({"name": ""}, [("name", "too_short")]),
        ({"name": "n" * 256}, [("name", "too_long")]),
        ({"name": "😀" * 128}, [("name", "too_long")]),  # 256 UTF-16 units
        ({"phone": "1" * 65}, [("phone", "too_long")]),
        ({"taxId": ""}, [("taxId", "too_short")]),
        ({"externalId": "x" * 256}, [("externalId", "too_long")]),
        ({"defaultPaymentTokenId": "tok_1"}, [("defaultPaymentTokenId", "invalid")]),
        ({"metadata": {"k": 1}}, [("metadata", "invalid")]),
        ({"metadata": ["a"]}, [("metadata", "invalid")]),
        ({"metadata": {"k" * 41: "v"}}, [("metadata", "invalid")]),
        ({"metadata": {"k": "v" * 501}}, [("metadata", "too_long")]),
        ({"metadata": {str(i): "v" for i in range(51)}}, [("metadata", "too_many")]),
        ({"nickname": "Al"}, [("nickname", "unknown_field")]),
        ({"id": "cus_x", "arn": "a"}, [("id", "read_only"), ("arn", "read_only")]),
        (
            {"email": "bad", "name": "", "createdAt": "2026"},
            [("email", "invalid"), ("name", "too_short"), ("createdAt", "read_only")],
        ),
    ],
)
def test_validation_reports_every_field(
    raw: RawClient, fake: FakePlugipay, body: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    response = raw.post(CUSTOMERS, json=body, idempotency_key="idem_v")
    details = details_of(response)
    assert [(d["field"], d["code"]) for d in details] == expected
    assert response.json()["error"]["message"] == "; ".join(d["message"] for d in details)
    assert fake.customers == []


def test_validation_messages(raw: RawClient) -> None:
    response = raw.post(CUSTOMERS, json={"email": "nope", "x": 1}, idempotency_key="k")
    assert details_of(response) == [
        {"field": "email", "code": "invalid", "message": "email must be a valid email address"},
        {"field": "x", "code": "unknown_field", "message": "x is not a known field"},
    ]
    assert response.json()["error"]["message"] == (
        "email must be a valid email address; x is not a known field"
    )


def test_limits_that_pass(raw: RawClient) -> None:
    customer = raw.create_customer(
        name="n" * 255,
        phone="+62 811-234 (home)",
        email="first.last+tag@sub.example.co.id",
        defaultPaymentTokenId="pt_01HX",
        metadata={f"k{i}": "v" * 500 for i in range(50)},
    )
    assert customer["defaultPaymentTokenId"] == "pt_01HX"
    assert len(customer["metadata"]) == 50


def test_body_must_be_an_object(raw: RawClient) -> None:
    response = raw.post(CUSTOMERS, json=["a"], idempotency_key="k")
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["message"] == "The request body must be a JSON object"


def test_external_id_is_unique_per_workspace(raw: RawClient, fake: FakePlugipay) -> None:
    raw.create_customer(externalId="user_1")
    response = raw.post(CUSTOMERS, json={"externalId": "user_1"}, idempotency_key="other")
    assert error_of(response) == (409, "CONFLICT")
    assert response.json()["error"]["message"] == "externalId already exists for this account"
    # another workspace may use the same externalId
    partner = fake.platform_key("storlaunch")
    other = RawClient(fake, key_id=partner.key_id, secret=partner.secret)
    other.create_customer(externalId="user_1")
    assert len(fake.customers) == 2


def test_update_rules(raw: RawClient) -> None:
    customer = raw.create_customer(
        name="Alice", phone="+62", externalId="u1", metadata={"a": "1", "b": "2"}
    )
    other = raw.create_customer(externalId="u2")
    url = f"{CUSTOMERS}/{customer['id']}"
    updated = data_of(
        raw.patch(
            url,
            json={"name": "Alice Tan", "phone": None, "metadata": {"b": "3"}},
            idempotency_key="p1",
        )
    )
    assert (updated["name"], updated["phone"], updated["metadata"]) == (
        "Alice Tan",
        None,
        {"b": "3"},
    )
    assert updated["externalId"] == "u1"
    assert data_of(raw.patch(url, json={"metadata": None}, idempotency_key="p2"))["metadata"] == {}
    assert data_of(raw.patch(url, json={"metadata": {"x": "y"}}, idempotency_key="p3"))[
        "metadata"
    ] == {"x": "y"}
    assert data_of(raw.patch(url, json={"metadata": {}}, idempotency_key="p4"))["metadata"] == {}
    response = raw.patch(url, json={"externalId": "u2"}, idempotency_key="p5")
    assert error_of(response) == (409, "CONFLICT")
    # clearing frees the externalId for another customer
    assert (
        data_of(raw.patch(url, json={"externalId": None}, idempotency_key="p6"))["externalId"]
        is None
    )
    moved = data_of(
        raw.patch(f"{CUSTOMERS}/{other['id']}", json={"externalId": "u1"}, idempotency_key="p7")
    )
    assert moved["externalId"] == "u1"
    listed = data_of(raw.get(f"{CUSTOMERS}?externalId=u1"))
    assert [c["id"] for c in listed] == [other["id"]]
    assert data_of(raw.get(f"{CUSTOMERS}?externalId=u2")) == []
    response = raw.patch(url, json={"accountId": "acc_x"}, idempotency_key="p8")
    assert details_of(response)[0]["code"] == "read_only"


def test_updated_at_moves_with_the_clock(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="A")
    fake.clock.advance(1.5)
    updated = data_of(
        raw.patch(f"{CUSTOMERS}/{customer['id']}", json={"name": "B"}, idempotency_key="p")
    )
    assert updated["createdAt"] == "2026-05-12T10:42:00.000Z"
    assert updated["updatedAt"] == "2026-05-12T10:42:01.500Z"


def test_unknown_and_foreign_ids_are_404(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.get(f"{CUSTOMERS}/cus_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    assert error_of(response) == (404, "NOT_FOUND")
    assert response.json()["error"]["message"] == "Customer not found"
    partner = fake.platform_key("storlaunch")
    other = RawClient(fake, key_id=partner.key_id, secret=partner.secret)
    foreign = other.create_customer(name="theirs")
    assert error_of(raw.get(f"{CUSTOMERS}/{foreign['id']}")) == (404, "NOT_FOUND")
    response = raw.patch(f"{CUSTOMERS}/{foreign['id']}", json={"name": "x"}, idempotency_key="k")
    assert error_of(response) == (404, "NOT_FOUND")


def test_email_filter_is_exact_and_case_sensitive(raw: RawClient) -> None:
    a = raw.create_customer(email="alice@example.com")
    raw.create_customer(email="Alice@example.com")
    b = raw.create_customer(email="alice@example.com")
    raw.create_customer(email="alice@example.co")
    found = data_of(raw.get(f"{CUSTOMERS}?email=alice%40example.com"))
    assert [c["id"] for c in found] == [b["id"], a["id"]]


def test_query_is_form_decoded(raw: RawClient) -> None:
    plus = raw.create_customer(email="a+b@example.com")
    raw.create_customer(name="a b")
    assert [c["id"] for c in data_of(raw.get(f"{CUSTOMERS}?email=a%2Bb%40example.com"))] == [
        plus["id"]
    ]
    # a literal "+" is a space, as URLSearchParams writes it
    assert data_of(raw.get(f"{CUSTOMERS}?email=a+b%40example.com")) == []
    spaced = raw.create_customer(externalId="ext 1")
    assert [c["id"] for c in data_of(raw.get(f"{CUSTOMERS}?externalId=ext+1"))] == [spaced["id"]]


def test_created_after_takes_iso_and_epoch(raw: RawClient, fake: FakePlugipay) -> None:
    first = raw.create_customer(name="first")
    fake.clock.advance(0.25)
    second = raw.create_customer(name="second")
    t0 = "2026-05-12T10:42:00.000Z"
    assert [c["id"] for c in data_of(raw.get(f"{CUSTOMERS}?createdAfter={t0}"))] == [second["id"]]
    assert [c["id"] for c in data_of(raw.get(f"{CUSTOMERS}?createdAfter=1778582520"))] == [
        second["id"]
    ]
    both = data_of(raw.get(f"{CUSTOMERS}?createdAfter=1778582519.5&order=asc"))
    assert [c["id"] for c in both] == [first["id"], second["id"]]
    assert data_of(raw.get(f"{CUSTOMERS}?createdAfter=2026-05-12T10%3A42%3A00.250Z")) == []
    offset = "2026-05-12T17%3A41%3A59%2B07%3A00"  # 10:41:59Z
    assert len(data_of(raw.get(f"{CUSTOMERS}?createdAfter={offset}"))) == 2
    response = raw.get(f"{CUSTOMERS}?createdAfter=yesterday")
    assert details_of(response)[0]["field"] == "createdAfter"


@pytest.mark.parametrize(
    "value", ["nan", "NaN", "inf", "-inf", "infinity", "1e300", "-1e20", "0999-12-31T23:59:59Z"]
)
def test_created_after_out_of_range_is_a_validation_error(raw: RawClient, value: str) -> None:
    raw.create_customer(name="a")
    response = raw.get(f"{CUSTOMERS}?createdAfter={value}")
    assert details_of(response) == [
        {
            "field": "createdAfter",
            "code": "invalid",
            "message": "createdAfter must be ISO 8601 or unix seconds, from year 1000 to year 9999",
        }
    ]


def test_created_after_range_ends_are_accepted(raw: RawClient) -> None:
    customer = raw.create_customer(name="a")
    assert data_of(raw.get(f"{CUSTOMERS}?createdAfter=-30610224000")) == [customer]
    assert data_of(raw.get(f"{CUSTOMERS}?createdAfter=253402300799.999")) == []
    assert raw.get(f"{CUSTOMERS}?createdAfter=253402300800").status_code == 400


def test_expand_default_payment_token(raw: RawClient) -> None:
    customer = raw.create_customer(defaultPaymentTokenId="pt_01HXTOKEN")
    expanded = data_of(raw.get(f"{CUSTOMERS}/{customer['id']}?expand=defaultPaymentToken"))
    assert expanded["defaultPaymentToken"] == {"id": "pt_01HXTOKEN", "object": "payment_token"}
    bare = raw.create_customer()
    assert (
        data_of(raw.get(f"{CUSTOMERS}/{bare['id']}?expand=defaultPaymentToken"))[
            "defaultPaymentToken"
        ]
        is None
    )
    assert "defaultPaymentToken" not in data_of(raw.get(f"{CUSTOMERS}/{bare['id']}"))
    response = raw.get(f"{CUSTOMERS}/{bare['id']}?expand=invoices")
    assert details_of(response)[0]["field"] == "expand"


def test_routing_uses_raw_segments_then_decodes(raw: RawClient) -> None:
    customer = raw.create_customer()
    encoded = customer["id"].replace("_", "%5F")
    assert data_of(raw.get(f"{CUSTOMERS}/{encoded}"))["id"] == customer["id"]
    # an encoded slash stays inside one id instead of changing the route
    assert error_of(raw.get(f"{CUSTOMERS}/acc%2F..%2Fx")) == (404, "NOT_FOUND")
    response = raw.get(f"{CUSTOMERS}/{customer['id']}/extra")
    assert error_of(response) == (404, "NOT_FOUND")
    assert response.json()["error"]["message"].startswith("No route for GET")


def test_scopes(raw: RawClient, fake: FakePlugipay) -> None:
    reader = fake.add_key(role="read_only")
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    assert as_reader.get(CUSTOMERS).status_code == 200
    response = as_reader.post(CUSTOMERS, json={}, idempotency_key="k")
    assert error_of(response) == (403, "INSUFFICIENT_SCOPE")
    assert (
        response.json()["error"]["message"] == "This key lacks the plugipay:customer:create scope"
    )
    creator = fake.add_key(role="member", scopes=["plugipay:customer:create"])
    as_creator = RawClient(fake, key_id=creator.key_id, secret=creator.secret)
    made = as_creator.create_customer(name="c")
    assert error_of(as_creator.get(f"{CUSTOMERS}/{made['id']}")) == (403, "INSUFFICIENT_SCOPE")
    response = as_creator.patch(f"{CUSTOMERS}/{made['id']}", json={}, idempotency_key="k2")
    assert error_of(response) == (403, "INSUFFICIENT_SCOPE")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.customers`` method, for the strict-converter walk in ``test_sdk.py``."""
    full = plug.customers.create(
        email="a@example.com",
        name="A",
        phone="+62",
        external_id="e",
        tax_id="t",
        default_payment_token_id="pt_1",
        metadata={"k": "v"},
    )
    plug.customers.create()
    assert plug.customers.get(full.id, expand=["defaultPaymentToken"]).id == full.id
    assert len(list(plug.customers.list())) == 2
    plug.customers.update(full.id, name="B")
    assert plug.customers.find_by_external_id("e") == plug.customers.get(full.id)
    assert plug.customers.get_or_create(external_id="e")[1] is False
    assert plug.customers.archive(full.id).metadata == {"k": "v", "archived": "true"}
    assert plug.customers.redact(full.id).email is None
