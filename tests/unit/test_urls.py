"""Path segments, query strings and header values, encoded exactly as signed (SPEC §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from plugipay._urls import check_header_value, encode_query, format_datetime, quote_segment

# -- path segments -------------------------------------------------------------------------------

SEGMENTS = [
    ("cus_01HXAB7K3M9N2P5QRS8TVWXY3Z", "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"),
    ("AZaz09-._~", "AZaz09-._~"),
    ("...", "..."),
    ("a@b", "a%40b"),
    ("a b", "a%20b"),
    ("a+b", "a%2Bb"),
    ("acc/../x", "acc%2F..%2Fx"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("a?b", "a%3Fb"),
    ("a#b", "a%23b"),
    ("a:b;c=d&e,f", "a%3Ab%3Bc%3Dd%26e%2Cf"),
    ("back\\slash", "back%5Cslash"),
    ("zoë", "zo%C3%AB"),
    ("😀", "%F0%9F%98%80"),
    ("日本", "%E6%97%A5%E6%9C%AC"),
]


@pytest.mark.parametrize(("value", "expected"), SEGMENTS, ids=[e for _, e in SEGMENTS])
def test_quote_segment_exact(value: str, expected: str) -> None:
    assert quote_segment(value) == expected


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_quote_segment_refuses_path_changing_ids(value: str) -> None:
    with pytest.raises(ValueError, match="customer_id"):
        quote_segment(value, name="customer_id")
    with pytest.raises(ValueError, match=r"^id "):
        quote_segment(value)


@pytest.mark.parametrize("value", [None, 123, b"cus_1", ["cus_1"]])
def test_quote_segment_refuses_non_str(value: object) -> None:
    with pytest.raises(TypeError, match="workspace_id"):
        quote_segment(value, name="workspace_id")


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "\x00", "a\x7f", "\t", "a\x1fb"])
def test_quote_segment_refuses_control_characters(value: str) -> None:
    with pytest.raises(ValueError, match="member_id"):
        quote_segment(value, name="member_id")


# -- query strings -------------------------------------------------------------------------------


def test_encode_query_keeps_declared_order() -> None:
    assert encode_query([("limit", 100), ("email", "alice@example.com")]) == (
        "limit=100&email=alice%40example.com"
    )
    assert encode_query([("b", 1), ("a", 2), ("c", 3)]) == "b=1&a=2&c=3"


def test_encode_query_leaves_out_none() -> None:
    assert encode_query([("a", None), ("b", "x"), ("c", None)]) == "b=x"
    assert encode_query([("a", None)]) == ""
    assert encode_query([]) == ""
    assert encode_query(iter([("cursor", None), ("limit", 5)])) == "limit=5"


def test_encode_query_keeps_empty_strings_and_zero() -> None:
    assert encode_query([("q", ""), ("n", 0), ("m", -5)]) == "q=&n=0&m=-5"


def test_encode_query_booleans() -> None:
    assert encode_query([("archived", True), ("x", False)]) == "archived=true&x=false"


QUERY_VALUES = [
    ("a+b", "a%2Bb"),
    ("a b", "a%20b"),
    ("alice@example.com", "alice%40example.com"),
    ("a&b=c", "a%26b%3Dc"),
    ("zoë", "zo%C3%AB"),
    ("x/y?z#w", "x%2Fy%3Fz%23w"),
    ("AZaz09-._~", "AZaz09-._~"),
    ("100%", "100%25"),
]


@pytest.mark.parametrize(("value", "expected"), QUERY_VALUES, ids=[e for _, e in QUERY_VALUES])
def test_encode_query_values_percent_encoded_upper_hex(value: str, expected: str) -> None:
    assert encode_query([("v", value)]) == f"v={expected}"


def test_encode_query_encodes_names_too() -> None:
    assert encode_query([("a b", "1"), ("c&d", "2")]) == "a%20b=1&c%26d=2"


def test_encode_query_datetimes() -> None:
    aware = dt.datetime(2026, 5, 12, 10, 42, 0, 123456, tzinfo=dt.UTC)
    naive = dt.datetime(2026, 5, 12, 10, 42)
    jakarta = dt.datetime(2026, 5, 12, 17, 42, 0, 5000, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert encode_query([("createdAfter", aware)]) == "createdAfter=2026-05-12T10%3A42%3A00.123Z"
    assert encode_query([("createdAfter", naive)]) == "createdAfter=2026-05-12T10%3A42%3A00.000Z"
    assert encode_query([("createdAfter", jakarta)]) == (
        "createdAfter=2026-05-12T10%3A42%3A00.005Z"
    )


def test_format_datetime() -> None:
    assert format_datetime(dt.datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=dt.UTC)) == (
        "2026-05-12T10:42:00.123Z"
    )
    assert format_datetime(dt.datetime(2026, 5, 12, 10, 42)) == "2026-05-12T10:42:00.000Z"
    late = dt.datetime(2026, 5, 12, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert format_datetime(late) == "2026-05-13T04:59:59.999Z"


@pytest.mark.parametrize(
    "value",
    [1.5, b"x", [1], {"a": 1}, object(), dt.date(2026, 5, 12), (1, 2)],
    ids=lambda v: type(v).__name__,
)
def test_encode_query_refuses_unsupported_values(value: object) -> None:
    with pytest.raises(TypeError):
        encode_query([("v", value)])


# -- header values -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["idem_6f1c2a52-9a0e-4c55", "acc_01HX", "a b=c;d", "x" * 300])
def test_check_header_value_returns_safe_values(value: str) -> None:
    assert check_header_value("idempotency_key", value) == value


@pytest.mark.parametrize(
    "value",
    ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00", "a\x7f", "\x1b[0m", "tab\there", "zoë", "😀"],
)
def test_check_header_value_refuses_unsafe_values(value: str) -> None:
    with pytest.raises(ValueError, match="on_behalf_of"):
        check_header_value("on_behalf_of", value)


def test_check_header_value_refuses_non_str() -> None:
    with pytest.raises(TypeError, match="key_id"):
        check_header_value("key_id", 123)  # type: ignore[arg-type]


# -- boundaries on both sides (the Hardening issue, items 8, 9 and 12) ---------------------------


def test_an_id_at_the_length_limit_is_quoted_and_one_past_it_refused() -> None:
    from plugipay._urls import MAX_ID_LENGTH

    assert quote_segment("x" * MAX_ID_LENGTH) == "x" * 255
    with pytest.raises(ValueError, match="customer_id must be at most 255 characters, got 256"):
        quote_segment("x" * 256, "customer_id")
    with pytest.raises(ValueError, match="at most 255 characters, got 70000"):
        quote_segment("x" * 70_000)


@pytest.mark.parametrize(
    "path",
    [
        "/./customers",
        "/api/v1/./customers",
        "/api/v1/../admin",
        "/api/v1/%2e%2e/admin",
        "/api/v1/%2E%2e/admin",
        "/api/v1/.%2e/admin",
        "/api/v1/%2e/customers",
    ],
)
def test_check_path_refuses_dot_segments_however_spelt(path: str) -> None:
    from plugipay._urls import check_path

    with pytest.raises(ValueError, match=r"must not have '\.' or '\.\.' segments"):
        check_path(path)


@pytest.mark.parametrize("path", ["//api/v1/customers", "/api//v1/customers", "/api/v1/customers/"])
def test_check_path_refuses_empty_segments(path: str) -> None:
    from plugipay._urls import check_path

    with pytest.raises(ValueError, match="must not have empty segments"):
        check_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers",
        "/api/v1/customers/cus_%2f..%2fx",
        "/api/v1/customers/cus_%2F",
        "/api/v1/customers/...",
        "/api/v1/customers/.hidden",
        "/api/v1/customers/a.b",
        "/api/v1/x/%2e%2e%2e",
    ],
)
def test_check_path_keeps_good_paths_as_written(path: str) -> None:
    from plugipay._urls import check_path

    assert check_path(path) == path
