"""The argument checkers and field specs on both sides of every limit (the Hardening issue, item
12): the value at a limit is accepted and one past it refused, and good values pass as well as bad
ones fail. Pure: no client, no request."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay import _validation as checks
from plugipay._async.resources.customers import FIELDS as CUSTOMER_FIELDS
from plugipay._async.resources.workspaces import FIELDS as WORKSPACE_FIELDS
from plugipay._fields import Field, Fields
from plugipay._types import NOT_GIVEN

BOUNDED = settings(max_examples=200, deadline=None, database=None, derandomize=True)


# -- text, email, prefixed: at the limit and one past it -------------------------------------------


@pytest.mark.parametrize("limit", [1, 64, 255, 320])
def test_text_takes_a_value_at_its_limit_and_refuses_one_past_it(limit: int) -> None:
    check = checks.text(limit)
    check("name", "x" * limit)
    check("name", "x")
    with pytest.raises(
        ValueError, match=f"name must be at most {limit} characters, got {limit + 1}"
    ):
        check("name", "x" * (limit + 1))


@pytest.mark.parametrize("value", ["", 0, b"x"])
def test_text_refuses_empty_and_non_str(value: object) -> None:
    with pytest.raises((TypeError, ValueError), match="name must"):
        checks.text(10)("name", value)


def test_email_is_text_of_320() -> None:
    checks.email()("email", "a" * 310 + "@b.example")
    with pytest.raises(ValueError, match="email must be at most 320 characters"):
        checks.email()("email", "a" * 311 + "@b.example")


@pytest.mark.parametrize(
    "value", ["pt_", "pt_1", "pt_01HXBBBBBBBBBBBBBBBBBBBBBB", "pt_" + "x" * 252]
)
def test_prefixed_takes_ids_with_the_prefix_up_to_the_limit(value: str) -> None:
    checks.prefixed("pt_")("default_payment_token_id", value)


@pytest.mark.parametrize("value", ["p_1", "PT_1", "xpt_1", " pt_1", "pt", ""])
def test_prefixed_refuses_ids_without_the_prefix(value: str) -> None:
    with pytest.raises(ValueError, match="default_payment_token_id must"):
        checks.prefixed("pt_")("default_payment_token_id", value)


def test_prefixed_refuses_one_past_its_limit() -> None:
    with pytest.raises(ValueError, match="at most 255 characters, got 256"):
        checks.prefixed("pt_")("id", "pt_" + "x" * 253)
    checks.prefixed("acc_", max_length=10)("id", "acc_123456")
    with pytest.raises(ValueError, match="at most 10 characters"):
        checks.prefixed("acc_", max_length=10)("id", "acc_1234567")


# -- currency, slug, choice ------------------------------------------------------------------------


@given(st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3))
@BOUNDED
def test_currency_takes_any_three_upper_case_letters(code: str) -> None:
    checks.currency()("default_currency", code)


@given(
    st.text(min_size=0, max_size=6).filter(
        lambda s: not (len(s) == 3 and all(c in string.ascii_uppercase for c in s))
    )
)
@BOUNDED
def test_currency_refuses_anything_else(code: str) -> None:
    with pytest.raises(ValueError, match="default_currency must be an ISO 4217 code"):
        checks.currency()("default_currency", code)


@pytest.mark.parametrize("code", ["ID", "IDRR", "idr", "IDr", "ÀBC"])
def test_currency_refuses_codes_one_letter_off(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        checks.currency()("default_currency", code)


@pytest.mark.parametrize("slug", ["a", "toko-budi", "a1-b2-c3", "x" * 63, "0"])
def test_slug_takes_good_slugs_up_to_63(slug: str) -> None:
    checks.slug()("slug", slug)


@pytest.mark.parametrize("slug", ["", "-a", "a-", "a--b", "A", "a_b", "a b"])
def test_slug_refuses_bad_shapes(slug: str) -> None:
    with pytest.raises(ValueError, match="slug must be lower-case letters"):
        checks.slug()("slug", slug)


def test_slug_refuses_64() -> None:
    with pytest.raises(ValueError, match="slug must be at most 63 characters"):
        checks.slug()("slug", "x" * 64)


def test_choice_takes_each_choice_and_refuses_others() -> None:
    check = checks.choice("test", "live")
    check("mode", "test")
    check("mode", "live")
    check("mode", None)
    with pytest.raises(ValueError, match="mode must be one of 'live', 'test', got 'Live'"):
        check("mode", "Live")
    with pytest.raises(ValueError, match="mode must be one of"):
        check("mode", 1)


# -- limit, cursor, idempotency key, created_after, metadata ---------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 99, 100, None])
def test_check_limit_takes_1_to_100(limit: int | None) -> None:
    checks.check_limit(limit)


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_check_limit_refuses_just_outside(limit: int) -> None:
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        checks.check_limit(limit)


def test_check_cursor() -> None:
    checks.check_cursor("c_1")
    checks.check_cursor(None)
    with pytest.raises(ValueError, match="cursor must not be empty"):
        checks.check_cursor("")
    with pytest.raises(ValueError, match=r"^cursor must not contain"):
        checks.check_cursor("a\nb")
    with pytest.raises(TypeError, match="cursor must be a str"):
        checks.check_cursor(1)


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=255
    )
)
@BOUNDED
def test_any_printable_idempotency_key_up_to_255_is_taken(key: str) -> None:
    checks.check_idempotency_key(key)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "must not be empty"),
        ("x" * 256, "at most 255 characters, got 256"),
        ("a b", "printable ASCII without spaces"),
        ("a\x7f", "^idempotency_key must not contain CR, LF or other control characters"),
        ("é", "^idempotency_key must be ASCII"),
    ],
)
def test_idempotency_keys_just_outside_are_refused(key: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        checks.check_idempotency_key(key)


def test_idempotency_key_at_255_and_none() -> None:
    checks.check_idempotency_key("k" * 255)
    checks.check_idempotency_key(None)
    with pytest.raises(TypeError, match="idempotency_key must be a str"):
        checks.check_idempotency_key(1)


@pytest.mark.parametrize(
    "value", [None, datetime(2026, 1, 1, tzinfo=UTC), "2026-01-01", "2026-01-01T10:00:00+07:00"]
)
def test_check_created_after_takes_datetimes_and_iso_strings(value: object) -> None:
    checks.check_created_after(value)


def test_check_created_after_refuses_others() -> None:
    with pytest.raises(ValueError, match="created_after must be ISO 8601"):
        checks.check_created_after("yesterday")
    with pytest.raises(TypeError, match="created_after must be a datetime"):
        checks.check_created_after(1)


def test_metadata_exactly_at_every_limit_is_taken() -> None:
    checks.check_metadata({f"k{i:02d}" + "x" * 37: "v" * 500 for i in range(50)})
    checks.check_metadata({"k": ""})
    checks.check_metadata({})
    checks.check_metadata(None)
    checks.check_metadata(NOT_GIVEN)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({f"k{i}": "v" for i in range(51)}, "at most 50 entries, got 51"),
        ({"k" * 41: "v"}, "keys must be 1 to 40 characters"),
        ({"": "v"}, "keys must be 1 to 40 characters"),
        ({"k": "v" * 501}, "at most 500 characters"),
    ],
)
def test_metadata_one_past_each_limit_is_refused(value: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        checks.check_metadata(value)


def test_check_str_lets_none_and_not_given_through() -> None:
    checks.check_str("name", None, max_length=1)
    checks.check_str("name", NOT_GIVEN, max_length=1)
    checks.check_str("name", "x", max_length=1)
    checks.check_str("name", "x" * 10_000)


# -- field specs: the resources' own declarations --------------------------------------------------


def test_customer_fields_at_their_limits_build_a_body() -> None:
    arguments: dict[str, Any] = {
        "self": object(),
        "idempotency_key": "k",
        "email": "e" * 310 + "@b.example",
        "name": "n" * 255,
        "phone": "p" * 64,
        "external_id": "x" * 255,
        "tax_id": "t" * 64,
        "default_payment_token_id": "pt_01HXBBBBBBBBBBBBBBBBBBBBBB",
        "metadata": {"k": "v"},
    }
    body = CUSTOMER_FIELDS.create_body(arguments)
    assert body["name"] == "n" * 255
    assert body["defaultPaymentTokenId"] == "pt_01HXBBBBBBBBBBBBBBBBBBBBBB"
    assert set(body) == {
        "email",
        "name",
        "phone",
        "externalId",
        "taxId",
        "defaultPaymentTokenId",
        "metadata",
    }
    assert CUSTOMER_FIELDS.update_body({**arguments, "customer_id": "cus_1"}) == body


def test_workspace_fields_at_their_limits_build_a_body() -> None:
    arguments = {
        "name": "w" * 255,
        "slug": "s" * 63,
        "default_currency": "IDR",
        "timezone": "z" * 64,
        "region": "id-jakarta",
    }
    assert WORKSPACE_FIELDS.create_body(arguments) == {
        "name": "w" * 255,
        "slug": "s" * 63,
        "defaultCurrency": "IDR",
        "timezone": "z" * 64,
        "region": "id-jakarta",
    }
    with pytest.raises(ValueError, match="name must be at most 255 characters, got 256"):
        WORKSPACE_FIELDS.create_body({"name": "w" * 256})


SPEC = Fields(
    {
        "a": Field("aWire", checks.text(3)),
        "b": Field("bWire", checks.text(3), clearable=False, required=True),
    },
    path_ids=frozenset({"thing_id"}),
)


def test_fields_create_body_leaves_out_none_and_requires_required() -> None:
    assert SPEC.create_body({"a": None, "b": "x"}) == {"bWire": "x"}
    assert SPEC.create_body({"a": "abc", "b": "x", "thing_id": "t"}) == {
        "aWire": "abc",
        "bWire": "x",
    }
    with pytest.raises(ValueError, match="b is required"):
        SPEC.create_body({"a": "x", "b": None})
    with pytest.raises(ValueError, match="a must be at most 3"):
        SPEC.create_body({"a": "abcd", "b": "x"})


def test_fields_update_body_clears_with_none_where_allowed() -> None:
    assert SPEC.update_body({"a": None, "b": NOT_GIVEN}) == {"aWire": None}
    assert SPEC.update_body({"a": NOT_GIVEN, "b": "y"}) == {"bWire": "y"}
    with pytest.raises(ValueError, match="b can't be cleared"):
        SPEC.update_body({"a": NOT_GIVEN, "b": None})
    with pytest.raises(ValueError, match="b must be at most 3"):
        SPEC.update_body({"b": "long"})


def test_fields_refuse_an_argument_without_a_spec() -> None:
    with pytest.raises(TypeError, match="argument 'c' has no field spec"):
        SPEC.create_body({"c": 1})
    with pytest.raises(TypeError, match="argument 'c' has no field spec"):
        SPEC.update_body({"c": NOT_GIVEN})


def test_a_cursor_at_the_length_limit_is_taken_and_one_past_it_refused() -> None:
    from plugipay._validation import MAX_CURSOR_LENGTH, check_cursor

    assert MAX_CURSOR_LENGTH == 2048
    check_cursor("c" * 2048)
    with pytest.raises(ValueError, match="cursor must be at most 2048 characters, got 2049"):
        check_cursor("c" * 2049)
