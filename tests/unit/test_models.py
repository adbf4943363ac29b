"""Models and the converter: snake_case attributes over camelCase payloads, kept raw (SPEC §7)."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

import attrs
import pytest
from cattrs.errors import ForbiddenExtraKeysError

from plugipay import models
from plugipay._convert import converter, make_converter, structure, structure_many, to_wire
from plugipay._exceptions import InvalidResponseError
from plugipay.models import (
    Customer,
    ManagedOnboardingState,
    ManagedSubAccount,
    PartnerWorkspace,
    PriceTier,
    Resource,
    WebhookEvent,
    Workspace,
    WorkspaceMember,
)

T0 = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
T1 = datetime(2026, 5, 12, 11, 3, 14, 456000, tzinfo=UTC)

CUSTOMER: dict[str, Any] = {
    "id": "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z",
    "arn": "arn:plugipay:acc_01HXAAAAAAAAAAAAAAAAAAAAAA:customer/cus_01HXAB7K3M9N2P5QRS8TVWXY3Z",
    "accountId": "acc_01HXAAAAAAAAAAAAAAAAAAAAAA",
    "externalId": "user_19823",
    "email": "alice@example.com",
    "name": "Alice Tan",
    "phone": "+62811234567",
    "taxId": "01.234.567.8-901.000",
    "defaultPaymentTokenId": "pt_01HXBBBBBBBBBBBBBBBBBBBBBB",
    "metadata": {"segment": "enterprise"},
    "createdAt": "2026-05-12T10:42:00.123Z",
    "updatedAt": "2026-05-12T11:03:14.456Z",
}

WORKSPACE: dict[str, Any] = {
    "id": "ws_01HXDDDDDDDDDDDDDDDDDDDDDD",
    "accountId": "acc_01HXAAAAAAAAAAAAAAAAAAAAAA",
    "name": "Acme Production",
    "slug": "acme-prod",
    "region": "id-jakarta",
    "defaultCurrency": "IDR",
    "timezone": "Asia/Jakarta",
    "mode": "live",
    "brandName": "Acme",
    "businessEmail": "billing@acme.com",
    "status": "active",
    "createdAt": "2026-05-12T10:42:00.123Z",
    "updatedAt": "2026-05-12T11:03:14.456Z",
    "archivedAt": None,
}

MEMBER: dict[str, Any] = {
    "id": "mem_01HYEEEEEEEEEEEEEEEEEEEEEE",
    "email": "alice@acme.com",
    "role": "admin",
    "joinedAt": "2026-05-12T10:42:00.123Z",
    "status": "active",
}

PARTNER_WORKSPACE: dict[str, Any] = {
    "accountId": "acc_01HXFFFFFFFFFFFFFFFFFFFFFF",
    "partner": "storlaunch",
    "discountRate": 0.15,
    "brandName": "Toko Budi",
    "businessEmail": "budi@example.com",
    "createdAt": "2026-05-12T10:42:00.123Z",
}


# -- attributes from wire names ------------------------------------------------------------------


def test_customer_reads_every_field_in_snake_case() -> None:
    customer = structure(CUSTOMER, Customer)

    assert customer.id == "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"
    assert customer.arn == CUSTOMER["arn"]
    assert customer.account_id == "acc_01HXAAAAAAAAAAAAAAAAAAAAAA"
    assert customer.external_id == "user_19823"
    assert customer.email == "alice@example.com"
    assert customer.name == "Alice Tan"
    assert customer.phone == "+62811234567"
    assert customer.tax_id == "01.234.567.8-901.000"
    assert customer.default_payment_token_id == "pt_01HXBBBBBBBBBBBBBBBBBBBBBB"
    assert customer.metadata == {"segment": "enterprise"}
    assert customer.created_at == T0
    assert customer.updated_at == T1


def test_workspace_reads_every_field_in_snake_case() -> None:
    ws = structure(WORKSPACE, Workspace)

    assert ws.id == "ws_01HXDDDDDDDDDDDDDDDDDDDDDD"
    assert ws.account_id == "acc_01HXAAAAAAAAAAAAAAAAAAAAAA"
    assert ws.name == "Acme Production"
    assert ws.slug == "acme-prod"
    assert ws.region == "id-jakarta"
    assert ws.default_currency == "IDR"
    assert ws.timezone == "Asia/Jakarta"
    assert ws.mode == "live"
    assert ws.brand_name == "Acme"
    assert ws.business_email == "billing@acme.com"
    assert ws.status == "active"
    assert ws.created_at == T0
    assert ws.updated_at == T1
    assert ws.archived_at is None


def test_member_reads_every_field_in_snake_case() -> None:
    member = structure(MEMBER, WorkspaceMember)

    assert member.id == "mem_01HYEEEEEEEEEEEEEEEEEEEEEE"
    assert member.email == "alice@acme.com"
    assert member.role == "admin"
    assert member.joined_at == T0
    assert member.status == "active"


def test_partner_workspace_and_managed_objects() -> None:
    partner = structure(PARTNER_WORKSPACE, PartnerWorkspace)
    sub_account = structure({"subAccountId": "xnd_sub_123"}, ManagedSubAccount)
    state = structure(
        {"state": "pending", "provider": "xendit", "details": {"url": "https://x.example/k"}},
        ManagedOnboardingState,
    )

    assert partner.account_id == "acc_01HXFFFFFFFFFFFFFFFFFFFFFF"
    assert partner.partner == "storlaunch"
    assert partner.discount_rate == 0.15
    assert partner.brand_name == "Toko Budi"
    assert partner.business_email == "budi@example.com"
    assert partner.created_at == T0
    assert sub_account.sub_account_id == "xnd_sub_123"
    assert (state.state, state.provider) == ("pending", "xendit")
    assert state.details == {"url": "https://x.example/k"}


def test_missing_fields_are_none() -> None:
    customer = structure({"id": "cus_1"}, Customer)
    ws = structure({"id": "ws_1"}, Workspace)
    state = structure({}, ManagedOnboardingState)

    assert [
        getattr(customer, a.name) for a in attrs.fields(Customer) if a.name not in ("raw", "id")
    ] == [None] * 12
    assert [
        getattr(ws, a.name) for a in attrs.fields(Workspace) if a.name not in ("raw", "id")
    ] == [None] * 13
    assert (state.state, state.provider, state.details) == (None, None, None)
    assert customer.raw == {"id": "cus_1"}


def test_some_fields_missing_among_present_ones() -> None:
    payload = {k: v for k, v in CUSTOMER.items() if k not in ("phone", "updatedAt")}

    customer = structure(payload, Customer)

    assert customer.phone is None
    assert customer.updated_at is None
    assert customer.email == "alice@example.com"
    assert customer.created_at == T0


def test_nulls_are_none() -> None:
    customer = structure({**CUSTOMER, "phone": None, "metadata": None, "updatedAt": None}, Customer)

    assert (customer.phone, customer.metadata, customer.updated_at) == (None, None, None)
    assert "phone" in customer
    assert customer["phone"] is None


# -- timestamps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2026-05-12T10:42:00.123Z", T0),
        ("2026-05-12T10:42:00Z", datetime(2026, 5, 12, 10, 42, tzinfo=UTC)),
        ("2026-05-12T10:42:00.123456Z", datetime(2026, 5, 12, 10, 42, 0, 123456, tzinfo=UTC)),
        ("2026-05-12T17:42:00.123+07:00", T0),
        ("2026-05-12T10:42:00.123", T0),
    ],
)
def test_timestamps_are_aware_utc(wire: str, expected: datetime) -> None:
    created = structure({"id": "cus_1", "createdAt": wire}, Customer).created_at

    assert created == expected
    assert created is not None
    assert created.tzinfo is UTC
    assert created.utcoffset() == timedelta(0)


@pytest.mark.parametrize("bad", ["yesterday", "", 1778582520, ["2026-05-12"]])
def test_a_timestamp_that_does_not_parse_is_an_invalid_response(bad: object) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        structure({"id": "cus_1", "createdAt": bad}, Customer)

    assert caught.value.code == "invalid_response"
    assert "Customer.created_at" in caught.value.message


# -- the wire view -------------------------------------------------------------------------------


def test_wire_names_read_the_payload_as_received() -> None:
    ws = structure(WORKSPACE, Workspace)

    assert ws["id"] == "ws_01HXDDDDDDDDDDDDDDDDDDDDDD"
    assert ws["createdAt"] == "2026-05-12T10:42:00.123Z"
    assert ws.get("brandName") == "Acme"
    assert ws.get("livemode") is None
    assert ws.get("currency", "—") == "—"
    assert ws.get("archivedAt", "never") is None
    assert "slug" in ws
    assert "livemode" not in ws
    assert "brand_name" not in ws


def test_absent_wire_key_raises_key_error() -> None:
    customer = structure({"id": "cus_1"}, Customer)

    with pytest.raises(KeyError, match="email"):
        customer["email"]
    assert customer.get("email", "") == ""


def test_unknown_fields_are_kept_in_raw() -> None:
    payload = {**CUSTOMER, "newField": {"nested": [1, 2]}, "loyaltyTier": "gold"}

    customer = structure(payload, Customer)

    assert customer.raw == payload
    assert customer["newField"] == {"nested": [1, 2]}
    assert customer.get("loyaltyTier") == "gold"
    assert not hasattr(customer, "new_field")


def test_unknown_enum_values_are_kept_as_strings() -> None:
    ws = structure(
        {"id": "ws_1", "region": "jp-tokyo", "mode": "sandbox", "status": "frozen"}, Workspace
    )
    member = structure(
        {"id": "mem_1", "role": "billing_admin", "status": "expired"}, WorkspaceMember
    )

    assert (ws.region, ws.mode, ws.status) == ("jp-tokyo", "sandbox", "frozen")
    assert (member.role, member.status) == ("billing_admin", "expired")


def test_to_dict_equals_raw_and_is_a_deep_copy() -> None:
    customer = structure(copy.deepcopy(CUSTOMER), Customer)

    as_dict = customer.to_dict()
    as_dict["metadata"]["segment"] = "changed"
    as_dict["email"] = "changed@example.com"

    assert customer.to_dict() == CUSTOMER
    assert customer.raw == CUSTOMER
    assert customer.metadata == {"segment": "enterprise"}


def test_a_mapping_that_is_not_a_dict_is_copied_into_raw() -> None:
    class Payload(dict[str, Any]):
        pass

    customer = structure(Payload(CUSTOMER), Customer)

    assert type(customer.raw) is dict
    assert customer.raw == CUSTOMER


def test_models_are_not_iterable() -> None:
    customer = structure(CUSTOMER, Customer)

    with pytest.raises(TypeError, match="not iterable"):
        list(customer)  # type: ignore[call-overload]


# -- values --------------------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    customer = structure(CUSTOMER, Customer)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        customer.email = "other@example.com"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        customer.raw = {}  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del customer.name
    assert customer.email == "alice@example.com"


def test_decoded_models_are_exactly_their_public_class() -> None:
    decoded = [structure(CUSTOMER, Customer), *structure_many([CUSTOMER], Customer)]

    for customer in decoded:
        assert type(customer) is Customer
        assert attrs.has(type(customer))
        assert isinstance(customer, Resource)


def test_equal_payloads_make_equal_models() -> None:
    assert structure(CUSTOMER, Customer) == structure(copy.deepcopy(CUSTOMER), Customer)
    assert structure(CUSTOMER, Customer) != structure({**CUSTOMER, "name": "Bob"}, Customer)
    assert hash(structure(MEMBER, WorkspaceMember)) == hash(
        structure(dict(MEMBER), WorkspaceMember)
    )


def test_models_pickle_and_copy() -> None:
    customer = structure(CUSTOMER, Customer)

    restored = pickle.loads(pickle.dumps(customer))

    assert type(restored) is Customer
    assert restored == customer
    assert restored.raw == CUSTOMER
    assert copy.copy(customer) == customer


def test_repr_names_the_class_and_id_without_dumping_the_payload() -> None:
    customer = structure({**CUSTOMER, "notes": "x" * 5000}, Customer)
    ws = structure({**WORKSPACE, "name": "N" * 300}, Workspace)

    assert (
        repr(customer) == "Customer(id='cus_01HXAB7K3M9N2P5QRS8TVWXY3Z', external_id='user_19823')"
    )
    assert "alice@example.com" not in repr(customer)
    assert repr(structure({"id": "mem_1", "role": "admin"}, WorkspaceMember)) == (
        "WorkspaceMember(id='mem_1', role='admin')"
    )
    assert repr(ws).startswith("Workspace(id='ws_01HXDDDDDDDDDDDDDDDDDDDDDD', ")
    assert len(repr(ws)) < 200


# -- built by hand -------------------------------------------------------------------------------


def test_a_model_built_by_hand_has_a_matching_wire_view() -> None:
    customer = Customer(id="cus_1", email="a@example.com", created_at=T0, metadata={"k": "v"})

    assert customer.raw == {
        "id": "cus_1",
        "email": "a@example.com",
        "metadata": {"k": "v"},
        "createdAt": "2026-05-12T10:42:00.123Z",
    }
    assert customer["email"] == "a@example.com"
    assert customer.name is None
    assert "name" not in customer


def test_evolve_updates_the_wire_view_and_keeps_unknown_fields() -> None:
    customer = structure({**CUSTOMER, "newField": 1}, Customer)

    changed = attrs.evolve(customer, name="Alice (Acme)", phone=None)

    assert changed.name == "Alice (Acme)"
    assert changed["name"] == "Alice (Acme)"
    assert changed["phone"] is None
    assert changed["newField"] == 1
    assert customer["name"] == "Alice Tan"


def test_to_wire_writes_fields_back_under_wire_names() -> None:
    ws = structure({**WORKSPACE, "createdAt": "2026-05-12T17:42:00.123+07:00"}, Workspace)

    wire = to_wire(ws)

    assert wire == {**WORKSPACE, "createdAt": "2026-05-12T10:42:00.123Z"}
    assert converter.unstructure(ws) == wire


# -- lists ---------------------------------------------------------------------------------------


def test_structure_many_builds_one_model_per_item_in_order() -> None:
    items = [{**CUSTOMER, "id": f"cus_{i}"} for i in range(25)]

    customers = structure_many(items, Customer)

    assert [c.id for c in customers] == [f"cus_{i}" for i in range(25)]
    assert all(c.created_at == T0 for c in customers)
    assert structure_many([], Customer) == []


@pytest.mark.parametrize("bad", [None, {"id": "cus_1"}, "cus_1"])
def test_structure_many_needs_an_array(bad: Any) -> None:
    with pytest.raises(InvalidResponseError, match="expected a JSON array of Customer objects"):
        structure_many(bad, Customer)


@pytest.mark.parametrize(
    ("bad", "what"), [(["cus_1"], "a string"), ([None], "null"), ([[1]], "an array")]
)
def test_items_must_be_objects(bad: Any, what: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        structure_many(bad, Customer)

    assert caught.value.message == f"expected a JSON object for Customer, got {what}"


@pytest.mark.parametrize("payload", [{"email": "a@example.com"}, {"id": None}])
def test_a_payload_without_an_id_is_an_invalid_response(payload: dict[str, Any]) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        structure(payload, Customer)

    assert caught.value.message == "Customer payload has no 'id'"


# -- the strict converter ------------------------------------------------------------------------


def test_strict_converter_rejects_unknown_keys_the_default_keeps() -> None:
    payload = {**CUSTOMER, "newField": 1}
    strict = make_converter(forbid_extra_keys=True)

    assert structure(payload, Customer)["newField"] == 1
    with pytest.raises(ForbiddenExtraKeysError) as caught:
        strict.structure(payload, Customer)
    assert caught.value.extra_fields == {"newField"}
    with pytest.raises(ForbiddenExtraKeysError):
        strict.structure([CUSTOMER, payload], list[Customer])


def test_strict_converter_accepts_every_documented_shape() -> None:
    strict = make_converter(forbid_extra_keys=True)

    assert strict.structure(CUSTOMER, Customer) == structure(CUSTOMER, Customer)
    assert strict.structure(WORKSPACE, Workspace) == structure(WORKSPACE, Workspace)
    assert strict.structure(MEMBER, WorkspaceMember) == structure(MEMBER, WorkspaceMember)
    assert strict.structure(PARTNER_WORKSPACE, PartnerWorkspace).discount_rate == 0.15
    assert strict.structure({"id": "cus_1"}, Customer).id == "cus_1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": 7}, "Customer.email: unexpected a number"),
        ({"metadata": {"n": 1}}, "Customer.metadata: unexpected an object"),
        ({"metadata": ["a"]}, "Customer.metadata: unexpected an array"),
        ({"externalId": True}, "Customer.external_id: unexpected a boolean"),
        (
            {"createdAt": "2026-05-12T10:42:00Z"},
            "Customer.created_at: '2026-05-12T10:42:00Z' is not a timestamp like "
            "2026-05-12T10:42:00.123Z",
        ),
    ],
)
def test_strict_converter_checks_value_types(change: dict[str, Any], message: str) -> None:
    strict = make_converter(forbid_extra_keys=True)

    with pytest.raises(InvalidResponseError) as caught:
        strict.structure({**CUSTOMER, **change}, Customer)

    assert caught.value.message == message
    assert structure({**CUSTOMER, **change}, Customer).id == CUSTOMER["id"]


def test_strict_converter_checks_numbers() -> None:
    strict = make_converter(forbid_extra_keys=True)

    with pytest.raises(InvalidResponseError) as caught:
        strict.structure({**PARTNER_WORKSPACE, "discountRate": "0.15"}, PartnerWorkspace)
    assert caught.value.message == "PartnerWorkspace.discount_rate: unexpected a string"
    assert strict.structure({"discountRate": 1}, PartnerWorkspace).discount_rate == 1


def test_a_union_of_scalars_reads_either_member() -> None:
    """``PriceTier.up_to`` is ``int | Literal["inf"]``: strict mode takes a number or a string."""
    strict = make_converter(forbid_extra_keys=True)

    bounded = strict.structure({"upTo": 10, "unitAmount": 500, "flatAmount": 0}, PriceTier)
    last = strict.structure({"upTo": "inf", "unitAmount": 400, "flatAmount": 0}, PriceTier)
    assert (bounded.up_to, last.up_to) == (10, "inf")
    assert structure({"upTo": "inf"}, PriceTier) == PriceTier(up_to="inf")
    assert PriceTier(up_to="inf", unit_amount=400).raw == {"upTo": "inf", "unitAmount": 400}
    for bad, what in ((True, "a boolean"), ([1], "an array"), ({"n": 1}, "an object")):
        with pytest.raises(InvalidResponseError) as caught:
            strict.structure({"upTo": bad}, PriceTier)
        assert caught.value.message == f"PriceTier.up_to: unexpected {what}"


def test_a_union_of_containers_and_scalars_has_no_wire_rule() -> None:
    @attrs.frozen(kw_only=True, repr=False)
    class Odd(Resource):
        tags: list[str] | str | None = None

    with pytest.raises(TypeError, match="no wire rule"):
        structure({"tags": "a"}, Odd)


# -- webhook events ------------------------------------------------------------------------------


def _event(event_type: str, obj: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {
        "id": "evt_01HXCCCCCCCCCCCCCCCCCCCCCC",
        "type": event_type,
        "accountId": "acc_01HXAAAAAAAAAAAAAAAAAAAAAA",
        "workspaceId": "ws_01HXDDDDDDDDDDDDDDDDDDDDDD",
        "createdAt": "2026-05-12T10:42:00.123Z",
        "data": {"object": obj, **data},
    }


@pytest.mark.parametrize(
    ("event_type", "obj", "model"),
    [
        ("plugipay.customer.created.v1", CUSTOMER, Customer),
        ("plugipay.invoice.paid.v1", {"id": "inv_1", "total": 5000}, models.Invoice),
        ("invoice.paid", {"id": "inv_1", "total": 5000}, models.Invoice),
        ("plugipay.subscription.canceled.v1", {"id": "sub_1"}, models.Subscription),
        ("subscription.renewed", {"id": "sub_1", "status": "active"}, models.Subscription),
        ("plugipay.plan.archived.v1", {"id": "plan_1", "active": False}, models.Plan),
        ("workspace.created", WORKSPACE, Workspace),
        ("workspace.updated", WORKSPACE, Workspace),
        ("workspace.archived", WORKSPACE, Workspace),
        ("workspace.restored", WORKSPACE, Workspace),
        # Its object is the new owner's member record (SPEC §10, the emulator), not the workspace.
        ("workspace.ownership_transferred", MEMBER, WorkspaceMember),
        ("workspace.member_invited", MEMBER, WorkspaceMember),
        ("workspace.member_joined", MEMBER, WorkspaceMember),
        ("workspace.member_removed", MEMBER, WorkspaceMember),
        ("workspace.member_role_changed", MEMBER, WorkspaceMember),
    ],
)
def test_event_data_is_the_model_its_type_names(
    event_type: str, obj: dict[str, Any], model: type[Resource]
) -> None:
    event = structure(_event(event_type, obj), WebhookEvent)

    assert event.id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    assert event.type == event_type
    assert event.account_id == "acc_01HXAAAAAAAAAAAAAAAAAAAAAA"
    assert event.workspace_id == "ws_01HXDDDDDDDDDDDDDDDDDDDDDD"
    assert event.created_at == T0
    assert type(event.data) is model
    assert event.data == structure(obj, model)
    assert event.previous_attributes is None
    assert event["data"] == {"object": obj}


def test_event_of_unknown_type_keeps_the_object_dict() -> None:
    # A type no model declares (an event the SDK doesn't know yet).
    payload = _event("plugipay.example.happened.v1", {"id": "ex_1", "amount": 5000})

    event = structure(payload, WebhookEvent)

    assert event.data == {"id": "ex_1", "amount": 5000}
    assert event.raw == payload


def test_event_previous_attributes() -> None:
    payload = _event("workspace.member_role_changed", MEMBER, previousAttributes={"role": "member"})

    event = structure(payload, WebhookEvent)

    assert isinstance(event.data, WorkspaceMember)
    assert event.data.role == "admin"
    assert event.previous_attributes == {"role": "member"}


def test_event_data_given_as_the_object_itself() -> None:
    payload = {"id": "evt_1", "type": "plugipay.customer.created.v1", "data": CUSTOMER}

    event = structure(payload, WebhookEvent)

    assert isinstance(event.data, Customer)
    assert event.data.external_id == "user_19823"


def test_event_without_data() -> None:
    event = structure({"id": "evt_1", "type": "workspace.created"}, WebhookEvent)

    assert (event.data, event.previous_attributes, event.created_at) == (None, None, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("x", "WebhookEvent.data: unexpected a string"),
        ({"object": [1]}, "WebhookEvent.data.object: unexpected an array"),
        (
            {"object": {}, "previousAttributes": 3},
            "WebhookEvent.previous_attributes: unexpected a number",
        ),
    ],
)
def test_event_data_of_the_wrong_shape(data: Any, message: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        structure({"id": "evt_1", "type": "example.happened", "data": data}, WebhookEvent)

    assert caught.value.message == message


def test_strict_converter_checks_event_data_and_its_object() -> None:
    strict = make_converter(forbid_extra_keys=True)
    good = _event("plugipay.customer.created.v1", CUSTOMER)

    assert strict.structure(good, WebhookEvent) == structure(good, WebhookEvent)
    with pytest.raises(ForbiddenExtraKeysError):
        strict.structure({**good, "livemode": False}, WebhookEvent)
    with pytest.raises(ForbiddenExtraKeysError):
        strict.structure(_event("workspace.created", WORKSPACE, extra=1), WebhookEvent)
    with pytest.raises(ForbiddenExtraKeysError):
        strict.structure(
            _event("plugipay.customer.created.v1", {**CUSTOMER, "newField": 1}), WebhookEvent
        )


def test_event_built_by_hand_writes_data_back() -> None:
    member = WorkspaceMember(id="mem_1", role="admin")

    event = WebhookEvent(
        id="evt_1",
        type="workspace.member_role_changed",
        created_at=T0,
        data=member,
        previous_attributes={"role": "member"},
    )

    assert event.raw == {
        "id": "evt_1",
        "type": "workspace.member_role_changed",
        "createdAt": "2026-05-12T10:42:00.123Z",
        "data": {
            "object": {"id": "mem_1", "role": "admin"},
            "previousAttributes": {"role": "member"},
        },
    }
    assert structure(event.raw, WebhookEvent) == event


# -- the public module ---------------------------------------------------------------------------


def test_public_models_module() -> None:
    assert models.__all__ == sorted(models.__all__)
    classes = {
        "AdapterConfig",
        "ApiKey",
        "AvailableBalance",
        "BankAccount",
        "BillingPlan",
        "BillingSupport",
        "BillingTier",
        "CashFlowBucket",
        "CashFlowReport",
        "CheckoutCustomer",
        "CheckoutSession",
        "CheckoutSettings",
        "Customer",
        "EventRecord",
        "GiftCard",
        "GiftCardEntry",
        "GiftCardMovement",
        "Invoice",
        "InvoiceEmail",
        "InvoiceLine",
        "LedgerBalance",
        "LedgerEntry",
        "LineItem",
        "ManagedOnboardingState",
        "ManagedSubAccount",
        "ManualBankAccount",
        "PartnerUsage",
        "PartnerUsageLine",
        "PartnerWorkspace",
        "Payout",
        "Plan",
        "PnLLine",
        "PnLReport",
        "PortalFeatures",
        "PortalSession",
        "Price",
        "PriceTier",
        "Receipt",
        "Refund",
        "Resource",
        "Subscription",
        "Template",
        "UploadedFile",
        "WebhookAttempt",
        "WebhookDelivery",
        "WebhookEndpoint",
        "WebhookEvent",
        "Workspace",
        "WorkspaceMember",
    }
    aliases = {
        "AdapterKind",
        "AdapterStatus",
        "CancelReason",
        "CheckoutMethod",
        "CheckoutSessionStatus",
        "CollectionMethod",
        "Currency",
        "DeliveryStatus",
        "EventKind",
        "GiftCardEntryKind",
        "GiftCardKind",
        "GiftCardStatus",
        "InvoiceStatus",
        "KybStatus",
        "LedgerAccountCode",
        "LedgerDirection",
        "MemberStatus",
        "Mode",
        "PayoutMethod",
        "PayoutStatus",
        "PlanInterval",
        "PriceModel",
        "ReceiptSourceType",
        "RefundReason",
        "RefundStatus",
        "Region",
        "Role",
        "SubscriptionStatus",
        "TaxMode",
        "TemplateKind",
        "UsageAggregate",
        "WorkspaceStatus",
    }
    assert set(models.__all__) == classes | aliases
    for name in classes:
        cls = getattr(models, name)
        assert attrs.has(cls)
        assert issubclass(cls, Resource)
        assert cls.__module__ == "plugipay"
    assert models.Region == Literal["id-jakarta", "sg-singapore"] | str


def test_naive_and_offset_datetimes_given_by_hand_are_written_as_utc() -> None:
    jakarta = timezone(timedelta(hours=7))
    customer = Customer(id="cus_1", created_at=datetime(2026, 5, 12, 17, 42, tzinfo=jakarta))

    assert customer["createdAt"] == "2026-05-12T10:42:00.000Z"


# -- field types a new model may use, with no change to the converter ----------------------------


@attrs.frozen(kw_only=True, repr=False)
class _Line(Resource):
    id: str
    quantity: int | None = None
    taxable: bool | None = None


@attrs.frozen(kw_only=True, repr=False)
class _Order(Resource):
    id: str
    amount: int | None = None
    paid: bool | None = None
    methods: list[str] | None = None
    first: _Line | None = None
    lines: list[_Line] | None = None


_ORDER = {
    "id": "ord_1",
    "amount": 15000,
    "paid": False,
    "methods": ["qris", "va"],
    "first": {"id": "li_1", "quantity": 2, "taxable": True},
    "lines": [{"id": "li_1", "quantity": 2, "taxable": True}, {"id": "li_2", "quantity": 1}],
}


def test_ints_bools_lists_and_nested_models_decode_leniently_and_strictly() -> None:
    for convert in (structure, make_converter(forbid_extra_keys=True).structure):
        order = convert(_ORDER, _Order)
        assert (order.amount, order.paid, order.methods) == (15000, False, ["qris", "va"])
        assert type(order.first) is _Line and order.first.quantity == 2
        assert order.lines is not None
        assert [(line.id, line.quantity, line.taxable) for line in order.lines] == [
            ("li_1", 2, True),
            ("li_2", 1, None),
        ]
        assert order.raw == _ORDER


def test_strict_mode_checks_nested_types_and_keys() -> None:
    strict = make_converter(forbid_extra_keys=True)
    with pytest.raises(InvalidResponseError, match=r"_Order.amount: unexpected a boolean"):
        strict.structure({**_ORDER, "amount": True}, _Order)
    with pytest.raises(InvalidResponseError, match=r"_Line.quantity: unexpected a string"):
        strict.structure({**_ORDER, "first": {"id": "li_1", "quantity": "2"}}, _Order)
    with pytest.raises(ForbiddenExtraKeysError):
        strict.structure({**_ORDER, "lines": [{"id": "li_1", "surprise": 1}]}, _Order)
    with pytest.raises(InvalidResponseError, match="_Line payload has no 'id'"):
        structure({**_ORDER, "lines": [{"quantity": 1}]}, _Order)


def test_nested_models_built_by_hand_write_their_wire_form() -> None:
    order = _Order(id="ord_2", first=_Line(id="li_9", quantity=3), lines=[_Line(id="li_9")])
    assert order["first"] == {"id": "li_9", "quantity": 3}
    assert order["lines"] == [{"id": "li_9"}]


def test_a_models_dict_fields_are_not_shared_with_its_raw_payload() -> None:
    payload = {"id": "cus_1", "metadata": {"k": "v"}, "defaultPaymentToken": {"id": "pt_1"}}
    customer = structure(payload, Customer)
    assert customer.metadata is not None and customer.default_payment_token is not None
    customer.metadata["k"] = "changed"
    customer.default_payment_token["id"] = "changed"
    assert customer.raw["metadata"] == {"k": "v"}
    assert customer.raw["defaultPaymentToken"] == {"id": "pt_1"}
    customer.raw["metadata"]["other"] = "x"
    assert customer.metadata == {"k": "changed"}


def test_nested_models_have_their_own_raw_not_a_part_of_the_parents() -> None:
    order = structure(_ORDER, _Order)
    assert order.first is not None and order.lines is not None
    assert order.first.raw == _ORDER["first"]
    assert order.first.raw is not order.raw["first"]
    assert order.lines[0].raw is not order.raw["lines"][0]
